"""Repair the published Codebook.xsd: `python3 -m tests.qda.schemas.repair` rewrites Codebook.xsd.

The published file was copied out of a PDF: its hyphens are typographic
(U+2010, also in `<!‐‐` comment marks and in the GUID and colour patterns) and
spaces between names and attributes are lost (`<xsd:elementname=`,
`"origin"type=`), so it is not even well-formed XML. The repair undoes exactly
that and nothing else; tests/qda/test_schemas.py checks the result.
"""

from __future__ import annotations

import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
_GLUED = re.compile(r"<(xsd:(?:element|complexType|simpleType|attribute|restriction|pattern))(name|base|value)=")
_NO_SPACE = re.compile(r'"(?=[A-Za-z]+=")')


def repair(text: str) -> str:
    text = text.replace("\u2010", "-")
    text = _GLUED.sub(r"<\1 \2=", text)
    return _NO_SPACE.sub('" ', text)


def main() -> None:
    published = (HERE / "Codebook.published.xsd").read_text(encoding="utf-8")
    (HERE / "Codebook.xsd").write_text(repair(published), encoding="utf-8")


if __name__ == "__main__":
    main()
