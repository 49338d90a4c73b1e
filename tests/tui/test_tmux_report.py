"""A real terminal: text typed in bursts on the report screen's lists, and right after the
picker closes, all lands in the finding (issue 11: no key is ever a command there)."""

from __future__ import annotations

import uuid
from pathlib import Path

from facilitator.store.workshop import WorkshopStore

from .helpers import SLUG, make_workshop
from .test_tmux import pane, poll, pytestmark, start, tmux  # noqa: F401 - pytestmark: tmux tests

assert pytestmark


def findings_text(data_dir: Path) -> str:
    try:
        with WorkshopStore.open(data_dir, SLUG, readonly=True) as store:
            return "|".join(f.text for f in store.findings())
    except Exception:  # noqa: BLE001 - mid-write; poll again
        return ""


def test_bursts_on_the_report_screen_are_text(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    name = f"facilitator-report-{uuid.uuid4().hex[:8]}"
    first = "Gaandeweg bleek dat niemand alles wist: a, n, x, k, u, t, q."
    second = " Daarna: nog meer, met a en n."
    try:
        start(name, tmp_path)
        tmux("send-keys", "-t", name, "-l", "wt: “Een citaat voor het rapport”")
        tmux("send-keys", "-t", name, "Enter")
        tmux("send-keys", "-t", name, "C-r")
        assert poll(lambda: "Bevindingen" in pane(name)), pane(name)
        tmux("send-keys", "-t", name, "-l", first)  # on the findings list: a new finding's text
        # Esc and the next key in one burst would reach the app as Alt+key (a terminal's Esc
        # prefix), so each Esc waits until the screen shows it arrived, as a person's would.
        tmux("send-keys", "-t", name, "Escape")
        assert poll(lambda: "Tussenkop" in pane(name)), pane(name)  # the blocks list's keys
        tmux("send-keys", "-t", name, "C-k")
        assert poll(lambda: "Zoek in de tekst" in pane(name)), pane(name)
        tmux("send-keys", "-t", name, "Escape")  # search → list
        assert poll(lambda: "typen: zoeken" in pane(name)), pane(name)
        tmux("send-keys", "-t", name, "Escape")  # closed, nothing attached
        assert poll(lambda: "Zoek in de tekst" not in pane(name) and "Tussenkop" in pane(name)), pane(name)
        tmux("send-keys", "-t", name, "-l", second)  # right after the picker closed
        tmux("send-keys", "-t", name, "C-s")
        assert poll(lambda: findings_text(tmp_path) == first + second), (findings_text(tmp_path), pane(name))
        tmux("send-keys", "-t", name, "C-q")
        assert poll(lambda: tmux("has-session", "-t", name).returncode != 0), pane(name)
    finally:
        tmux("kill-session", "-t", name)
