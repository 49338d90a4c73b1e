"""Names stay local: find participant names in text, and replace them by role.

Pure. `names` maps a participant key to the local name (`Plan.names()`).

Decisions:

- A name matches as whole words only (no letter, digit, `_` or combining mark
  right before or after it), case-insensitively (Unicode simple case folding:
  `zoë` matches `Zoë`, `ZOË`), in composed or decomposed form (NFC/NFD).
- A name of several words matches with any whitespace or hyphens between its
  words: "Anne Marie" also finds "Anne-Marie" and "anne  marie".
- Possessives: a name directly followed by `s` as the end of the word
  (Dutch "Rubens fiets") matches too; the span is the name only, so redaction
  gives "[jongerenwerker]s fiets", like "Ruben's" gives "[jongerenwerker]'s".
  Only that one `s`: "Rubenstraat" is another word and does not match.
- Longest first: at one place the longest name wins ("Anne Marie" before
  "Anne"); matches never overlap, scanning from the start.
- Known limit: no folding beyond that (`ß` does not match `ss`, `Fatima` does
  not match `Fátima`); empty or whitespace-only names are skipped.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Callable, Mapping

# Word characters for the boundary test: \w plus the combining-mark blocks, so
# "Zoe" does not match inside a decomposed "Zoë".
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_BEFORE = rf"(?<![\w{_MARKS}])"
_AFTER = rf"(?=s?(?![\w{_MARKS}]))"  # a possessive `s` may follow
_WORD_GAP = re.compile(r"[\s\-]+")


def _name_pattern(name: str) -> str:
    words = [w for w in _WORD_GAP.split(name) if w]
    return r"[\s\-]+".join(re.escape(w) for w in words)


@lru_cache(maxsize=32)
def _compile(items: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], tuple[tuple[re.Pattern[str], str], ...]] | None:
    variants: list[tuple[int, str, str]] = []  # (length, pattern, key)
    for key, name in items:
        if not name or name.isspace():
            continue
        for form in dict.fromkeys((name, unicodedata.normalize("NFC", name), unicodedata.normalize("NFD", name))):
            pattern = _name_pattern(form)
            if pattern:  # a name of only hyphens has no words to find
                variants.append((len(form.strip()), pattern, key))
    if not variants:
        return None
    variants.sort(key=lambda v: -v[0])  # stable: longest first, then mapping order
    body = "|".join(f"({v[1]})" for v in variants)
    each = tuple((re.compile(f"{_BEFORE}(?:{v[1]}){_AFTER}", re.IGNORECASE), v[2]) for v in variants)
    return re.compile(f"{_BEFORE}(?:{body}){_AFTER}", re.IGNORECASE), each


def _glued(text: str, end: int) -> bool:
    """A match followed by a combining mark outside the blocks the pattern knows
    (after the possessive `s`, if there is one)."""
    if end < len(text) and text[end] in "sS":
        end += 1
    return end < len(text) and unicodedata.category(text[end]).startswith("M")


def find_names(text: str, names: Mapping[str, str]) -> list[tuple[int, int, str]]:
    """Spans (start, end, key) of participant names in `text`, in order, non-overlapping."""
    compiled = _compile(tuple(names.items()))
    if compiled is None:
        return []
    pattern, each = compiled
    spans: list[tuple[int, int, str]] = []
    pos = 0
    while True:
        m = pattern.search(text, pos)
        if m is None:
            return spans
        start, end, key = m.start(), m.end(), each[(m.lastindex or 1) - 1][1]
        if _glued(text, end):  # rare: try the other names at this place, longest first
            found = [(n.end(), k) for p, k in each if (n := p.match(text, start)) and not _glued(text, n.end())]
            if not found:
                pos = start + 1
                continue
            end, key = found[0]
        spans.append((start, end, key))
        pos = end


def redact_names(text: str, names: Mapping[str, str], label_of: Callable[[str], str],
                 brackets: tuple[str, str] = ("[", "]")) -> tuple[str, int]:
    """`text` with each name replaced by `[label]` (the role label of that participant), and the count.

    `brackets` wrap the label; Markdown passed through as is uses `("\\[", "\\]")`,
    since `[label]: ...` at the start of a line would be a link reference definition.
    """
    spans = find_names(text, names)
    if not spans:
        return text, 0
    out: list[str] = []
    pos = 0
    for start, end, key in spans:
        out.append(text[pos:start])
        out.append(f"{brackets[0]}{label_of(key)}{brackets[1]}")
        pos = end
    out.append(text[pos:])
    return "".join(out), len(spans)
