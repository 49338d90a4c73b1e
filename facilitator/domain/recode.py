"""Correcting and re-coding what was recorded: rename or merge themes, and the
warnings for lines that are almost what the note-taker meant. Pure.

- `retheme(statements, old, new)`: the statements tagged `old`, now tagged `new`
  instead (at the same place in their list, once: merging into a theme a
  statement already has drops the duplicate).
- `line_warnings(line, parsed, known_themes)`: one short English line per
  suspicion, for `facilitator import` and the live capture preview:
  * almost a quote: the text is a note but holds a quotation mark followed by
    punctuation at its end (`“…antwoord op”.`), or opens a quote it never
    closes (`“Ik ben maar vrijwilliger`);
  * near-miss theme: a `#theme` that is new and one edit (a letter missing,
    extra, changed or two swapped) away from a known theme (`#sigaal` for
    `#signaal`).
"""

from __future__ import annotations

import re
from typing import Iterable

from facilitator.domain.records import Statement

_OPEN = "“„\""
_CLOSE = "”“\""
_TRAILING = re.compile(r"[”\"“]\s*[.,;:!?…]+\s*$")


def retheme(statements: Iterable[Statement], old: str, new: str) -> list[Statement]:
    """Changed copies of the statements tagged `old`, tagged `new` in its place."""
    out = []
    for st in statements:
        if old not in st.themes:
            continue
        themes = list(dict.fromkeys(new if t == old else t for t in st.themes))
        out.append(st.model_copy(update={"themes": themes}))
    return out


WARNINGS = {
    "en": {
        "punctuation": "almost a quote: punctuation after the closing quotation mark (put it inside); stored as a note",
        "unclosed": "almost a quote: the quotation mark is never closed; stored as a note",
        "near_theme": "new theme #{key} is one letter away from #{near}: a typo?",
    },
    "nl": {
        "punctuation": "bijna een citaat: leesteken na het sluitende aanhalingsteken (zet het erbinnen); wordt een notitie",
        "unclosed": "bijna een citaat: het aanhalingsteken wordt niet gesloten; wordt een notitie",
        "near_theme": "nieuw thema #{key} scheelt één letter met #{near}: een tikfout?",
    },
}


def almost_quote(text: str, kind: str) -> str | None:
    """Why a note looks like a quote that did not parse as one ("punctuation",
    "unclosed"), or None."""
    if kind == "quote":
        return None
    body = text.strip()
    if not body:
        return None
    if body[0] in _OPEN and _TRAILING.search(body):
        return "punctuation"
    if body[0] in _OPEN and not any(c in _CLOSE for c in body[1:]):
        return "unclosed"
    return None


def one_edit_apart(a: str, b: str) -> bool:
    """a and b differ by one insertion, deletion, substitution or swap of neighbours."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1:]


def near_themes(key: str, known: Iterable[str]) -> list[str]:
    """Known theme keys one edit away from `key` (itself not known)."""
    known = list(known)
    if key in known or len(key) < MIN_NEAR:
        return []
    return [k for k in known if len(k) >= MIN_NEAR and one_edit_apart(key, k) and not _numbered(key, k)]


MIN_NEAR = 5  # shorter keys (#t1, #taal/#tall) are too often one letter apart on purpose


def _numbered(a: str, b: str) -> bool:
    """`fase1` / `fase2`: keys that differ in digits only are a series, not a typo."""
    return re.sub(r"\d", "", a) == re.sub(r"\d", "", b)


def line_warnings(kind: str, text: str, new_themes: Iterable[str], known_themes: Iterable[str],
                  lang: str = "en") -> list[str]:
    """The warnings for one parsed statement line (see the module docstring), in `lang`."""
    words = WARNINGS.get(lang, WARNINGS["en"])
    out = []
    why = almost_quote(text, kind)
    if why:
        out.append(words[why])
    known = list(known_themes)
    for key in new_themes:
        near = near_themes(key, known)
        if near:
            out.append(words["near_theme"].format(key=key, near=near[0]))
    return out
