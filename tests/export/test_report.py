"""The series report, section by section (spec: report-format.md, section 2)."""

from __future__ import annotations

import dataclasses

from facilitator.domain.records import Finding
from facilitator.export import render_report
from tests.export.fixture import workshop
from tests.export.mdcheck import tokens
from tests.export.test_minutes import section


def headings(text: str, tag: str) -> list[str]:
    toks = tokens(text)
    return [toks[i + 1].content for i, t in enumerate(toks) if t.type == "heading_open" and t.tag == tag]


def test_sections_exactly_as_the_spec_lists() -> None:
    doc = render_report(workshop())
    assert doc.filename == "lombok-2026.md"
    assert headings(doc.text, "h1") == ["Ontwikkelwerkplaats samenwerking rond de Voorraadkast"]
    assert headings(doc.text, "h2") == [
        "Colofon", "Inleiding", "1. Samenvatting van resultaten", "2. De cyclus van samenwerken",
        "3. Conclusie", "4. Hoe nu verder?", "Bijlagen"]
    assert headings(doc.text, "h3") == [
        "Bijlage 1. De bijeenkomsten", "Bijlage 2. Uitspraken per thema",
        "Bijlage 3. Overzicht uitspraken per thema en rol"]
    assert doc.text.split("\n")[2] == "Wijkteam, jongerenwerk en bibliotheek in Lombok"


def test_colofon() -> None:
    text = section(render_report(workshop()).text, "## Colofon")
    assert text.strip() == "\n".join([
        "- Organisatie: Lectoraat Participatie en Nabijheid",
        "- Opdrachtgevers: Wijkteam Lombok; Stichting Jongerenwerk West",
        "- Procesbegeleider: A. Visser",
        "- Onderzoeker: B. de Groot",
        "- Periode: 3 maart 2026 – 17 maart 2026",
        "- Locatie: Lombok, Utrecht",
    ])


def test_introduction_then_generated_paragraph() -> None:
    text = section(render_report(workshop()).text, "## Inleiding")
    assert text.lstrip().startswith("Wijkteammedewerkers, jongerenwerkers en bibliotheekmedewerkers in Lombok\n")
    assert text.rstrip().endswith(
        "In deze reeks zijn twee bijeenkomsten gehouden, van 3 maart 2026 tot en met 17 maart 2026. "
        "Aan de bijeenkomsten namen twee wijkteammedewerkers, een jongerenwerker, een bibliotheekmedewerker "
        "en een leidinggevende deel.")  # the most persons of a role at one session; no process roles


def one_session_held(language: str = "nl", attendance: list[str] | None = None):
    data = workshop(language)
    data.statements[:] = [s for s in data.statements if s.session == 1]
    data.actions[:] = [a for a in data.actions if a.session == 1]
    data.findings.clear()
    data.attendance.pop(2)
    if attendance is not None:
        data.attendance[1] = attendance
        data.statements[:] = [s.model_copy(update={"speaker": "bib1"}) for s in data.statements]
    return data


def test_generated_paragraph_agrees_in_number() -> None:
    nl = section(render_report(one_session_held()).text, "## Inleiding")
    assert nl.rstrip().endswith("In deze reeks is één bijeenkomst gehouden, op 3 maart 2026. Aan de bijeenkomst namen "
                                "twee wijkteammedewerkers, een jongerenwerker en een bibliotheekmedewerker deel.")
    en = section(render_report(one_session_held("en")).text, "## Introduction")
    assert en.rstrip().endswith("The session was attended by two wijkteammedewerkers, a jongerenwerker and "
                                "a bibliotheekmedewerker.")
    alone = section(render_report(one_session_held(attendance=["bib1", "pb", "on"])).text, "## Inleiding")
    assert alone.rstrip().endswith("Aan de bijeenkomst nam een bibliotheekmedewerker deel.")
    en = section(render_report(one_session_held("en", attendance=["bib1", "pb"])).text, "## Introduction")
    assert en.rstrip().endswith("The session was attended by a bibliotheekmedewerker.")


def test_numbers_in_words_up_to_twelve() -> None:
    from facilitator.export.words import number_word, persons_phrase

    assert [number_word(n, "nl") for n in (2, 11, 12, 13)] == ["twee", "elf", "twaalf", "13"]
    assert [number_word(n, "en") for n in (2, 12, 13)] == ["two", "twelve", "13"]
    assert persons_phrase(1, "woonconsulent", "woonconsulenten", "nl") == "een woonconsulent"
    assert persons_phrase(3, "officer", "officers", "en") == "three officers"


def test_researcher_introduction_overrides_the_plan() -> None:
    text = render_report(workshop(introduction="Eigen *inleiding*.")).text
    assert "\n## Inleiding\n\nEigen *inleiding*.\n\nIn deze reeks" in text
    assert "weten weinig van elkaars" not in text


def test_findings_numbered_each_followed_by_its_quotes_with_codes() -> None:
    text = section(render_report(workshop()).text, "## 1. Samenvatting van resultaten")
    assert text.strip().startswith(
        "1. Men kent elkaars **werkwijze** nauwelijks.\n\n"
        "   > Een wijkteammedewerker: “Ik weet eigenlijk niet wat de bibliotheek allemaal doet.” (OWP1-3mrt2026)\n\n")
    assert ("2. Doorverwijzen betekent voor\n   iedereen iets anders.\n\n"
            "   > Een jongerenwerker: “Doorverwijzen is voor mij: samen de eerste keer erheen.” (OWP2-17mrt2026)\n\n"
            "   > Een wijkteammedewerker: “Voor ons is het een formulier invullen.” (OWP2-17mrt2026)\n\n"
            "   > Een deelnemer: “Wie belt wie, dat is nooit afgesproken.” (OWP1-3mrt2026)") in text
    assert "Concept" not in text


def test_findings_render_as_one_ordered_list_with_quotes_inside() -> None:
    toks = tokens(section(render_report(workshop()).text, "## 1. Samenvatting van resultaten"))
    assert [t.type for t in toks].count("ordered_list_open") == 1
    assert [t.type for t in toks].count("list_item_open") == 2
    assert [t.type for t in toks].count("blockquote_open") == 5
    strong = [c for t in toks if t.type == "inline" for c in t.children or [] if c.type == "strong_open"]
    assert len(strong) == 1  # the researcher's Markdown is passed through


def test_a_finding_pointing_at_a_deleted_statement_shows_a_marker() -> None:
    data = workshop()
    data.findings[:] = [Finding(id=1, text="Eén bevinding.", statements=[999, 5])]
    text = section(render_report(data).text, "## 1. Samenvatting van resultaten")
    assert text.strip() == ("1. Eén bevinding.\n\n   > \\[uitspraak verwijderd\\]\n\n   > Een bibliotheekmedewerker: "
                            "“Bij ons mag iedereen binnenlopen, zonder indicatie.” (OWP1-3mrt2026)")
    data = workshop("en")
    data.findings[:] = [Finding(id=1, text="One finding.", statements=[999])]
    assert "   > \\[statement deleted\\]\n" in render_report(data).text


def test_without_findings_key_statements_by_theme_marked_as_draft() -> None:
    text = section(render_report(workshop(with_findings=False)).text, "## 1. Samenvatting van resultaten")
    assert text.lstrip().startswith("*Concept:* er zijn nog geen bevindingen geschreven.")
    assert ("### Elkaars werkwijze\n\n"
            "- Een wijkteammedewerker: “Ik weet eigenlijk niet wat de bibliotheek allemaal doet.” (OWP1-3mrt2026)\n"
            "- Een wijkteammedewerker: “\\[wijkteammedewerker\\] zei het al: we komen dezelfde gezinnen tegen.” "
            "(OWP1-3mrt2026)\n") in text
    assert "Wie belt wie" not in text  # not a key statement
    assert headings(text, "h3") == ["Elkaars werkwijze", "Doorverwijzen en warme overdracht",
                                    "Begrippen en taal", "Regels en ruimte"]


def test_draft_without_key_statements() -> None:
    data = workshop(with_findings=False)
    data.statements[:] = [s.model_copy(update={"key": False}) for s in data.statements]
    text = section(render_report(data).text, "## 1. Samenvatting van resultaten")
    assert "Er zijn nog geen kernuitspraken gemarkeerd." in text


def test_analysis_text_and_count_per_stage() -> None:
    text = section(render_report(workshop()).text, "## 2. De cyclus van samenwerken")
    assert "Het model kent *drie* fasen.\n\n- kennismaken\n" in text
    assert "| fase | uitspraken |\n|---|---:|\n| Elkaars werkwijze | 2 |\n" \
           "| Doorverwijzen en warme overdracht | 3 |\n| Een plek om elkaar te ontmoeten | 1 |" in text


def test_default_analysis_title() -> None:
    assert "\n## 2. Analyse\n" in render_report(workshop(analysis_title=None)).text


def test_no_analysis_section_renumbers_the_rest() -> None:
    text = render_report(workshop(analysis="", stages=[])).text
    assert headings(text, "h2") == ["Colofon", "Inleiding", "1. Samenvatting van resultaten",
                                    "2. Conclusie", "3. Hoe nu verder?", "Bijlagen"]


def test_conclusion_passed_through_as_markdown() -> None:
    text = section(render_report(workshop()).text, "## 3. Conclusie")
    assert "Samenwerken begint bij **elkaar kennen**;" in text


def test_unwritten_conclusion_says_so() -> None:
    assert "## 3. Conclusie\n\n*Nog niet geschreven.*\n" in render_report(workshop(conclusion="")).text


def test_next_steps_numbered_then_all_agreed_actions_with_owner_and_code() -> None:
    text = section(render_report(workshop()).text, "## 4. Hoe nu verder?")
    assert text.strip() == "\n".join([
        "1. Een vaste inloop in de bibliotheek.",
        "",
        "2. Een begrippenlijst,",
        "   met voorbeelden.",
        "",
        "Afspraken uit de bijeenkomsten:",
        "",
        "- Rooster van de leeszaal rondsturen (een bibliotheekmedewerker, OWP1-3mrt2026)",
        "- \\[jongerenwerker\\] nodigt het wijkteam uit voor de inloop (een jongerenwerker, OWP1-3mrt2026)",
        "- Lijst met begrippen maken (OWP2-17mrt2026)",
    ])


def test_appendix_sessions_code_date_agenda_of_held_sessions() -> None:
    text = section(render_report(workshop()).text, "### Bijlage 1. De bijeenkomsten")
    assert ("#### Bijeenkomst 1: Kennismaken met elkaars opdracht\n\n"
            "3 maart 2026 · Bibliotheek Lombok · code OWP1-3mrt2026\n\n"
            "1. Opening en rondje (gepland 15 min, feitelijk 17 min)\n"
            "2. Ieders opdracht in vijf minuten (gepland 40 min, feitelijk 38 min)\n") in text
    assert "\n4. Afsluiting en afspraken (20 min)\n" in text  # not reached: the plan only
    assert "#### Bijeenkomst 2: Woorden en beelden" in text
    assert "Bijeenkomst 3" not in text and "Evaluatie" not in text  # not held


def test_appendix_all_statements_by_theme_with_role_and_code() -> None:
    text = section(render_report(workshop()).text, "### Bijlage 2. Uitspraken per thema")
    assert headings(text, "h4") == ["Elkaars werkwijze", "Doorverwijzen en warme overdracht", "Begrippen en taal",
                                    "Een plek om elkaar te ontmoeten", "Regels en ruimte", "Zonder thema"]
    assert "- Vertelt over een jongen die dagelijks in de leeszaal zit. (een jongerenwerker, OWP1-3mrt2026)" in text
    assert "- Een leidinggevende: “Dat verschil had ik nooit gezien.” (OWP2-17mrt2026)" in text
    assert text.count("“") == 9  # 7 quotes, two of them under two themes; notes unquoted


def test_appendix_overview_table() -> None:
    text = section(render_report(workshop()).text, "### Bijlage 3. Overzicht uitspraken per thema en rol")
    assert "| Doorverwijzen en warme overdracht | 1 | 1 | 0 | 0 | 0 | 1 | 3 |" in text
    assert "| alle uitspraken | 3 | 2 | 1 | 1 | 1 | 1 | 9 |" in text


def test_nothing_held_yet() -> None:
    data = workshop(with_findings=False)
    for coll in (data.statements, data.actions):
        coll.clear()
    data.attendance.clear()
    data.clocks.clear()
    text = render_report(data).text
    assert "Er zijn nog geen bijeenkomsten gehouden." in text
    assert "- Periode: 3 maart 2026 – 12 mei 2026" in text  # the planned period
    assert "Er zijn nog geen kernuitspraken gemarkeerd." in text
    assert "### Bijlage 1. De bijeenkomsten\n\nEr zijn nog geen bijeenkomsten gehouden.\n\n### Bijlage 2." in text


def test_researcher_text_with_windows_line_endings() -> None:
    text = render_report(workshop(conclusion="Eerste regel.\r\nTweede regel.\r\n")).text
    assert "\r" not in text
    assert "## 3. Conclusie\n\nEerste regel.\nTweede regel.\n\n## 4." in text


def test_commissioners_are_separated_by_semicolons() -> None:
    data = workshop()
    ws = data.plan.workshop.model_copy(update={"commissioners": ["Gemeente Utrecht, afdeling Zorg", "Stichting X"]})
    data = dataclasses.replace(data, plan=data.plan.model_copy(update={"workshop": ws}))
    assert "- Opdrachtgevers: Gemeente Utrecht, afdeling Zorg; Stichting X\n" in render_report(data).text


def test_without_findings_the_report_is_marked_draft_under_the_title() -> None:
    subtitle = "Wijkteam, jongerenwerk en bibliotheek in Lombok"
    assert f"{subtitle}\n\n**Concept**\n\n## Colofon" in render_report(workshop(with_findings=False)).text
    assert "**Draft**\n\n## Colophon" in render_report(workshop("en", with_findings=False)).text
    assert "**Concept**" not in render_report(workshop()).text


def test_appendix_shows_adjusted_minutes_and_skipped_steps() -> None:
    from facilitator.domain import schedule as sch

    data = workshop()
    session = data.plan.session(1)
    clock = sch.extend(session, data.clocks[1].model_copy(update={"current_step": 0}), 5, 0.0)
    clock = sch.toggle_skip(session, clock.model_copy(update={"current_step": 2}), 3, 0.0)
    text = section(render_report(dataclasses.replace(data, clocks={**data.clocks, 1: clock})).text,
                   "### Bijlage 1. De bijeenkomsten")
    assert "1. Opening en rondje (gepland 15 min, aangepast 20 min, feitelijk 17 min)\n" in text
    assert "2. Ieders opdracht in vijf minuten (gepland 40 min, feitelijk 38 min)\n" in text
    assert "4. Afsluiting en afspraken (gepland 20 min, feitelijk overgeslagen)" in text
