"""Findings as blocks, attribution, and the generated parts under the researcher's control (issue 11)."""

from __future__ import annotations

import dataclasses

from facilitator.domain import capture
from facilitator.domain.plan import is_group_speaker
from facilitator.domain.recode import line_warnings, near_themes, one_edit_apart, retheme
from facilitator.domain.records import Appendix, Block, Finding, ReportText, Statement
from facilitator.export import render_report
from tests.export.fixture import example_plan, workshop
from tests.export.test_minutes import section
from tests.tui.test_report_blocks import finding_structure


def with_findings(*findings: Finding, statements: list[Statement] | None = None, **report):
    data = workshop()
    data = dataclasses.replace(data, findings=list(findings), report=data.report.model_copy(update=report))
    if statements:
        data.statements.extend(statements)
    return data


def summary(data) -> str:
    return section(render_report(data).text, "## 1. Samenvatting van resultaten")


# -- the model ------------------------------------------------------------------------


def test_an_old_finding_reads_as_a_paragraph_then_one_quote_per_statement() -> None:
    f = Finding.model_validate({"text": "Tekst", "statements": [3, 1], "position": 2})
    assert f.blocks == [Block(kind="paragraph", text="Tekst"), Block(kind="quote", statements=[3]),
                        Block(kind="quote", statements=[1])]
    assert (f.text, f.statements, f.position) == ("Tekst", [3, 1], 2)
    assert Finding.model_validate(f.model_dump()) == f  # saved as blocks from then on
    assert "text" not in f.model_dump() and "statements" not in f.model_dump()


def test_statements_of_a_finding_include_inline_citations_once() -> None:
    f = Finding(blocks=[Block(text="Zie [[4]] en [[2]]."), Block(kind="excerpt", statements=[2, 5])])
    assert f.statements == [4, 2, 5]


# -- rendering --------------------------------------------------------------------------


def test_blocks_render_in_order_inside_the_numbered_finding() -> None:
    data = with_findings(Finding(blocks=[
        Block(text="Eerst."), Block(kind="excerpt", statements=[1, 2, 3]), Block(text="Dan."),
        Block(kind="heading", text="Rondom de bibliotheek:"), Block(kind="quote", statements=[5])]))
    text = render_report(data).text
    assert finding_structure(text) == [("paragraph", 0), ("blockquote", 3), ("paragraph", 0), ("headingh4", 0),
                                       ("blockquote", 1)]
    part = summary(data)
    assert "   #### Rondom de bibliotheek:" in part


def test_an_excerpt_has_one_code_and_names_differing_speakers_inside() -> None:
    part = summary(with_findings(Finding(blocks=[Block(kind="excerpt", statements=[1, 2, 4])])))
    assert part.count("(OWP1-3mrt2026)") == 1
    assert "> Een wijkteammedewerker: “Ik weet eigenlijk niet wat de bibliotheek allemaal doet.”\n   >\n" in part
    assert "> Vertelt over een jongen die dagelijks in de leeszaal zit. (een jongerenwerker)" in part
    assert "> Een deelnemer: “Wie belt wie, dat is nooit afgesproken.” (OWP1-3mrt2026)" in part


def test_an_excerpt_of_one_speaker_names_them_once() -> None:
    extra = [Statement(id=20, session=2, seq=9, speaker="wt2", kind="quote", text="Dat is een formulier."),
             Statement(id=21, session=2, seq=10, speaker="wt2", kind="quote", text="Meer niet.")]
    part = summary(with_findings(Finding(blocks=[Block(kind="excerpt", statements=[8, 20, 21])]), statements=extra))
    assert part.count("Een wijkteammedewerker") == 1
    assert "> “Meer niet.” (OWP2-17mrt2026)" in part


def test_an_excerpt_over_two_sessions_names_both_codes_once() -> None:
    part = summary(with_findings(Finding(blocks=[Block(kind="excerpt", statements=[1, 7])])))
    assert part.count("(OWP1-3mrt2026; OWP2-17mrt2026)") == 1


def test_inline_citation_in_a_paragraph() -> None:
    part = summary(with_findings(Finding(blocks=[Block(text="Zo zei iemand [[4]], en [[99]].")])))
    assert "Zo zei iemand “Wie belt wie, dat is nooit afgesproken.” (een deelnemer, OWP1-3mrt2026), en " \
           "\\[uitspraak verwijderd\\]." in part  # a deleted statement: a visible marker


def test_a_note_that_names_its_speaker_gets_no_second_attribution() -> None:
    extra = [Statement(id=30, session=1, seq=20, speaker="jw1", kind="note",
                       text="Een jongerenwerker vertelt over de avonden.")]
    data = with_findings(Finding(blocks=[Block(kind="quote", statements=[30, ]), Block(kind="quote", statements=[2])]),
                         statements=extra)
    part = summary(data)
    assert "> Een jongerenwerker vertelt over de avonden. (OWP1-3mrt2026)" in part
    assert "> Vertelt over een jongen die dagelijks in de leeszaal zit. (een jongerenwerker, OWP1-3mrt2026)" in part


# -- the group speaker -------------------------------------------------------------------


def test_group_speaker_in_a_capture_line_and_in_the_export() -> None:
    plan = example_plan()
    ctx = capture.context_for(plan, [], 1)
    line = capture.parse_line("allen: “Eindelijk een vaste plek!” #plek", ctx)
    assert isinstance(line, capture.StatementLine) and line.speaker == "allen" and line.kind == "quote"
    assert is_group_speaker("allen", plan) and not is_group_speaker("wt1", plan)
    st = Statement(id=40, session=1, seq=30, speaker="allen", kind="quote", text="Eindelijk een vaste plek!")
    note = Statement(id=41, session=1, seq=31, speaker="allen", kind="note", text="De deelnemers zijn het eens.")
    part = summary(with_findings(Finding(blocks=[Block(kind="quote", statements=[40]),
                                                 Block(kind="quote", statements=[41])]), statements=[st, note]))
    assert "> De deelnemers: “Eindelijk een vaste plek!” (OWP1-3mrt2026)" in part
    assert "> De deelnemers zijn het eens. (OWP1-3mrt2026)" in part  # it says who already


def test_a_group_role_in_the_plan_speaks_as_de_plural() -> None:
    data = workshop()
    text = data.plan.model_dump()
    text["roles"].append({"key": "bew", "label": "bewoner", "plural": "bewoners", "group": True})
    plan = type(data.plan).model_validate(text)
    st = Statement(id=50, session=1, seq=40, speaker="bew", kind="quote", text="Kom gewoon langs.")
    data = dataclasses.replace(data, plan=plan, statements=data.statements + [st],
                               findings=[Finding(blocks=[Block(kind="quote", statements=[50])])])
    assert "> De bewoners: “Kom gewoon langs.” (OWP1-3mrt2026)" in summary(data)


# -- the generated parts -----------------------------------------------------------------


def test_the_generated_sentence_can_be_rewritten_or_left_out() -> None:
    intro = section(render_report(workshop(held_sentence="Twee middagen, veel mensen.")).text, "## Inleiding")
    assert intro.rstrip().endswith("Twee middagen, veel mensen.") and "In deze reeks" not in intro
    intro = section(render_report(workshop(held_sentence="")).text, "## Inleiding")
    assert "In deze reeks" not in intro and intro.strip()


def test_the_generated_sentence_counts_words_and_only_the_bijeenkomsten() -> None:
    data = workshop()
    sessions = [s.model_copy(update={"kind": "evaluatie"}) if s.number == 2 else s for s in data.plan.sessions]
    plan = data.plan.model_copy(update={"sessions": sessions})
    intro = section(render_report(dataclasses.replace(data, plan=plan)).text, "## Inleiding")
    # session 2 (the leidinggevende came only there) is an evaluation now: not counted among who took part
    assert "één bijeenkomst en één evaluatiebijeenkomst gehouden" in intro
    assert "Aan de bijeenkomst namen twee wijkteammedewerkers, een jongerenwerker en een bibliotheekmedewerker deel." \
        in intro


def test_appendices_switch_off_own_ones_follow_and_references_follow_the_numbering() -> None:
    data = workshop(appendices_off=["statements"], analysis="Zie [[bijlage:overzicht]] en [[bijlage:Kaart]].",
                    own_appendices=[Appendix(title="Kaart", text="De wijk op een kaart.")])
    text = render_report(data).text
    assert "### Bijlage 1. De bijeenkomsten" in text and "Uitspraken per thema\n" not in text
    assert "### Bijlage 2. Overzicht uitspraken per thema en rol" in text
    assert "### Bijlage 3. Kaart\n\nDe wijk op een kaart." in text
    assert "Zie bijlage 2 en bijlage 3." in text
    none = render_report(workshop(appendices_off=["sessions", "statements", "overview"])).text
    assert "## Bijlagen" not in none


def test_lead_text_for_next_steps_and_a_free_colofon_paragraph() -> None:
    text = render_report(workshop(next_lead="Drie dingen om mee verder te gaan:",
                                  colofon_note="Met dank aan de bibliotheek.")).text
    nxt = section(text, "## 4. Hoe nu verder?")
    assert nxt.lstrip().startswith("Drie dingen om mee verder te gaan:\n\n1. ")
    assert section(text, "## Colofon").rstrip().endswith("Met dank aan de bibliotheek.")


# -- re-coding -----------------------------------------------------------------------------


def test_retheme_renames_and_merges_without_duplicates() -> None:
    sts = [Statement(id=1, session=1, text="a", themes=["sigaal", "regels"]),
           Statement(id=2, session=1, text="b", themes=["regels"]),
           Statement(id=3, session=1, text="c", themes=["signaal", "sigaal"])]
    assert [s.themes for s in retheme(sts, "sigaal", "signaal")] == [["signaal", "regels"], ["signaal"]]


def test_near_miss_themes_and_almost_quotes() -> None:
    assert one_edit_apart("sigaal", "signaal") and one_edit_apart("signaal", "singaal")
    assert not one_edit_apart("signaal", "signalen")
    assert near_themes("sigaal", ["signaal", "regels"]) == ["signaal"]
    assert near_themes("fase2", ["fase1"]) == [] and near_themes("t2", ["t0"]) == []
    assert line_warnings("note", "“…antwoord op”.", [], []) == [
        "almost a quote: punctuation after the closing quotation mark (put it inside); stored as a note"]
    assert line_warnings("note", "“Ik ben maar vrijwilliger", [], [], "nl")[0].startswith("bijna een citaat")
    assert line_warnings("quote", "ja", ["sigaal"], ["signaal"]) == [
        "new theme #sigaal is one letter away from #signaal: a typo?"]
    assert line_warnings("note", "Gewoon een notitie.", [], ["signaal"]) == []


def test_import_warns_but_imports(tmp_path, capsys) -> None:
    from facilitator.cli import main
    from tests.cli.conftest import MINIMAL

    plan = tmp_path / "wijk.toml"
    plan.write_text(MINIMAL.replace('key = "regels"', 'key = "signaal"'), encoding="utf-8")
    notes = tmp_path / "notes.txt"
    notes.write_text("sm: “…antwoord op”.\nsm: iets #sigaal\n", encoding="utf-8")
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "new", str(plan)]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(data), "--lang", "en", "import", "wijk", str(notes), "--session", "1"]) == 0
    err = capsys.readouterr().err
    assert f"{notes}:1: warning: almost a quote" in err
    assert f"{notes}:2: warning: new theme #sigaal is one letter away from #signaal" in err


assert ReportText  # the model the generated parts are controlled in
