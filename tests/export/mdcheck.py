"""Helpers for tests: parse Markdown as the exports are meant to be read."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

_MD = MarkdownIt("commonmark").enable("table")


def tokens(text: str) -> list[Token]:
    return _MD.parse(text)


_TEXT = ("text", "text_special", "softbreak", "hardbreak")
_EMPHASIS = ("em_open", "em_close", "strong_open", "strong_close")


def inline_text(tok: Token) -> str:
    """The literal text of an inline token: breaks as newlines; emphasis markers
    skipped (`shape` tells where they are); fails on any other markup."""
    out = []
    for child in tok.children or []:
        if child.type in ("text", "text_special"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif child.type not in _EMPHASIS:
            raise AssertionError(f"unexpected inline markup {child.type!r} in {tok.content!r}")
    return "".join(out)


def shape(text: str) -> list[tuple[str, str, int, tuple[str, ...]]]:
    """The structure of a document: (type, tag, nesting, inline markup) per block
    token; the inline markup is the kinds of the inline children other than text and breaks."""
    return [(t.type, t.tag, t.nesting, tuple(c.type for c in t.children or [] if c.type not in _TEXT))
            for t in tokens(text)]


def inline_texts(text: str) -> list[str]:
    return [inline_text(t) for t in tokens(text) if t.type == "inline"]
