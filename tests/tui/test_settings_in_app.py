"""The app reads its settings typed (issue 10 point 5): no screen guesses with getattr."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from facilitator.tui.app import FacilitatorApp

TUI = Path(__file__).resolve().parents[2] / "facilitator" / "tui"


def test_no_screen_or_widget_reads_the_app_with_getattr_defaults() -> None:
    offenders = [f"{p.name}:{i}" for p in TUI.rglob("*.py") if p.name != "context.py"
                 for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if re.search(r"getattr\((self\.)?app\b", line) or re.search(r"self\.app\.\w+.*ignore\[attr-defined\]", line)]
    assert offenders == []


def test_the_settings_reach_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACILITATOR_READONLY_REFRESH", "5")
    monkeypatch.setenv("FACILITATOR_EXPORT_DIR", str(tmp_path / "out"))
    monkeypatch.setenv("FACILITATOR_BELL", "false")
    app = FacilitatorApp(tmp_path / "data")
    assert app.readonly_poll == 5.0 and app.export_dir == tmp_path / "out" and app.settings.bell is False
    app.readonly_poll = 3600.0  # a test may still drive it by hand
    assert app.readonly_poll == 3600.0
    assert FacilitatorApp(tmp_path, export_dir=tmp_path / "x").export_dir == tmp_path / "x"  # an option wins


def test_a_bad_setting_is_said_and_the_defaults_stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACILITATOR_READONLY_REFRESH", "0")
    app = FacilitatorApp(tmp_path / "data")
    said: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **kw: said.append(message))
    assert app.readonly_poll == 2.0
    assert said and "$FACILITATOR_READONLY_REFRESH" in said[0]
