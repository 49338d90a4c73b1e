"""The live screen records framework elements typed on the capture line, completes
them, and keeps them when a statement is edited."""

from __future__ import annotations

from pathlib import Path

from facilitator.domain.plan import parse_plan
from facilitator.store.workshop import WorkshopStore
from facilitator.tui.widgets.capture import complete
from tests.qda.helpers import FIXTURES
from tests.tui.helpers import make_app, screen_text, settle, type_line

SLUG = "overvecht-2026"


def test_completion_offers_element_references():
    plan = parse_plan((FIXTURES / "plan-frameworks.toml").read_text(encoding="utf-8"))
    themes = ["plek", *plan.element_refs()]
    assert complete("sm1: tekst #sch.ch", [], themes) == "sm1: tekst #sch.chemie"
    assert complete("sm1: tekst #delden.s", [], themes) == "sm1: tekst #delden.structureren"


async def test_elements_typed_live_are_saved(tmp_path: Path) -> None:
    text = (FIXTURES / "plan-frameworks.toml").read_text(encoding="utf-8")
    WorkshopStore.create(tmp_path, parse_plan(text), text).close()
    app = make_app(tmp_path, slug=SLUG, session=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await type_line(pilot, "sm1: “Het klikte meteen.” #sch.chemie #plek !", enter=False)
        assert "#sch.chemie" in str(app.screen.query_one("#preview").render())
        await pilot.press("enter")
        await type_line(pilot, "wt1: nog iets #sch.nee")  # an unknown element: an error, the line stays
        await settle(pilot)
        assert app.screen.query_one("#capture").value == "wt1: nog iets #sch.nee"
        assert "#sch.chemie" in screen_text(app)
    with WorkshopStore.open(tmp_path, SLUG, readonly=True) as store:
        [st] = store.statements(1)
    assert (st.text, st.themes, st.elements, st.key) == ("Het klikte meteen.", ["plek"], ["sch.chemie"], True)


async def test_home_screen_q_exports_the_qdpx(tmp_path: Path) -> None:
    import zipfile

    from facilitator.tui.commands import screen_actions

    text = (FIXTURES / "plan-frameworks.toml").read_text(encoding="utf-8")
    data = tmp_path / "data"
    WorkshopStore.create(data, parse_plan(text), text).close()
    out = tmp_path / "out"
    app = make_app(data, slug=None, session=None, export_dir=out)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert any("QDA" in d for d, *_ in screen_actions(app.screen))  # in the palette too
        await pilot.press("q")
        await settle(pilot)
        assert (out / f"{SLUG}.qdpx").exists(), [str(n.message) for n in app._notifications]
    with zipfile.ZipFile(out / f"{SLUG}.qdpx") as z:
        assert "project.qde" in z.namelist()
