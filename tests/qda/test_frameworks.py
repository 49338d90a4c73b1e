"""Frameworks: the plan with both frameworks of the reference report loads, elements
are tagged on the capture line, counted per session and role, and structure the
report's analysis; old stores with hand-picked stages keep working."""

from __future__ import annotations

import pytest

from facilitator.domain.capture import CaptureError, Context, StatementLine, context_for, format_statement, parse_line
from facilitator.domain.overview import element_counts
from facilitator.domain.plan import parse_plan
from facilitator.domain.records import ReportText, Statement
from facilitator.export import render_report
from facilitator.tui.widgets.report_picker import StatementFilter, filter_statements
from tests.qda.helpers import FIXTURES, frameworks_data

PLAN = parse_plan((FIXTURES / "plan-frameworks.toml").read_text(encoding="utf-8"), "plan-frameworks.toml")


def ctx() -> Context:
    return context_for(PLAN, [t.key for t in PLAN.themes], 1)


def test_the_reference_frameworks_load():
    delden, sch = PLAN.frameworks
    assert (delden.kind, [e.key for e in delden.elements]) == (
        "cycle", ["lering", "doelen", "praktisch", "structureren", "verbreden"])
    assert delden.element("praktisch").actors == ["sm", "wt"]
    assert (sch.kind, [e.label for e in sch.elements]) == (
        "elements", ["Bereidheid", "Bekendheid", "Gedeelde visie", "Chemie en vertrouwen", "Kleine verbanden"])
    assert PLAN.theme("regels").group == "praktijk" and PLAN.theme_group("praktijk").label
    assert PLAN.element("sch.visie")[1].label == "Gedeelde visie" and PLAN.element("sch.nee") is None


def test_elements_are_tagged_and_removed_from_the_text():
    rec = parse_line("sm1: “Het klikte meteen.” #SCH.chemie #regels #delden.praktisch #sch.chemie !", ctx())
    assert rec == StatementLine("sm1", "quote", "Het klikte meteen.", ("regels",), True, (), True,
                                ("sch.chemie", "delden.praktisch"))


def test_an_unknown_element_of_a_known_framework_is_an_error_listing_them():
    with pytest.raises(CaptureError) as info:
        parse_line("sm1: tekst #sch.chemi", ctx())
    assert info.value.message == ("framework 'sch' has no element 'chemi'; elements: #sch.bereidheid, "
                                  "#sch.bekendheid, #sch.visie, #sch.chemie, #sch.verbanden")


@pytest.mark.parametrize("line", ["sm1: zie #notatie.met.punten", "sm1: versie #v1.2 klaar", "sm1: a#sch.chemie",
                                  "sm1: #sch.chemie,", "sm1: mail #foo.bar"])
def test_lines_that_were_text_stay_text(line):
    """Existing lines keep their meaning: a dotted token is text unless it names a framework."""
    plain = Context(speakers=PLAN.speaker_roles(), themes=frozenset(), steps=("a",))
    before = parse_line(line, plain)
    after = parse_line(line, ctx())
    assert after == before and after.elements == () and after.text == before.text


def test_format_parses_back_with_its_elements():
    st = StatementLine("wt1", "note", "Zie #sch.chemie hier", ("plek",), True, (), True, ("sch.visie",))
    assert parse_line(format_statement(st), ctx()) == st


def test_imported_notes_keep_elements():
    data = frameworks_data()
    tagged = {s.text[:20]: s.elements for s in data.statements if s.elements}
    assert tagged["Ik wist niet eens da"] == ["sch.bekendheid"]
    assert tagged["We willen dit breder"] == ["delden.verbreden", "sch.bereidheid"]


def test_counts_per_session_and_role():
    data = frameworks_data()
    counts = element_counts(data, "sch")
    assert counts.sessions == (1, 2)
    assert counts.in_session("sch.verbanden", 2) == 2 and counts.in_session("sch.verbanden", 1) == 0
    assert counts.count("sch.verbanden", "sm") == 1 and counts.count("sch.verbanden", "wt") == 1
    assert counts.count("sch.chemie", "wt") == 1 and counts.totals["sch.bereidheid"] == 1
    assert counts.roles == ("sm", "wt", "bs") and counts.total == 6
    one = element_counts(data, "sch", session=1)
    assert one.totals == {"sch.bekendheid": 1, "sch.chemie": 1, "sch.visie": 1}
    assert element_counts(data, "nope") is None


def test_the_analysis_is_structured_by_the_chosen_framework():
    text = render_report(frameworks_data("sch")).text
    analysis = text[text.index("## 2. Analyse"):text.index("\n## 3.")]
    assert "Analysekader: Elementen van samenwerking (Scheijmans (2008))" in analysis
    assert "| element | OWP1-3mrt2026 | OWP2-17mrt2026 | totaal |" in analysis
    assert "| Kleine verbanden | 0 | 2 | 2 |" in analysis
    assert "| element | sociaal makelaar | wijkteammedewerker | bestuurder | totaal |" in analysis
    assert [ln for ln in analysis.splitlines() if ln.startswith("### ")] == [
        "### 1. Bereidheid", "### 2. Bekendheid", "### 3. Gedeelde visie", "### 4. Chemie en vertrouwen",
        "### 5. Kleine verbanden"]
    chemie = analysis[analysis.index("### 4."):analysis.index("### 5.")]
    assert "Een persoonlijke klik" in chemie
    assert "- Een wijkteammedewerker: “\\[sociaal makelaar\\] belde me meteen, dat scheelde weken.” (OWP1-3mrt2026)" \
        in chemie


def test_a_cycle_shows_its_actors():
    text = render_report(frameworks_data("delden")).text
    assert "| fase | dragende actoren | OWP1-3mrt2026 | OWP2-17mrt2026 | totaal |" in text
    assert "| 3\\. Praktisch samenwerken | sociaal makelaar, wijkteammedewerker | 2 | 0 | 2 |" in text


def test_old_stores_with_stages_keep_their_table():
    """A report text saved before frameworks existed (no `framework` key) renders as before."""
    import dataclasses

    data = frameworks_data(None)
    old = ReportText.model_validate({"analysis": "x", "stages": ["plek", "regels"]})
    assert old.framework is None
    text = render_report(dataclasses.replace(data, report=old)).text
    assert "| fase | uitspraken |\n|---|---:|\n| Een plek in de wijk | 3 |\n| Regels en ruimte | 1 |" in text
    # a framework the plan no longer has falls back to the stages
    gone = old.model_copy(update={"framework": "weg"})
    assert "| fase | uitspraken |" in render_report(dataclasses.replace(data, report=gone)).text


def test_old_statement_records_load_without_elements():
    st = Statement.model_validate({"session": 1, "text": "x", "themes": ["a"]})
    assert st.elements == []


def test_picker_filters_by_element():
    data = frameworks_data()
    got = filter_statements(data.statements, data.plan, StatementFilter(theme="sch.verbanden"))
    assert [s.text[:4] for s in got] == ["שלום", "Cafe"]
    assert filter_statements(data.statements, data.plan, StatementFilter(theme="plek"))


def test_an_update_that_drops_a_used_element_is_refused():
    from facilitator.domain.plan_change import orphans

    data = frameworks_data()
    text = (FIXTURES / "plan-frameworks.toml").read_text(encoding="utf-8")
    assert orphans(data, parse_plan(text)) == []
    start = text.index('key = "verbanden"')
    cut = text[:text.rindex("[[frameworks.elements]]", 0, start)] + text[text.index("[[sessions]]"):]
    assert orphans(data, parse_plan(cut)) == [
        "framework element 'sch.verbanden' is removed but tags 2 statements; keep it in the plan"]


def test_the_plan_screen_lists_groups_and_element_tags():
    from facilitator.tui.screens.plan import plan_text

    text = plan_text(PLAN, PLAN.themes, "nl").plain
    assert "#regels           Regels en ruimte  [De praktijk van samenwerken]" in text
    assert "    #sch.chemie            Chemie en vertrouwen\n" in text


def test_the_minutes_count_the_elements_of_their_session():
    from facilitator.export import render_minutes

    data = frameworks_data()
    two = render_minutes(data, 2).text
    assert "| Elementen van samenwerking | uitspraken | kernuitspraken |\n|---|---:|---:|\n" \
           "| Bereidheid | 1 | 0 |\n| Kleine verbanden | 2 | 1 |" in two
    one = render_minutes(data, 1).text
    assert "| Kleine verbanden |" not in one and "| Chemie en vertrouwen | 1 | 0 |" in one
