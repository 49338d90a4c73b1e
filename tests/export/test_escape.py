"""The escaping rules: any text renders as itself and never changes structure."""

from __future__ import annotations

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from facilitator.export.escape import cell, inline, line, literal
from tests.export.mdcheck import inline_texts, shape

MARKUP = list("#>-+*_`[]()!\\<>&|=~.:;\"' \t\n\r") + ["1.", "1)", "---", "===", "```", "~~~", "<b>",
                                                  "&amp;", "&#35;", "[a](b)", "![x](y)", "<http://x>", "    ",
                                                  "\r\n", "\u00a0", "\u2028", "\x0c", "\x00"]
texts = st.lists(st.one_of(st.text(max_size=6), st.sampled_from(MARKUP)), max_size=12).map("".join)


def document(t: str) -> str:
    return "\n".join([
        f"# Kop {line(t)}",
        "",
        f"Alinea {inline(t)} (een deelnemer)",
        "",
        f"> “{inline(t, '> ')}”",
        "> — een deelnemer, OWP1-3mrt2026",
        "",
        f"1. {inline(t, '   ')} (een jongerenwerker)",
        f"2. {inline(t, '   ')} (OWP1-3mrt2026)",
        "",
        f"- {inline(t, '  ')}",
        "",
        "| thema | uitspraken |",
        "|---|---:|",
        f"| {cell(t)} | 3 |",
        "",
        f"{inline(t)} slot",
        "",
    ])


REFERENCE = shape(document("x"))


@settings(max_examples=400, deadline=None)
@given(texts)
@example("# kop")
@example("> quote\n- item\n1. een\n===\n---\n    code\n```\n<div>\n| a | b |\n|---|---|")
@example("*nadruk* _ook_ `code` [link](http://x) <b>html</b> &amp; &#35; \\ einde\\")
@example("  spaties  \n\n  \t")
@example("a\r\nb\rc\n")
def test_any_text_renders_literally_and_keeps_structure(t: str) -> None:
    assume(t != "")  # an empty text is trivially literal; the template's spaces would go
    doc = document(t)
    assert shape(doc) == REFERENCE, doc
    lit = literal(t)
    one = lit.replace("\n", " ")
    gap = " "
    assert inline_texts(doc) == [
        f"Kop {one}",
        f"Alinea {lit}{gap}(een deelnemer)",
        f"“{lit}”\n— een deelnemer, OWP1-3mrt2026",
        f"{lit}{gap}(een jongerenwerker)",
        f"{lit}{gap}(OWP1-3mrt2026)",
        lit,
        "thema", "uitspraken", one, "3",
        f"{lit}{gap}slot",
    ]


def test_plain_text_stays_readable() -> None:
    assert inline("Dat is 't punt, zegt ze (echt).") == "Dat is 't punt, zegt ze (echt)."
    assert inline("Jeugd & Gezin") == "Jeugd & Gezin"


def test_line_start_markers_are_escaped() -> None:
    assert inline("# kop") == "\\# kop"
    assert inline("1. een") == "1\\. een"
    assert inline("- item") == "\\- item"
    assert inline("> citaat") == "\\> citaat"


def test_line_breaks_become_hard_breaks_with_the_block_prefix() -> None:
    assert inline("a\nb", "> ") == "a\\\n> b"


def test_cells_are_single_line_and_escape_pipes() -> None:
    assert cell("a|b\nc") == "a\\|b c"


@settings(max_examples=300, deadline=None)
@given(st.one_of(texts, st.text()))
def test_the_fast_path_for_plain_text_gives_what_full_escaping_gives(t: str) -> None:
    from facilitator.export import escape

    fast = (inline(t), inline(t, "> "), line(t))
    original = escape._plain
    escape._plain = lambda text: False
    try:
        assert (inline(t), inline(t, "> "), line(t)) == fast
    finally:
        escape._plain = original
