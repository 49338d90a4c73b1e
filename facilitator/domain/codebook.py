"""A REFI-QDA codebook (`.qdc`, urn:QDA-XML:codebook:1.0) read into plan entries:
themes, theme groups and frameworks (docs/qda.md, "Starting from a codebook").

Pure: takes the file's bytes. How codes become plan entries:

- a codable code is a theme; its key is the capture tag on the last line of its
  description (`#key`, as facilitator writes it), else made from its name
  (lower case, accents dropped, other characters '-'); codable codes under a
  codable code are themes too (the plan has no sub-themes);
- a non-codable code whose description ends `#KEY (elements)` or `#KEY (cycle)`
  (as facilitator writes frameworks) is a framework; its codes are its elements
  (`#KEY.ELEMENT` gives the key; the description's first paragraph the definition,
  a `Vraag:`/`Question:` line the question, a `Dragende actoren:`/`Actors:` line
  the actors, matched to the plan's roles by label);
- any other non-codable code is a theme group; the themes under it (at any depth)
  are in that group.

Entries the plan already has (same key) are kept as the plan has them.
"""

from __future__ import annotations

import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from facilitator.domain.plan import Plan
from facilitator.i18n import Message

NS = "{urn:QDA-XML:codebook:1.0}"
NS_PROJECT = "{urn:QDA-XML:project:1.0}"
_TAG = re.compile(r"#([a-z][a-z0-9-]*)(?:\.([a-z][a-z0-9-]*))?(?: \((elements|cycle)\))?")
_QUESTION = ("Vraag:", "Question:")
_ACTORS = ("Dragende actoren:", "Actors:")


class CodebookError(ValueError):
    """A file that is not a codebook; the message is one line."""


@dataclass
class Book:
    themes: list[dict[str, Any]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)
    frameworks: list[dict[str, Any]] = field(default_factory=list)


def slug(name: str, fallback: str = "code") -> str:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:40].strip("-")
    if not text or not text[0].isalpha():
        text = f"{fallback}-{text}" if text else fallback
    return text


def _split(description: str) -> tuple[list[str], re.Match[str] | None]:
    """The description's paragraphs, and the capture tag on its last line (if any)."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", description.strip()) if p.strip()]
    tag = _TAG.fullmatch(paragraphs[-1]) if paragraphs else None
    if tag:
        paragraphs = paragraphs[:-1]
    return paragraphs, tag


def parse_codebook(content: bytes, filename: str, plan: Plan | None = None) -> Book:
    try:
        root = ET.fromstring(content)
    except ET.ParseError as exc:
        raise CodebookError(Message("codebook.xml_error", file=filename, error=exc)) from None
    ns = NS if root.tag == NS + "CodeBook" else NS_PROJECT if root.tag == NS_PROJECT + "Project" else None
    codes = root.find(f"{ns}Codes") if ns == NS else root.find(f"{ns}CodeBook/{ns}Codes") if ns else None
    if codes is None:
        raise CodebookError(Message("codebook.no_codes", file=filename))
    book = Book()
    taken: set[str] = set()
    fw_taken: set[str] = set()

    def key_for(name: str, wanted: str | None, fallback: str, used: set[str]) -> str:
        key = wanted or slug(name, fallback)
        base, n = key, 2
        while key in used:
            key, n = f"{base}-{n}", n + 1
        used.add(key)
        return key

    def description(code: ET.Element) -> str:
        d = code.find(f"{ns}Description")
        return (d.text or "") if d is not None else ""

    def add_theme(code: ET.Element, group: str | None) -> None:
        name = (code.get("name") or "").strip()
        if code.get("isCodable", "true") != "false" and name:
            paragraphs, tag = _split(description(code))
            wanted = tag.group(1) if tag and not tag.group(2) and not tag.group(3) else None
            theme: dict[str, Any] = {"key": key_for(name, wanted, "thema", taken), "label": name}
            if paragraphs:
                theme["description"] = "\n\n".join(paragraphs)
            if group:
                theme["group"] = group
            book.themes.append(theme)
        for child in code.findall(f"{ns}Code"):
            add_theme(child, group)

    role_by_label = {}
    if plan is not None:
        for r in plan.roles:
            role_by_label[r.label.casefold()] = r.key
            role_by_label[r.plural_label.casefold()] = r.key
            role_by_label[r.key] = r.key

    for code in codes.findall(f"{ns}Code"):
        name = (code.get("name") or "").strip()
        if code.get("isCodable", "true") != "false":
            add_theme(code, None)
            continue
        paragraphs, tag = _split(description(code))
        if tag and tag.group(3) and not tag.group(2):
            book.frameworks.append(_framework(code, ns, name, paragraphs, tag, fw_taken, role_by_label, key_for))
            continue
        group = key_for(name or "groep", None, "groep", taken)
        entry: dict[str, Any] = {"key": group, "label": name or group}
        if paragraphs:
            entry["description"] = "\n\n".join(paragraphs)
        book.groups.append(entry)
        for child in code.findall(f"{ns}Code"):
            add_theme(child, group)
    return book


def _framework(code: ET.Element, ns: str, name: str, paragraphs: list[str], tag: re.Match[str],
               fw_taken: set[str], roles: dict[str, str], key_for: Any) -> dict[str, Any]:
    key = key_for(name, tag.group(1), "kader", fw_taken)
    fw: dict[str, Any] = {"key": key, "title": name or key, "kind": tag.group(3), "elements": []}
    if paragraphs:
        fw["citation"] = " ".join(paragraphs)
    used: set[str] = set()
    for child in code.iter(f"{ns}Code"):
        if child is code or child.get("isCodable", "true") == "false":
            continue
        label = (child.get("name") or "").strip()
        d = child.find(f"{ns}Description")
        parts, etag = _split((d.text or "") if d is not None else "")
        wanted = etag.group(2) if etag and etag.group(2) else None
        element: dict[str, Any] = {"key": key_for(label, wanted, "element", used), "label": label or "?"}
        definition = [p for p in parts if not p.startswith(_QUESTION + _ACTORS)]
        element["definition"] = "\n\n".join(definition) or element["label"]
        for p in parts:
            if p.startswith(_QUESTION):
                element["question"] = p.split(":", 1)[1].strip()
            if p.startswith(_ACTORS) and fw["kind"] == "cycle":
                actors = [roles.get(a.strip().casefold()) for a in p.split(":", 1)[1].split(",")]
                if any(actors):
                    element["actors"] = [a for a in dict.fromkeys(actors) if a]
        fw["elements"].append(element)
    return fw


def _toml_string(value: str) -> str:
    # A JSON string is a TOML basic string, but for DEL, which TOML wants escaped.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def _table(header: str, entry: dict[str, Any]) -> str:
    lines = [header]
    for k, v in entry.items():
        if isinstance(v, list):
            lines.append(f"{k} = [{', '.join(_toml_string(x) for x in v)}]")
        elif isinstance(v, str):
            lines.append(f"{k} = {_toml_string(v)}")
    return "\n".join(lines)


def merge_into_plan(plan_text: str, plan: Plan, book: Book, source: str) -> tuple[str, list[str]]:
    """The plan text with the codebook's entries appended (those the plan lacks), and a
    line per entry left out because the plan already has it."""
    skipped: list[str] = []
    themes = {t.key for t in plan.themes}
    groups = {g.key for g in plan.theme_groups}
    frameworks = {f.key for f in plan.frameworks}
    blocks: list[str] = []
    for g in book.groups:
        if g["key"] in groups or g["key"] in themes:
            skipped.append(f"theme group {g['key']!r}")
            continue
        blocks.append(_table("[[theme_groups]]", g))
    for t in book.themes:
        if t["key"] in themes:
            skipped.append(f"theme {t['key']!r}")
            continue
        blocks.append(_table("[[themes]]", t))
    for f in book.frameworks:
        if f["key"] in frameworks:
            skipped.append(f"framework {f['key']!r}")
            continue
        head = {k: v for k, v in f.items() if k != "elements"}
        blocks.append(_table("[[frameworks]]", head))
        blocks += [_table("[[frameworks.elements]]", e) for e in f["elements"]]
    if not blocks:
        return plan_text, skipped
    text = plan_text.rstrip("\n") + f"\n\n# From the codebook {source}\n\n" + "\n\n".join(blocks) + "\n"
    return text, skipped
