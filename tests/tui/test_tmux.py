"""A real terminal: run the app under tmux, type a quote, quit, start again, the quote is there."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Callable

import pytest

from facilitator.store.workshop import WorkshopStore

from .helpers import SLUG, make_workshop

pytestmark = [pytest.mark.tmux, pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed")]
REPO = Path(__file__).resolve().parents[2]


def tmux(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["tmux", *args], capture_output=True, text=True)


def poll(what: Callable[[], bool], timeout: float = 30.0, interval: float = 0.1) -> bool:
    """True as soon as `what()` is; False after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if what():
            return True
        time.sleep(interval)
    return what()


def pane(name: str) -> str:
    return tmux("capture-pane", "-p", "-t", name).stdout


def spawn(name: str, data_dir: Path, command: str, size: tuple[int, int] = (120, 40), *, exec_: bool = False) -> None:
    """`facilitator --data-dir DATA_DIR COMMAND` in a new tmux session of `size`; `exec_`: the
    app is the pane's process itself (a signal sent to the pane's pid reaches it, not a shell)."""
    env = f"PYTHONPATH={shlex.quote(str(REPO))} TERM=xterm-256color"
    run = f"exec env {env}" if exec_ else env
    cmd = f"cd {shlex.quote(str(REPO))} && {run} {shlex.quote(sys.executable)} -m facilitator " \
          f"--data-dir {shlex.quote(str(data_dir))} {command}"
    result = tmux("new-session", "-d", "-s", name, "-x", str(size[0]), "-y", str(size[1]), cmd)
    assert result.returncode == 0, result.stderr


def start(name: str, data_dir: Path, *, exec_: bool = False) -> None:
    spawn(name, data_dir, f"run {SLUG} --session 1", exec_=exec_)
    assert poll(lambda: "Stap 1/4" in pane(name)), pane(name)


def statements(data_dir: Path) -> list[str]:
    try:
        with WorkshopStore.open(data_dir, SLUG, readonly=True) as store:
            return [s.text for s in store.statements(1)]
    except Exception:  # noqa: BLE001 - mid-write; poll again
        return []


def test_type_quit_restart_quote_is_there(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    name = f"facilitator-test-{uuid.uuid4().hex[:8]}"
    try:
        start(name, tmp_path)
        tmux("send-keys", "-t", name, "-l", "wt: “Een citaat via tmux” #taal")
        assert poll(lambda: "Een citaat via tmux" in pane(name))
        tmux("send-keys", "-t", name, "Enter")
        assert poll(lambda: statements(tmp_path) == ["Een citaat via tmux"]), pane(name)
        tmux("send-keys", "-t", name, "C-q")
        assert poll(lambda: tmux("has-session", "-t", name).returncode != 0), pane(name)
        start(name, tmp_path)
        assert poll(lambda: "“Een citaat via tmux”" in pane(name)), pane(name)
        tmux("send-keys", "-t", name, "C-q")
        assert poll(lambda: tmux("has-session", "-t", name).returncode != 0), pane(name)
    finally:
        tmux("kill-session", "-t", name)


def test_burst_of_keys_records_each_line(tmp_path: Path) -> None:
    """send-keys bursts: each Enter records the line as it was then; keys after it stay for the next."""
    make_workshop(tmp_path)
    name = f"facilitator-test-{uuid.uuid4().hex[:8]}"
    try:
        start(name, tmp_path)
        for chunk in ("wt: Burst drie.", "Burst vier.", "jw: x #signaleren"):
            tmux("send-keys", "-t", name, "-l", chunk)
            tmux("send-keys", "-t", name, "Enter")
        tmux("send-keys", "-t", name, "-l", "xyz: fout")
        tmux("send-keys", "-t", name, "Enter")
        tmux("send-keys", "-t", name, "F10", "Home", "Delete", "Delete", "Delete", "Delete", "Delete", "Enter")
        tmux("send-keys", "-t", name, "-l", "Ze")
        assert poll(lambda: statements(tmp_path) == ["Burst drie.", "Burst vier.", "x", "fout"]), \
            (statements(tmp_path), pane(name))
        assert poll(lambda: "│Ze" in pane(name).replace("▊", "") or "▊Ze" in pane(name) or " Ze " in pane(name))
        tmux("send-keys", "-t", name, "C-u", "C-q")
        assert poll(lambda: tmux("has-session", "-t", name).returncode != 0), pane(name)
        with WorkshopStore.open(tmp_path, SLUG, readonly=True) as store:
            assert "signalerenze" not in [t.key for t in store.themes()]
    finally:
        tmux("kill-session", "-t", name)
