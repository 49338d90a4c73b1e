"""The capture parser: every rule and error of docs/capture-syntax.md
and the decisions in facilitator/domain/capture.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitator.domain.capture import (
    ActionLine,
    AttendanceLine,
    CaptureError,
    Context,
    Ignored,
    StatementLine,
    StepLine,
    context_for,
    format_action,
    format_attendance,
    format_statement,
    parse_line,
)
from facilitator.domain.plan import parse_plan

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "tests" / "fixtures" / "plan-example.toml"
PLAN = parse_plan(EXAMPLE.read_text())

# Session 1 of the example plan, nobody has spoken yet.
CTX = context_for(PLAN, ["eigen-thema"], 1)

# The keys the spec's examples use.
SPEC_CTX = Context(
    speakers={"sm": "sm", "bs": "bs", "lg": "lg", "sm1": "sm"},
    themes=frozenset({"samenwerking", "regels", "werkwijze", "plek"}),
    steps=("Opening", "Casus", "Afspraken"),
)


def parse(line: str, ctx: Context = CTX, **changes):
    if changes:
        ctx = Context(**{**ctx.__dict__, **changes})
    return parse_line(line, ctx)


def error(line: str, ctx: Context = CTX, **changes) -> str:
    with pytest.raises(CaptureError) as info:
        parse(line, ctx, **changes)
    msg = info.value.message
    assert "\n" not in msg and msg == str(info.value)
    return msg


# -- the spec's examples, literally ---------------------------------------------------


def test_spec_example_session():
    lines = [
        "## 2",
        "sm: “Voor de bewoner maakt het niet uit wie hij aanspreekt.” #samenwerking !",
        "bs: Ze heeft iemand buiten het postcodegebied toch geholpen. #regels",
        '"Ik wil altijd graag concreet aan de slag." #werkwijze',
        "actie: casusoverleg elke maand in het buurthuis @lg #plek",
    ]
    speaker = None
    out = []
    for line in lines:
        rec = parse(line, SPEC_CTX, current_speaker=speaker)
        if isinstance(rec, StatementLine) and rec.explicit_speaker:
            speaker = rec.speaker
        out.append(rec)
    assert out == [
        StepLine(1),
        StatementLine("sm", "quote", "Voor de bewoner maakt het niet uit wie hij aanspreekt.", ("samenwerking",), True,
                      (), True),
        StatementLine("bs", "note", "Ze heeft iemand buiten het postcodegebied toch geholpen.", ("regels",), False,
                      (), True),
        StatementLine("bs", "quote", "Ik wil altijd graag concreet aan de slag.", ("werkwijze",), False, (), False),
        ActionLine("casusoverleg elke maand in het buurthuis", "lg", ("plek",)),
    ]


def test_spec_attendance_example():
    ctx = Context(speakers={"sm1": "sm", "sm2": "sm", "bj": "bj", "sm": "sm"}, themes=frozenset(), steps=())
    assert parse("aanwezig: sm1 sm2 bj bj", ctx) == AttendanceLine(("sm1", "sm2", "bj", "bj"))


# -- speaker -------------------------------------------------------------------------


@pytest.mark.parametrize("line", ["wt1: tekst", "WT1: tekst", "Wt1:tekst", "wt1:   tekst  "])
def test_speaker_is_case_insensitive_and_stored_lower(line):
    rec = parse(line)
    assert (rec.speaker, rec.text, rec.explicit_speaker) == ("wt1", "tekst", True)


def test_role_key_is_a_speaker():
    assert parse("lg: ok").speaker == "lg"


def test_omitted_speaker_is_the_sticky_one():
    rec = parse("tekst", current_speaker="jw1")
    assert (rec.speaker, rec.explicit_speaker) == ("jw1", False)


def test_omitted_speaker_without_sticky_is_unknown():
    assert parse("tekst").speaker is None


def test_unknown_first_word_with_colon_is_an_error_listing_keys():
    msg = error("Opmerking: de koffie is op")
    assert "'Opmerking'" in msg
    assert "wt, jw, bib, lg, pb, on, wt1, wt2, jw1, bib1" in msg


def test_long_unknown_word_is_shortened_in_the_message():
    msg = error("x" * 1000 + ": y")
    assert len(msg) < 200 and "…" in msg


@pytest.mark.parametrize("line, text", [
    ("wt1\\: tekst", "wt1: tekst"),
    ("Opmerking\\: koffie", "Opmerking: koffie"),
    (" Opmerking: koffie", "Opmerking: koffie"),
    ("\tOpmerking: koffie", "Opmerking: koffie"),
    ("10:30 pauze", "10:30 pauze"),
    ("wt1 : spatie voor de dubbele punt", "wt1 : spatie voor de dubbele punt"),
])
def test_literal_colon(line, text):
    rec = parse(line, current_speaker="wt2")
    assert (rec.speaker, rec.text, rec.explicit_speaker) == ("wt2", text, False)


def test_colon_later_in_the_text_is_text():
    assert parse("wt1: let op: dit").text == "let op: dit"


def test_leading_space_turns_keywords_steps_and_comments_into_text():
    assert parse(" actie: x").text == "actie: x"
    assert parse(" ## 2").text == "## 2"
    assert parse(" // x").text == "// x"


# -- quote or note ------------------------------------------------------------------


@pytest.mark.parametrize("body", ["“Zo is het.”", '"Zo is het."', "„Zo is het.”", "„Zo is het.“", "“ Zo is het. ”"])
def test_quote_forms(body):
    rec = parse("wt1: " + body)
    assert (rec.kind, rec.text) == ("quote", "Zo is het.")


@pytest.mark.parametrize("body", [
    "Zo is het.", "“Zo is het.", "Zo is het.”", "“Zo is het.\"", "“ja” en “nee”", '"ja" en "nee"', "Hij zei “ja”",
    "\\“Zo is het.”", "”Zo is het.“",
])
def test_notes(body):
    rec = parse("wt1: " + body)
    assert rec.kind == "note"
    assert rec.text == body.replace("\\", "")


def test_quote_keeps_inner_marks_of_another_kind_and_escaped_ones():
    assert parse("wt1: “Hij zei ‘nee’ en \"ja\"”").text == "Hij zei ‘nee’ en \"ja\""
    assert parse("wt1: “Hij zei \\”nee\\”.”").text == "Hij zei ”nee”."


def test_empty_quote_is_an_error():
    assert "no text" in error("wt1: “”")


# -- themes ------------------------------------------------------------------------


def test_themes_anywhere_removed_lowercased_deduplicated_in_order():
    rec = parse("#Taal wt wil #regels iets #TAAL anders #nieuw-1 !")
    assert rec.themes == ("taal", "regels", "nieuw-1")
    assert rec.new_themes == ("nieuw-1",)
    assert rec.text == "wt wil iets anders"
    assert rec.key


def test_created_themes_are_known():
    assert parse("x #eigen-thema").new_themes == ()


@pytest.mark.parametrize("line, text", [
    ("punt #1 van de agenda", "punt #1 van de agenda"),
    ("a#regels", "a#regels"),
    ("#regels, zei ze", "#regels, zei ze"),
    ("\\#regels is een woord", "#regels is een woord"),
    ("# kop", "# kop"),
    ("#-x", "#-x"),
])
def test_hash_that_is_not_a_theme_stays_text(line, text):
    rec = parse(line)
    assert (rec.text, rec.themes) == (text, ())


def test_whitespace_is_normalised_only_where_a_token_was_removed():
    assert parse("a  b \t #taal \t c  d").text == "a  b c  d"
    assert parse("a  b   c").text == "a  b   c"


def test_only_themes_is_an_error():
    assert "no text" in error("wt1: #taal #regels")


# -- key mark --------------------------------------------------------------------


@pytest.mark.parametrize("line, text, key", [
    ("Prima!", "Prima!", False),
    ("Prima !", "Prima", True),
    ("Prima\t!", "Prima", True),
    ("Prima ! #taal", "Prima", True),
    ("Prima \\!", "Prima !", False),
    ("Prima !!", "Prima !!", False),
    ("“Zo is het.”!", "Zo is het.", True),
    ("“Zo is het.” !", "Zo is het.", True),
    ("Ze riep “help”!", "Ze riep “help”!", False),
    ("! Prima", "! Prima", False),
])
def test_key_mark(line, text, key):
    rec = parse(line)
    assert (rec.text, rec.key) == (text, key)


def test_key_mark_alone_is_an_error():
    assert "no text" in error("wt1: !")


# -- escapes -------------------------------------------------------------------------


@pytest.mark.parametrize("line, text", [
    ("a \\\\ b", "a \\ b"),
    ("zie C:\\temp", "zie C:\\temp"),
    ("a\\b", "a\\b"),
    ("\\\\#taal", "\\#taal"),  # an escaped backslash; the # is not after whitespace, so text
    ("a \\\\ #taal", "a \\"),  # an escaped backslash, then a theme
    ("a \\@b", "a @b"),
    ("\\// geen commentaar", "// geen commentaar"),
    ("\\## geen stap", "## geen stap"),
])
def test_escapes(line, text):
    assert parse(line).text == text


# -- steps ---------------------------------------------------------------------------


@pytest.mark.parametrize("line, step", [
    ("## 1", 0), ("## 4", 3), ("##2", 1), ("##   3  ", 2),
    ("## opening", 0), ("## IEDERS", 1), ("## casus:", 2), ("## Afsluiting en afspraken", 3),
])
def test_step(line, step):
    assert parse(line) == StepLine(step)


def test_exact_title_wins_over_longer_titles():
    ctx = Context(speakers={}, themes=frozenset(), steps=("Casus", "Casus twee"))
    assert parse("## casus", ctx) == StepLine(0)
    assert parse("## casus t", ctx) == StepLine(1)


@pytest.mark.parametrize("line, words", [
    ("## 0", "no step '0'"),
    ("## 5", "no step '5'"),
    ("## zz", "no step starts with 'zz'"),
    ("##", "which step?"),
])
def test_step_errors_list_the_steps(line, words):
    msg = error(line)
    assert words in msg
    assert "1 Opening en rondje; 2 Ieders opdracht in vijf minuten; 3 Casus: het gezin boven de bakker" in msg


def test_ambiguous_step_prefix():
    ctx = context_for(PLAN, [], 3)  # "Casus: de jongen ..." and "Wat spreken we af?"
    assert parse("## w", ctx) == StepLine(1)
    ctx = Context(speakers={}, themes=frozenset(), steps=("Casus een", "Casus twee"))
    assert "ambiguous" in error("## cas", ctx)


def test_step_without_agenda():
    assert "no agenda" in error("## 1", Context(speakers={}, themes=frozenset(), steps=()))


# -- actions -------------------------------------------------------------------------


@pytest.mark.parametrize("line, expected", [
    ("actie: bel de school", ActionLine("bel de school", None, ())),
    ("Action: bel de school @JW1 #Taal", ActionLine("bel de school", "jw1", ("taal",))),
    ("ACTIE: @lg plant #nieuw overleg", ActionLine("plant overleg", "lg", ("nieuw",), ("nieuw",))),
    ("actie: mail naar a@b.nl", ActionLine("mail naar a@b.nl", None, ())),
    ("actie: \\@lg is geen eigenaar", ActionLine("@lg is geen eigenaar", None, ())),
    ("actie: volgende keer ! echt", ActionLine("volgende keer ! echt", None, ())),
    ("actie: @lg regelt het @LG", ActionLine("regelt het", "lg", ())),
])
def test_action(line, expected):
    assert parse(line) == expected


def test_action_with_unknown_owner():
    msg = error("actie: bel @piet")
    assert "@piet" in msg and "known keys: wt," in msg


def test_action_with_two_owners():
    assert "one owner" in error("actie: bel @lg @wt1")


@pytest.mark.parametrize("line", ["actie:", "actie:   ", "actie: @lg #taal"])
def test_empty_action(line):
    assert "needs text" in error(line)


# -- attendance ----------------------------------------------------------------------


def test_attendance_keys_lowercased_repeats_kept_commas_allowed():
    assert parse("Aanwezig: WT1, wt2 jw jw") == AttendanceLine(("wt1", "wt2", "jw", "jw"))
    assert parse("present: lg") == AttendanceLine(("lg",))


def test_attendance_unknown_keys_are_named():
    msg = error("aanwezig: wt1 piet jan piet")
    assert "'piet', 'jan'" in msg and "known keys" in msg


def test_attendance_without_keys():
    assert "who is present" in error("aanwezig:")


def test_keyword_beats_speaker_key():
    ctx = Context(speakers={"actie": "actie"}, themes=frozenset(), steps=())
    assert isinstance(parse("actie: x", ctx), ActionLine)


# -- ignored lines ---------------------------------------------------------------------


@pytest.mark.parametrize("line", ["", " ", "\t  ", "//", "// wt1: iets", "//\u200fשלום"])
def test_ignored(line):
    assert parse(line) == Ignored()


# -- refused characters ----------------------------------------------------------------


@pytest.mark.parametrize("line, column, code", [
    ("a\x00b", 2, "U+0000"),
    ("wt1: a\nb", 7, "U+000A"),
    ("a\rb", 2, "U+000D"),
    ("ab\x1b[31m", 3, "U+001B"),
    ("\x7f", 1, "U+007F"),
    ("a\x85", 2, "U+0085"),
    ("a\x9f", 2, "U+009F"),
    ("// a\x07", 5, "U+0007"),
    ("ok \ud800", 4, "U+D800"),
    ("ok \udfff x", 4, "U+DFFF"),
])
def test_refused_characters_name_column_and_code_point(line, column, code):
    msg = error(line)
    assert f"column {column}:" in msg and code in msg


@pytest.mark.parametrize("text", [
    "tab\tin het midden", "emoji 👍🏽 en 🇳🇱", "RTL \u05e9\u05dc\u05d5\u05dd \u200f", "combining e\u0301 Zoe\u0308",
    "**markdown** _x_ [link](http://x) <b>html</b> &amp;", "nbsp\u00a0hier", "\u2028lijn\u2029",
])
def test_everything_else_is_kept_exactly(text):
    assert parse("wt1: " + text).text == text.strip()


def test_non_text_input_is_a_capture_error():
    with pytest.raises(CaptureError):
        parse_line(None, CTX)  # type: ignore[arg-type]


# -- formatting back -------------------------------------------------------------------


@pytest.mark.parametrize("st, line", [
    (StatementLine("wt1", "note", "Gewoon een notitie", ("taal",), True), "wt1: Gewoon een notitie #taal !"),
    (StatementLine("wt1", "quote", "Zo is het.", (), False), "wt1: “Zo is het.”"),
    (StatementLine(None, "note", "Opmerking: koffie", (), False), "Opmerking\\: koffie"),
    (StatementLine("lg", "note", "#1 is #taal", (), False), "lg: \\#1 is \\#taal"),
    (StatementLine("lg", "note", "Zo is het !", (), False), "lg: Zo is het \\!"),
    (StatementLine("lg", "note", "“ja”", (), False), "lg: \\“ja”"),
    (StatementLine("lg", "quote", "a ” b\\", (), False), "lg: “a \\” b\\\\”"),
    (StatementLine(None, "note", "// geen commentaar", (), False), "\\// geen commentaar"),
])
def test_format_statement(st, line):
    assert format_statement(st) == line
    back = parse(line, current_speaker=st.speaker)
    assert (back.speaker, back.kind, back.text, back.themes, back.key) == (st.speaker, st.kind, st.text, st.themes, st.key)


def test_format_statement_without_speaker():
    st = StatementLine("wt1", "note", "actie: niet echt", (), False)
    line = format_statement(st, include_speaker=False)
    assert line == "actie\\: niet echt"
    assert parse(line, current_speaker="wt1").text == "actie: niet echt"


def test_format_action_and_attendance_round_trip():
    a = ActionLine("mail @iedereen over #1", "jw1", ("taal", "plek"))
    assert parse(format_action(a)) == a
    assert parse(format_attendance(["wt1", "jw", "jw"])) == AttendanceLine(("wt1", "jw", "jw"))


# -- context_for -----------------------------------------------------------------------


def test_context_for():
    ctx = context_for(PLAN, ["eigen"], 2, "wt1", 1)
    assert ctx.steps == ("Terugblik op bijeenkomst 1", "Wat bedoelen we met 'doorverwijzen'?", "Afsluiting")
    assert ctx.themes == {"werkwijze", "doorverwijzen", "taal", "plek", "regels", "eigen"}
    assert ctx.speakers["wt1"] == "wt" and ctx.speakers["lg"] == "lg"
    assert (ctx.current_speaker, ctx.current_step) == ("wt1", 1)
    assert context_for(PLAN, [], 99).steps == ()


# -- invisible characters never change attribution (issue 14) ----------------------------------

@pytest.mark.parametrize("line, removed", [
    ("\ufeffwt1: “De kast is leeg.”", [(1, "\ufeff")]),  # what `cat a.txt b.txt` leaves
    ("\u200bwt1: “De kast is leeg.”", [(1, "\u200b")]),
    ("\u200b\u2060wt1: “De kast is leeg.”", [(1, "\u200b"), (2, "\u2060")]),
    ("w\u200dt1: “De kast is leeg.”", [(2, "\u200d")]),
])
def test_invisible_characters_before_a_speaker_key_are_removed_and_told(line, removed):
    from facilitator.domain.capture import invisible_prefix

    ctx = context_for(PLAN, [], 1, current_speaker="jw1", current_step=0)
    parsed = parse_line(line, ctx)
    assert isinstance(parsed, StatementLine)
    assert (parsed.speaker, parsed.kind, parsed.text, parsed.explicit_speaker) == ("wt1", "quote", "De kast is leeg.", True)
    assert invisible_prefix(line) == removed


def test_invisible_characters_inside_the_text_are_kept():
    from facilitator.domain.capture import invisible_prefix

    ctx = context_for(PLAN, [], 1, current_speaker="jw1", current_step=0)
    for line in ("Ja\u200bnee", "👨\u200d👩\u200d👧: een gezin", "wt1: Ru\u00adben"):
        assert invisible_prefix(line) == []
        assert "\u200b" in parse_line(line, ctx).text or "\u200d" in parse_line(line, ctx).text \
            or "\u00ad" in parse_line(line, ctx).text
