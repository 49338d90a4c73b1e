"""Rebuild the house style for Word exports: `python3 -m facilitator.export.house.make_reference`.

Starts from pandoc's own reference.docx (so every style pandoc writes exists) and
sets the house style with python-docx (the test extra): a title page (large
title, subtitle and date, then a page break: the page break comes from the
export, see `facilitator.export.pandoc`), real heading styles, a quote style for
participants' words ("Block Text": indented, italic, a rule on the left),
compact tables on the page width with a light grid. Writes reference.docx next
to this file; commit it.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def build(pandoc: str, out: Path) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    with tempfile.TemporaryDirectory() as tmp:
        default = Path(tmp) / "default.docx"
        with open(default, "wb") as fh:
            subprocess.run([pandoc, "--print-default-data-file", "reference.docx"], stdout=fh, check=True)
        doc = docx.Document(str(default))
    ink, accent = RGBColor(0x1F, 0x2A, 0x44), RGBColor(0x2E, 0x6E, 0x8E)
    styles = doc.styles
    for name in ("Normal", "Body Text", "First Paragraph", "Compact"):
        font = styles[name].font
        font.name, font.size = "Calibri", Pt(11)
    for name, size, before in (("Heading 1", 20, 24), ("Heading 2", 16, 18), ("Heading 3", 13, 14),
                               ("Heading 4", 11.5, 10)):
        st = styles[name]
        st.font.name, st.font.size, st.font.bold, st.font.color.rgb = "Calibri", Pt(size), True, ink
        st.paragraph_format.space_before, st.paragraph_format.space_after = Pt(before), Pt(4)
        st.paragraph_format.keep_with_next = True
    title = styles["Title"]
    title.font.name, title.font.size, title.font.bold, title.font.color.rgb = "Calibri", Pt(30), True, ink
    title.paragraph_format.space_before = Cm(7)  # a title page: the title low on the page
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for name in ("Subtitle", "Author", "Date"):
        st = styles[name]
        st.font.name, st.font.size, st.font.color.rgb = "Calibri", Pt(15 if name == "Subtitle" else 12), accent
        st.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    quote = styles["Block Text"]  # pandoc's style for a block quote: the participants' words
    quote.font.name, quote.font.size, quote.font.italic = "Calibri", Pt(11), True
    quote.font.color.rgb = RGBColor(0x33, 0x33, 0x33)
    pf = quote.paragraph_format
    pf.left_indent, pf.right_indent, pf.space_before, pf.space_after = Cm(1), Cm(0.5), Pt(2), Pt(6)
    ppr = quote.element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    left = OxmlElement("w:left")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "8"), ("w:color", "2E6E8E")):
        left.set(qn(key), value)
    borders.append(left)
    ppr.append(borders)
    table = styles["Table"]
    tpr = table.element.find(qn("w:tblPr"))
    if tpr is None:
        tpr = OxmlElement("w:tblPr")
        table.element.append(tpr)
    grid = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        b = OxmlElement(f"w:{side}")
        for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"), ("w:color", "A0A8B8")):
            b.set(qn(key), value)
        grid.append(b)
    tpr.append(grid)
    table.font.size = Pt(9.5)
    for section in doc.sections:  # A4, 2.5 cm margins: the text width the table widths assume
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.5)
    doc.save(str(out))


def main() -> int:
    from facilitator.export.pandoc import find_pandoc

    build(find_pandoc(), HERE / "reference.docx")
    print(HERE / "reference.docx")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
