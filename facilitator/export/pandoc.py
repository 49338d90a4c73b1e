"""Word, ODT and PDF from the Markdown exports, through pandoc.

The Markdown is read as GitHub-flavoured CommonMark (`-f gfm`), never as pandoc's
own Markdown: there a statement starting with `:` would make a definition list,
`$x^2$` math and `@name` a citation. Of pandoc's gfm extensions, those that would
change session text are switched off (math, emoji, footnotes, alerts, YAML); the
only one added is `raw_attribute`, for the one raw block the export itself writes
(the page break after the title page); session text cannot make one, its
backticks are escaped.

Which pandoc: the one on PATH, else the one of the optional extra
`pip install 'facilitator[docx]'` (pypandoc-binary); without either,
`PandocMissing` says in one line how to get it. PDF needs a LaTeX engine
(xelatex, lualatex or pdflatex) or LibreOffice (`soffice`) besides.

House style: `house/reference.docx` (title page, heading styles, the quote style
"Block Text" for participants' words, table grid), and `house/tables.lua`,
which gives each table column at least the width of its longest word, so no
label breaks mid-word. No network, no files but a temporary directory.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from facilitator.i18n import Message

HOUSE = Path(__file__).resolve().parent / "house"
REFERENCE_DOCX = HOUSE / "reference.docx"
TABLES_LUA = HOUSE / "tables.lua"
# GitHub-flavoured CommonMark without what pandoc adds to it that would change
# session text: $…$ math, :emoji: names, footnotes, alerts, a YAML block at the start.
READER = "gfm-tex_math_dollars-tex_math_gfm-emoji-footnotes-alerts-yaml_metadata_block+raw_attribute"
FORMATS = ("docx", "odt", "pdf")
PAGE_BREAK = '```{=openxml}\n<w:p><w:r><w:br w:type="page"/></w:r></w:p>\n```'
LATEX_ENGINES = ("xelatex", "lualatex", "pdflatex")
TIMEOUT = 120  # seconds for one document


class PandocMissing(RuntimeError):
    """No pandoc (or no PDF engine): the message is one line saying how to get it."""


def find_pandoc() -> str:
    """The pandoc to run: on PATH, else pypandoc-binary's. Raises PandocMissing."""
    found = shutil.which("pandoc")
    if found:
        return found
    try:
        import pypandoc  # the optional extra facilitator[docx]

        path = pypandoc.get_pandoc_path()
        if path and Path(path).exists():
            return str(path)
    except (ImportError, OSError):
        pass
    raise PandocMissing(Message("export.needs_pandoc"))


def pdf_route() -> tuple[str, str]:
    """("latex", engine) or ("soffice", path) for PDF. Raises PandocMissing."""
    for engine in LATEX_ENGINES:
        if shutil.which(engine):
            return "latex", engine
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return "soffice", found
    raise PandocMissing(Message("export.needs_pdf_engine"))


_TITLE = re.compile(r"\A# (.*)\n")


def title_block(markdown: str) -> tuple[str, str, str]:
    """(title, subtitle, body): the document's `# title` and the paragraph after it
    (the subtitle, if it is one) taken off the Markdown, for pandoc's title page."""
    m = _TITLE.match(markdown)
    if m is None:
        return "", "", markdown
    title, rest = m.group(1), markdown[m.end():].lstrip("\n")
    first, _, after = rest.partition("\n\n")
    if first and not first.startswith(("#", "*", "-", ">", "|")) and "\n" not in first:
        return title, first, after
    return title, "", rest


def _unescape(text: str) -> str:
    """A Markdown line as plain text (for the title page's metadata, which pandoc takes literally)."""
    text = re.sub(r"\\([\\`*_\[\]<|~#>\-+=.!()])", r"\1", text)
    return text.replace("&amp;", "&")


def convert(markdown: str, fmt: str, lang: str = "nl", pandoc: str | None = None) -> bytes:
    """`markdown` (one exported document) as a `fmt` document's bytes. Raises PandocMissing,
    or RuntimeError with pandoc's first error line."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    pandoc = pandoc or find_pandoc()
    title, subtitle, body = title_block(markdown)
    args = [pandoc, "-f", READER, "--lua-filter", str(TABLES_LUA), "-M", f"lang={'nl-NL' if lang == 'nl' else 'en-GB'}"]
    if title:
        args += ["-M", f"title={_unescape(title)}"]
    if subtitle:
        args += ["-M", f"subtitle={_unescape(subtitle)}"]
    if fmt == "docx":
        args += ["--reference-doc", str(REFERENCE_DOCX)]
        if title:
            body = PAGE_BREAK + "\n\n" + body  # the title page stands alone
    with tempfile.TemporaryDirectory(prefix="facilitator-pandoc-") as tmp:
        out = Path(tmp) / f"out.{fmt}"
        if fmt == "pdf":
            route, tool = pdf_route()
            if route == "soffice":
                docx = Path(tmp) / "out.docx"
                docx.write_bytes(convert(markdown, "docx", lang, pandoc))
                _run([tool, "--headless", "--convert-to", "pdf", "--outdir", tmp, str(docx)], None)
                return out.read_bytes()
            args += ["--pdf-engine", tool]
        _run(args + ["-t", fmt, "-o", str(out)], body)
        return out.read_bytes()


def _run(args: list[str], stdin: str | None) -> None:
    try:
        done = subprocess.run(args, input=stdin.encode("utf-8") if stdin is not None else None,
                              capture_output=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise RuntimeError(Message("export.tool_slow", tool=Path(args[0]).name, seconds=TIMEOUT)) from None
    except OSError as exc:
        raise RuntimeError(Message("export.tool_cannot_run", tool=args[0], reason=exc.strerror or exc)) from None
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace").strip().splitlines() or ["(no message)"]
        raise RuntimeError(Message("export.tool_failed", tool=Path(args[0]).name, error=err[0]))
