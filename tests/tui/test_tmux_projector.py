"""A real terminal: the projector view in one tmux session follows F7 pressed in the
facilitator's process in another, within a second, and never shows what is typed there."""

from __future__ import annotations

import re
import shutil
import time
import uuid
from pathlib import Path

import pytest

from .helpers import SLUG, make_workshop
from .test_tmux import pane, poll, spawn, start, tmux

pytestmark = [pytest.mark.tmux, pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed")]


def start_projector(name: str, data_dir: Path) -> None:
    spawn(name, data_dir, f"show {SLUG} --session 1", (100, 30))


def test_projector_follows_f7_within_a_second_and_shows_no_statement(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    seat = f"facilitator-seat-{uuid.uuid4().hex[:8]}"
    room = f"facilitator-room-{uuid.uuid4().hex[:8]}"
    said = "Geheime uitspraak van Fatima"
    try:
        start(seat, tmp_path)
        start_projector(room, tmp_path)
        assert poll(lambda: "Stap 1/4  Opening en rondje" in pane(room)), pane(room)
        assert poll(lambda: "nog niet begonnen" in pane(room)), pane(room)
        tmux("send-keys", "-t", seat, "F5")  # the clock starts: the countdown runs
        assert poll(lambda: re.search(r"Meekijken", pane(room)) is not None and "nog niet begonnen" not in pane(room),
                    timeout=10), pane(room)
        tmux("send-keys", "-t", seat, "-l", f"wt1: “{said}” #taal")
        tmux("send-keys", "-t", seat, "Enter")
        latencies = []
        for step in (2, 3, 2):
            key = "F7" if step > int(re.search(r"Stap (\d)/4", pane(room)).group(1)) else "F6"  # type: ignore[union-attr]
            before = time.monotonic()
            tmux("send-keys", "-t", seat, key)
            assert poll(lambda: f"Stap {step}/4" in pane(room), timeout=5, interval=0.02), pane(room)
            latencies.append(time.monotonic() - before)
        assert max(latencies) < 1.0, latencies
        shown = pane(room)
        assert said not in shown and "Fatima" not in shown and "wt1" not in shown
        assert said in pane(seat), pane(seat)  # it was typed and shown there
    finally:
        tmux("send-keys", "-t", room, "C-q")
        tmux("send-keys", "-t", seat, "C-q")
        time.sleep(0.2)
        tmux("kill-session", "-t", room)
        tmux("kill-session", "-t", seat)
