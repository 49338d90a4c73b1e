"""Keys that arrive in a burst: each Enter records exactly the line as it was at that Enter."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitator.store.workshop import WorkshopStore

from .helpers import SLUG, make_app, make_workshop, settle


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    make_workshop(tmp_path)
    return tmp_path


def saved(data_dir: Path) -> list[str]:
    with WorkshopStore.open(data_dir, SLUG, readonly=True) as store:
        return [s.text for s in store.statements(1)]


def keys_of(text: str) -> list[str]:
    return [{" ": "space", ".": "full_stop", ":": "colon", "#": "number_sign"}.get(c, c) for c in text]


async def burst(pilot, keys: list[str]) -> None:
    """Send every key to the driver at once, as a terminal does with a fast burst (no idle between)."""
    from textual import events

    for key in keys:
        char = {"space": " ", "full_stop": ".", "colon": ":", "number_sign": "#"}.get(key, key if len(key) == 1 else None)
        event = events.Key(key, char)
        event.set_sender(pilot.app)
        pilot.app._driver.send_message(event)
    await pilot.pause()
    await pilot.pause()


async def test_enter_in_a_press_burst_records_each_line(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*keys_of("wt: Burst een."), "enter", *keys_of("Burst twee."), "enter", *keys_of("Drie"))
        await settle(pilot)
        assert app.screen.query_one("#capture").value == "Drie"
    assert saved(data_dir) == ["Burst een.", "Burst twee."]


async def test_enter_in_a_driver_burst_records_each_line(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await burst(pilot, keys_of("wt: Burst drie.") + ["enter"] + keys_of("Burst vier.") + ["enter"]
                    + keys_of("jw: x #signaleren") + ["enter"] + keys_of("Ze"))
        await settle(pilot)
        assert app.screen.query_one("#capture").value == "Ze"
        assert "signalerenze" not in app.screen.theme_keys
    assert saved(data_dir) == ["Burst drie.", "Burst vier.", "x"]


async def test_fixing_an_error_line_then_typing_on(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await burst(pilot, keys_of("xyz: fout") + ["enter"])
        capture = app.screen.query_one("#capture")
        assert capture.value == "" and app.screen.query_one("#preview").has_class("-error")
        await burst(pilot, ["f10", "home", "delete", "delete", "delete", "delete", "delete", "enter"]
                    + keys_of("wt: verder"))
        await settle(pilot)
        assert capture.value == "wt: verder"
    assert saved(data_dir) == ["fout"]


async def test_a_line_typed_at_speed_after_a_rejected_one_is_never_glued_to_it(data_dir: Path) -> None:
    """Issue 8: `wv1: seat typo` Enter, then the next statement typed at once was appended to
    the line with the error (`wv1: seat typowv: de volgende uitspraak`). Now each Enter is its
    own line: the next one waits behind the rejected one and is recorded after it, in order."""
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await burst(pilot, keys_of("wv1: seat typo") + ["enter"] + keys_of("wt: de volgende uitspraak") + ["enter"]
                    + keys_of("jw: en nog een") + ["enter"])
        screen = app.screen
        capture = screen.query_one("#capture")
        assert capture.value == ""
        assert [p.line for p in screen.live.pending] == ["wv1: seat typo", "wt: de volgende uitspraak",
                                                         "jw: en nog een"]
        assert "+3 wachten" in str(screen.query_one("#preview").render())
        await settle(pilot)
        assert saved(data_dir) == []  # in order: nothing jumps the queue
        await burst(pilot, ["f10", "home"]
                    + ["delete"] * 3 + keys_of("wt1") + ["enter"])
        await settle(pilot)
        assert screen.live.pending == [] and capture.value == ""
    assert saved(data_dir) == ["seat typo", "de volgende uitspraak", "en nog een"]
