"""Word (and ODT) export through pandoc, checked by opening the .docx with python-docx.

Pandoc comes from PATH or from pypandoc-binary (in the test extra, so CI has it);
without either these tests are skipped, and the one-line error is tested anyway."""

from __future__ import annotations

import io
import re
import sys

import pytest

from facilitator.domain.records import Block, Finding
from facilitator.export.pandoc import PandocMissing, find_pandoc, title_block
from tests.export.update_goldens import GOLDEN_DOCX, demo_docx, demo_documents

docx = pytest.importorskip("docx")

try:
    PANDOC: str | None = find_pandoc()
except PandocMissing:
    PANDOC = None
needs_pandoc = pytest.mark.skipif(PANDOC is None, reason="no pandoc (pip install 'facilitator[docx]')")


def paragraphs(document) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs if p.text.strip()]


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def demo() -> "docx.Document":
    if PANDOC is None:
        pytest.skip("no pandoc")
    return docx.Document(io.BytesIO(demo_docx()))


@needs_pandoc
def test_headings_are_real_heading_styles_in_the_markdown_order(demo) -> None:
    report = next(d for d in demo_documents() if d.filename == "holtenbroek-2025.md").text
    h2 = [ln[3:] for ln in report.splitlines() if ln.startswith("## ")]
    assert [t for s, t in paragraphs(demo) if s == "Heading 2"] == h2
    styles = [s for s, _ in paragraphs(demo)]
    assert styles[:2] == ["Title", "Subtitle"]  # the title page from the plan
    assert "Heading 4" in styles  # the finding's sub-heading and the appendices' parts


@needs_pandoc
def test_quotes_are_verbatim_in_the_quote_style_and_an_excerpt_has_one_code(demo) -> None:
    quotes = [t for s, t in paragraphs(demo) if s == "Block Text"]
    assert "Een buurtcoach: “Drie weken is lang als je alleen in een flat zit.” (OWP2-7okt2025)" in quotes
    i = quotes.index("Een buurtcoach: “Ik hoorde het van de buurvrouw op de trap, niet via een systeem.”")
    excerpt = quotes[i:i + 3]
    assert excerpt[1].startswith("De melding kwam bij de corporatie binnen als overlast")
    assert sum("(OWP2-7okt2025)" in q for q in excerpt) == 1 and excerpt[2].endswith("(OWP2-7okt2025)")


@needs_pandoc
def test_tables_fit_the_page_without_breaking_a_label(demo) -> None:
    stages, overview = demo.tables[0], demo.tables[-1]
    assert [c.text for c in stages.rows[0].cells] == ["fase", "uitspraken"]
    head = [c.text for c in overview.rows[0].cells]
    assert head == ["thema", "bc", "wv", "wc", "vw", "pb", "on", "totaal"]  # keys: the labels would not fit
    legend = next(t for s, t in paragraphs(demo) if t.startswith("bc = "))
    assert "wv = wijkverpleegkundige" in legend
    grid = [int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"', overview._tbl.xml)]
    total = sum(grid)
    # every column at least as wide as its longest word (about 1/88 of the width per character, + padding)
    for col, width in enumerate(grid):
        longest = max(len(w) for row in overview.rows for w in (row.cells[col].text.split() or [""]))
        assert width / total >= (longest + 2) / 88 * (total / total), (col, longest, width)


@needs_pandoc
def test_no_participant_name_in_the_word_report(demo) -> None:
    from facilitator.demo import plan_text
    from facilitator.domain.plan import parse_plan

    names = list(parse_plan(plan_text(), "demo.toml").names().values())
    text = all_text(demo)
    for name in names:
        assert not re.search(rf"\b{re.escape(name)}\b", text, re.IGNORECASE), name


@needs_pandoc
def test_the_golden_docx_has_the_same_paragraphs_and_tables(demo) -> None:
    golden = docx.Document(str(GOLDEN_DOCX))
    assert paragraphs(golden) == paragraphs(demo), "run python3 -m tests.export.update_goldens and review"
    assert [[c.text for c in r.cells] for t in golden.tables for r in t.rows] == \
        [[c.text for c in r.cells] for t in demo.tables for r in t.rows]


@needs_pandoc
def test_pandoc_reads_commonmark_not_pandoc_markdown() -> None:
    """A statement starting with ':' , '$x^2$' and '@name' stay text (pandoc's Markdown would
    make a definition list, math and a citation)."""
    from facilitator.export.pandoc import convert

    md = "# T\n\nLine one\n: not a definition\n\n$x^2$ and @naam [@naam] :smile: $$y$$\n"
    d = docx.Document(io.BytesIO(convert(md, "docx")))
    text = all_text(d)
    assert ": not a definition" in text and "$x^2$ and @naam [@naam] :smile: $$y$$" in text


def test_title_block_comes_off_the_markdown() -> None:
    assert title_block("# Titel\n\nOndertitel\n\n## Colofon\n") == ("Titel", "Ondertitel", "## Colofon\n")
    assert title_block("# Titel\n\n**Concept**\n\n## Colofon\n") == ("Titel", "", "**Concept**\n\n## Colofon\n")


def test_without_pandoc_one_line_says_how_to_get_it(monkeypatch, tmp_path, capsys) -> None:
    import shutil

    from facilitator.cli import main
    from facilitator.demo import build_demo

    build_demo(tmp_path / "data")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setitem(sys.modules, "pypandoc", None)  # the extra is not installed
    code = main(["--data-dir", str(tmp_path / "data"), "export", "holtenbroek-2025", "--out", str(tmp_path / "o"),
                 "--format", "docx"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "pip install 'facilitator[docx]'" in err and "pandoc" in err
    assert not (tmp_path / "o").exists() or not list((tmp_path / "o").iterdir())  # nothing half written


@needs_pandoc
def test_cli_exports_docx_and_odt(tmp_path, capsys) -> None:
    from facilitator.cli import main
    from facilitator.demo import build_demo

    build_demo(tmp_path / "data")
    code = main(["--data-dir", str(tmp_path / "data"), "export", "holtenbroek-2025", "--out", str(tmp_path / "o"),
                 "--format", "docx,odt"])
    assert code == 0
    names = sorted(p.name for p in (tmp_path / "o").iterdir())
    assert "holtenbroek-2025.docx" in names and "holtenbroek-2025.odt" in names
    assert "holtenbroek-2025-OWP2-7okt2025.docx" in names  # the minutes too
    d = docx.Document(str(tmp_path / "o" / "holtenbroek-2025.docx"))
    assert paragraphs(d)[0] == ("Title", "Ontwikkelwerkplaats Achter de voordeur")


assert Block and Finding  # the block model the report is made of
