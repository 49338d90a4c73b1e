"""The record is readable while typing (issue 8, point 6): the seat key and the local name
beside the role (the note-taker's screen only), the newest rows wrapped, key statements and
quotes marked, notices never over the capture line or the newest rows (wide and 80x24)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import make_app, make_workshop, screen_text, settle, type_line

LONG = ("wt1: een lange uitspraak die niet in veertig kolommen past en die de notulist "
        "toch helemaal wil teruglezen voordat de volgende spreker begint")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    make_workshop(tmp_path)
    return tmp_path


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_the_newest_row_wraps_and_shows_seat_and_name(data_dir: Path, size: tuple[int, int]) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=size) as pilot:
        await type_line(pilot, LONG)
        await type_line(pilot, "wt1: “Een sleutelcitaat” !")
        await settle(pilot)
        text = screen_text(app)
        assert "begint" in text and "teruglezen" in text  # wrapped, not cut
        assert "wt1 Fatima" in text  # seat key and local name beside the role
        assert "★ “Een sleutelcitaat”" in text


async def test_an_older_row_takes_one_line(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 30)) as pilot:
        await type_line(pilot, LONG)
        for i in range(4):
            await type_line(pilot, f"jw: kort {i}")
        await settle(pilot)
        text = screen_text(app)
        assert "voordat de volgende spreker begint" not in text and "…" in text


@pytest.mark.parametrize("rows", [2, 30])
@pytest.mark.parametrize("size", [(80, 24), (100, 36), (120, 36), (160, 45)])
async def test_notices_stay_off_the_capture_line_and_the_newest_rows(data_dir: Path, size: tuple[int, int],
                                                                     rows: int) -> None:
    """A short record kept its newest rows at the top, under the notices of a narrow terminal
    (the full-disk notice hid the line it was about); the rows now sit at the bottom."""
    from textual.widgets._toast import Toast

    app = make_app(data_dir)
    async with app.run_test(size=size, notifications=True) as pilot:
        for i in range(rows):
            await type_line(pilot, f"wt1: regel {i}")
        await settle(pilot)
        screen = app.screen
        for i in range(2):  # as long as the full-disk notice
            screen.notify(f"melding {i}: NIET OPGESLAGEN: could not save the workshop (lombok-2026): File too "
                          "large (nothing was changed). De tekst blijft bewaard; opnieuw proberen elke 2 s "
                          "(Ctrl+S nu, F10 terug in de invoer).", severity="error", timeout=30)
        await pilot.pause(0.2)
        toasts = list(screen.query(Toast))
        assert toasts
        capture, preview, record = (screen.query_one(q) for q in ("#capture", "#preview", "#record"))
        newest = record.region
        lines = screen_text(app).splitlines()
        y = next(i for i, line in enumerate(lines) if f"regel {rows - 1} " in line + " ")  # the newest row
        newest = newest._replace(y=y - (1 if rows > 1 else 0), height=2)
        for toast in toasts:
            for region in (capture.region, preview.region, newest):
                assert not toast.region.overlaps(region), (toast.region, region)
