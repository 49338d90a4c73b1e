"""The capture parser (docs/capture-syntax.md): one line, one record.

Pure: `parse_line` never touches disk or screen and raises nothing but
`CaptureError`. The same function serves the live capture line and
`facilitator import`. It runs in linear time (regular expressions without
nested repetition, no per-character Python loop), so it can run on every
keystroke, also for a very long line.

Decisions, beyond the spec:

- Speaker: `KEY:` as the first word of the line (a word starting with a letter,
  directly followed by a colon), case-insensitive, stored lower case.
  `allen:`/`all:` is the whole group ("de deelnemers"), unless the plan has a
  key of that name. `actie:`/`action:` and `aanwezig:`/`present:` are keywords (also
  case-insensitive) and win over a speaker key of the same name. Any other first
  word followed by a colon is an error naming the word and listing the known
  keys. `\\:` writes a literal colon; so does a leading space: a line that
  starts with whitespace is always a statement (no speaker, keyword, `##` step
  or `//` comment is recognised in it). `10:30 ...` is text (no letter first).
  Omitted speaker: `ctx.current_speaker` (sticky; None is an unknown
  participant). The caller keeps the sticky speaker: after a statement with an
  explicit speaker, that speaker becomes current.
- Quote: the remaining text wholly wrapped in “…”, "…", „…” or „…“ is a quote,
  stored without the outer marks (and without whitespace just inside them).
  "Wholly" means the inner text holds no unescaped closing mark of the same
  kind: `“ja” en “nee”` is a note.
- Themes: a `#key` token (at the start of the line or after whitespace, up to
  whitespace or the end: `#` + an ASCII letter + ASCII letters, digits, `-`;
  case-insensitive, stored lower case) anywhere in the line tags a theme and is
  removed from the text; where tokens were removed the surrounding whitespace
  becomes one space (at the ends of the text: none). Nothing else in the text
  is touched. `#1`, `a#b` and `#regels,` are text. Themes are deduplicated in
  order of appearance; unknown keys are also listed in `new_themes`.
- Framework elements: `#FRAMEWORK.ELEMENT` (both parts like a theme key,
  case-insensitive, stored lower case as "framework.element") tags an element
  of a plan framework, and is removed like a theme token. Only when FRAMEWORK
  is a framework key of the plan; otherwise the token is text, as it always
  was (`#a.b` was never a theme). An unknown element of a known framework is an
  error listing its elements. Elements tag statements only (on an action line
  the token is text). Deduplicated in order of appearance.
- Key mark: a trailing `!` standing as its own token (after whitespace; may be
  followed by theme tokens) marks a key statement. `!` directly after the
  closing mark of a quote (`“Zo is het.”!`) marks it too. A `!` glued to a word
  (`Prima!`, `Ze riep “help”!` which is a note) is punctuation.
- Escapes: a backslash before one of  \\ : # ! " “ ” „ / @  writes that
  character literally (`\\#`, `\\!`, `\\:`, `\\“` ...). A backslash before any
  other character is itself literal, so `C:\\temp` needs no doubling.
- `## STEP`: the line starts with `##`; STEP is a number (1-based as shown to
  users, stored 0-based) or a case-insensitive prefix of a step title (an exact
  title wins over longer titles it prefixes); failing that, a prefix of any
  word of a title (`## bram` for "Casus De Bram") when only one title has one.
  Ambiguous: an error listing the candidates; no match: one listing the steps.
- `actie: TEXT [@KEY] [#theme ...]`: a word starting with `@` anywhere names
  the owner, a known speaker key (error otherwise; at most one). Empty text is
  an error.
- `aanwezig: KEY ...`: keys separated by whitespace or commas, every key known
  (the error names the unknown ones), repeats kept. No key at all is an error.
- `// ...` and empty or whitespace-only lines are `Ignored`.
- A statement whose text is empty once speaker, tokens and marks are removed is
  an error.
- Lone surrogates and control characters (C0 except TAB, DEL, C1) are refused
  anywhere in the line, naming the 1-based column and the code point.
  Everything else (emoji, RTL text, combining marks, Markdown, HTML) is kept
  exactly. The caller strips the line ending before parsing.
- Invisible characters never change attribution: format characters (Unicode
  category Cf: BOM, zero-width space/joiner, soft hyphen, direction marks) at
  the start of a line, or inside a `KEY:` before its colon, are removed before
  parsing (`cat a.txt b.txt` leaves a BOM before `wt1:`, which otherwise made the
  line a statement of the previous speaker). `invisible_prefix(line)` tells
  which were removed, so the notes import can report them with the line number.
- Error messages are short, concrete, one line, from the catalog (facilitator/messages.toml):
  `CaptureError.render(lang)` in the interface language, `.message` in English.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, Literal, Mapping, Sequence

from facilitator.i18n import Message

if TYPE_CHECKING:  # pragma: no cover
    from facilitator.domain.plan import Plan

GROUP_SPEAKERS = ("allen", "all")  # = facilitator.domain.plan.GROUP_SPEAKERS (kept import-free here)


class CaptureError(ValueError):
    """A line that cannot be recorded. `render(lang)` is one line for the user in the
    interface language; `message` (and `str()`) is the English one."""

    def __init__(self, msg_id: str, /, **values: object):
        self.msg = Message(msg_id, **values)
        self.message = str(self.msg)
        super().__init__(self.message)

    def render(self, lang: str) -> str:
        return self.msg.render(lang)


@dataclass(frozen=True)
class Context:
    """What the parser needs to know about the workshop and the session so far."""

    speakers: Mapping[str, str]  # typed key (role or participant, lower case) -> role key
    themes: frozenset[str]  # known theme keys
    steps: Sequence[str]  # titles of the session's agenda steps, in order
    current_speaker: str | None = None  # the sticky speaker (last one used), or None
    current_step: int | None = None  # 0-based agenda index
    # framework key -> its element keys, in order (`#framework.element`)
    frameworks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class StatementLine:
    speaker: str | None  # key as typed (lower-cased), or the sticky one; None: unknown participant
    kind: Literal["quote", "note"]
    text: str  # without the quote marks, theme tokens, key mark and speaker
    themes: tuple[str, ...]  # in order of appearance, without duplicates
    key: bool
    new_themes: tuple[str, ...] = ()  # the subset of `themes` not yet known
    explicit_speaker: bool = False  # False: the sticky speaker was used
    elements: tuple[str, ...] = ()  # "framework.element", in order of appearance, without duplicates


@dataclass(frozen=True)
class StepLine:
    step: int  # 0-based agenda index


@dataclass(frozen=True)
class ActionLine:
    text: str
    owner: str | None
    themes: tuple[str, ...]
    new_themes: tuple[str, ...] = ()


@dataclass(frozen=True)
class AttendanceLine:
    keys: tuple[str, ...]  # as typed (lower-cased), repeats kept: `bj bj` is two people


@dataclass(frozen=True)
class Ignored:
    """An empty line or a `//` comment."""


Parsed = StatementLine | StepLine | ActionLine | AttendanceLine | Ignored

ACTION_WORDS = ("actie", "action")
PRESENT_WORDS = ("aanwezig", "present")

# -- characters ---------------------------------------------------------------

_REFUSED = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff]")
_ESCAPABLE = '\\:#!"“”„/@'
# While parsing, an escaped character stands in as a lone surrogate: those are
# refused in the input, so they can never be confused with typed text, and no
# rule below treats them as special. They are turned back at the end.
_HOLD = {c: chr(0xD800 + i) for i, c in enumerate(_ESCAPABLE)}
_UNHOLD = str.maketrans({v: k for k, v in _HOLD.items()})
_ESCAPE_RE = re.compile(r"\\([" + re.escape(_ESCAPABLE) + "])")

_FIRST_WORD = re.compile(r"([^\W\d_][\w-]*):")
_THEME = re.compile(r"(?<!\S)#([A-Za-z][A-Za-z0-9-]*)(?!\S)")
_THEME_OR_ELEMENT = re.compile(r"(?<!\S)#([A-Za-z][A-Za-z0-9-]*)(?:\.([A-Za-z][A-Za-z0-9-]*))?(?!\S)")
_ACTION_TOKEN = re.compile(r"(?<!\S)(?:#([A-Za-z][A-Za-z0-9-]*)|@(\S+))(?!\S)")
_NUMBER = re.compile(r"[0-9]+")
_KEY_SPLIT = re.compile(r"[\s,]+")

_QUOTE_PAIRS = (("“", "”"), ('"', '"'), ("„", "”"), ("„", "“"))
_CLOSING = frozenset("”\"“")
_OPENING = frozenset(opening for opening, _closing in _QUOTE_PAIRS)


def _show(word: str, limit: int = 30) -> str:
    """A typed word for an error message: quoted, and short."""
    word = word.translate(_UNHOLD)
    if len(word) > limit:
        word = word[: limit - 1] + "…"
    return f"'{word}'"


def _check_characters(line: str) -> None:
    m = _REFUSED.search(line)
    if m:
        c = m.group()
        what = Message("capture.what_surrogate" if 0xD800 <= ord(c) <= 0xDFFF else "capture.what_control")
        raise CaptureError("capture.refused_character", column=m.start() + 1, what=what, code=f"{ord(c):04X}")


def _known_keys(ctx: Context) -> str | Message:
    keys = list(ctx.speakers)
    return ", ".join(keys) if keys else Message("capture.no_keys")


# -- parsing --------------------------------------------------------------------


def _is_format(ch: str) -> bool:
    # U+00AD (soft hyphen) is the lowest format character: below it, no table look-up
    return ch >= "\xad" and unicodedata.category(ch) == "Cf"


def clean_prefix(line: str) -> tuple[str, list[tuple[int, str]]]:
    """`line` without the format characters at its start and inside a leading
    `KEY:`, and what was removed: (1-based column, character)."""
    if not isinstance(line, str) or line.isascii():
        return line, []
    removed: list[tuple[int, str]] = []
    i = 0
    while i < len(line) and _is_format(line[i]):
        removed.append((i + 1, line[i]))
        i += 1
    rest = line[i:]
    colon = rest.find(":", 0, 80)
    if colon > 0 and not rest[:colon].isascii() and any(_is_format(c) for c in rest[:colon]):
        key = "".join(c for c in rest[:colon] if not _is_format(c))
        if _FIRST_WORD.fullmatch(key + ":"):
            removed += [(i + k + 1, c) for k, c in enumerate(rest[:colon]) if _is_format(c)]
            rest = key + rest[colon:]
    return (rest, removed) if removed else (line, [])


def invisible_prefix(line: str) -> list[tuple[int, str]]:
    """The invisible characters `parse_line` removes from the start of `line`
    (1-based column, character); empty for almost every line."""
    return clean_prefix(line)[1]


def describe_invisible(removed: list[tuple[int, str]]) -> str:
    """`U+FEFF (ZERO WIDTH NO-BREAK SPACE) at column 1, ...` for a message."""
    return ", ".join(f"U+{ord(c):04X} ({unicodedata.name(c, 'format character')}) at column {col}"
                     for col, c in removed)


def parse_line(line: str, ctx: Context) -> Parsed:
    """Parse one capture line. Raises CaptureError with a message naming the problem."""
    try:
        return _parse(line if type(line) is str and line.isascii() else clean_prefix(line)[0], ctx)
    except CaptureError:
        raise
    except Exception as exc:  # a bug must never take the typed line with it
        raise CaptureError("capture.internal", name=type(exc).__name__) from exc


def _hold(m: re.Match[str]) -> str:
    return _HOLD[m.group(1)]


def _parse(line: str, ctx: Context) -> Parsed:
    if not isinstance(line, str):
        raise CaptureError("capture.not_text")
    if _REFUSED.search(line) is not None:
        _check_characters(line)  # raises
    if not line or line.isspace():
        return Ignored()
    escaped = "\\" in line  # without a backslash nothing is held, and nothing needs turning back
    held = _ESCAPE_RE.sub(_hold, line) if escaped else line
    if held[0].isspace():
        return _statement(held, ctx, None, escaped)
    if held.startswith("//"):
        return Ignored()
    if held.startswith("##"):
        return _step(held[2:], ctx)
    m = _FIRST_WORD.match(held)
    if m is None:
        return _statement(held, ctx, None, escaped)
    word = m.group(1).lower()
    rest = held[m.end():]
    if word in ACTION_WORDS:
        return _action(rest, ctx)
    if word in PRESENT_WORDS:
        return _attendance(rest, ctx)
    if word in ctx.speakers:
        return _statement(rest, ctx, word, escaped)
    if word in GROUP_SPEAKERS:  # the whole group: "de deelnemers"
        return _statement(rest, ctx, word, escaped)
    raise CaptureError("capture.unknown_speaker", word=_show(m.group(1)), keys=_known_keys(ctx))


Groups = tuple  # a token's groups (of the pattern's capturing groups), None for one that did not take part


def _remove_tokens(body: str, pattern: re.Pattern[str],
                   keep: Callable[[Groups], bool] | None = None) -> tuple[str, list[Groups]]:
    """Remove the tokens (except those `keep` says are text; only for _THEME_OR_ELEMENT,
    whose token is `#` + its groups joined by a dot); whitespace where tokens were
    becomes one space. Returns the text and each removed token's groups.

    One `split` does the scanning: it gives the text between tokens and each token's
    groups, so no match object is made per token."""
    parts = pattern.split(body)
    if len(parts) == 1:
        return body.strip(), []
    width = pattern.groups
    pieces: list[str] = []
    tokens: list[Groups] = []
    between = parts[0]  # the text since the last removed token
    for i in range(1, len(parts), width + 1):
        groups = tuple(parts[i:i + width])
        if keep is not None and keep(groups):
            between += "#" + ".".join(g for g in groups if g is not None) + parts[i + width]
            continue
        tokens.append(groups)
        piece = between.strip()
        if piece:
            pieces.append(piece)
        between = parts[i + width]
    if not tokens:
        return body.strip(), tokens
    piece = between.strip()
    if piece:
        pieces.append(piece)
    return " ".join(pieces), tokens


def _themes(keys: list[str], ctx: Context) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if len(keys) == 1:  # the usual line: one theme
        key = keys[0].lower()
        return (key,), (() if key in ctx.themes else (key,))
    themes = tuple(dict.fromkeys(k.lower() for k in keys))
    return themes, tuple(t for t in themes if t not in ctx.themes)


def _quote_inner(text: str) -> str | None:
    """The text inside the outer quote marks if `text` is wholly a quote."""
    if len(text) < 2 or text[0] not in _OPENING:
        return None
    first, last = text[0], text[-1]
    for opening, closing in _QUOTE_PAIRS:
        if first == opening and last == closing and closing not in text[1:-1]:
            return text[1:-1].strip()
    return None


def _statement(body: str, ctx: Context, speaker: str | None, escaped: bool = True) -> StatementLine:
    """`escaped`: the body may hold escaped characters (False: it holds none, so they
    need no turning back)."""
    themes: tuple[str, ...] = ()
    new: tuple[str, ...] = ()
    elements: tuple[str, ...] = ()
    if "#" not in body:  # no theme or element token can be in it
        text = body.strip()
    else:
        if ctx.frameworks:
            fws = {k.lower(): v for k, v in ctx.frameworks.items()}
            text, tokens = _remove_tokens(body, _THEME_OR_ELEMENT,
                                          keep=lambda g: g[1] is not None and g[0].lower() not in fws)
            elements = _elements([g for g in tokens if g[1] is not None], fws)
            tokens = [g for g in tokens if g[1] is None]
        else:
            text, tokens = _remove_tokens(body, _THEME)
        if tokens:
            themes, new = _themes([g[0] for g in tokens], ctx)
    key = False
    if text[-1:] != "!":
        pass  # no key mark (the usual line)
    elif text == "!" or text[-2].isspace():
        key, text = True, text[:-1].rstrip()
    elif text[-2] in _CLOSING and _quote_inner(text[:-1]) is not None:
        key, text = True, text[:-1]
    inner = _quote_inner(text)
    kind: Literal["quote", "note"] = "note" if inner is None else "quote"
    if inner is not None:
        text = inner
    if not text:
        raise CaptureError("capture.no_text")
    return StatementLine(
        speaker=speaker if speaker is not None else ctx.current_speaker,
        kind=kind,
        text=text.translate(_UNHOLD) if escaped else text,
        themes=themes,
        key=key,
        new_themes=new,
        explicit_speaker=speaker is not None,
        elements=elements,
    )


def _elements(tokens: list[Groups], frameworks: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    refs: list[str] = []
    for g in tokens:
        fw, el = g[0].lower(), g[1].lower()
        if el not in frameworks[fw]:
            raise CaptureError("capture.unknown_element", framework=_show(fw), element=_show(el),
                               elements=", ".join(f"#{fw}.{e}" for e in frameworks[fw]))
        refs.append(f"{fw}.{el}")
    return tuple(dict.fromkeys(refs))


def _list_steps(ctx: Context) -> str:
    return "; ".join(f"{i} {_show(t, 40)[1:-1]}" for i, t in enumerate(ctx.steps, 1))


def _step(rest: str, ctx: Context) -> StepLine:
    arg = rest.strip().translate(_UNHOLD)
    if not ctx.steps:
        raise CaptureError("capture.no_steps")
    if not arg:
        raise CaptureError("capture.which_step", steps=_list_steps(ctx))
    if _NUMBER.fullmatch(arg):
        n = int(arg)
        if 1 <= n <= len(ctx.steps):
            return StepLine(n - 1)
        raise CaptureError("capture.no_step_number", arg=_show(arg), steps=_list_steps(ctx))
    want = arg.casefold()
    titles = [t.casefold() for t in ctx.steps]
    exact = [i for i, t in enumerate(titles) if t == want]
    if len(exact) == 1:
        return StepLine(exact[0])
    found = [i for i, t in enumerate(titles) if t.startswith(want)]
    if not found:  # the start of any word of a title: `## bram` for "Casus De Bram"
        at_word = re.compile(r"(?<!\w)" + re.escape(want))
        found = [i for i, t in enumerate(titles) if at_word.search(t)]
    if len(found) == 1:
        return StepLine(found[0])
    if found:
        candidates = "; ".join(f"{i + 1} {_show(ctx.steps[i], 40)[1:-1]}" for i in found)
        raise CaptureError("capture.ambiguous_step", arg=_show(arg), steps=candidates)  # the candidates only
    raise CaptureError("capture.no_step_starts", arg=_show(arg), steps=_list_steps(ctx))


def _action(rest: str, ctx: Context) -> ActionLine:
    text, tokens = _remove_tokens(rest, _ACTION_TOKEN)
    owners = [g[1] for g in tokens if g[1] is not None]
    themes, new = _themes([g[0] for g in tokens if g[0] is not None], ctx)
    owner: str | None = None
    if owners:
        unknown = [o for o in owners if o.lower() not in ctx.speakers]
        if unknown:
            raise CaptureError("capture.unknown_owner", owner=_show(unknown[0])[1:-1], keys=_known_keys(ctx))
        distinct = list(dict.fromkeys(o.lower() for o in owners))
        if len(distinct) > 1:
            raise CaptureError("capture.one_owner", owners=", ".join("@" + o for o in distinct[:5]))
        owner = distinct[0]
    if not text:
        raise CaptureError("capture.action_needs_text")
    return ActionLine(text=text.translate(_UNHOLD), owner=owner, themes=themes, new_themes=new)


def _attendance(rest: str, ctx: Context) -> AttendanceLine:
    keys = [k.lower() for k in _KEY_SPLIT.split(rest) if k]
    if not keys:
        raise CaptureError("capture.who_present", keys=_known_keys(ctx))
    unknown = list(dict.fromkeys(k for k in keys if k not in ctx.speakers))
    if unknown:
        shown = ", ".join(_show(k) for k in unknown[:5]) + (" …" if len(unknown) > 5 else "")
        raise CaptureError("capture.unknown_keys" if len(unknown) > 1 else "capture.unknown_key", shown=shown,
                           keys=_known_keys(ctx))
    return AttendanceLine(tuple(keys))


# -- formatting: records back to capture lines ------------------------------------

_FORMAT_HASH = re.compile(r"(?<!\S)#")
_FORMAT_AT = re.compile(r"(?<!\S)@")
_FORMAT_BACKSLASH = re.compile(r"\\(?=[" + re.escape(_ESCAPABLE) + r"]|\Z)")


def _escape_common(text: str) -> str:
    text = _FORMAT_BACKSLASH.sub(r"\\\\", text)
    return _FORMAT_HASH.sub(r"\\#", text)


def _escape_line_start(text: str) -> str:
    """Escape what would make the start of a line more than text."""
    if text[:1] and _is_format(text[0]):
        return " " + text  # the parser drops invisible characters at a line's start, not after a space
    if clean_prefix(text)[1]:  # an invisible character inside what would read as `KEY:`
        colon = text.find(":")
        return text[:colon] + "\\" + text[colon:]
    if text.startswith("//"):
        return "\\" + text
    m = _FIRST_WORD.match(text)
    if m:
        return text[: m.end() - 1] + "\\" + text[m.end() - 1:]
    return text


def format_statement(st: StatementLine, *, include_speaker: bool = True) -> str:
    """The capture line that parses back to `st` (speaker, kind, text, themes, key).

    Without a speaker prefix (None, or `include_speaker=False`) the line parses
    to the context's current speaker. `text` is expected as the parser leaves
    it: without whitespace at either end.
    """
    body = _escape_common(st.text)
    if st.kind == "quote":
        body = "“" + body.replace("”", "\\”") + "”"
    else:
        if body[:1] in ('"', "“", "„"):
            body = "\\" + body
        if body.endswith("!") and (len(body) == 1 or body[-2].isspace() or body[-2] in _CLOSING):
            body = body[:-1] + "\\!"
    prefix = f"{st.speaker}: " if include_speaker and st.speaker else ""
    if not prefix:
        body = _escape_line_start(body)
    tail = "".join(f" #{t}" for t in st.themes) + "".join(f" #{e}" for e in st.elements)
    return prefix + body + tail + (" !" if st.key else "")


def format_action(action: ActionLine, *, word: str = "actie") -> str:
    """The capture line that parses back to `action`."""
    body = _FORMAT_AT.sub(r"\\@", _escape_common(action.text))
    owner = f" @{action.owner}" if action.owner else ""
    return f"{word}: {body}{owner}" + "".join(f" #{t}" for t in action.themes)


def format_attendance(keys: Iterable[str], *, word: str = "aanwezig") -> str:
    """The capture line that declares `keys` present."""
    return f"{word}: " + " ".join(keys)


def context_for(
    plan: Plan,
    themes: Iterable[str],
    session_number: int,
    current_speaker: str | None = None,
    current_step: int | None = None,
) -> Context:
    """A parser context for one session of `plan`.

    `themes`: every known theme key, including those created while tagging (the
    plan's own themes are added anyway). An unknown session has no steps.
    """
    session = plan.session(session_number)
    steps = tuple(s.title for s in session.agenda) if session else ()
    return Context(
        speakers=plan.speaker_roles(),
        themes=frozenset(themes) | {t.key for t in plan.themes},
        steps=steps,
        current_speaker=current_speaker,
        current_step=current_step,
        frameworks={f.key: tuple(e.key for e in f.elements) for f in plan.frameworks},
    )
