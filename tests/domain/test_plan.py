"""Plans: the example plan loads; every malformed plan in tests/plans/bad is
rejected with exactly the lines in its `# expect:` header."""

import datetime as dt
from pathlib import Path

import pytest

from facilitator.domain.plan import Plan, PlanError, parse_plan

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "tests" / "fixtures" / "plan-example.toml"
BAD = sorted((ROOT / "tests" / "plans" / "bad").glob("*.toml"))


def expected_lines(path: Path) -> list[str]:
    return [line.removeprefix("# expect: ") for line in path.read_text().splitlines() if line.startswith("# expect: ")]


def test_corpus_is_big_enough():
    assert len(BAD) >= 30


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_plan_is_rejected_with_its_expected_lines(path):
    expected = expected_lines(path)
    assert expected, f"{path.name} has no '# expect:' header"
    with pytest.raises(PlanError) as info:
        parse_plan(path.read_text(), path.name, path.stem)
    assert info.value.lines == [f"{path.name}: {line}" for line in expected]
    for line in info.value.lines:
        assert "\n" not in line and "pydantic" not in line and "Input should" not in line


def test_example_plan_loads():
    plan = parse_plan(EXAMPLE.read_text(), EXAMPLE.name, EXAMPLE.stem)
    assert plan.slug == "lombok-2026"
    assert [plan.code_of(s) for s in plan.sessions] == [
        "OWP1-3mrt2026", "OWP2-17mrt2026", "OWP3-7apr2026", "OWP4-12mei2026"]
    assert plan.sessions[3].kind == "evaluatie"
    assert plan.sessions[0].start == dt.time(13, 30)
    assert plan.role_of("wt1").key == "wt" and plan.role_of("jw").key == "jw" and plan.role_of("xx") is None
    assert plan.names() == {"wt1": "Fatima", "jw1": "Ruben"}
    assert plan.speaker_roles()["bib1"] == "bib"
    assert plan.role("jw").plural_label == "jongerenwerkers"


MINIMAL = """
[workshop]
title = "T"
[[roles]]
key = "sm"
label = "sociaal makelaar"
[[sessions]]
number = 1
date = 2026-03-03
[[sessions.agenda]]
title = "Opening"
minutes = 15
"""


def test_slug_defaults_to_file_name():
    plan = parse_plan(MINIMAL, "buurt-west.toml", "buurt-west")
    assert plan.slug == "buurt-west"
    assert plan.role("sm").plural_label == "sociaal makelaars"
    assert plan.workshop.language == "nl" and plan.sessions[0].kind == "bijeenkomst"


def test_file_name_that_is_no_slug_is_one_clear_line():
    with pytest.raises(PlanError) as info:
        parse_plan(MINIMAL, "Mijn Plan.toml", "Mijn Plan")
    assert info.value.lines == [
        "Mijn Plan.toml: workshop.slug: no slug given and the file name 'Mijn Plan' is not one "
        "(set slug, or use lower-case letters, digits and '-', starting with a letter or digit)"]


def test_several_problems_are_all_reported():
    text = MINIMAL.replace('title = "T"', 'title = ""\nlanguage = "fr"').replace("minutes = 15", "minutes = 900")
    with pytest.raises(PlanError) as info:
        parse_plan(text, "p.toml", "p")
    assert info.value.lines == [
        "p.toml: workshop.title: must not be empty",
        "p.toml: workshop.language: must be one of 'nl' or 'en', got the string 'fr'",
        "p.toml: sessions[0].agenda[0].minutes: must be between 1 and 600, got 900",
    ]


def test_plan_models_are_frozen_and_cross_checked_when_built_directly():
    plan = parse_plan(MINIMAL, "p.toml", "p")
    assert isinstance(plan, Plan)
    data = plan.model_dump()
    data["participants"] = [{"key": "sm1", "role": "zz"}]
    with pytest.raises(ValueError):
        Plan.model_validate(data)


def test_utf8_text_is_kept():
    plan = parse_plan(MINIMAL.replace('title = "Opening"', 'title = "Casuïstiek “Één”"'), "p.toml", "p")
    assert plan.sessions[0].agenda[0].title == "Casuïstiek “Één”"


# -- hardened edges (found by red-teaming) ---------------------------------------

@pytest.mark.parametrize("slug", ["-", "--help", "-x"])
def test_a_slug_that_reads_as_an_option_is_refused(slug: str) -> None:
    with pytest.raises(PlanError) as info:
        parse_plan(MINIMAL.replace("[workshop]", f'[workshop]\nslug = "{slug}"'), "p.toml")
    assert info.value.lines[0].startswith("p.toml: workshop.slug: invalid value")
    with pytest.raises(PlanError):
        parse_plan(MINIMAL, f"{slug}.toml", slug)  # the same rule for a slug from the file name


def test_session_codes_that_differ_only_in_letter_case_are_a_plan_error() -> None:
    text = MINIMAL + MINIMAL[MINIMAL.index("[[sessions]]"):].replace("number = 1", "number = 2")
    text = text.replace("[[sessions]]", '[[sessions]]\ncode = "OWP-a"', 1)
    text = text.replace("number = 2", 'number = 2\ncode = "owp-A"')
    with pytest.raises(PlanError) as info:
        parse_plan(text, "p.toml")
    assert any("same file" in line and "sessions[1].code" in line for line in info.value.lines), info.value.lines


def test_a_slug_from_the_file_name_is_checked_for_participant_names() -> None:
    text = MINIMAL + '\n[[participants]]\nkey = "x1"\nrole = "sm"\nname = "Ruben"\n'
    with pytest.raises(PlanError) as info:
        parse_plan(text, "ruben.toml", "ruben")
    assert info.value.lines[0].startswith("ruben.toml: workshop.slug: no slug given, and the file name 'ruben'")
    assert parse_plan(text, "lombok.toml", "lombok").slug == "lombok"


@pytest.mark.parametrize("text", ["a = " + "[" * 100_000 + "]" * 100_000,
                                  "[" + ".".join(["a"] * 100_000) + "]\n",
                                  ".".join(["a"] * 100_000) + " = 1\n",
                                  "x = " + "{ y = " * 5_000 + "1" + " }" * 5_000])
def test_absurd_nesting_is_one_plan_error_at_once(text: str) -> None:
    import time

    start = time.perf_counter()
    with pytest.raises(PlanError) as info:
        parse_plan(text, "deep.toml")
    assert len(info.value.lines) == 1 and info.value.lines[0].startswith("deep.toml: line 1: ")
    assert time.perf_counter() - start < 5  # it was RecursionError, or 52 s


def test_strings_and_comments_do_not_count_as_nesting() -> None:
    text = MINIMAL.replace('title = "T"', 'title = "' + "[" * 200 + "." * 200 + '"  # ' + "{" * 200)
    assert parse_plan(text, "p.toml", "p").workshop.title == "[" * 200 + "." * 200
