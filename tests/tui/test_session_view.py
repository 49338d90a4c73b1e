"""What the live screen shows of the session: its code and title, the clock's step question."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import make_app, make_workshop, screen_text, type_line


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    make_workshop(tmp_path)
    return tmp_path


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_session_code_and_title_shown(data_dir: Path, size: tuple[int, int]) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        code = app.screen.plan.code_of(app.screen.session)
        assert f"{code} · Kennismaken met elkaars opdracht" in screen_text(app)


async def test_question_follows_the_clock_not_a_step_line(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f5")
        await type_line(pilot, "## 3")
        text = screen_text(app)
        assert "Stap 1/4" in text
        assert "Wie ben je, en bij welke bewoner" in text  # step 1's question, as the clock
        assert "Wie had wat kunnen doen" not in text
        assert "notities bij stap 3" in str(app.screen.query_one("#preview").render())
        await pilot.press("f7")  # the clock moves on: filing follows, the note goes
        assert "notities bij" not in str(app.screen.query_one("#preview").render())
        assert "Wat vraagt je organisatie" in screen_text(app)


async def test_error_and_name_warning_complete_at_80_columns(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await type_line(pilot, "xyz: wie is dit")
        text = " ".join(screen_text(app).split())
        assert "(schrijf \\: voor een dubbele punt)" in text, text  # in the interface language
        await pilot.press("f10", "ctrl+u", "enter")  # taken back, cleared, entered: gone on purpose
        assert screen.live.pending == []
        await type_line(pilot, "wt: Ik belde Fatima meteen over de sleutel van de bieb en de kast", enter=False)
        await pilot.pause()
        text = " ".join(screen_text(app).split())
        assert "⚠ naam van een deelnemer in de tekst: Fatima" in text
        preview = screen.query_one("#preview")
        assert preview.region.height >= 2
        await type_line(pilot, "", enter=False)
        await pilot.pause()
        assert preview.region.height == 1 and screen.query_one("#capture").region.bottom <= 24
