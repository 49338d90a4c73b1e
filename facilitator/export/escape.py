"""Escaping text from the session so it renders as itself in Markdown.

Text typed during a session (statements, actions) and plan strings (titles,
labels) are plain text: whatever characters they hold, the rendered document
must keep its structure and show the text literally. The rules, CommonMark
with GitHub-style tables in mind:

- ASCII punctuation that can start markup anywhere in a line is backslash
  escaped: ``\\ ` * _ [ ] < | ~ #``; ``&`` becomes ``&amp;`` where it could
  start an entity (before ``#`` or a letter).
- At the start of every line (the text can follow a list marker or ``> ``):
  ``>``, ``-``, ``+``, ``=`` and the ``.``/``)`` after leading digits are
  escaped, so no block quote, list, heading underline or thematic break starts.
- Whitespace at the start or end of a line would be stripped or make an
  indented code block: it is written as numeric character references.
- Line breaks (``\\n``, ``\\r\\n``, ``\\r``) become hard breaks (a backslash at
  the end of the line) followed by `indent`, the continuation prefix of the
  block the text sits in (``"> "`` in a block quote, spaces in a list item).
  Line breaks at the very end are written as ``&#10;`` (a hard break cannot
  end a paragraph). Single-line places (headings, table cells) use `line`, which puts a space
  for a line break.
- Control characters other than tab and line breaks (NUL, form feed, ...)
  and lone surrogates have no place in a text file: they become U+FFFD.
"""

from __future__ import annotations

import re

_ANYWHERE = re.compile(r"[\\`*_\[\]<|~#]|&(?=[#A-Za-z])")
_LINE_START = re.compile(r"^(?:[>\-+=]|(\d+)([.)]))")
_BREAK = re.compile(r"\r\n?|\n")
# Text with none of these needs no escaping at all (the common case, kept fast).
_PLAIN = re.compile(r"[^\s\\`*_\[\]<|~#&\x00-\x1f\x7f-\x9f\ud800-\udfff][^\\`*_\[\]<|~#&\r\n\x00-\x1f\x7f-\x9f\ud800-\udfff]*")
_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _escape_char(m: re.Match[str]) -> str:
    ch = m.group(0)
    return "&amp;" if ch == "&" else "\\" + ch


def _entity(ch: str) -> str:
    return f"&#{ord(ch)};"


def _plain(text: str) -> bool:
    return _PLAIN.fullmatch(text) is not None and not text[-1].isspace() and not _LINE_START.match(text)


def _one_line(text: str) -> str:
    """Escape one line of text (no line breaks in it)."""
    if text and _plain(text):
        return text
    lead = len(text) - len(text.lstrip())
    if lead == len(text):
        return "".join(_entity(c) for c in text)
    trail = len(text) - len(text.rstrip())
    head = "".join(_entity(c) for c in text[:lead])
    tail = "".join(_entity(c) for c in text[len(text) - trail:]) if trail else ""
    body = text[lead:len(text) - trail]
    m = _LINE_START.match(body)
    prefix = ""
    if m:
        if m.group(1) is not None:
            prefix = m.group(1) + "\\" + m.group(2)
        else:
            prefix = "\\" + m.group(0)
        body = body[m.end():]
    return head + prefix + _ANYWHERE.sub(_escape_char, body) + tail


def inline(text: str, indent: str = "") -> str:
    """`text` as Markdown inline content; line breaks become hard breaks + `indent`."""
    if text and _plain(text):
        return text
    text = _BAD.sub("\ufffd", text)
    lines = _BREAK.split(text)
    out = [_one_line(lines[0])]
    last = max((i for i, part in enumerate(lines) if part), default=0)
    for i, part in enumerate(lines[1:], 1):
        # A hard break cannot end a paragraph: trailing breaks are references.
        out.append(("\\\n" + indent if i <= last else "&#10;") + _one_line(part))
    return "".join(out)


def line(text: str) -> str:
    """`text` on a single line (headings, table cells): a line break becomes a space."""
    if text and _plain(text):
        return text
    return _one_line(_BAD.sub("\ufffd", _BREAK.sub(" ", text)))


cell = line


def literal(text: str) -> str:
    """What `inline(text)` renders as: the text with line breaks as ``\\n``."""
    return _BAD.sub("\ufffd", _BREAK.sub("\n", text))
