"""Properties of the capture parser: it raises nothing but CaptureError, and a
record formatted back to a capture line parses to the same record."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator.domain.capture import (
    ActionLine,
    CaptureError,
    Context,
    StatementLine,
    context_for,
    format_action,
    format_statement,
    parse_line,
)
from facilitator.domain.plan import parse_plan

ROOT = Path(__file__).resolve().parents[2]
PLAN = parse_plan((ROOT / "tests" / "fixtures" / "plan-example.toml").read_text())
CTX = context_for(PLAN, [], 1)
KEYS = sorted(CTX.speakers)

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# The characters the syntax gives a meaning, and their neighbours.
SPECIAL = list('#!:"“”„\\/@ \t') + ["##", "//", "\\#", "\\!", "\\:", "\\\\", " !", "“", "”!", "#taal", "#1", "@lg",
                                      "wt1:", "actie:", "aanwezig:", "\u00a0", "\u3000", "\u2028"]


def _allowed(c: str) -> bool:
    o = ord(c)
    return not (o < 0x20 and c != "\t" or 0x7F <= o <= 0x9F or 0xD800 <= o <= 0xDFFF)


ANY_CHAR = st.characters(codec=None, exclude_categories=())  # every code point, surrogates too
TEXT_CHAR = st.characters(exclude_categories=("Cs",)).filter(_allowed)

any_line = st.lists(st.one_of(ANY_CHAR, st.sampled_from(SPECIAL), st.sampled_from(list("\x00\n\x1b\x7f\x85"))),
                    max_size=40).map("".join)
typed_text = (
    st.lists(st.one_of(TEXT_CHAR, st.sampled_from(SPECIAL), st.sampled_from(list("aZé😀"))), min_size=1, max_size=30)
    .map("".join)
    .map(str.strip)
    .filter(bool)
)
theme_keys = st.lists(st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True), max_size=3, unique=True).map(tuple)
speakers = st.one_of(st.none(), st.sampled_from(KEYS))


def with_speaker(ctx: Context, speaker: str | None) -> Context:
    return Context(ctx.speakers, ctx.themes, ctx.steps, speaker, ctx.current_step)


@SETTINGS
@given(any_line, speakers)
def test_parse_line_raises_only_capture_error(line, current):
    try:
        parse_line(line, with_speaker(CTX, current))
    except CaptureError as exc:
        assert "internal error" not in exc.message
        assert "\n" not in exc.message and len(exc.message) < 400


@SETTINGS
@given(typed_text, speakers, st.sampled_from(["quote", "note"]), theme_keys, st.booleans(), st.booleans())
def test_format_statement_round_trips(text, speaker, kind, themes, key, include_speaker):
    record = StatementLine(speaker, kind, text, themes, key)
    line = format_statement(record, include_speaker=include_speaker)
    back = parse_line(line, with_speaker(CTX, None if include_speaker else speaker))
    assert isinstance(back, StatementLine), line
    assert (back.speaker, back.kind, back.text, back.themes, back.key) == (speaker, kind, text, themes, key), line


@SETTINGS
@given(any_line, speakers)
def test_every_parsed_statement_formats_back_to_itself(line, current):
    ctx = with_speaker(CTX, current)
    try:
        record = parse_line(line, ctx)
    except CaptureError:
        return
    if isinstance(record, StatementLine):
        again = parse_line(format_statement(record), ctx)
        assert (again.speaker, again.kind, again.text, again.themes, again.key) == (
            record.speaker, record.kind, record.text, record.themes, record.key)


@SETTINGS
@given(typed_text, st.one_of(st.none(), st.sampled_from(KEYS)), theme_keys)
def test_format_action_round_trips(text, owner, themes):
    action = ActionLine(text, owner, themes)
    back = parse_line(format_action(action), CTX)
    assert isinstance(back, ActionLine)
    assert (back.text, back.owner, back.themes) == (text, owner, themes)
