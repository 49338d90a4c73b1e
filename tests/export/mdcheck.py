"""Helpers for tests: parse Markdown as the exports are meant to be read."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

_MD = MarkdownIt("commonmark").enable("table")


def tokens(text: str) -> list[Token]:
    return _MD.parse(text)


def inline_text(tok: Token) -> str:
    """The literal text of an inline token: breaks as newlines; fails on markup."""
    out = []
    for child in tok.children or []:
        if child.type in ("text", "text_special"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")
        else:
            raise AssertionError(f"unexpected inline markup {child.type!r} in {tok.content!r}")
    return "".join(out)


def shape(text: str) -> list[tuple[str, str, int]]:
    """The block structure of a document: (type, tag, nesting) per block token."""
    return [(t.type, t.tag, t.nesting) for t in tokens(text)]


def inline_texts(text: str) -> list[str]:
    return [inline_text(t) for t in tokens(text) if t.type == "inline"]
