"""Names stay local: find every form of a participant's name in text, replace it by role.

Pure, no I/O. The public API:

- `name_index(plan)` / `NameIndex(people, staff)`: the forms of every participant's
  name (and `aliases`), compiled once; cached per plan.
- `find_names(text, plan_or_index_or_mapping) -> list[Match]`: every occurrence, in
  order, non-overlapping, with its span in `text` as given (also for the live
  preview and the report editor: warn before Enter).
- `redact(text, index, label_of, brackets)` -> (new text, matches): what every
  export format calls (Markdown here; Word and QDA exports go through the same
  function).
- `COMMON_WORDS`: ordinary Dutch and English words that are also names.

What is recognised (docs/privacy.md says it for users):

- Normalised before matching, on both the name and the text: NFKC compatibility
  forms (full-width letters, ligatures), diacritics stripped (Zoë = Zoe, Rubén =
  Ruben; also ø, ł, æ, œ, ß, ı folded), any letter case, typographic apostrophes
  (’ ‘ ʼ ′ ´) read as `'` and dashes (‐ ‑ ‒ – — ― −) as `-`. Format characters
  (soft hyphen, zero-width space/joiner/non-joiner, word joiner, BOM) are read
  both as nothing ("Ru\\u00adben" = Ruben) and as a space (a zero-width space between
  two words still separates them).
- A word is a run of letters and digits; `_` and `*` are not word characters,
  so Markdown emphasis (`_Ruben_`, `__Zoë__`) hides nothing.
- The forms of a name "Fatima el Amrani": the full name; each run of its words
  that ends in a non-particle ("el Amrani", "Amrani", "Fatima"); the name without
  its particles ("Fatima Amrani"); each part of a hyphenated word ("Anne" and
  "Marie" of "Anne-Marie"). A particle (van, de, der, den, ter, el, al, bin, von,
  le, la, du, ...: `PARTICLES`) is never a form on its own, nor is a single letter
  (an initial) unless it is the whole name.
- Between the words of a form any run of spaces, hyphens, dots and apostrophes,
  or nothing: "Anne Marie", "anne-marie", "Anne–Marie", "AnneMarie", "devries";
  so "OBrien" is "O'Brien".
- Possessives: `'s` (any apostrophe) or a plain `s` right after a form: "Rubens
  fiets", "fatima's fiets", "O’Briens". The whole word is replaced:
  `[role]'s` keeps the apostrophe as typed; a plain `s` becomes `[role]’s`
  ("Peters praktijk" -> "[huisarts]’s praktijk"), never "[huisarts]s".
- Longest first at each place, then left to right; matches never overlap.
- A form whose words are all ordinary words (`COMMON_WORDS`: "Roos", "Bos",
  "Mark", "de Boer") is still replaced, and its Match has `common=True` so the
  export lists it for review.
- Staff (the plan's `facilitator` and `researcher`) are not participants: where
  a text holds a staff name as written in the plan, it is left alone, even when
  a seat carries the same name. Elsewhere a participant form is replaced.
- A form shared by participants of different roles is replaced by the generic
  participant label (the caller's `label_of` gets None).

Not recognised: misspellings ("Fatma"), transliterations (Mohammed/Muhammad),
names split by other characters ("R.u.b.e.n"), a name written in another
script, and descriptions that identify a person without naming them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Union

if TYPE_CHECKING:  # pragma: no cover
    from facilitator.domain.plan import Plan

# Surname particles (Dutch, Frisian, German, French, Spanish, Portuguese, Italian,
# Arabic): never a name on their own.
PARTICLES = frozenset("""
van de der den het 't ter ten te op in 'n aan uit bij onder over voor toe tot thoe vander vanden
von vom zu zum zur und
d' l' la le les du des de la
da di del della dei degli dos das do e y
el al ul bin ibn bint abu ould
mc st sint saint sankt
""".split())

# Ordinary Dutch and English words that are also given names or surnames. A form
# made of these only is still replaced, but listed for review ("mark" may be the
# verb). Small on purpose: words a note-taker is likely to type.
COMMON_WORDS = frozenset("""
roos bos mark rob tim ben els lot lieve merel mees vos haan wolf beer mol kat schaap
hoek berg dijk boer bakker smit visser koning kok jong klein groot lang kort wit zwart
groen bruin rood brink storm hart hoop geluk ster zon maan linde iris jasmijn lente
zomer winter roos sterk vries vogel valk kuiper snel vroom vrij braaf stam veld beek
meer wal haven kamp poort kerk molen brug
rose will bill grace hope joy faith may june april amber ruby pearl daisy lily holly
ivy pat sue sandy dawn summer hunter baker smith cook miller fisher king young brown
green white black little hill wood stone bell frank art gene rich jack nick drew chase
bob dick sunny river sky robin hazel penny carol mercy patience honor victor earl
august chance chip buck rusty guy ray rod bud dean
""".split())

_APOSTROPHES = "’‘ʼ′´`ʹ"
_DASHES = "‐‑‒–—―−﹘﹣－⁃"
_ASCII_APOSTROPHE = {ord("`"): "'"}
_EXTRA_FOLD = {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i",
               "ĸ": "k", "ŀ": "l", "ŉ": "'n"}


class _Table(dict):
    """Char -> normalised text, computed once per character. A format character
    becomes `_FORMAT_MARK`, read as nothing or (second reading) as a space."""

    def __missing__(self, ch: str) -> str:
        out = self[ch] = _normalise_char(ch)
        return out


_FORMAT_MARK = "\x00"  # what a format character becomes in the table: resolved per reading


def _normalise_char(ch: str) -> str:
    if ch == _FORMAT_MARK:  # a NUL in the text (never stored, but be safe): a separator
        return " "
    if ch in _APOSTROPHES:
        return "'"
    if ch in _DASHES:
        return "-"
    if unicodedata.category(ch) == "Cf":
        return _FORMAT_MARK
    out = []
    for c in unicodedata.normalize("NFKD", ch):
        if unicodedata.combining(c) or unicodedata.category(c) == "Mn":
            continue
        for f in c.casefold():
            if unicodedata.combining(f):
                continue
            f = _EXTRA_FOLD.get(f, f)
            out.append("'" if f in _APOSTROPHES else "-" if f in _DASHES else f)
    return "".join(out)


_TABLE = _Table()


def normalise(text: str) -> str:
    """`text` as the matcher reads it (format characters dropped). For tests and keys."""
    return "".join(map(_TABLE.__getitem__, text)).replace(_FORMAT_MARK, "")


_TOKEN = re.compile(r"[^\W_]+")
_GAP = re.compile(r"[\s\-.']*")
_NAME_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")  # in a name, O'Brien is one word


def _canon(word: str) -> str:
    return word.replace("'", "")


def _words(name: str) -> list[str]:
    """The words of a (normalised) name: tokens, hyphen parts split."""
    return _NAME_WORD.findall(normalise(name))


@dataclass(frozen=True)
class Match:
    """One occurrence of a participant's name in a text."""

    start: int  # span in the text as given
    end: int
    key: str | None  # the participant key; None when the form belongs to participants of different roles
    keys: tuple[str, ...]  # every participant this form belongs to
    form: str  # text[start:end], as written (possessive suffix included)
    possessive: str = ""  # "" or the suffix as written: "s", "'s", "’s"
    common: bool = False  # every word of the form is an ordinary word: list it for review


@dataclass(frozen=True)
class _Form:
    keys: tuple[str, ...]
    common: bool
    words: int


class NameIndex:
    """The forms of participants' names (and their aliases), and the staff names to leave alone.

    `people`: (participant key, name or alias) pairs. `staff`: names as written
    in the plan's staff fields. `roles`: participant key -> role key (to tell
    whether a shared form crosses roles)."""

    def __init__(self, people: Iterable[tuple[str, str]], staff: Iterable[str] = (),
                 roles: Mapping[str, str] | None = None):
        forms: dict[str, set[str]] = {}
        commons: dict[str, bool] = {}
        lengths: dict[str, int] = {}
        self.prefixes: set[str] = set()
        self.max_words = 1  # the most text tokens a form can span (its letters: "R-u-b-e-n")
        for key, name in people:
            if not isinstance(name, str):
                continue
            words = _words(name)
            if not words:
                continue
            for seq in _forms(words):
                canon = "".join(_canon(w) for w in seq)
                if not canon:
                    continue
                forms.setdefault(canon, set()).add(key)
                common = all(w in COMMON_WORDS for w in seq if w not in PARTICLES)
                commons[canon] = commons.get(canon, True) and common
                lengths[canon] = max(lengths.get(canon, 0), len(seq))
                self.max_words = max(self.max_words, len(canon))
                # Every prefix: a text may split a word where the name does not ("O'Brien", "Ru-ben").
                self.prefixes.update(canon[:k] for k in range(1, len(canon) + 1))
        roles = roles or {}
        # The words a name can start with (a prefix, or a whole form with a possessive s).
        self._starts: set[str] = set(self.prefixes) | {canon + "s" for canon in forms}
        self.forms: dict[str, _Form] = {}
        for canon, keys in forms.items():
            ordered = tuple(sorted(keys))
            self.forms[canon] = _Form(ordered, commons[canon], lengths[canon])
        self._roles = dict(roles)
        self.staff: set[str] = set()
        self.staff_prefixes: set[str] = set()
        self.staff_words = 1
        for name in staff:
            words = _words(name) if isinstance(name, str) else []
            if words:
                self.staff.add("".join(_canon(w) for w in words))
                self.staff_words = max(self.staff_words, len("".join(words)))
                canon = "".join(_canon(w) for w in words)
                self.staff_prefixes.update(canon[:k] for k in range(1, len(canon) + 1))
        self._starts |= self.staff_prefixes

    def __bool__(self) -> bool:
        return bool(self.forms)

    def key_of(self, keys: tuple[str, ...]) -> str | None:
        if len(keys) == 1:
            return keys[0]
        roles = {self._roles.get(k, k) for k in keys}
        return keys[0] if len(roles) == 1 else None

    # -- matching ------------------------------------------------------------------

    def find(self, text: str) -> list[Match]:
        if not self.forms or not text:
            return []
        if text.isascii() and "\x00" not in text:  # the common case: ASCII lower case keeps every position
            return self._find(text, None, text.lower().translate(_ASCII_APOSTROPHE))
        parts = list(map(_TABLE.__getitem__, text))
        if _FORMAT_MARK not in "".join(parts):
            return self._find(text, parts)
        # Two readings: a format character as nothing ("Ru\u00adben") and as a space.
        gone = self._find(text, [p.replace(_FORMAT_MARK, "") for p in parts])
        space = self._find(text, [p.replace(_FORMAT_MARK, " ") for p in parts])
        return _merge(gone + space)

    def _find(self, text: str, parts: list[str] | None, shadow: str | None = None) -> list[Match]:
        pos: list[int] | None = None
        if parts is not None:
            shadow = "".join(parts)
            # Every part one character (none removed, none expanded): positions are the text's.
            if len(shadow) != len(text) or "" in parts:
                pos = []
                for i, p in enumerate(parts):
                    pos.extend([i] * len(p))
        assert shadow is not None
        words = _TOKEN.findall(shadow)
        starts = self._starts
        if starts.isdisjoint(words):  # no word can start a name: the common case
            return []
        tokens = _Tokens(shadow, words)
        out: list[Match] = []
        forms, prefixes, max_words = self.forms, self.prefixes, self.max_words
        after = 0  # the first token not yet covered by a match
        for i in [k for k, w in enumerate(words) if w in starts]:
            if i < after:
                continue
            first = words[i]
            if first in self.staff_prefixes:
                skip = self._staff_at(tokens, i, first)
                if skip:
                    after = i + skip
                    continue
            hit = self._longest(tokens, i, forms, prefixes, max_words)
            if hit is None:
                continue
            j, form, suffix_len = hit
            s, e = tokens.start(i), tokens.end(j)
            start, end = _span(s, e, pos, parts, len(text))
            suffix = ""
            if suffix_len:
                suffix_start = _span(e - suffix_len, e, pos, parts, len(text))[0]
                suffix = text[suffix_start:end]
            out.append(Match(start, end, self.key_of(form.keys), form.keys, text[start:end], suffix, form.common))
            after = j + 1
        return out

    def _longest(self, tokens: _Tokens, i: int, forms: dict, prefixes: set,
                 max_words: int) -> tuple[int, _Form, int] | None:
        """The longest form starting at token i: (last token, form, possessive suffix length)."""
        best = None
        canon = ""
        words = tokens.words
        for j in range(i, min(len(words), i + max_words)):
            if j > i and not tokens.gap(j):
                break
            word = words[j]
            form = forms.get(canon + word)
            if form is not None:
                best = (j, form, 0)
            elif len(word) > 1 and word[-1] == "s" and (form := forms.get(canon + word[:-1])) is not None:
                best = (j, form, 1)
            canon += word
            if canon not in prefixes:
                break
        if best is not None and not best[2]:
            # "Ruben's", "Ruben’s": the apostrophe and the s belong to the name.
            j = best[0]
            if (j + 1 < len(words) and words[j + 1] == "s" and tokens.end(j) + 1 == tokens.start(j + 1)
                    and tokens.shadow[tokens.end(j)] == "'"):
                best = (j + 1, best[1], 2)
        return best

    def _staff_at(self, tokens: _Tokens, i: int, first: str) -> int:
        """How many tokens a staff name covers at token i (0: none)."""
        canon = ""
        best = 0
        words = tokens.words
        for j in range(i, min(len(words), i + self.staff_words)):
            if j > i and not tokens.gap(j):
                break
            canon += words[j]
            if canon in self.staff:
                best = j - i + 1
            if canon not in self.staff_prefixes:
                break
        return best


class _Tokens:
    """The words of a shadow text, their positions found only when a name may start."""

    def __init__(self, shadow: str, words: list[str]):
        self.shadow = shadow
        self.words = words
        self._spans: list[tuple[int, int]] | None = None

    def _all(self) -> list[tuple[int, int]]:
        if self._spans is None:
            self._spans = [m.span() for m in _TOKEN.finditer(self.shadow)]
        return self._spans

    def start(self, k: int) -> int:
        return self._all()[k][0]

    def end(self, k: int) -> int:
        return self._all()[k][1]

    def gap(self, k: int) -> bool:
        """Only spaces, dashes, dots or apostrophes between word k-1 and word k."""
        spans = self._all()
        return _GAP.fullmatch(self.shadow, spans[k - 1][1], spans[k][0]) is not None


def _forms(words: list[str]) -> list[list[str]]:
    """The word sequences that are forms of a name with these words."""
    real = [w for w in words if w not in PARTICLES]
    out: list[list[str]] = [words]
    n = len(words)
    for i in range(n):
        for j in range(i, n):
            seq = words[i:j + 1]
            if seq == words:
                continue
            if seq[-1] in PARTICLES or all(w in PARTICLES for w in seq):
                continue
            if len(seq) == 1 and len(_canon(seq[0])) < 2:
                continue  # an initial alone is no name
            out.append(seq)
    if real and real != words and len(real) > 1:
        out.append(real)
    return out


def _span(s: int, e: int, pos: list[int] | None, parts: list[str], length: int) -> tuple[int, int]:
    if pos is None:
        return s, e
    start = pos[s]
    end = pos[e - 1] + 1
    while end < length and parts[end] == "":  # marks and format characters glued to the name
        end += 1
    return start, end


def _merge(matches: list[Match]) -> list[Match]:
    out: list[Match] = []
    for m in sorted(matches, key=lambda m: (m.start, -m.end)):
        if out and m.start < out[-1].end:
            continue
        out.append(m)
    return out


# -- plan -------------------------------------------------------------------------------


def people_of(plan: Plan) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    for p in plan.participants:
        if p.name and p.name.strip():
            out.append((p.key, p.name))
        for alias in getattr(p, "aliases", ()) or ():
            if alias.strip():
                out.append((p.key, alias))
    return tuple(out)


def staff_of(plan: Plan) -> tuple[str, ...]:
    ws = plan.workshop
    return tuple(s for s in (ws.facilitator, ws.researcher) if s and s.strip())


@lru_cache(maxsize=32)
def _cached_index(people: tuple[tuple[str, str], ...], staff: tuple[str, ...],
                  roles: tuple[tuple[str, str], ...]) -> NameIndex:
    return NameIndex(people, staff, dict(roles))


def name_index(plan: Plan) -> NameIndex:
    """The name index of a plan (cached: the live preview calls it on every key)."""
    roles = tuple((p.key, p.role) for p in plan.participants)
    return _cached_index(people_of(plan), staff_of(plan), roles)


Names = Union["Plan", NameIndex, Mapping[str, str]]


def as_index(names: Names) -> NameIndex:
    if isinstance(names, NameIndex):
        return names
    if isinstance(names, Mapping):
        return _cached_index(tuple(names.items()), (), ())
    return name_index(names)


def find_names(text: str, names: Names) -> list[Match]:
    """Every form of a participant's name in `text`, in order, non-overlapping.

    `names`: a Plan, a NameIndex, or a mapping participant key -> name."""
    return as_index(names).find(text)


def replacement(m: Match, label: str, brackets: tuple[str, str] = ("[", "]")) -> str:
    """What a match becomes: `[label]`, with a possessive kept readable."""
    tail = ""
    if m.possessive:
        tail = m.possessive if m.possessive[0] != "s" and m.possessive[0] != "S" else "’s"
    return f"{brackets[0]}{label}{brackets[1]}{tail}"


def redact(text: str, names: Names, label_of: Callable[[str | None], str],
           brackets: tuple[str, str] = ("[", "]"),
           mark: Callable[[Match], str] | None = None) -> tuple[str, list[Match]]:
    """`text` with each form of a name replaced by `[label]`, and the matches.

    `label_of(key)` gives the role label (key None: a form shared across roles).
    `mark(match)`, if given, is put right before each replacement (the export
    uses it to find, after rendering, the line each replacement ended up on)."""
    matches = find_names(text, names)
    if not matches:
        return text, []
    out: list[str] = []
    pos = 0
    for m in matches:
        out.append(text[pos:m.start])
        if mark is not None:
            out.append(mark(m))
        out.append(replacement(m, label_of(m.key), brackets))
        pos = m.end
    out.append(text[pos:])
    return "".join(out), matches


def redact_names(text: str, names: Names, label_of: Callable[[str | None], str],
                 brackets: tuple[str, str] = ("[", "]")) -> tuple[str, int]:
    """`redact`, returning the count (the older API)."""
    new, matches = redact(text, names, label_of, brackets)
    return new, len(matches)


def redact_plain(text: str, plan: Plan) -> str:
    """`text` with every form of a participant's name replaced by `[role label]`
    (the generic participant word where the form is shared across roles). For
    plain text leaving the program outside the exports: what the CLI prints,
    and any export format that renders its own text."""
    index = name_index(plan)
    if not index or not text:
        return text
    generic = "participant" if plan.workshop.language == "en" else "deelnemer"

    def label(key: str | None) -> str:
        role = plan.role_of(key) if key else None
        return role.label if role else generic

    return redact(text, index, label)[0]
