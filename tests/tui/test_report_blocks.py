"""Findings as blocks on the report screen: composing, typing safety, re-coding (issue 11)."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from facilitator.domain.records import Block, Finding, Statement
from facilitator.export import render_report
from facilitator.store.workshop import WorkshopStore
from facilitator.tui.screens.report import ReportScreen
from facilitator.tui.widgets.report_findings import BlockEditor
from facilitator.tui.widgets.report_picker import PickStatements
from facilitator.tui.widgets.report_recode import EditStatements, ThemesDialog

from .test_report_screen import STATEMENTS, Host, ids_by_text, make_store


@pytest.fixture
def store(tmp_path: Path):
    s = make_store(tmp_path)
    yield s
    s.close()


def finding_structure(markdown: str) -> list[tuple[str, int]]:
    """The blocks of the first finding (item of the summary's ordered list) as
    (token type, paragraphs inside a block quote), read by markdown-it."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    start = next(i for i, t in enumerate(tokens) if t.type == "ordered_list_open")
    item = next(i for i in range(start, len(tokens)) if tokens[i].type == "list_item_open")
    level = tokens[item].level
    out: list[tuple[str, int]] = []
    i = item + 1
    while not (tokens[i].type == "list_item_close" and tokens[i].level == level):
        t = tokens[i]
        if t.level == level + 1 and t.type in ("paragraph_open", "heading_open", "blockquote_open"):
            if t.type == "blockquote_open":
                j, paragraphs = i + 1, 0
                while not (tokens[j].type == "blockquote_close" and tokens[j].level == t.level):
                    paragraphs += tokens[j].type == "paragraph_open"
                    j += 1
                out.append(("blockquote", paragraphs))
                i = j
            else:
                out.append((t.type.removesuffix("_open") + (t.tag if t.type == "heading_open" else ""), 0))
        i += 1
    return out


async def compose(pilot, app) -> None:
    """paragraph → excerpt of 3 statements → paragraph → sub-heading → quote, by keys only."""
    await pilot.press("ctrl+n", *"Eerste alinea.", "escape")
    await pilot.press("ctrl+x")  # an excerpt after it
    assert isinstance(app.screen, PickStatements) and app.screen.mode == "excerpt"
    await pilot.press("down", "space", "space", "space", "enter")  # the three statements of session 1
    await pilot.pause()
    assert isinstance(app.screen, ReportScreen)
    await pilot.press(*"Tweede alinea.", "escape")  # typed on the blocks: a new paragraph after the excerpt
    await pilot.press("ctrl+t", *"Een kop", "escape")
    await pilot.press("ctrl+k", "down", "down", "down", "down", "enter")  # one quote: session 2's first
    await pilot.pause()
    assert isinstance(app.screen, ReportScreen)


async def test_compose_paragraph_excerpt_paragraph_heading_quote_and_export(store: WorkshopStore,
                                                                            tmp_path: Path) -> None:
    out = tmp_path / "exports"
    app = Host(store, export_dir=out)
    async with app.run_test(size=(100, 30)) as pilot:
        await compose(pilot, app)
        [finding] = store.findings()
        assert [b.kind for b in finding.blocks] == ["paragraph", "excerpt", "paragraph", "heading", "quote"]
        ids = ids_by_text(store)
        assert finding.blocks[1].statements == [ids[STATEMENTS[i].text] for i in (0, 1, 5)]
        assert finding.blocks[4].statements == [ids[STATEMENTS[2].text]]
        await pilot.press("ctrl+o")
        await pilot.pause()
    report = (out / "lombok-2026.md").read_text(encoding="utf-8")
    assert finding_structure(report) == [("paragraph", 0), ("blockquote", 3), ("paragraph", 0), ("headingh4", 0),
                                         ("blockquote", 1)]
    excerpt = report[report.index("Eerste alinea."):report.index("Tweede alinea.")]
    assert excerpt.count("(OWP1-3mrt2026)") == 1  # one code for the excerpt
    assert "“Ik wist niet dat de bibliotheek ook huiswerkbegeleiding doet”" in excerpt  # verbatim
    assert excerpt.count("OWP") == 1

    # the same structure in Word
    docx = pytest.importorskip("docx")
    from facilitator.export.pandoc import PandocMissing, convert

    try:
        body = convert(report, "docx")
    except PandocMissing:
        pytest.skip("no pandoc")
    import io

    paras = [(p.style.name, p.text) for p in docx.Document(io.BytesIO(body)).paragraphs if p.text.strip()]
    start = next(i for i, (_, t) in enumerate(paras) if t == "Eerste alinea.")
    styles = [s for s, _ in paras[start:start + 7]]
    assert styles[1:4] == ["Block Text"] * 3 and styles[5:7] == ["Heading 4", "Block Text"]
    assert styles[0] not in ("Block Text", "Heading 4") and styles[4] not in ("Block Text", "Heading 4")
    assert [t for _, t in paras[start:start + 7]][4:6] == ["Tweede alinea.", "Een kop"]
    assert sum("OWP1-3mrt2026" in t for _, t in paras[start + 1:start + 4]) == 1


async def test_typing_after_the_picker_and_after_detaching_goes_into_the_finding(store: WorkshopStore) -> None:
    app = Host(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+n", *"Begin.", "escape", "ctrl+k", "down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        first = " Gaandeweg zagen ze dat niemand alles wist: a, n, x, k, u, e, q, t, r, b!"
        await pilot.press(*first)  # right after the picker closed: every key is text
        assert isinstance(app.focused, BlockEditor)
        await pilot.press("escape", "up", "delete")  # detach the quote
        assert not any(b.kind == "quote" for b in store.findings()[0].blocks)
        second = "Daarna: nog meer tekst, met a en n en u."
        await pilot.press(*second)  # right after detaching
        await pilot.press("escape")
        await pilot.press("ctrl+k", "escape", "escape")  # a picker closed with Esc (search, list): typing goes on
        await pilot.press(*"Slot.", "escape")
        assert isinstance(app.screen, ReportScreen)
    [finding] = store.findings()
    text = finding.text
    assert first.strip() in text and second in text and "Slot." in text
    assert text.startswith("Begin.")
    assert len(store.findings()) == 1  # no command ran: no new finding, no picker, nothing deleted


async def test_typing_on_the_findings_list_goes_into_the_text(store: WorkshopStore) -> None:
    store.save_finding(Finding(blocks=[Block(text="Al geschreven.")]))
    app = Host(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*" En nu verder, ook met a en n.", "escape")
    assert store.findings()[0].text == "Al geschreven. En nu verder, ook met a en n."


async def test_picker_counts_hidden_picks_and_marks_statements_used_elsewhere(store: WorkshopStore) -> None:
    ids = ids_by_text(store)
    store.save_finding(Finding(blocks=[Block(kind="quote", statements=[ids[STATEMENTS[2].text]])], position=0))
    store.save_finding(Finding(blocks=[Block(text="Tweede")], position=1))
    app = Host(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("down", "enter", "ctrl+k", "down", "space", "space", "space")
        picker = app.screen
        assert isinstance(picker, PickStatements)
        table = picker.query_one("#pick-table")
        marks = [table.get_row_at(i)[0] for i in range(table.row_count)]
        assert marks[:4] == ["✓", "✓", "✓", "○1"]  # session 1's three picked; the next is in finding 1
        await pilot.press("ctrl+f", *"doorverwijzen")
        await pilot.pause(0.3)
        count = str(picker.query_one("#pick-count").render())
        assert "3 gekozen (3 verborgen door het filter)" in count
        await pilot.press("enter")
        row = [picker.query_one("#pick-table").get_row_at(i) for i in range(picker.query_one("#pick-table").row_count)]
        assert any(r[0] == "○1" for r in row)  # used in finding 1


async def test_recode_rename_merge_and_note_to_quote_with_undo(store: WorkshopStore) -> None:
    store.add_theme("sigaal")
    typo = store.add_statement(Statement(session=2, speaker="wt", kind="note", themes=["sigaal"],
                                         text="Het signaal komt via de school"))
    ids = ids_by_text(store)
    note = ids[STATEMENTS[1].text]  # a note by jw
    store.save_finding(Finding(blocks=[Block(text="Tekst"), Block(kind="quote", statements=[note]),
                                       Block(kind="quote", statements=[typo.id])]))
    app = Host(store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        # rename #sigaal → #signaal
        await pilot.press("f6")
        dialog = app.screen
        assert isinstance(dialog, ThemesDialog)
        row = [t.key for t in dialog.themes].index("sigaal")
        for _ in range(row):
            await pilot.press("down")
        await pilot.press("enter", "ctrl+u", *"signaal", "enter")
        await pilot.pause()
        assert app.screen is screen
        assert next(s for s in store.statements() if s.id == typo.id).themes == ["signaal"]
        assert "sigaal" not in [t.key for t in store.themes()]
        # merge #taal into #doorverwijzen
        await pilot.press("f6")
        dialog = app.screen
        for _ in range([t.key for t in dialog.themes].index("taal")):
            await pilot.press("down")
        await pilot.press("enter", "ctrl+u", *"doorverwijzen", "enter")
        await pilot.pause()
        merged = next(s for s in store.statements() if s.text == STATEMENTS[2].text)
        assert merged.themes == ["doorverwijzen"]  # once, in its place
        # the note becomes a quote
        await pilot.press("enter", "down", "ctrl+e")
        editor = app.screen
        assert isinstance(editor, EditStatements)
        line = editor.query_one("#recode-0")
        assert line.value == "jw: Jongerenwerk ziet de gezinnen vooral 's avonds #werkwijze"
        line.value = "jw: “Jongerenwerk ziet de gezinnen vooral 's avonds” #werkwijze !"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        changed = next(s for s in store.statements() if s.id == note)
        assert (changed.kind, changed.key) == ("quote", True)

        text = render_report(store.snapshot()).text
        assert "signaal" in text and "sigaal" not in text
        assert "Een jongerenwerker: “Jongerenwerk ziet de gezinnen vooral 's avonds” (OWP1-3mrt2026)" in text

        await pilot.press("ctrl+z")  # the quote is a note again
        assert next(s for s in store.statements() if s.id == note).kind == "note"
        await pilot.press("ctrl+z")  # the merge is undone
        assert next(s for s in store.statements() if s.text == STATEMENTS[2].text).themes == ["doorverwijzen", "taal"]
        await pilot.press("ctrl+z")  # the rename is undone
        assert next(s for s in store.statements() if s.id == typo.id).themes == ["sigaal"]
        assert "sigaal" in [t.key for t in store.themes()] and "signaal" not in [t.key for t in store.themes()]


async def test_recode_refuses_a_bad_line_and_warns_for_an_almost_quote(store: WorkshopStore) -> None:
    ids = ids_by_text(store)
    store.save_finding(Finding(blocks=[Block(kind="quote", statements=[ids[STATEMENTS[1].text]])]))
    app = Host(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter", "ctrl+e")
        editor = app.screen
        line = editor.query_one("#recode-0")
        line.value = "zz: onbekende spreker"
        await pilot.press("enter")
        assert app.screen is editor  # not saved: the error says why
        assert "unknown speaker" in str(editor.query_one("#recode-msg-0").render())
        line.value = "jw: “Ja, dat klopt”."
        await pilot.pause()
        assert "bijna een citaat" in str(editor.query_one("#recode-msg-0").render())
        await pilot.press("escape")
    assert next(s for s in store.statements() if s.id == ids[STATEMENTS[1].text]).text == STATEMENTS[1].text


async def test_generated_parts_are_edited_on_the_texts_tab(store: WorkshopStore) -> None:
    from textual.widgets import SelectionList, TextArea

    app = Host(store)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f3")
        screen = app.screen
        held = screen.query_one("#text-held_sentence", TextArea)
        assert held.text.startswith("In deze reeks")  # the generated sentence, to edit
        held.focus()
        await pilot.press("ctrl+a")
        held.clear()
        await pilot.press(*"Drie middagen.")
        screen.query_one("#text-next_lead").focus()
        await pilot.press(*"Wat nu?")
        screen.query_one("#text-colofon_note").focus()
        await pilot.press(*"Met dank.")
        appendices = screen.query_one("#text-appendices", SelectionList)
        appendices.focus()
        await pilot.press("down", "space")  # the statements appendix off
        screen.query_one("#text-own_appendices").focus()
        await pilot.press(*"# Kaart", "enter", *"De wijk.", "ctrl+s")
        await pilot.pause()
    r = store.report_text()
    assert (r.held_sentence, r.next_lead, r.colofon_note) == ("Drie middagen.", "Wat nu?", "Met dank.")
    assert r.appendices_off == ["statements"]
    assert [(a.title, a.text) for a in r.own_appendices] == [("Kaart", "De wijk.")]
    text = render_report(store.snapshot()).text
    assert "Drie middagen." in text and "### Bijlage 3. Kaart" in text and "In deze reeks" not in text


async def test_letters_in_the_picker_list_search_and_never_toggle_a_filter(store: WorkshopStore) -> None:
    from textual.widgets import Checkbox, Input, Select

    store.save_finding(Finding(blocks=[Block(text="Een")]))
    app = Host(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter", "ctrl+k", "down")
        picker = app.screen
        assert app.focused is picker.query_one("#pick-table")
        await pilot.press(*"tqkrb")  # the old filter letters
        search = picker.query_one("#pick-search", Input)
        assert search.value == "tqkrb" and app.focused is search
        assert not picker.query_one("#pick-quotes", Checkbox).value and not picker.query_one("#pick-key", Checkbox).value
        assert not picker.query_one("#pick-theme", Select).expanded


async def test_enter_on_an_excerpt_changes_its_statements_and_ctrl_z_puts_them_back(store: WorkshopStore) -> None:
    ids = ids_by_text(store)
    three = [ids[STATEMENTS[i].text] for i in (0, 1, 5)]
    store.save_finding(Finding(blocks=[Block(kind="excerpt", statements=three)]))
    app = Host(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter", "enter")  # the picker opens with the excerpt's statements picked
        picker = app.screen
        assert isinstance(picker, PickStatements) and picker.picked == three
        await pilot.press("down", "down", "space", "enter")  # un-pick the second
        await pilot.pause()
        assert store.findings()[0].blocks[0].statements == [three[0], three[2]]
        await pilot.press("ctrl+z")
        assert store.findings()[0].blocks[0].statements == three


async def test_a_name_typed_in_a_finding_or_a_report_text_is_flagged_before_it_is_saved(store: WorkshopStore) -> None:
    """Issue 14: the report editor warns for any form of a participant's name as it is typed."""
    from facilitator.tui.widgets.name_warning import NameWarning

    app = Host(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+n", *"Volgens fatima werkt het")
        await pilot.pause()
        warning = app.screen.query_one("#block-names", NameWarning)
        assert warning.names == ["fatima"] and warning.has_class("-shown")
        assert "fatima" in str(warning.render())
        editor = app.screen.query_one("#block-text")
        editor.text = "Volgens de jongerenwerker werkt het"  # replaced: a Changed event, as by typing
        await pilot.pause()
        assert warning.names == [] and not warning.has_class("-shown")


async def test_a_name_in_the_conclusion_is_flagged(store: WorkshopStore) -> None:
    from textual.widgets import TextArea

    from facilitator.tui.widgets.name_warning import NameWarning

    app = Host(store)
    async with app.run_test(size=(100, 30)) as pilot:
        area = app.screen.query_one("#text-conclusion", TextArea)
        area.text = "Rubén liet zien hoe het kan."
        await pilot.pause()
        warning = app.screen.query_one("#names-conclusion", NameWarning)
        assert warning.names == ["Rubén"] and warning.has_class("-shown")
        assert app.screen.query_one("#names-introduction", NameWarning).names == []
