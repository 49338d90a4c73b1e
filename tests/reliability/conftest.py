"""Harness for the reliability tests: the real CLI in a subprocess, the real app in tmux.

Faults are real: RLIMIT_FSIZE set on the running app (prlimit), permission bits
enforced by dropping root's DAC capabilities (setpriv), SIGKILL, bytes changed on
disk. Waiting is a bounded poll of the terminal or the file system.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.polling import poll  # noqa: F401 - the fixtures' and tests' one way to wait

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "tests" / "tui" / "plan.toml"
SLUG = "lombok-2026"
EMPTY_LINE = "wt: “citaat” #werkwijze !"  # the placeholder of an empty capture line (from the plan, once open)
LAUNCH = Path(__file__).with_name("launch.py")
# Root ignores permission bits; without these capabilities it obeys them like anyone.
NO_DAC = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner"]


def cli(data_dir: Path, *args: str, timeout: float = 60, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "facilitator", "--data-dir", str(data_dir), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout, **kw)  # type: ignore[call-overload]


def no_traceback(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    proc = cli(d, "new", str(PLAN))
    assert proc.returncode == 0, proc.stderr
    return d


class Term:
    """One app in its own tmux server."""

    def __init__(self, data_dir: Path, *args: str, width: int = 100, height: int = 30,
                 prefix: list[str] | None = None):
        self.socket = f"facilitator-rel-{uuid.uuid4().hex[:8]}"
        self.pidfile = data_dir.parent / f"app-{self.socket}.pid"
        self.data_dir = data_dir
        self.width, self.height = width, height
        self.args = args
        self.prefix = prefix or []
        self.runs = 0

    def tmux(self, *args: str) -> str:
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TMUX")}
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True,
                              timeout=10, env=env, stdin=subprocess.DEVNULL).stdout

    def start(self) -> Term:
        """Start (or restart) the app; returns once its live screen shows."""
        self.runs += 1
        if self.pidfile.exists():
            self.pidfile.unlink()
        argv = [*self.prefix, sys.executable, str(LAUNCH), str(self.pidfile), "--data-dir", str(self.data_dir),
                *self.args]
        marker = f"__EXIT{self.runs}="
        command = " ".join(_quote(a) for a in argv) + f"; echo {marker}$?; sleep 600"
        if self.runs == 1:
            self.tmux("new-session", "-d", "-s", "app", "-x", str(self.width), "-y", str(self.height),
                      "-c", str(ROOT), command)
            self.resize(self.width, self.height)  # -x/-y alone are not kept without a client
        else:
            self.tmux("respawn-pane", "-k", "-t", "app", "-c", str(ROOT), command)
        poll(self.pidfile.exists, what="the app to start")
        return self

    @property
    def pid(self) -> int:
        return int(self.pidfile.read_text())

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "app")

    def wait_for(self, *texts: str, timeout: float = 15.0) -> str:
        """The screen, once one capture of it shows every one of `texts`."""
        found: list[str] = []

        def check() -> bool:
            found[:] = [self.screen()]
            return all(text in found[0] for text in texts)

        try:
            poll(check, timeout, what=repr(texts))
        except AssertionError:
            raise AssertionError(f"{texts!r} not on screen:\n{found[0] if found else ''}") from None
        return found[0]

    def wait_gone(self, text: str, timeout: float = 15.0) -> str:
        poll(lambda: text not in self.screen(), timeout, what=f"{text!r} to go")
        return self.screen()

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "app", "-l", text)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "app", *keys)

    def line(self, text: str) -> None:
        """Type a capture line and press Enter once the line shows what was typed."""
        self.type(text)
        self.wait_for(text[-20:])
        self.keys("Enter")
        self.wait_for(EMPTY_LINE)  # the line was taken: the capture line is empty again

    def resize(self, width: int, height: int) -> None:
        self.tmux("resize-window", "-t", "app", "-x", str(width), "-y", str(height))

    def exit_code(self, timeout: float = 15.0) -> int:
        marker = f"__EXIT{self.runs}="
        screen = self.wait_for(marker, timeout=timeout)
        import re

        return int(re.match(r"\d+", screen.split(marker, 1)[1]).group())  # type: ignore[union-attr]

    def close(self) -> None:
        self.tmux("kill-server")


def _quote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)


@pytest.fixture
def term_factory():
    terms: list[Term] = []

    def make(data_dir: Path, *args: str, **kw: object) -> Term:
        term = Term(data_dir, *args, **kw)  # type: ignore[arg-type]
        terms.append(term)
        return term

    yield make
    for term in terms:
        term.close()


def statements(data_dir: Path, session: int = 1) -> list[str]:
    """The statement texts of a session, read by a fresh process's store (read-only)."""
    from facilitator.store.workshop import WorkshopStore

    with WorkshopStore.open(data_dir, SLUG, readonly=True) as store:
        return [s.text for s in store.statements(session)]


if shutil.which("tmux") is None:  # pragma: no cover
    collect_ignore_glob = ["test_live_*.py"]
