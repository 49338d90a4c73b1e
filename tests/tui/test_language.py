"""No strings of the other language (or Textual's English) on the screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import SLUG, make_app, make_workshop, screen_text


async def test_english_key_bar_palette(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    app = make_app(tmp_path, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        bar = screen_text(app).splitlines()[-1]
        assert "Commands" in bar and "Opdrachten" not in bar


async def test_dutch_palette_placeholder(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        text = screen_text(app)
        assert "Zoek een opdracht" in text and "Search for commands" not in text


def test_lock_dialog_framing_is_dutch() -> None:
    from facilitator.tui.screens.dialogs import TEXT

    text = TEXT["nl"]["locked"]
    assert "{message}" in text and text.index("{message}") > text.index("Engels")
    assert text.rstrip().endswith("opgeslagen.")


async def test_dropdown_hint_in_dutch(tmp_path: Path) -> None:
    from textual.screen import Screen
    from textual.widgets import Footer, Select

    class WithSelect(Screen):
        def compose(self):
            yield Select([("een", 1), ("twee", 2)])
            yield Footer()

    app = make_app(tmp_path, slug=None, session=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(WithSelect())
        await pilot.pause()
        app.screen.query_one(Select).focus()
        await pilot.press("enter")  # open the dropdown: its overlay has focus
        await pilot.pause()
        await pilot.pause()
        text = screen_text(app)
        assert "Menu sluiten" in text and "Dismiss menu" not in text


async def test_placeholder_and_help_use_the_plans_keys(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 64)) as pilot:  # the whole grouped key list in view
        await pilot.pause()
        placeholder = app.screen.query_one("#capture").placeholder
        assert placeholder.startswith("wt: “citaat” #") and "@jw" in placeholder and "aanwezig: wt1 wt wt" in placeholder
        assert "sm:" not in placeholder
        await pilot.press("f1")
        await pilot.pause()
        text = screen_text(app)
        assert "`wt: “citaat” #" in " ".join(text.split()) and "sm:" not in text and "@lg" not in text
        assert "^r" in text and "Rapport" in text and "^q" in text and "Stoppen" in text


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_every_key_shows_its_catalog_label_not_its_id(tmp_path: Path, lang: str) -> None:
    """Bindings are declared with an id only (`bind`); `localise` gives each its label from
    the catalog. A component that forgot to localise would show ids like `live.clock`."""
    from facilitator.tui.commands import screen_actions

    make_workshop(tmp_path)
    for slug, keys in ((SLUG, ()), (None, ()), (SLUG, ("ctrl+r",))):
        app = make_app(tmp_path, slug=slug, lang=lang)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            for key in keys:
                await pilot.press(key)
                await pilot.pause()
            nodes = [app, app.screen, *app.screen.query("*")]
            ids = {b.id for node in nodes for _k, b in node._bindings if b.id}
            shown = {d for d, *_ in screen_actions(app.screen)}
            bar = {d for kb in app.screen.query("KeyBar") for _k, _disp, d, _e in kb.keys()}
            assert len(shown) > 3, (slug, keys, type(app.screen).__name__)
            assert not (shown | bar) & ids, (slug, keys, sorted((shown | bar) & ids))
