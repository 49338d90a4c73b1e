"""The session minutes, section by section (spec: report-format.md, section 1)."""

from __future__ import annotations

from facilitator.domain.records import SessionClock, StepTiming
from facilitator.export import render_minutes
from tests.export.fixture import T0, workshop
from tests.export.mdcheck import tokens


def section(text: str, heading: str) -> str:
    """The text from `heading` up to the next heading of the same or a higher level."""
    level = heading.split(" ")[0]
    start = text.index("\n" + heading + "\n") + 1
    rest = text[start + len(heading) + 1:]
    ends = [i for i in (rest.find("\n" + "#" * n + " ") for n in range(1, len(level) + 1)) if i >= 0]
    return rest[: min(ends)] if ends else rest


def test_title_block_date_location_code_and_attendance() -> None:
    doc = render_minutes(workshop(), 1)
    assert doc.filename == "lombok-2026-OWP1-3mrt2026.md"
    lines = doc.text.split("\n")
    assert lines[0] == "# Verslag bijeenkomst 1: Kennismaken met elkaars opdracht"
    assert lines[2] == "3 maart 2026 · Bibliotheek Lombok · code OWP1-3mrt2026"
    assert lines[4] == ("Aanwezig: 2 wijkteammedewerkers, 1 jongerenwerker, 1 bibliotheekmedewerker, "
                        "1 procesbegeleider, 1 onderzoeker")


def test_session_without_location_uses_the_workshop_location() -> None:
    assert "17 maart 2026 · Lombok, Utrecht · code OWP2-17mrt2026" in render_minutes(workshop(), 2).text


def test_sections_in_order() -> None:
    heads = [t.content for t in _headings(render_minutes(workshop(), 1).text, "h2")]
    assert heads == ["Agenda", "Verloop", "Afspraken", "Thema's"]


def _headings(text: str, tag: str):
    toks = tokens(text)
    return [toks[i + 1] for i, t in enumerate(toks) if t.type == "heading_open" and t.tag == tag]


def test_agenda_planned_and_actual_minutes_pauses_excluded_and_not_reached() -> None:
    agenda = section(render_minutes(workshop(), 1).text, "## Agenda")
    assert "| 1 | Opening en rondje | 15 min | 17 min |" in agenda
    assert "| 2 | Ieders opdracht in vijf minuten | 40 min | 38 min |" in agenda  # 43 min, 5 paused
    assert "| 3 | Casus: het gezin boven de bakker | 45 min | 44 min |" in agenda  # 44:20 rounds down
    assert "| 4 | Afsluiting en afspraken | 20 min | niet behandeld |" in agenda


def test_agenda_of_an_untimed_session() -> None:
    agenda = section(render_minutes(workshop(), 2).text, "## Agenda")
    assert "| 1 | Terugblik op bijeenkomst 1 | 15 min | niet getimed |" in agenda


def test_a_running_step_is_timed_to_the_last_known_moment_not_the_export_time() -> None:
    data = workshop()
    clock = SessionClock(session=1, started_at=T0, current_step=1, steps={
        0: StepTiming(start=T0, end=T0 + 600), 1: StepTiming(start=T0 + 600, paused_at=T0 + 600 + 90 * 60)})
    data.clocks[1] = clock
    agenda = section(render_minutes(data, 1).text, "## Agenda")
    assert "| 2 | Ieders opdracht in vijf minuten | 40 min | 90 min |" in agenda


def test_proceedings_quotes_notes_key_marks_empty_steps_and_records_outside_the_agenda() -> None:
    text = section(render_minutes(workshop(), 1).text, "## Verloop")
    assert ("### 1. Opening en rondje\n\n"
            "> “Ik weet eigenlijk niet wat de bibliotheek allemaal doet.”\\\n"
            "> — een wijkteammedewerker, OWP1-3mrt2026 (kernuitspraak)\n\n"
            "Vertelt over een jongen die dagelijks in de leeszaal zit. (een jongerenwerker)\n") in text
    assert "> “Wie belt wie, dat is nooit afgesproken.”\\\n> — een deelnemer, OWP1-3mrt2026\n" in text
    assert "### 4. Afsluiting en afspraken\n\n(geen aantekeningen)\n" in text
    assert text.rstrip().endswith("### Buiten de agenda\n\nPauze liep tien minuten uit. (een onderzoeker)")


def test_statements_keep_the_recorded_order_within_a_step() -> None:
    text = render_minutes(workshop(), 1).text
    assert text.index("zei het al") < text.index("Wie belt wie")


def test_agreements_numbered_with_owner_role() -> None:
    one = section(render_minutes(workshop(), 1).text, "## Afspraken")
    assert "1. Rooster van de leeszaal rondsturen (een bibliotheekmedewerker)\n" in one
    two = section(render_minutes(workshop(), 2).text, "## Afspraken")
    assert "1. Lijst met begrippen maken\n" in two


def test_no_agreements() -> None:
    data = workshop()
    data.actions.clear()
    assert "## Afspraken\n\nGeen afspraken vastgelegd.\n" in render_minutes(data, 1).text


def test_themes_table_counts_statements_and_key_statements() -> None:
    text = section(render_minutes(workshop(), 1).text, "## Thema's")
    assert "| thema | uitspraken | kernuitspraken |" in text
    assert "| Elkaars werkwijze | 2 | 2 |" in text
    assert "| Doorverwijzen en warme overdracht | 2 | 1 |" in text
    assert "| zonder thema | 1 | 0 |" in text
    assert "Begrippen en taal" not in text  # not used in session 1
    assert "| thema | wijkteammedewerker | jongerenwerker | bibliotheekmedewerker | onderzoeker | deelnemer | totaal |" in text
    assert "| alle uitspraken | 2 | 1 | 1 | 1 | 1 | 6 |" in text


def test_tables_render_as_tables() -> None:
    toks = tokens(render_minutes(workshop(), 1).text)
    assert sum(t.type == "table_open" for t in toks) == 3


def test_the_attribution_of_a_quote_renders_on_its_own_line() -> None:
    from tests.export.mdcheck import inline_text, tokens

    quote = [t for t in tokens(render_minutes(workshop(), 1).text) if t.type == "inline" and "Wie belt" in t.content]
    assert inline_text(quote[0]) == "“Wie belt wie, dat is nooit afgesproken.”\n— een deelnemer, OWP1-3mrt2026"
    assert [c.type for c in quote[0].children] == ["text", "hardbreak", "text"]  # not a soft break: one line


def test_a_key_note_has_one_pair_of_brackets() -> None:
    data = workshop()
    data.statements[1] = data.statements[1].model_copy(update={"key": True})
    text = render_minutes(data, 1).text
    assert "Vertelt over een jongen die dagelijks in de leeszaal zit. (een jongerenwerker; kernuitspraak)\n" in text


def test_the_minutes_of_an_evaluation_session_say_so() -> None:
    assert render_minutes(workshop(), 4).text.startswith(
        "# Verslag evaluatiebijeenkomst 4: Evaluatie met de leidinggevenden\n")
    assert render_minutes(workshop("en"), 4).text.startswith("# Minutes of evaluation session 4: ")
    assert render_minutes(workshop(), 1).text.startswith("# Verslag bijeenkomst 1: ")


def test_agenda_with_schedule_changes_shows_planned_adjusted_and_actual() -> None:
    """+5 on step 1, step 4 skipped, step 3 moved: rows in the order held, adjusted minutes, the changes listed."""
    from dataclasses import replace

    from facilitator.domain import schedule as sch

    data = workshop()
    session = data.plan.session(1)
    clock = data.clocks[1]
    clock = sch.extend(session, clock.model_copy(update={"current_step": 0}), 5, T0)
    clock = clock.model_copy(update={"current_step": 1})
    clock = sch.toggle_skip(session, clock, 3, T0)
    clock = clock.model_copy(update={"changes": [*clock.changes,
                                                 clock.changes[0].model_copy(update={"kind": "move", "step": 2, "to": 2})]})
    clock = clock.model_copy(update={"current_step": 2})
    agenda = section(render_minutes(replace(data, clocks={**data.clocks, 1: clock}), 1).text, "## Agenda")
    assert "| # | onderdeel | gepland | aangepast | feitelijk |" in agenda
    assert "| 1 | Opening en rondje | 15 min | 20 min | 17 min |" in agenda
    assert "| 2 | Ieders opdracht in vijf minuten | 40 min | 40 min | 38 min |" in agenda
    assert "| 4 | Afsluiting en afspraken | 20 min | 20 min | overgeslagen |" in agenda
    assert "Tijdens de bijeenkomst aangepast: stap 1 +5 min; stap 4 overgeslagen; stap 3 verplaatst." in agenda


def test_agenda_without_changes_keeps_its_four_columns() -> None:
    agenda = section(render_minutes(workshop(), 1).text, "## Agenda")
    assert "| # | onderdeel | gepland | feitelijk |" in agenda and "aangepast" not in agenda
