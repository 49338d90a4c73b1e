"""REFI-QDA exchange (QDA-XML 1.0): the series as a `.qdpx` project, the codes as a
`.qdc` codebook (docs/qda.md). Pure: WorkshopData in, bytes out.

A `.qdpx` is a zip with `project.qde` (XML, urn:QDA-XML:project:1.0) and a flat
`sources/` folder:

- users: the facilitator and the note-taker, by role (never a name);
- codes: each theme (under its theme group, a non-codable parent), each framework
  element (under its framework, non-codable), each role (under "Rollen"), and one
  for key statements; every code's description ends with the capture tag;
- one text source per held session: a header, then each statement on its own line
  as the report cites it (`Een buurtcoach: “…” (OWP1-16sep2025)`), under its agenda
  step; then the agreed actions. Participant names are redacted exactly as in the
  Markdown exports;
- one PlainTextSelection per statement, exactly over the statement's text, coded
  with its themes, its framework elements, its role and (if marked) the key code;
- a variable `rol` and one case per role (the role's selections);
- the findings and the report's texts as notes (text files in sources/); every
  selection a finding cites refers to that finding's note;
- one set per framework holding its element codes.

Positions count Unicode code points from 0, end exclusive (REFI-QDA 1.5, 10.2:
"Unicode codepoint"), which is what indexing a Python str counts. Source files
are UTF-8 without BOM, lines end in "\\n".

GUIDs are UUID 5 of the workshop slug and the thing they name, and timestamps
come from the sessions, so the same data gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
import zipfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from facilitator.domain.records import Statement
from facilitator.i18n import Message
from facilitator.domain.workshop import WorkshopData
from facilitator.export.common import Context
from facilitator.export.words import capitalise, long_date, role_phrase

NS_PROJECT = "urn:QDA-XML:project:1.0"
NS_CODEBOOK = "urn:QDA-XML:codebook:1.0"


def _origin() -> str:
    """`origin` of the files: "facilitator VERSION" (the installed package's version)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"facilitator {version('facilitator')}"
    except PackageNotFoundError:
        return "facilitator"


_GUID_SPACE = uuid.UUID("6f1c2a52-8d0e-4c8e-9a51-7b7f3f0c9d11")

WORDS = {
    "nl": {
        "facilitator": "procesbegeleider", "notetaker": "onderzoeker (notulist)",
        "roles": "Rollen", "key": "Kernuitspraak", "key_description": "Een uitspraak die de notulist met ! markeerde.",
        "role_variable": "De rol waarin deelnemers spraken.", "actions": "Afspraken", "step": "Stap",
        "finding": "Bevinding {n}", "cites": "Onderbouwd met:", "deleted": "(een verwijderde uitspraak)",
        "introduction": "Inleiding", "analysis": "Analyse", "conclusion": "Conclusie", "next": "Hoe nu verder?",
        "question": "Vraag", "actors": "Dragende actoren", "framework": "Analysekader",
    },
    "en": {
        "facilitator": "facilitator", "notetaker": "note-taker",
        "roles": "Roles", "key": "Key statement", "key_description": "A statement the note-taker marked with !.",
        "role_variable": "The role participants spoke in.", "actions": "Actions agreed", "step": "Step",
        "finding": "Finding {n}", "cites": "Backed by:", "deleted": "(a deleted statement)",
        "introduction": "Introduction", "analysis": "Analysis", "conclusion": "Conclusion", "next": "Next steps",
        "question": "Question", "actors": "Actors", "framework": "Framework",
    },
}

# Characters XML 1.0 cannot carry (in element text or attribute values).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def xml_text(text: str) -> str:
    """`text` with what XML 1.0 cannot hold replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


@dataclass
class Code:
    guid: str
    name: str
    codable: bool
    description: str = ""
    children: list[Code] = field(default_factory=list)


@dataclass
class QdaFile:
    filename: str
    content: bytes
    redactions: int


class _Builder:
    def __init__(self, data: WorkshopData):
        self.data = data
        self.plan = data.plan
        self.ctx = Context(data)
        self.lang = self.plan.workshop.language
        self.w = WORDS[self.lang]
        self.slug = self.plan.workshop.slug or "workshop"
        self.theme_guid: dict[str, str] = {}
        self.element_guid: dict[str, str] = {}
        self.role_guid: dict[str | None, str] = {}
        self.key_guid = self.guid("code", "key")
        self.facilitator = self.guid("user", "facilitator")
        self.notetaker = self.guid("user", "notetaker")

    def guid(self, *parts: str) -> str:
        return str(uuid.uuid5(_GUID_SPACE, "\x1f".join((self.slug, *parts))))

    # -- codes -----------------------------------------------------------------

    def codebook(self, with_roles: bool) -> list[Code]:
        """Themes (grouped), frameworks with their elements, then (in a project) roles and the key code."""
        ctx, plan = self.ctx, self.plan
        top: list[Code] = []
        groups: dict[str, Code] = {}
        for g in plan.theme_groups:
            groups[g.key] = Code(self.guid("group", g.key), ctx.redact(g.label), False, ctx.redact(g.description or ""))
            top.append(groups[g.key])
        # Known themes, then keys only seen on statements (first seen), as in the overview.
        keys = list(dict.fromkeys([t.key for t in self.data.themes] + [k for st in self.data.statements
                                                                        for k in st.themes]))
        for key in keys:
            theme = plan.theme(key)
            desc = _paragraphs(ctx.redact(theme.description or "") if theme else "", ctx.redact(f"#{key}"))
            code = Code(self.guid("theme", key), ctx.theme_label(key), True, desc)
            self.theme_guid[key] = code.guid
            parent = groups.get(theme.group) if theme and theme.group else None
            (parent.children if parent else top).append(code)
        for fw in plan.frameworks:
            parent = Code(self.guid("framework", fw.key), ctx.redact(fw.title), False,
                          _paragraphs(ctx.redact(fw.citation or ""), ctx.redact(f"#{fw.key} ({fw.kind})")))
            for el in fw.elements:
                ref = f"{fw.key}.{el.key}"
                lines = [ctx.redact(el.definition)]
                if el.question:
                    lines.append(f"{self.w['question']}: {ctx.redact(el.question)}")
                if el.actors:
                    labels = [ctx.role_label(r.label) for a in el.actors if (r := plan.role(a))]
                    lines.append(f"{self.w['actors']}: {', '.join(labels)}")
                code = Code(self.guid("element", ref), ctx.redact(el.label), True, _paragraphs(*lines, ctx.redact(f"#{ref}")))
                self.element_guid[ref] = code.guid
                parent.children.append(code)
            top.append(parent)
        if with_roles:
            roles = Code(self.guid("code", "roles"), self.w["roles"], False)
            for r in plan.roles:
                code = Code(self.guid("role", r.key), ctx.role_label(r.label), True, ctx.redact(f"{r.key}:"))
                self.role_guid[r.key] = code.guid
                roles.children.append(code)
            if any(self.role_of(st) is None for st in self.data.statements):
                code = Code(self.guid("role", "-"), ctx.w["unknown_role"], True)
                self.role_guid[None] = code.guid
                roles.children.append(code)
            top.append(roles)
            top.append(Code(self.key_guid, self.w["key"], True, _paragraphs(self.w["key_description"], "!")))
        _unique_names(top)
        return top

    def role_of(self, st: Statement) -> str | None:
        return self.ctx.role_key(st.speaker)

    def codes_of(self, st: Statement) -> list[str]:
        """The GUIDs a statement is coded with: themes, elements, role, key."""
        guids = [self.theme_guid[t] for t in dict.fromkeys(st.themes) if t in self.theme_guid]
        guids += [self.element_guid[e] for e in dict.fromkeys(st.elements) if e in self.element_guid]
        guids.append(self.role_guid[self.role_of(st)])
        if st.key:
            guids.append(self.key_guid)
        return guids

    # -- sources ------------------------------------------------------------------

    def phrase(self, st: Statement) -> str:
        role = self.ctx.roles.get(self.role_of(st) or "")
        return role_phrase(self.ctx.role_label(role.label) if role else None, self.lang)

    def session_text(self, number: int) -> tuple[str, list[tuple[Statement, int, int]]]:
        """The source text of one session and (statement, start, end) of each statement's text."""
        ctx, plan = self.ctx, self.plan
        session = plan.session(number)
        assert session is not None
        code = plan.code_of(session)
        pieces: list[str] = []
        pos = 0
        spans: list[tuple[Statement, int, int]] = []

        def add(text: str) -> None:
            nonlocal pos
            pieces.append(text)
            pos += len(text)

        title = f"{code} · {ctx.redact(session.title)}" if session.title else code
        add(_one_line(title) + "\n" + long_date(session.date, self.lang) + "\n")
        step: int | None = -1
        for st in self.data.session_statements(number):
            if st.step != step:
                step = st.step
                if step is not None and 0 <= step < len(session.agenda):
                    add(f"\n{self.w['step']} {step + 1}. {_one_line(ctx.redact(session.agenda[step].title))}\n")
                else:
                    add("\n")
            body = _plain(ctx.redact(st.text))
            if st.kind == "quote":
                add(f"{capitalise(self.phrase(st))}: “")
                spans.append((st, pos, pos + len(body)))
                add(body + f"” ({code})\n")
            else:
                spans.append((st, pos, pos + len(body)))
                add(body + f" ({self.phrase(st)}, {code})\n")
        actions = self.data.session_actions(number)
        if actions:
            add(f"\n{self.w['actions']}\n")
            for a in actions:
                owner = ""
                if a.owner:
                    role = ctx.roles.get(ctx.role_key(a.owner) or "")
                    owner = role_phrase(ctx.role_label(role.label) if role else None, self.lang) + ", "
                add(f"- {_plain(ctx.redact(a.text))} ({owner}{code})\n")
        return "".join(pieces), spans

    def when(self, number: int) -> str:
        """A session's moment, for the creation times: its clock's start (UTC), else its date at noon."""
        clock = self.data.clocks.get(number)
        if clock is not None and clock.started_at is not None:
            moment = dt.datetime.fromtimestamp(clock.started_at, dt.timezone.utc).replace(microsecond=0)
        else:
            session = self.plan.session(number)
            assert session is not None
            moment = dt.datetime.combine(session.date, dt.time(12), dt.timezone.utc)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    # -- notes -----------------------------------------------------------------------

    def notes(self, cited: dict[int, Statement]) -> list[tuple[str, str, str, list[int]]]:
        """(guid, name, text, cited statement ids) of each finding and written report text."""
        ctx, w, rep = self.ctx, self.w, self.data.report
        out = []
        for i, finding in enumerate(self.data.findings, 1):
            cites = []
            for sid in finding.statements:
                st = cited.get(sid)
                cites.append(f"- {self.citation(st)}" if st else f"- {w['deleted']}")
            from facilitator.domain.records import INLINE_CITATION

            def inline(m):  # type: ignore[no-untyped-def]  # a statement cited in the text: [[id]]
                st = cited.get(int(m.group(1)))
                return self.citation(st) if st else w["deleted"]

            text = INLINE_CITATION.sub(inline, ctx.redact(finding.text)).strip() or "…"
            if cites:
                text += f"\n\n{w['cites']}\n" + "\n".join(cites)
            out.append((self.guid("finding", str(finding.id if finding.id is not None else i)),
                        w["finding"].format(n=i), text, [s for s in finding.statements if s in cited]))
        intro = rep.introduction if rep.introduction is not None else self.plan.workshop.introduction
        texts = [("introduction", w["introduction"], intro or ""),
                 ("analysis", ctx.redact(rep.analysis_title) if rep.analysis_title else w["analysis"], rep.analysis),
                 ("conclusion", w["conclusion"], rep.conclusion),
                 ("next", w["next"], "\n".join(f"{i}. {s.strip()}" for i, s in
                                                enumerate((s for s in rep.next_steps if s.strip()), 1)))]
        for key, name, text in texts:
            if text.strip():
                out.append((self.guid("note", key), name, ctx.redact(text).strip(), []))
        return out

    def citation(self, st: Statement) -> str:
        code = self.ctx.code(st.session)
        body = _plain(self.ctx.redact(st.text))
        if st.kind == "quote":
            return f"{capitalise(self.phrase(st))}: “{body}” ({code})"
        return f"{body} ({self.phrase(st)}, {code})"


def _one_line(text: str) -> str:
    return " ".join(text.split())


_UNPORTABLE = re.compile(r'[<>:"/\\|?*]+')


def _file_name(name: str) -> str:
    """A source or note name on one line without what file systems refuse: importers
    (QualCoder, MAXQDA) save documents under their name."""
    return " ".join(_UNPORTABLE.sub(" ", name).split()) or "-"


def _plain(text: str) -> str:
    """Source text must be encodable: a lone surrogate (never typed, the capture line
    refuses it) becomes U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def _paragraphs(*parts: str) -> str:
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


def _unique_names(codes: list[Code]) -> None:
    """Importers key codes by name (QualCoder merges two codes of one name): a name used
    twice gets its parent's name added, then a number."""
    flat: list[tuple[Code, Code | None]] = []

    def walk(items: list[Code], parent: Code | None) -> None:
        for c in items:
            flat.append((c, parent))
            walk(c.children, c)

    walk(codes, None)
    counts: dict[str, int] = {}
    for c, _ in flat:
        counts[c.name.casefold()] = counts.get(c.name.casefold(), 0) + 1
    taken = {c.name.casefold() for c, _ in flat if counts[c.name.casefold()] == 1}
    for c, parent in flat:
        if counts[c.name.casefold()] > 1:
            name = f"{c.name} ({parent.name})" if parent else c.name
            n = 2
            candidate = name
            while candidate.casefold() in taken:
                candidate, n = f"{name} {n}", n + 1
            c.name = candidate
            taken.add(candidate.casefold())


# -- XML ------------------------------------------------------------------------------


def _el(parent: ET.Element, tag: str, ns: str, **attrs: str) -> ET.Element:
    return ET.SubElement(parent, f"{{{ns}}}{tag}", {k: xml_text(v) for k, v in attrs.items()})


def _text_el(parent: ET.Element, tag: str, ns: str, text: str) -> ET.Element:
    e = _el(parent, tag, ns)
    e.text = xml_text(text)
    return e


def _codes_xml(parent: ET.Element, codes: list[Code], ns: str) -> None:
    for c in codes:
        e = _el(parent, "Code", ns, guid=c.guid, name=c.name, isCodable="true" if c.codable else "false")
        if c.description:
            _text_el(e, "Description", ns, c.description)
        _codes_xml(e, c.children, ns)


def _serialise(root: ET.Element, ns: str) -> bytes:
    ET.register_namespace("", ns)
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _zip(files: list[tuple[str, bytes]], when: str) -> bytes:
    stamp = dt.datetime.strptime(when, "%Y-%m-%dT%H:%M:%SZ")
    date_time = (max(1980, stamp.year), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in files:
            info = zipfile.ZipInfo(name, date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            z.writestr(info, content)
    return buf.getvalue()


def render_qdpx(data: WorkshopData) -> QdaFile:
    """The whole series as a REFI-QDA project."""
    b = _Builder(data)
    ns = NS_PROJECT
    codes = b.codebook(with_roles=True)
    held = data.held_sessions()
    first = b.when(held[0]) if held else b.when(min(s.number for s in data.plan.sessions))
    last = b.when(held[-1]) if held else first
    root = ET.Element(f"{{{ns}}}Project", {
        "name": xml_text(b.ctx.redact(data.plan.workshop.title)), "origin": _origin(),
        "creatingUserGUID": b.notetaker, "creationDateTime": first,
        "modifyingUserGUID": b.notetaker, "modifiedDateTime": last})
    users = _el(root, "Users", ns)
    # The note-taker first: QualCoder takes the first user as the coder.
    _el(users, "User", ns, guid=b.notetaker, name=b.w["notetaker"], id="notetaker")
    _el(users, "User", ns, guid=b.facilitator, name=b.w["facilitator"], id="facilitator")
    _codes_xml(_el(_el(root, "CodeBook", ns), "Codes", ns), codes, ns)
    variable = b.guid("variable", "rol")
    variables = _el(root, "Variables", ns)
    var = _el(variables, "Variable", ns, guid=variable, name="rol", typeOfVariable="Text")
    _text_el(var, "Description", ns, b.w["role_variable"])

    files: list[tuple[str, bytes]] = []
    sources: list[tuple[int, str, str, list[tuple[Statement, int, int]]]] = []
    selection_guid: dict[int, str] = {}  # id(statement) -> guid
    by_id: dict[int, Statement] = {}
    for number in held:
        text, spans = b.session_text(number)
        sources.append((number, b.guid("source", str(number)), text, spans))
        for i, (st, _, _) in enumerate(spans):
            selection_guid[id(st)] = b.guid("selection", str(number), str(st.id) if st.id is not None else f"#{i}")
            if st.id is not None:
                by_id[st.id] = st
    notes = b.notes(by_id)
    notes_of: dict[int, list[str]] = {}
    for guid, _, _, cited in notes:
        for sid in dict.fromkeys(cited):
            notes_of.setdefault(sid, []).append(guid)

    cases = _el(root, "Cases", ns)
    role_keys: list[str | None] = [r.key for r in data.plan.roles]
    if None in b.role_guid:
        role_keys.append(None)
    for key in role_keys:
        members = [selection_guid[id(st)] for _, _, _, spans in sources for st, _, _ in spans if b.role_of(st) == key]
        if not members:
            continue
        role = data.plan.role(key) if key else None
        label = b.ctx.role_label(role.label) if role else b.ctx.w["unknown_role"]
        case = _el(cases, "Case", ns, guid=b.guid("case", key or "-"), name=label)
        if role and role.organisation:
            _text_el(case, "Description", ns, b.ctx.redact(role.organisation))
        _el(case, "CodeRef", ns, targetGUID=b.role_guid[key])
        value = _el(case, "VariableValue", ns)
        _el(value, "VariableRef", ns, targetGUID=variable)
        _text_el(value, "TextValue", ns, label)
        for m in members:
            _el(case, "SelectionRef", ns, targetGUID=m)
    if not len(cases):
        root.remove(cases)

    if sources:
        src_el = _el(root, "Sources", ns)
        for number, guid, text, spans in sources:
            when = b.when(number)
            session = data.plan.session(number)
            assert session is not None
            name = data.plan.code_of(session) + (f" {b.ctx.redact(session.title)}" if session.title else "")
            ts = _el(src_el, "TextSource", ns, guid=guid, name=_file_name(name), plainTextPath=f"internal://{guid}.txt",
                     creatingUser=b.notetaker, creationDateTime=when, modifyingUser=b.notetaker, modifiedDateTime=when)
            for st, start, end in spans:
                sel = _el(ts, "PlainTextSelection", ns, guid=selection_guid[id(st)], name=_one_line(text[start:end])[:80],
                          startPosition=str(start), endPosition=str(end), creatingUser=b.notetaker,
                          creationDateTime=when)
                for code in b.codes_of(st):
                    coding = _el(sel, "Coding", ns, guid=b.guid("coding", selection_guid[id(st)], code),
                                 creatingUser=b.notetaker, creationDateTime=when)
                    _el(coding, "CodeRef", ns, targetGUID=code)
                for note in notes_of.get(st.id, []) if st.id is not None else []:
                    _el(sel, "NoteRef", ns, targetGUID=note)
            files.append((f"sources/{guid}.txt", text.encode("utf-8")))
    if notes:
        notes_el = _el(root, "Notes", ns)
        for guid, name, text, _ in notes:
            _el(notes_el, "Note", ns, guid=guid, name=_file_name(name), plainTextPath=f"internal://{guid}.txt",
                creatingUser=b.notetaker, creationDateTime=last, modifyingUser=b.notetaker, modifiedDateTime=last)
            files.append((f"sources/{guid}.txt", _plain(text).encode("utf-8")))
    if data.plan.frameworks:
        sets = _el(root, "Sets", ns)
        for fw in data.plan.frameworks:
            s = _el(sets, "Set", ns, guid=b.guid("set", fw.key), name=f"{b.w['framework']}: {b.ctx.redact(fw.title)}")
            for el in fw.elements:
                _el(s, "MemberCode", ns, targetGUID=b.element_guid[f"{fw.key}.{el.key}"])
    if data.plan.workshop.subtitle:
        _text_el(root, "Description", ns, b.ctx.redact(data.plan.workshop.subtitle))
    files.insert(0, ("project.qde", _serialise(root, ns)))
    slug = data.plan.workshop.slug or "workshop"
    return QdaFile(f"{slug}.qdpx", _zip(files, first), b.ctx.redactions)


def render_qdc(data: WorkshopData) -> QdaFile:
    """The codebook alone: themes (in their groups) and frameworks with their elements."""
    b = _Builder(data)
    ns = NS_CODEBOOK
    codes = b.codebook(with_roles=False)
    if not codes:
        raise ValueError(Message("export.codebook_empty"))
    root = ET.Element(f"{{{ns}}}CodeBook", {"origin": _origin()})
    codes_el = _el(root, "Codes", ns)
    _codes_xml(codes_el, codes, ns)
    if data.plan.frameworks:
        sets = _el(root, "Sets", ns)
        for fw in data.plan.frameworks:
            s = _el(sets, "Set", ns, guid=b.guid("set", fw.key), name=f"{b.w['framework']}: {b.ctx.redact(fw.title)}")
            for el in fw.elements:
                _el(s, "MemberCode", ns, guid=b.element_guid[f"{fw.key}.{el.key}"])
    slug = data.plan.workshop.slug or "workshop"
    return QdaFile(f"{slug}.qdc", _serialise(root, ns), b.ctx.redactions)
