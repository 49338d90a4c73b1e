"""Under tmux (a real terminal): closing the terminal window (SIGHUP) or SIGTERM writes the
half-typed line and the pending lines to the rescue file, as "quit anyway" does, and exits
(issue 8, 3e: they were lost, no rescue file)."""

from __future__ import annotations

import os
import shutil
import signal
import uuid
from pathlib import Path

import pytest

from .helpers import make_workshop
from .test_tmux import pane, poll, statements, tmux
from .test_tmux import start as launch

pytestmark = [pytest.mark.tmux, pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed")]


def start(name: str, data_dir: Path) -> None:
    launch(name, data_dir, exec_=True)  # the app is the pane's process: the signal reaches it


def rescued(data_dir: Path) -> str:
    files = sorted(data_dir.glob("rescue-*.txt"))
    return files[0].read_text(encoding="utf-8") if files else ""


@pytest.mark.parametrize("how", ["close-window", "sigterm"])
def test_the_unsaved_lines_go_to_the_rescue_file_on_hangup_and_term(tmp_path: Path, how: str) -> None:
    make_workshop(tmp_path)
    name = f"facilitator-sig-{uuid.uuid4().hex[:8]}"
    try:
        start(name, tmp_path)
        pid = int(tmux("display-message", "-p", "-t", name, "#{pane_pid}").stdout.strip())
        tmux("send-keys", "-t", name, "-l", "wt1: opgeslagen")
        tmux("send-keys", "-t", name, "Enter")
        assert poll(lambda: statements(tmp_path) == ["opgeslagen"]), pane(name)
        for line in ("xyz: een fout", "jw: wacht erachter"):
            tmux("send-keys", "-t", name, "-l", line)
            tmux("send-keys", "-t", name, "Enter")
        tmux("send-keys", "-t", name, "-l", "wt: half getypt")
        assert poll(lambda: "half getypt" in pane(name) and "wachten" in pane(name)), pane(name)
        if how == "close-window":
            tmux("kill-session", "-t", name)  # the terminal goes: SIGHUP
        else:
            os.kill(pid, signal.SIGTERM)
        assert poll(lambda: "half getypt" in rescued(tmp_path), timeout=20), rescued(tmp_path)
        assert poll(lambda: not os.path.exists(f"/proc/{pid}") or _zombie(pid), timeout=20)
        text = rescued(tmp_path)
        assert text.splitlines()[1:] == ["## 1", "xyz: een fout", "jw: wacht erachter", "wt: half getypt"], text
        assert statements(tmp_path) == ["opgeslagen"]
    finally:
        tmux("kill-session", "-t", name)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except OSError:
        return True
