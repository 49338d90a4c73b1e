"""Roles, never names: no participant name from the plan appears in any export."""

from __future__ import annotations

import dataclasses
import re

from facilitator.domain.plan import Theme, plan_from_data
from facilitator.domain.records import Finding
from facilitator.export import render_all, render_minutes, render_report, review_file
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


# -- issue 14 / issue 11 point 7 ---------------------------------------------------------------

def _plan_with(extra_toml: str, **replace: str):
    from facilitator.domain.plan import parse_plan
    from tests.export.fixture import PLAN_FILE

    text = PLAN_FILE.read_text(encoding="utf-8")
    for old, new in replace.items():
        text = text.replace(old, new)
    return parse_plan(text.replace("[[themes]]", extra_toml + "\n[[themes]]", 1))


YOLANTHE = '''
[[participants]]
key = "wt3"
role = "wt"
name = "Yolanthe Vermeij"
aliases = ["Yoyo"]
'''


def test_a_first_name_alone_in_a_quote_is_exported_without_it() -> None:
    """The reference series' case: a seat "Yolanthe Vermeij", named by her first name alone."""
    data = workshop()
    data = dataclasses.replace(data, plan=_plan_with(YOLANTHE))
    data.statements[0] = data.statements[0].model_copy(update={"text": "Yolanthe zegt dat het loket vol zit."})
    data.statements[1] = data.statements[1].model_copy(update={"text": "Vraag het yoyo of mevrouw Vermeij’s collega."})
    docs = render_all(data)
    for doc in docs:
        for word in ("yolanthe", "vermeij", "yoyo"):
            assert word not in doc.text.casefold(), (doc.filename, word)
    minutes = next(d for d in docs if d.filename.endswith("OWP1-3mrt2026.md"))
    assert "“\\[wijkteammedewerker\\] zegt dat het loket vol zit.”" in minutes.text
    assert "mevrouw \\[wijkteammedewerker\\]’s collega" in minutes.text
    forms = [r.form for d in docs for r in d.replacements]
    assert "Yolanthe" in forms and "yoyo" in forms and "Vermeij’s" in forms


def test_the_review_says_where_each_replacement_is() -> None:
    data = everything_named()
    docs = render_all(data)
    minutes = next(d for d in docs if d.filename.endswith("OWP1-3mrt2026.md"))
    lines = minutes.text.split("\n")
    for r in minutes.replacements:
        assert r.file == minutes.filename
        assert r.role.replace("[", "\\[").replace("]", "\\]") in lines[r.line - 1]
        assert r.excerpt and r.excerpt.strip("…") in lines[r.line - 1]
    quote = next(r for r in minutes.replacements if r.form == "Fatima")
    assert quote.section == "2. Gesprek: wat doen we al?" or quote.section  # the step it was said in
    assert minutes.redactions == len(minutes.replacements)
    review = review_file(docs, "lombok-2026")
    assert review.filename == "lombok-2026-names-review.txt"
    assert review.text.startswith("NIET MEEGEVEN")
    assert f"{minutes.filename}:{quote.line} " in review.text and '"Fatima" -> [wijkteammedewerker]' in review.text
    assert sum(1 for ln in review.text.splitlines() if " -> " in ln) == sum(len(d.replacements) for d in docs)


def test_staff_fields_as_written_even_when_a_seat_has_the_same_name() -> None:
    """Issue 11 point 7: "[procesbegeleider]" stood in the colofon and the introduction."""
    seat = '\n[[participants]]\nkey = "pb1"\nrole = "pb"\nname = "Anne Visser"\n'
    plan = _plan_with(seat, **{'facilitator = "A. Visser"': 'facilitator = "Anne Visser"'})
    data = dataclasses.replace(workshop(introduction="Anne Visser begeleidde de reeks; Anne opende."), plan=plan)
    text = render_report(data).text
    assert "- Procesbegeleider: Anne Visser\n" in text
    assert "Anne Visser begeleidde de reeks; \\[procesbegeleider\\] opende." in text


def test_staff_fields_of_the_plan_stay_as_written() -> None:
    data = plan_full_of_names()
    assert "- Procesbegeleider: A. Visser" in render_report(data).text


def test_common_word_names_are_replaced_and_flagged() -> None:
    seat = '\n[[participants]]\nkey = "wt3"\nrole = "wt"\nname = "Roos Bos"\n'
    data = dataclasses.replace(workshop(), plan=_plan_with(seat))
    data.statements[0] = data.statements[0].model_copy(update={"text": "Roos zei: in het bos is het stil."})
    docs = render_all(data)
    assert all(not re.search(r"\b(roos|bos)\b", d.text, re.IGNORECASE) for d in docs)
    flagged = [r for d in docs for r in d.replacements if r.common]
    assert {r.form for r in flagged} == {"Roos", "bos"}
    assert "CONTROLEER: ook een gewoon woord" in review_file(docs, "x").text


def test_a_name_in_a_file_name_is_replaced() -> None:
    from facilitator.export.common import Context

    ctx = Context(workshop())
    assert ctx.safe_filename("lombok-Fatima.md") == "lombok-wt.md"
