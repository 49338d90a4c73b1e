"""The researcher's report screen, driven by keys through Textual's Pilot."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import DataTable, Select, TextArea

from facilitator.domain.plan import parse_plan
from facilitator.domain.records import Finding, Statement
from facilitator.store.workshop import StoreWriteError, WorkshopStore
from facilitator.tui.screens.report import ReportScreen
from facilitator.tui.widgets.report_common import quoted_line
from facilitator.tui.widgets.report_findings import FindingEditor, FindingsPane
from facilitator.tui.widgets.report_overview import PAD, bar, fit_theme_columns, session_rows
from facilitator.tui.widgets.report_picker import PickStatements, StatementFilter, filter_statements
from facilitator.tui.widgets.report_texts import TextsPane, join_paragraph_lines, next_steps_list

from .helpers import screen_text

PLAN = Path(__file__).resolve().parents[1] / "fixtures" / "plan-example.toml"

STATEMENTS = [
    Statement(session=1, speaker="wt1", kind="quote", key=True, themes=["werkwijze"],
              text="Ik wist niet dat de bibliotheek ook huiswerkbegeleiding doet"),
    Statement(session=1, speaker="jw", kind="note", themes=["werkwijze"],
              text="Jongerenwerk ziet de gezinnen vooral 's avonds"),
    Statement(session=2, speaker="bib1", kind="quote", key=True, themes=["doorverwijzen", "taal"],
              text="Doorverwijzen is bij ons gewoon een folder meegeven"),
    Statement(session=2, speaker="wt", kind="quote", themes=["doorverwijzen"],
              text="Voor ons betekent doorverwijzen een warme overdracht"),
    Statement(session=3, speaker=None, kind="note", themes=["plek"],
              text="Een vaste plek in de leeszaal voor het inloopspreekuur"),
    Statement(session=1, speaker="lg", kind="quote", themes=["regels"],
              text="Regels houden ons soms tegen"),
]


def make_store(tmp_path: Path) -> WorkshopStore:
    text = PLAN.read_text(encoding="utf-8")
    store = WorkshopStore.create(tmp_path / "data", parse_plan(text, default_slug="lombok-2026"), text)
    for st in STATEMENTS:
        store.add_statement(st)
    return store


class Host(App):
    """A tiny app that shows only the report screen."""

    def __init__(self, store: WorkshopStore, lang: str = "nl", export_dir: Path | None = None) -> None:
        super().__init__()
        self.store = store
        self.lang = lang
        self.export_dir = export_dir if export_dir is not None else Path("exports")

    def on_mount(self) -> None:
        self.push_screen(ReportScreen(self.store))


@pytest.fixture
def store(tmp_path: Path):
    s = make_store(tmp_path)
    yield s
    s.close()


def ids_by_text(store: WorkshopStore) -> dict[str, int]:
    return {st.text: st.id for st in store.statements()}  # type: ignore[misc]


# -- pure helpers ---------------------------------------------------------------------


def test_filter_statements_by_each_part(store: WorkshopStore) -> None:
    sts, plan = store.statements(), store.plan

    def texts(**kw: object) -> list[str]:
        return [s.text for s in filter_statements(sts, plan, StatementFilter(**kw))]  # type: ignore[arg-type]

    assert len(texts()) == 6
    assert texts(theme="doorverwijzen") == [STATEMENTS[2].text, STATEMENTS[3].text]
    assert texts(role="wt") == [STATEMENTS[0].text, STATEMENTS[3].text]  # wt1 speaks as wt
    assert texts(role="-") == [STATEMENTS[4].text]  # unknown speaker
    assert texts(session=2, key_only=True) == [STATEMENTS[2].text]
    assert texts(quotes_only=True, session=1) == [STATEMENTS[0].text, STATEMENTS[5].text]
    assert texts(text="DOORVERWIJZEN warme") == [STATEMENTS[3].text]  # every word, any case
    assert texts(theme="taal", text="kast") == []


def test_bar_scales_to_width() -> None:
    assert bar(0, 10, 20) == ""
    assert bar(10, 10, 20) == "█" * 20
    assert bar(5, 10, 20) == "█" * 10
    assert bar(1, 160, 20) == "▏"  # anything above zero shows
    assert bar(3, 16, 2) == "▍"


def test_session_rows_count_statements_quotes_and_key(store: WorkshopStore) -> None:
    rows = session_rows(store.snapshot())
    assert rows == {1: (3, 2, 1), 2: (2, 2, 1), 3: (1, 0, 0), 4: (0, 0, 0)}


async def test_overview_draws_theme_by_role_with_bars(store: WorkshopStore) -> None:
    app = Host(store)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("f4")
        table = app.screen.query_one("#overview-themes", DataTable)
        row = table.get_row("theme-doorverwijzen")
        assert row[:3] == ["Doorverwijzen en warme overdracht", 2, "█" * 20]  # the largest fills the bar
        assert row[3:] == [1, "", 1, "", ""]  # wt, jw, bib, lg, unknown
        assert table.get_row("theme-taal")[2] == "█" * 10
        await pilot.press("s")  # session 1 only
        assert "OWP1-3mrt2026" in str(app.screen.query_one("#overview-scope").render())
        assert table.row_count == 2  # werkwijze, regels


def test_quoted_line_keeps_both_marks() -> None:
    assert quoted_line("Soms is een kop  koffie\ngenoeg.", 40) == "“Soms is een kop koffie genoeg.”"
    assert quoted_line("abcdef", 8) == "“abcdef”"  # exactly fits
    assert quoted_line("abcdefg", 8) == "“abcde…”"  # one too long: cut, both marks stay
    assert len(quoted_line("x" * 500, 36)) == 36


async def test_attached_quote_shows_both_marks(store: WorkshopStore) -> None:
    short = store.add_statement(Statement(session=2, speaker="wt", kind="quote", text="Soms is een kop koffie genoeg."))
    long = store.add_statement(Statement(session=2, speaker="wt", kind="quote", text="lang " * 40))
    store.save_finding(Finding(text="Koffie", position=0, statements=[short.id, long.id]))
    app = Host(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#blocks-table", DataTable)
        width = table.columns["text"].width
        assert table.get_row_at(0)[0] == "Tekst"  # an old finding reads as a paragraph, then its quotes
        assert table.get_row_at(1)[2:] == ["wijkteammedewerker", "“Soms is een kop koffie genoeg.”"]
        cut = table.get_row_at(2)[3]
        assert cut.startswith("“lang lang") and cut.endswith("…”") and len(cut) <= width


def test_join_paragraph_lines() -> None:
    text = "\nEen eerste\nalinea  over\ntwee regels.\n\n\nTweede\nalinea.\n- punt een\n  loopt door\n- punt twee\n"
    assert join_paragraph_lines(text) == (
        "Een eerste alinea  over twee regels.\n\nTweede alinea.\n- punt een loopt door\n- punt twee")
    assert join_paragraph_lines("# Kop\nTekst\nmeer") == "# Kop\nTekst meer"
    assert join_paragraph_lines("hard  \nbreak") == "hard  \nbreak"  # Markdown's two-space line break stays


def test_fit_theme_columns() -> None:
    short, full = [2, 2, 3, 2, 1], [19, 15, 22, 15, 9]  # wt jw bib lg ?, and their plural labels
    wide = fit_theme_columns(158, 33, 6, short, full)
    assert wide.full == (True,) * 5 and wide.bar == 20 and wide.theme == 33
    narrow = fit_theme_columns(78, 33, 6, short, full)
    assert narrow.full == (False,) * 5 and narrow.theme == 33
    assert 33 + 6 + narrow.bar + sum(short) + PAD * 8 <= 78 and narrow.bar >= 8
    some = fit_theme_columns(120, 33, 6, short, full)  # the full labels that fit, in order
    assert some.full == (True, True, False, True, False)
    assert 33 + 6 + some.bar + 19 + 15 + 3 + 15 + 1 + PAD * 8 <= 120
    tight = fit_theme_columns(50, 33, 6, short, full)  # even the keys hardly fit: the theme label is cut
    assert tight.theme == 12 and tight.full == (False,) * 5


async def test_overview_fits_without_scrolling(store: WorkshopStore) -> None:
    for size, heads in [((80, 24), ["wt", "jw", "bib", "lg", "?"]),
                        ((160, 45), ["wijkteammedewerkers", "jongerenwerkers", "bibliotheekmedewerkers",
                                     "leidinggevenden", "deelnemer"])]:
        app = Host(store)
        async with app.run_test(size=size) as pilot:
            await pilot.press("f4")
            await pilot.pause()
            table = app.screen.query_one("#overview-themes", DataTable)
            assert [str(c.label) for c in list(table.columns.values())[3:]] == heads
            assert sum(c.get_render_width(table) for c in table.columns.values()) <= table.scrollable_content_region.width
            assert table.max_scroll_x == 0
            legend = app.screen.query_one("#overview-legend")
            if size[0] == 80:
                assert legend.display and "wt\u00a0=\u00a0wijkteammedewerkers" in str(legend.render())
            else:
                assert not legend.display


def test_next_steps_one_per_line() -> None:
    assert next_steps_list("  Een vaste plek\n\n- tweede \n") == ["Een vaste plek", "- tweede"]


def notices(app: App) -> list[str]:
    return [n.message for n in app._notifications]


class FakeClock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


async def test_escape_goes_up_one_level_and_leaves_on_a_double_escape(store: WorkshopStore) -> None:
    ids = list(ids_by_text(store).values())
    store.save_finding(Finding(text="Eerste", position=0, statements=ids[:2]))
    app = Host(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        clock = screen.clock = FakeClock()
        await pilot.press("enter")  # the list: Enter goes to the finding's blocks
        assert app.focused is screen.query_one("#blocks-table")
        await pilot.press("enter", "end", "!", "escape")  # the editor: Esc is "done", up to the blocks
        assert app.focused is screen.query_one("#blocks-table")
        assert store.findings()[0].text == "Eerste!"
        await pilot.press("escape")  # the blocks: up to the list
        assert app.focused is screen.query_one("#findings-table")
        await pilot.press("f3", "escape")  # a text field: up to the tab bar
        assert app.screen is screen and app.focused is screen.query_one("ContentTabs")
        await pilot.press("f2")

        await pilot.press("escape")  # the top level: a first Esc only arms
        assert app.screen is screen
        hint = screen.query_one("#report-leave")
        assert hint.has_class("-armed") and "Nog een keer Esc" in str(hint.render())
        clock.t += 1.5  # too late for a double Esc: it arms again
        await pilot.press("escape")
        assert app.screen is screen
        clock.t += 0.5
        await pilot.press("escape")
        assert not isinstance(app.screen, ReportScreen)


async def test_the_leave_hint_is_always_in_sight(store: WorkshopStore) -> None:
    app = Host(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "2× Esc: terug naar overzicht" in screen_text(app).splitlines()[0]


# -- the screen --------------------------------------------------------------------------


async def test_compose_a_finding_from_picked_statements(store: WorkshopStore) -> None:
    app = Host(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+n")  # a new finding; the cursor goes to its first paragraph
        assert isinstance(app.focused, FindingEditor)
        app.focused.insert("Doorverwijzen betekent niet ")
        await pilot.press(*"overal", "escape")  # leaving the editor saves the text
        [finding] = store.findings()
        assert finding.text == "Doorverwijzen betekent niet overal"

        await pilot.press("ctrl+k")  # quotes after the paragraph
        picker = app.screen
        assert isinstance(picker, PickStatements)
        assert app.focused is picker.query_one("#pick-search")  # the picker opens on its search box
        picker.query_one("#pick-theme", Select).value = "doorverwijzen"
        await pilot.pause()
        assert len(picker.shown) == 2
        await pilot.press(*"ons", "enter")  # search; enter goes to the list
        await pilot.pause()
        assert [s.text for s in picker.shown] == [STATEMENTS[2].text, STATEMENTS[3].text]
        await pilot.press("space", "space", "enter")  # pick both, attach
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)

    ids = ids_by_text(store)
    [finding] = store.findings()
    assert finding.statements == [ids[STATEMENTS[2].text], ids[STATEMENTS[3].text]]
    assert [b.kind for b in finding.blocks] == ["paragraph", "quote", "quote"]


async def test_reorder_detach_delete_and_restore(store: WorkshopStore) -> None:
    ids = list(ids_by_text(store).values())
    for pos, text in enumerate(["Eerste", "Tweede", "Derde"]):
        store.save_finding(Finding(text=text, position=pos, statements=ids[:3] if pos == 0 else []))
    app = Host(store, lang="en")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("alt+down")  # Eerste moves below Tweede
        assert [f.text for f in store.findings()] == ["Tweede", "Eerste", "Derde"]
        table = app.screen.query_one("#findings-table", DataTable)
        assert table.cursor_row == 1  # the cursor stays on the moved finding
        await pilot.press("alt+down", "alt+up", "alt+up")
        assert [f.text for f in store.findings()] == ["Eerste", "Tweede", "Derde"]

        # the blocks: move the last quote up, delete the first quote, undo the delete
        await pilot.press("enter")
        await pilot.press("down", "down", "down", "alt+up")
        assert store.findings()[0].statements == [ids[0], ids[2], ids[1]]
        await pilot.press("up", "delete")
        assert store.findings()[0].statements == [ids[2], ids[1]]
        await pilot.press("ctrl+z")
        assert store.findings()[0].statements == [ids[0], ids[2], ids[1]]

        app.screen.query_one("#findings-table").focus()
        await pilot.press("down", "delete")
        assert [f.text for f in store.findings()] == ["Eerste", "Derde"]
        await pilot.press("ctrl+z")  # restore at its place, under its own id
        assert [f.text for f in store.findings()] == ["Eerste", "Tweede", "Derde"]
        assert [f.position for f in store.findings()] == [0, 1, 2]


async def test_edit_the_conclusion_and_next_steps(store: WorkshopStore) -> None:
    app = Host(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        screen = app.screen
        assert isinstance(app.focused, TextArea) and app.focused.id == "text-introduction"
        # the introduction starts from the plan's, each paragraph on one line (the editor wraps it)
        intro = app.focused.text
        assert intro.startswith("Wijkteammedewerkers, jongerenwerkers")
        assert "\n" not in intro and "in Lombok ontmoeten elkaar" in intro
        screen.query_one("#text-conclusion").focus()
        await pilot.press(*"Samen", "space", *"leren")
        screen.query_one("#text-next_steps").focus()  # leaving the conclusion saves it
        await pilot.pause()
        assert store.report_text().conclusion == "Samen leren"
        assert store.report_text().introduction is None  # untouched: still the plan's
        await pilot.press(*"Plek", "enter", "enter", *"Casus", "ctrl+s")
        assert store.report_text().next_steps == ["Plek", "Casus"]
        # an edited introduction is saved as the user leaves it, line breaks and all
        area = screen.query_one("#text-introduction", TextArea)
        area.focus()
        await pilot.press("ctrl+home", *"Kort", "enter")
        await pilot.press("ctrl+s")
        assert store.report_text().introduction == "Kort\n" + intro


async def test_a_failed_save_keeps_the_text_and_says_so(store: WorkshopStore, monkeypatch) -> None:
    store.save_finding(Finding(text="Oud", position=0))
    app = Host(store)

    def broken(*args: object, **kwargs: object) -> None:
        raise StoreWriteError("disk full: [Errno 28] No space left on device")

    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        monkeypatch.setattr(store, "save_finding", broken)
        monkeypatch.setattr(store, "save_report_text", broken)
        await pilot.press("enter", "enter", "end", "space", *"en", "space", *"nieuw", "escape")
        editor = screen.query_one(FindingEditor)
        assert editor.text == "Oud en nieuw"  # still in the editor
        assert store.findings()[0].text == "Oud"
        banner = screen.query_one("#report-error")
        assert banner.has_class("-shown") and "No space left" in str(banner.render())
        assert editor.has_class("-unsaved")
        assert "NIET OPGESLAGEN" in str(editor.border_title)
        # moving to another tab and back does not replace the unsaved text
        await pilot.press("ctrl+n")  # a new finding cannot be made before the text is saved
        assert len(store.findings()) == 1 and editor.text == "Oud en nieuw"

        # the written texts too
        await pilot.press("f3")
        screen.query_one("#text-conclusion").focus()
        await pilot.press(*"Slot", "ctrl+s")
        assert screen.query_one("#text-conclusion", TextArea).text == "Slot"
        assert screen.query_one(TextsPane).unsaved

        await pilot.press("escape")  # up from the text field to the tab bar
        await pilot.press("escape", "escape")  # the double Esc does not leave while text is unsaved
        assert app.screen is screen
        assert any("niet is opgeslagen" in m for m in notices(app))

        monkeypatch.undo()  # the disk has room again
        await pilot.press("ctrl+s")
        assert store.findings()[0].text == "Oud en nieuw"
        assert store.report_text().conclusion == "Slot"
        assert not banner.has_class("-shown")
        assert not screen.query_one(FindingsPane).unsaved




async def test_export_writes_the_report_with_findings_and_codes(store: WorkshopStore, tmp_path: Path) -> None:
    ids = ids_by_text(store)
    store.save_finding(Finding(text="Ruben en de anderen bedoelen iets anders met doorverwijzen.", position=0,
                               statements=[ids[STATEMENTS[3].text], ids[STATEMENTS[0].text]]))
    out = tmp_path / "exports"
    app = Host(store, export_dir=out)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        preview = app.screen.query_one("#preview-pane")
        assert "Voor ons betekent doorverwijzen een warme overdracht" in preview.text
        await pilot.press("ctrl+o")
        await pilot.pause()
        report = (out / "lombok-2026.md").read_text(encoding="utf-8")
        assert "bedoelen iets anders met doorverwijzen" in report
        assert "Ruben" not in report  # the seat's name never leaves the machine
        assert "“Voor ons betekent doorverwijzen een warme overdracht” (OWP2-17mrt2026)" in report
        assert "“Ik wist niet dat de bibliotheek ook huiswerkbegeleiding doet” (OWP1-3mrt2026)" in report
        assert report.index("warme overdracht”") < report.index("huiswerkbegeleiding doet”")  # attached order
        assert sorted(p.name for p in out.iterdir()) == [
            "lombok-2026-OWP1-3mrt2026.md", "lombok-2026-OWP2-17mrt2026.md", "lombok-2026-OWP3-7apr2026.md",
            "lombok-2026-names-review.txt", "lombok-2026.md"]  # the review file: local, 0600 (docs/privacy.md)
        [message] = [m for m in notices(app) if "Geëxporteerd" in m]
        assert str(out / "lombok-2026.md") in message
        assert "1 naam van een deelnemer is vervangen door een rol" in message  # as the CLI says it
        assert str(out / "lombok-2026-names-review.txt") in message


async def test_preview_says_when_the_summary_is_a_draft(store: WorkshopStore) -> None:
    app = Host(store, lang="en")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        note = str(app.screen.query_one("#preview-note").render())
        assert "No findings written yet" in note
        assert "Doorverwijzen is bij ons gewoon een folder meegeven" in app.screen.query_one("#preview-pane").text


async def test_picker_filters_stay_one_line_at_80_columns(store: WorkshopStore) -> None:
    app = Host(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n", "escape", "ctrl+k")
        picker = app.screen
        assert isinstance(picker, PickStatements)
        select = picker.query_one("#pick-theme", Select)
        select.value = "doorverwijzen"  # "Doorverwijzen en warme overdracht" is wider than the control
        await pilot.pause()
        assert select.outer_size.height == 3  # one line between the borders
        label = picker.query_one("#pick-theme #label")
        assert label.size.height == 1
        assert str(label.render_line(0).text).rstrip().endswith("…")


async def test_picker_filters_hand_focus_to_the_list(store: WorkshopStore) -> None:
    app = Host(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n", "escape", "ctrl+k")
        picker = app.screen
        table = picker.query_one("#pick-table")
        await pilot.press("down")
        assert app.focused is table
        assert "⏎ Koppel gemarkeerde (of huidige)" in screen_text(app).splitlines()[-1]

        await pilot.press("alt+t")  # the theme menu opens at once
        assert picker.query_one("#pick-theme", Select).expanded
        await pilot.press("down", "enter")  # choosing with Enter goes on to the list
        assert picker.query_one("#pick-theme", Select).value == "werkwijze"
        assert app.focused is table and len(picker.shown) == 2

        await pilot.press("alt+r", "escape")  # the menu closes; the role filter keeps focus
        assert app.focused is picker.query_one("#pick-role")
        assert "↓/⏎ Naar de lijst" in screen_text(app).splitlines()[-1]
        await pilot.press("down")
        assert app.focused is table
        for control, key in [("#pick-session", "enter"), ("#pick-quotes", "enter"), ("#pick-key", "down"),
                             ("#pick-search", "down"), ("#pick-search", "enter"), ("#pick-role", "escape")]:
            picker.query_one(control).focus()
            await pilot.press(key)
            assert app.focused is table, (control, key)
        assert not picker.query_one("#pick-quotes").value  # Enter moved on, it did not flip the box
        picker.query_one("#pick-quotes").focus()
        await pilot.press("space")
        assert picker.query_one("#pick-quotes").value

        await pilot.press("down", "escape")  # from the list, Esc closes the picker without attaching
        assert isinstance(app.screen, ReportScreen)
        assert store.findings()[0].statements == []

        await pilot.press("ctrl+k", "down", "down", "enter")  # nothing picked: Enter attaches the highlighted one
        await pilot.pause()
        assert store.findings()[0].statements == [ids_by_text(store)[STATEMENTS[1].text]]


async def test_picker_fills_a_long_list_page_by_page(store: WorkshopStore) -> None:
    many = [Statement(id=i, session=1 + i % 3, seq=i, speaker="wt", text=f"uitspraak {i}") for i in range(1, 1001)]

    class PickerHost(App):
        result: list[int] | None = None

        def on_mount(self) -> None:
            self.push_screen(PickStatements(store.plan, store.themes(), many, finding_number=1),
                             lambda ids: setattr(self, "result", ids))

    app = PickerHost()
    async with app.run_test(size=(80, 24)) as pilot:
        picker = app.screen
        table = picker.query_one("#pick-table", DataTable)
        assert len(picker.shown) == 1000 and table.row_count == PickStatements.PAGE
        table.focus()
        table.move_cursor(row=table.row_count - 1)
        await pilot.pause()
        assert table.row_count == 2 * PickStatements.PAGE  # more rows as the cursor nears the end
        await pilot.press("space", "enter")
        assert app.result == [PickStatements.PAGE]


# -- snapshots ---------------------------------------------------------------------------


def snapshot_app(tmp_path: Path) -> Host:
    store = make_store(tmp_path)
    ids = ids_by_text(store)
    store.save_finding(Finding(text="Doorverwijzen betekent niet voor iedereen hetzelfde.", position=0,
                               statements=[ids[STATEMENTS[2].text], ids[STATEMENTS[3].text]]))
    store.save_finding(Finding(text="Men kent elkaars werkwijze nog nauwelijks.", position=1,
                               statements=[ids[STATEMENTS[0].text]]))
    app = Host(store)
    return app


async def _steady(pilot) -> None:
    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False
    await pilot.pause()


def test_snapshot_80x24(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(snapshot_app(tmp_path), terminal_size=(80, 24), run_before=_steady)


def test_snapshot_160x45(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(snapshot_app(tmp_path), terminal_size=(160, 45), run_before=_steady)
