"""The names-review file: every replacement an export made, for the researcher.

`{slug}-names-review.txt` is written next to the exports, always with mode
0600, and is not part of the hand-over: it holds the names themselves (the
form that was replaced), so it is plain text (`.txt`), never picked up by a
`*.md` glob, and says so in its first line. One entry per replacement:

    reeks.md:57 (1. Samenvatting van resultaten): "Fatima" -> [wijkteammedewerker]
        … \\[wijkteammedewerker\\] zei het al: we komen …

Forms that are also ordinary words ("Roos", "Mark") are marked
`CHECK: also an ordinary word`. Role labels that hold a name are listed once
per file (they are replaced wherever the role is named). Invisible characters in
a form are shown as `<U+00AD>`.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from facilitator.export import Document

WORDS = {
    "nl": {
        "head": "NIET MEEGEVEN: dit bestand bevat de namen van deelnemers en blijft op deze computer.",
        "title": "Vervangen namen in de export van {slug}",
        "count": "{n} vervanging(en) in {files} bestand(en); {common} daarvan ook een gewoon woord.",
        "none": "Geen namen gevonden: er is niets vervangen.",
        "common": "CONTROLEER: ook een gewoon woord",
        "label": "rolnaam in het plan (overal waar die rol genoemd wordt)",
        "check": "Controleer elke plaats: lees de zin, en pas de tekst aan als de vervanging niet klopt.",
    },
    "en": {
        "head": "DO NOT HAND OVER: this file holds participants' names and stays on this computer.",
        "title": "Names replaced in the export of {slug}",
        "count": "{n} replacement(s) in {files} file(s); {common} of them also an ordinary word.",
        "none": "No names found: nothing was replaced.",
        "common": "CHECK: also an ordinary word",
        "label": "role label in the plan (wherever that role is named)",
        "check": "Check each place: read the sentence, and edit the text where the replacement is wrong.",
    },
}


def review_filename(slug: str) -> str:
    return f"{slug}-names-review.txt"


def visible(text: str) -> str:
    """A form with invisible and control characters shown as <U+XXXX>."""
    if text.isprintable() and not (text and unicodedata.category(text[0]).startswith("M")):
        return text  # nothing to show: no C* or Z* character but the space, no mark first
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat in ("Cf", "Cc", "Zl", "Zp") or (cat.startswith("M") and not out):
            out.append(f"<U+{ord(ch):04X}>")
        else:
            out.append(ch)
    return "".join(out)


def review(docs: list[Document], slug: str, lang: str = "nl") -> Document:
    from facilitator.export import Document

    w = WORDS.get(lang, WORDS["en"])
    entries = [r for d in docs for r in d.replacements]
    files = len({r.file for r in entries})
    common = sum(1 for r in entries if r.common)
    out = [w["head"], "", w["title"].format(slug=slug), ""]
    if not entries:
        out.append(w["none"])
    else:
        out += [w["count"].format(n=len(entries), files=files, common=common), w["check"], ""]
        for r in entries:
            where = f"{r.file}:{r.line}" if r.line is not None else f"{r.file}: {w['label']}"
            section = f" ({visible(r.section)})" if r.section else ""
            flag = f"  {w['common']}" if r.common else ""
            out.append(f"{where}{section}: \"{visible(r.form)}\" -> {visible(r.role)}{flag}")
            if r.excerpt:
                out.append(f"    {visible(r.excerpt)}")
    return Document(filename=review_filename(slug), text="\n".join(out) + "\n", redactions=0)
