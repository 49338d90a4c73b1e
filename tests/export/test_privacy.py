"""Roles, never names: no participant name from the plan appears in any export."""

from __future__ import annotations

import dataclasses
import re

from facilitator.domain.plan import Theme, plan_from_data
from facilitator.domain.records import Finding
from facilitator.export import render_all, render_minutes, render_report
from tests.export.fixture import NAMES, workshop


def everything_named():
    """The fixture with a name in every kind of text the researcher or note-taker writes."""
    data = workshop(
        introduction="Ruben opende de reeks.",
        analysis="Zoals FATIMA zei.",
        next_steps=["Vraag ruben om het rooster."],
        conclusion="Fatima en Ruben: dank.",
    )
    data.findings.append(Finding(id=3, text="Ruben-achtige situaties, zei fatima.", statements=[3]))
    data.themes.append(Theme(key="ruben", label="ruben"))  # created while tagging
    data.statements[1] = data.statements[1].model_copy(update={"themes": ["ruben"]})
    return data


# Plan fields that are keys or enumerations (patterns forbid a name there) or the names themselves;
# the staff fields (facilitator, researcher) are printed as written (test_staff_fields_as_written).
_NOT_TEXT = {"key", "role", "slug", "code_prefix", "language", "kind", "code", "name", "aliases",
             "facilitator", "researcher"}


def _plant(value, field=""):
    """Every free-text string of plan data with "Ruben" and "fatima's" in it."""
    if isinstance(value, dict):
        return {k: (v if k in _NOT_TEXT else _plant(v, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_plant(v, field) for v in value]
    if isinstance(value, str):
        return f"Ruben {value} fatima's"
    return value


def plan_full_of_names():
    data = everything_named()
    raw = data.plan.model_dump(exclude_none=False)
    raw = {k: [{f: v for f, v in e.items() if v is not None} for e in vs] if isinstance(vs, list) else
           {f: v for f, v in vs.items() if v is not None} for k, vs in raw.items()}
    for s in raw["sessions"]:
        s["agenda"] = [{f: v for f, v in a.items() if v is not None} for a in s["agenda"]]
        for a in s["agenda"]:  # prompts and methods too, even if no export shows them today
            a.setdefault("prompt", "Vraag het Ruben.")
            a.setdefault("method", "Fatima's methode")
    for t in raw["themes"]:
        t.setdefault("description", "Zoals Ruben het zag")
    plan = plan_from_data(_plant(raw))
    planted = [th for th in plan.themes]
    return dataclasses.replace(data, plan=plan, themes=planted + data.themes[len(planted):])


def test_no_name_appears_in_any_export() -> None:
    for data in (everything_named(), plan_full_of_names()):
        docs = render_all(data)
        assert len(docs) == 3
        for doc in docs:
            for name in NAMES:
                assert not re.search(name, doc.text, re.IGNORECASE), (doc.filename, name)


def test_every_plan_string_is_redacted_and_counted() -> None:
    data = plan_full_of_names()
    assert data.plan.workshop.subtitle.startswith("Ruben ")
    report, minutes = render_report(data), render_minutes(data, 1)
    # Role labels hold names too here: such a label is replaced as a whole by "deelnemer".
    assert "\n\\[deelnemer\\] Wijkteam, jongerenwerk en bibliotheek in Lombok \\[deelnemer\\]'s\n" \
        in report.text  # the subtitle, escaped like any plan string
    assert minutes.text.startswith("# Verslag bijeenkomst 1: \\[deelnemer\\] ")
    assert report.redactions > render_report(everything_named()).redactions + 20
    assert minutes.redactions > render_minutes(everything_named(), 1).redactions + 10


def test_names_become_the_role_label_and_are_counted() -> None:
    data = everything_named()
    minutes = render_minutes(data, 1)
    assert "“\\[wijkteammedewerker\\] zei het al" in minutes.text
    assert "1. \\[jongerenwerker\\] nodigt" not in minutes.text  # an action of session 1 ...
    assert "2. \\[jongerenwerker\\] nodigt het wijkteam uit" in minutes.text  # ... is the second one
    # statement 3 (1), action 2 (1), theme "ruben" in two tables (2)
    assert minutes.redactions == 4
    report = render_report(data)
    assert "Vraag \\[jongerenwerker\\] om het rooster." in report.text  # researcher Markdown: brackets escaped
    assert "\\[wijkteammedewerker\\] en \\[jongerenwerker\\]: dank." in report.text
    assert report.redactions > 10


def test_without_names_in_the_text_nothing_is_redacted() -> None:
    data = workshop()
    data.statements[2] = data.statements[2].model_copy(update={"text": "We komen dezelfde gezinnen tegen."})
    data.actions[1] = data.actions[1].model_copy(update={"text": "Het wijkteam uitnodigen."})
    assert render_minutes(data, 1).redactions == 0


def test_seat_keys_never_appear_as_attribution() -> None:
    for doc in render_all(workshop()):
        for key in ("wt1", "wt2", "jw1", "bib1"):
            assert key not in doc.text, (doc.filename, key)


def test_colofon_people_are_not_participants_and_stay() -> None:
    text = render_report(workshop()).text
    assert "- Procesbegeleider: A. Visser" in text and "- Onderzoeker: B. de Groot" in text


def test_a_redacted_name_starting_a_line_keeps_the_paragraph() -> None:
    """`[label]: text` would be a link reference definition: the line would vanish."""
    from tests.export.mdcheck import inline_texts

    data = workshop(conclusion="Het gesprek ging zo.\n\nFatima: klopt.\n\nRuben vond dat ook.")
    data.statements[2] = data.statements[2].model_copy(update={"text": "Fatima: klopt."})
    for doc in (render_report(data), render_minutes(data, 1)):
        texts = inline_texts(doc.text)
        assert any("[wijkteammedewerker]: klopt." in t for t in texts), doc.filename
    assert "[jongerenwerker] vond dat ook." in inline_texts(render_report(data).text)
