"""The capture parser against a plain reference (an oracle) on random lines.

`parse_line` is written for speed (it runs on every Enter and 100,000 times in a
big import: fast paths, one regex split per line). The oracle below reads the
rules of docs/capture-syntax.md (and the parser's docstring) the slow, obvious
way: character by character for escapes and invisible characters, the line cut
into words and whitespace for tokens. Both must agree on every line: the same
record, or an error with the same message id. `## STEP` lines are only checked
to be step lines (or a step error): that part of the parser has no fast path.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator.domain.capture import ActionLine, AttendanceLine, CaptureError, Context, Ignored, StatementLine
from facilitator.domain.capture import StepLine, parse_line

SETTINGS = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SPEAKERS = {"wt": "wt", "wt1": "wt", "bc": "bc", "bc-2": "bc", "pb": "pb"}
THEMES = frozenset({"taal", "regels", "wonen"})
STEPS = ("Opening", "Casus De Bram")
FRAMEWORKS = {"owp": ("signaal", "actie"), "Kader": ("een",)}

ESCAPABLE = '\\:#!"“”„/@'
QUOTES = (("“", "”"), ('"', '"'), ("„", "”"), ("„", "“"))
KEY_WORD = re.compile(r"[^\W\d_][\w-]*")  # the docstring's "a word starting with a letter"
THEME_WORD = re.compile(r"#[A-Za-z][A-Za-z0-9-]*")
ELEMENT_WORD = re.compile(r"#([A-Za-z][A-Za-z0-9-]*)\.([A-Za-z][A-Za-z0-9-]*)")
STEP_ERRORS = {"capture.no_steps", "capture.which_step", "capture.no_step_number", "capture.ambiguous_step",
               "capture.no_step_starts"}


class Refused(Exception):
    def __init__(self, msg_id: str):
        self.msg_id = msg_id


def refused(c: str) -> bool:
    o = ord(c)
    return (o < 0x20 and c != "\t") or 0x7F <= o <= 0x9F or 0xD800 <= o <= 0xDFFF


def invisible(c: str) -> bool:
    return unicodedata.category(c) == "Cf"


def without_invisible_prefix(line: str) -> str:
    i = 0
    while i < len(line) and invisible(line[i]):
        i += 1
    rest = line[i:]
    colon = rest.find(":", 0, 80)
    if colon > 0:
        key = "".join(c for c in rest[:colon] if not invisible(c))
        if key != rest[:colon] and KEY_WORD.fullmatch(key):
            rest = key + rest[colon:]
    return rest


def hold_escapes(line: str) -> str:
    """Each escaped character as a stand-in no rule treats as special (a lone surrogate,
    which typed text never holds)."""
    out, i = [], 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line) and line[i + 1] in ESCAPABLE:
            out.append(chr(0xD800 + ESCAPABLE.index(line[i + 1])))
            i += 2
        else:
            out.append(line[i])
            i += 1
    return "".join(out)


def unhold(text: str) -> str:
    return "".join(ESCAPABLE[ord(c) - 0xD800] if 0xD800 <= ord(c) < 0xD800 + len(ESCAPABLE) else c for c in text)


def remove_words(body: str, is_token) -> tuple[str, list[str]]:
    """The words `is_token` picks removed; the runs of text between them stripped and
    joined by one space."""
    runs, tokens, current = [], [], ""
    for part in re.split(r"(\s+)", body):
        if part and not part.isspace() and is_token(part):
            tokens.append(part)
            runs.append(current)
            current = ""
        else:
            current += part
    runs.append(current)
    if not tokens:
        return body.strip(), []
    return " ".join(r.strip() for r in runs if r.strip()), tokens


def unique(items) -> tuple[str, ...]:
    out: list[str] = []
    for item in items:
        if item not in out:
            out.append(item)
    return tuple(out)


def quote_inner(text: str) -> str | None:
    for opening, closing in QUOTES:
        if len(text) >= 2 and text[0] == opening and text[-1] == closing and closing not in text[1:-1]:
            return text[1:-1].strip()
    return None


def statement(body: str, ctx: Context, speaker: str | None) -> StatementLine:
    frameworks = {k.lower(): v for k, v in ctx.frameworks.items()}

    def is_token(word: str) -> bool:
        if THEME_WORD.fullmatch(word):
            return True
        m = ELEMENT_WORD.fullmatch(word)
        return m is not None and m.group(1).lower() in frameworks

    text, tokens = remove_words(body, is_token)
    themes = unique(t[1:].lower() for t in tokens if "." not in t)
    elements = []
    for token in tokens:
        if "." in token:
            fw, el = token[1:].lower().split(".")
            if el not in frameworks[fw]:
                raise Refused("capture.unknown_element")
            elements.append(f"{fw}.{el}")
    key = False
    if text == "!" or (len(text) >= 2 and text[-1] == "!" and text[-2].isspace()):
        key, text = True, text[:-1].rstrip()
    elif len(text) >= 2 and text[-1] == "!" and text[-2] in "”\"“" and quote_inner(text[:-1]) is not None:
        key, text = True, text[:-1]
    inner = quote_inner(text)
    if inner is not None:
        text = inner
    if not text:
        raise Refused("capture.no_text")
    return StatementLine(speaker=speaker if speaker is not None else ctx.current_speaker,
                         kind="note" if inner is None else "quote", text=unhold(text), themes=themes, key=key,
                         new_themes=tuple(t for t in themes if t not in ctx.themes),
                         explicit_speaker=speaker is not None, elements=unique(elements))


def action(body: str, ctx: Context) -> ActionLine:
    text, tokens = remove_words(body, lambda w: THEME_WORD.fullmatch(w) is not None or w.startswith("@") and len(w) > 1)
    owners = [t[1:] for t in tokens if t.startswith("@")]
    themes = unique(t[1:].lower() for t in tokens if t.startswith("#"))
    if any(o.lower() not in ctx.speakers for o in owners):
        raise Refused("capture.unknown_owner")
    if len(unique(o.lower() for o in owners)) > 1:
        raise Refused("capture.one_owner")
    if not text:
        raise Refused("capture.action_needs_text")
    return ActionLine(text=unhold(text), owner=owners[0].lower() if owners else None, themes=themes,
                      new_themes=tuple(t for t in themes if t not in ctx.themes))


def oracle(line: str, ctx: Context):
    line = without_invisible_prefix(line)
    if any(refused(c) for c in line):
        raise Refused("capture.refused_character")
    if line.strip() == "":
        return Ignored()
    held = hold_escapes(line)
    if held[0].isspace():
        return statement(held, ctx, None)
    if held.startswith("//"):
        return Ignored()
    if held.startswith("##"):
        return "step"
    word = KEY_WORD.match(held)
    if word is None or held[word.end():word.end() + 1] != ":":
        return statement(held, ctx, None)
    key, rest = word.group().lower(), held[word.end() + 1:]
    if key in ("actie", "action"):
        return action(rest, ctx)
    if key in ("aanwezig", "present"):
        keys = tuple(k.lower() for k in re.split(r"[\s,]+", rest) if k)
        if not keys:
            raise Refused("capture.who_present")
        unknown = unique(k for k in keys if k not in ctx.speakers)
        if unknown:
            raise Refused("capture.unknown_keys" if len(unknown) > 1 else "capture.unknown_key")
        return AttendanceLine(keys)
    if key in ctx.speakers or key in ("allen", "all"):
        return statement(rest, ctx, key)
    raise Refused("capture.unknown_speaker")


# -- random lines built from the pieces the syntax gives a meaning -------------------------

PIECES = [
    " ", "  ", "\t", "\u00a0", "\u3000", "\u2028", "!", " !", "”!", ":", "#", "##", "//", "@", "@wt", "@bc-2", "@nobody",
    "\\", "\\#", "\\!", "\\:", "\\\\", "\\“", "\\x", "“", "”", '"', "„", "#taal", "#Taal", "#nieuw", "#regels,", "#1",
    "a#b", "#owp.signaal", "#OWP.Actie", "#owp.other", "#kader.een", "#x.y", "#a-b", "wt:", "WT1:", "bc-2:", "pb :",
    "allen:", "all:", "actie:", "Action:", "aanwezig:", "present:", "nobody:", "10:30", "ja", "nee", "Zo is het.",
    "C:\\temp", "😀", "é", "ﬁ", "½:", "_x:", "\ufeff", "\u200b", "\u00ad", "\u202e", "\x00", "\x1b", "\x7f", "\x85",
    ",", "wt", "bc", "## 1", "## cas", "## bram",
]
piece = st.one_of(st.sampled_from(PIECES), st.sampled_from(PIECES), st.characters(codec=None))
separator = st.sampled_from([" ", " ", " ", "", "  ", "\t"])  # tokens count only between whitespace
lines = st.lists(st.tuples(piece, separator), max_size=12).map(lambda parts: "".join(p + s for p, s in parts).rstrip(" "))
contexts = st.builds(
    lambda current, frameworks: Context(SPEAKERS, THEMES, STEPS, current, 0, FRAMEWORKS if frameworks else {}),
    st.sampled_from([None, "wt", "bc"]), st.booleans())


def check(line: str, ctx: Context) -> None:
    try:
        want = oracle(line, ctx)
    except Refused as exc:
        want = exc
    try:
        got = parse_line(line, ctx)
    except CaptureError as exc:
        got = exc
    if isinstance(want, Refused):
        assert isinstance(got, CaptureError) and got.msg.id == want.msg_id, (line, want.msg_id, got)
    elif want == "step":
        assert isinstance(got, StepLine) or (isinstance(got, CaptureError) and got.msg.id in STEP_ERRORS), (line, got)
    else:
        assert got == want, line


@SETTINGS
@given(lines, contexts)
def test_the_parser_agrees_with_the_plain_reading(line, ctx):
    check(line, ctx)


def test_the_oracle_is_no_copy_of_the_parser_on_the_usual_lines():
    """Lines a note-taker types, each a case of its own (the examples make sure the
    property above covers them, whatever hypothesis draws)."""
    ctx = Context(SPEAKERS, THEMES, STEPS, "wt", 0, FRAMEWORKS)
    for line in ['wt: "Uitspraak 1: we verwijzen door." #taal', "bc: “Zo is het.”! #regels #taal #regels",
                 "Een notitie zonder spreker !", "pb: tekst #owp.signaal #owp.signaal #nieuw", "  wt: geen spreker",
                 "wt: \\“geen citaat” \\#taal \\!", "\ufeffwt1: na een BOM", "w\u200bt: verborgen in de sleutel",
                 "actie: bellen @bc #taal", "aanwezig: wt, bc wt", "// commentaar", "#owp.other is tekst",
                 "wt: #owp.other", "wt: #x.y tekst #taal  #x.y", "nobody: wie", "wt: “ja” en “nee”", "wt: Prima!", "wt: a\tb  #taal  c"]:
        check(line, ctx)


def test_no_format_character_comes_before_the_soft_hyphen():
    """The parser looks a character up in the Unicode table only from U+00AD on."""
    assert all(unicodedata.category(chr(c)) != "Cf" for c in range(0xAD))
    assert unicodedata.category("\u00ad") == "Cf"
