"""Pasting several lines: each line a record, in order; at an error the rest waits, nothing is lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitator.store.workshop import WorkshopStore

from .helpers import SLUG, make_app, make_workshop, screen_text, settle


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    make_workshop(tmp_path)
    return tmp_path


def saved(data_dir: Path) -> list[tuple[str | None, str]]:
    with WorkshopStore.open(data_dir, SLUG, readonly=True) as store:
        return [(s.speaker, s.text) for s in store.statements(1)]


async def paste(pilot, text: str) -> None:
    from textual import events

    pilot.app._driver.send_message(events.Paste(text))
    await pilot.pause()
    await pilot.pause()


async def test_every_pasted_line_is_a_record(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await paste(pilot, "wt: een\njw: twee\n\ndrie\n")
        await settle(pilot)
        assert app.screen.query_one("#capture").value == ""
    assert saved(data_dir) == [("wt", "een"), ("jw", "twee"), ("jw", "drie")]


async def test_paste_stops_at_an_error_and_the_rest_waits(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await paste(pilot, "wt: een\nxyz: fout\njw: drie\nvier")
        await settle(pilot)
        capture = screen.query_one("#capture")
        assert capture.value == ""  # free for the next line; the rejected one waits, with the rest behind it
        assert [p.line for p in screen.live.pending] == ["xyz: fout", "jw: drie", "vier"]
        assert "+3 wachten" in str(screen.query_one("#preview").render())
        assert saved(data_dir) == [("wt", "een")]
        await pilot.press("f10")
        assert capture.value == "xyz: fout"
        capture.value = "bib: fout"
        await pilot.press("enter")
        await settle(pilot)
        assert capture.value == "" and screen.live.pending == []
        assert "wachten" not in screen_text(app)
    assert saved(data_dir) == [("wt", "een"), ("bib", "fout"), ("jw", "drie"), ("jw", "vier")]


async def test_pasted_lines_waiting_go_to_the_rescue_file_on_quit(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await paste(pilot, "xyz: fout\njw: twee")
        await settle(pilot)
        assert [p.line for p in app.screen.live.pending] == ["xyz: fout", "jw: twee"]
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmQuit"
        assert "2 regel(s)" in screen_text(app)
        await pilot.press("f2")
        await pilot.pause()
    rescue = list(data_dir.glob("rescue-*.txt"))
    assert rescue
    lines = rescue[0].read_text(encoding="utf-8").splitlines()
    assert lines[1:] == ["## 1", "xyz: fout", "jw: twee"]
