"""The REFI-QDA exports: valid against the official schemas, readable by pyrefiqda and
by what QualCoder's importer reads, positions exact, codes right, no names."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from facilitator.domain.records import Statement
from facilitator.domain.workshop import WorkshopData
from facilitator.export.common import Context
from facilitator.export.qda import render_qdc, render_qdpx
from tests.qda.helpers import C, P, SCHEMAS, Project, demo_data, frameworks_data, open_qdpx, schema

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@pytest.fixture(scope="module")
def demo() -> WorkshopData:
    return demo_data()


@pytest.fixture(scope="module")
def fw() -> WorkshopData:
    return frameworks_data()


def selections(project: Project) -> list[tuple[etree._Element, str]]:
    """(selection, the text it selects) for every PlainTextSelection of every source."""
    out = []
    for source in project.root.iter(P + "TextSource"):
        text = project.source_text(source)
        for sel in source.iter(P + "PlainTextSelection"):
            out.append((sel, text[int(sel.get("startPosition")):int(sel.get("endPosition"))]))
    return out


def expected_codes(data: WorkshopData, st: Statement) -> list[str]:
    """The code names a statement must carry: its themes, its elements, its role, key."""
    names = [data.theme_label(t) for t in st.themes]
    for ref in st.elements:
        fw, el = data.plan.element(ref)  # type: ignore[misc]
        names.append(el.label)
    role = data.plan.role_of(st.speaker)
    names.append(role.label if role else "deelnemer")
    if st.key:
        names.append("Kernuitspraak")
    return names


# -- valid ------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["demo", "fw"])
def test_project_validates_against_the_official_schema(which, demo, fw):
    data = demo if which == "demo" else fw
    project = open_qdpx(render_qdpx(data).content)
    xsd = schema("Project-mrt2019.xsd")
    assert xsd.validate(project.root), xsd.error_log


@pytest.mark.parametrize("which", ["demo", "fw"])
def test_codebook_validates_against_the_official_schema(which, demo, fw):
    data = demo if which == "demo" else fw
    xsd = schema("Codebook.xsd")
    root = etree.fromstring(render_qdc(data).content)
    assert xsd.validate(root), xsd.error_log
    assert root.tag == C + "CodeBook"


def test_codebook_schema_is_the_published_one_repaired():
    from tests.qda.schemas.repair import repair

    published = (SCHEMAS / "Codebook.published.xsd").read_text(encoding="utf-8")
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(published.encode())  # why the repair is needed
    assert repair(published) == (SCHEMAS / "Codebook.xsd").read_text(encoding="utf-8")
    assert "\u2010" not in repair(published)


def test_schema_rejects_what_it_should():
    """The validation can fail: a selection without positions is refused."""
    project = open_qdpx(render_qdpx(frameworks_data()).content)
    sel = next(project.root.iter(P + "PlainTextSelection"))
    del sel.attrib["startPosition"]
    assert not schema("Project-mrt2019.xsd").validate(project.root)


def test_pyrefiqda_reads_project_and_codebook(fw):
    from pyrefiqda import RefiCodebook, RefiProject

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.qdpx"
        path.write_bytes(render_qdpx(fw).content)
        project = RefiProject.load(path, extract_dir=str(Path(tmp) / "x"))
        assert project.name == fw.plan.workshop.title
        assert [s.name.split(" ")[0] for s in project.sources.text_source] == ["OWP1-3mrt2026", "OWP2-17mrt2026"]
        for source in project.sources.text_source:
            text = RefiProject.resolve_source_path(source.plain_text_path, Path(tmp) / "x").read_text("utf-8")
            for sel in source.plain_text_selection:
                assert 0 <= sel.start_position <= sel.end_position <= len(text)
                assert sel.coding and all(c.code_ref.target_guid for c in sel.coding)
        assert {c.name for c in project.cases.case} >= {"sociaal makelaar", "wijkteammedewerker"}
        assert [v.name for v in project.variables.variable] == ["rol"]
        assert any(n.name == "Bevinding 1" for n in project.notes.note)
        qdc = Path(tmp) / "c.qdc"
        qdc.write_bytes(render_qdc(fw).content)
        book = RefiCodebook.load(qdc)
        assert [c.name for c in book.codes.code] == [
            "De praktijk van samenwerken", "Een plek in de wijk",
            "Ontwikkelingscyclus van samenwerking", "Elementen van samenwerking"]


# -- what QualCoder's importer reads (src/qualcoder/refi.py) --------------------------------


@pytest.mark.parametrize("which", ["demo", "fw"])
def test_everything_qualcoder_reads_is_there(which, demo, fw):
    data = demo if which == "demo" else fw
    project = open_qdpx(render_qdpx(data).content)
    root = project.root
    # It takes the namespace version from the children's tags, and `origin` unguarded.
    assert all(child.tag.startswith(P) for child in root)
    assert root.get("origin", "").startswith("facilitator")
    assert set(project.files) == {"project.qde"} | {n for n in project.files if n.startswith("sources/")}
    users = root.find(P + "Users")
    assert [u.get("name") for u in users] and all(u.get("name") and GUID.match(u.get("guid")) for u in users)
    user_guids = {u.get("guid") for u in users}
    codes = root.find(P + "CodeBook")[0]  # "<Codes> tag is only element"
    assert codes.tag == P + "Codes"
    all_codes = project.codes()
    names = [c.get("name") for c in all_codes.values()]
    assert len(names) == len({n.casefold() for n in names}), "QualCoder merges codes of one name"
    assert all(c.get("isCodable") in ("true", "false") for c in all_codes.values())
    for var in root.find(P + "Variables"):
        assert var.get("typeOfVariable") in ("Text", "Boolean", "Integer", "Float", "Date", "DateTime")
    for case in root.find(P + "Cases"):
        assert case.get("name")
        value = case.find(P + "VariableValue")
        assert value[0].tag == P + "VariableRef" and value[1].tag == P + "TextValue" and value[1].text
    for source in root.iter(P + "TextSource"):
        # it copies each document to documents/NAME.txt
        assert not re.search(r'[<>:"/\\|?*\n]', source.get("name"))
        assert source.get("name") and source.get("creatingUser") in user_guids and source.get("creationDateTime")
        assert source.get("path") is None and source.get("plainTextPath").startswith("internal://")
        text = project.source_text(source)
        assert "\r" not in text and not text.startswith("\ufeff")
        for sel in source.iter(P + "PlainTextSelection"):
            int(sel.get("startPosition")), int(sel.get("endPosition"))
            assert sel.get("creatingUser") in user_guids and sel.get("creationDateTime")
            for coding in sel.iter(P + "Coding"):
                assert coding[0].tag == P + "CodeRef"  # it reads list(coding)[0]
                assert coding[0].get("targetGUID") in all_codes
                assert all_codes[coding[0].get("targetGUID")].get("isCodable") == "true"
    for note in root.find(P + "Notes"):
        # a journal: name, plainTextPath to a file in sources/, a creation time, a known user
        assert note.get("name") and note.get("creationDateTime") and note.get("creatingUser") in user_guids
        assert ("sources/" + note.get("plainTextPath").removeprefix("internal://")) in project.files


# -- positions and codes ------------------------------------------------------------------


@pytest.mark.parametrize("which", ["demo", "fw"])
def test_every_statement_has_one_exact_selection_with_its_codes(which, demo, fw):
    data = demo if which == "demo" else fw
    project = open_qdpx(render_qdpx(data).content)
    codes = project.codes()
    found = selections(project)
    assert len(found) == len(data.statements)
    ctx = Context(data)
    # Sources hold held sessions in order, statements in order: the selections follow them.
    for (sel, text), st in zip(found, data.statements):
        assert text == ctx.redact(st.text)
        got = [codes[c.find(P + "CodeRef").get("targetGUID")].get("name") for c in sel.iter(P + "Coding")]
        assert got == expected_codes(data, st)


def test_unicode_statements_keep_exact_positions(fw):
    texts = {st.text for st in fw.statements}
    assert "Soms moet je de regels even opzij zetten: 👩🏽‍⚕️ gaat voor." in texts  # emoji ZWJ sequence
    assert "שלום, zei de bewoner, en toen begon het gesprek." in texts  # RTL
    assert "Cafe\u0301 de Hoek is waar we elkaar zien." in texts  # combining mark
    assert any("„aanhalingstekens”" in t for t in texts)
    project = open_qdpx(render_qdpx(fw).content)
    ctx = Context(fw)
    assert [t for _, t in selections(project)] == [ctx.redact(s.text) for s in fw.statements]


def test_elements_and_themes_code_the_fixture_statements(fw):
    st = next(s for s in fw.statements if s.text.startswith("Fatima belde"))
    assert st.elements == ["sch.chemie", "delden.praktisch"] and st.themes == ["rolverdeling"]
    project = open_qdpx(render_qdpx(fw).content)
    sel, text = next((s, t) for s, t in selections(project) if t.startswith("[sociaal makelaar] belde"))
    codes = project.codes()
    names = [codes[c[0].get("targetGUID")].get("name") for c in sel.iter(P + "Coding")]
    assert names == ["Wie doet wat", "Chemie en vertrouwen", "Praktisch samenwerken", "wijkteammedewerker"]
    # frameworks and theme groups are non-codable parents of their codes
    parents = {c.get("name"): c for c in project.root.iter(P + "Code")}
    assert parents["Elementen van samenwerking"].get("isCodable") == "false"
    assert [c.get("name") for c in parents["Elementen van samenwerking"].findall(P + "Code")] == [
        "Bereidheid", "Bekendheid", "Gedeelde visie", "Chemie en vertrouwen", "Kleine verbanden"]
    assert parents["De praktijk van samenwerken"].get("isCodable") == "false"
    assert [c.get("name") for c in parents["De praktijk van samenwerken"].findall(P + "Code")] == [
        "Wie doet wat", "Regels en ruimte"]
    praktisch = parents["Praktisch samenwerken"].find(P + "Description").text
    assert "Dragende actoren: sociaal makelaar, wijkteammedewerker" in praktisch
    assert praktisch.endswith("#delden.praktisch")


def test_findings_are_notes_linked_to_the_statements_they_cite(fw):
    project = open_qdpx(render_qdpx(fw).content)
    notes = {n.get("name"): n for n in project.root.find(P + "Notes")}
    assert list(notes) == ["Bevinding 1", "Analyse", "Conclusie", "Hoe nu verder"]  # names fit a file system
    guid = notes["Bevinding 1"].get("guid")
    linked = [t for s, t in selections(project) if any(r.get("targetGUID") == guid for r in s.iter(P + "NoteRef"))]
    cited = [s.id for s in fw.statements if s.key][:2]
    assert len(linked) == 2 == len(cited)
    body = project.files["sources/" + notes["Bevinding 1"].get("plainTextPath")[11:]].decode()
    assert body.startswith("Bekendheid gaat voor samenwerking, zei [sociaal makelaar].")
    assert "Een sociaal makelaar: “Ik wist niet eens dat er een wijkteam in dit gebouw zat.” (OWP1-3mrt2026)" in body


def test_cases_per_role_hold_that_roles_selections(fw):
    project = open_qdpx(render_qdpx(fw).content)
    by_guid = {s.get("guid"): t for s, t in selections(project)}
    cases = {c.get("name"): c for c in project.root.find(P + "Cases")}
    assert list(cases) == ["sociaal makelaar", "wijkteammedewerker", "leidinggevende", "bestuurder",
                           "beleidsmedewerker gemeente"]
    sm = [by_guid[r.get("targetGUID")] for r in cases["sociaal makelaar"].iter(P + "SelectionRef")]
    assert sm == [Context(fw).redact(s.text) for s in fw.statements if s.speaker == "sm1"]
    assert cases["bestuurder"].find(P + "VariableValue")[1].text == "bestuurder"


def test_same_data_same_bytes(fw):
    assert render_qdpx(fw).content == render_qdpx(fw).content
    assert render_qdc(fw).content == render_qdc(fw).content


# -- privacy ------------------------------------------------------------------------------


def test_no_participant_name_in_any_file_of_the_qdpx():
    from tests.export.fixture import NAMES
    from tests.export.test_privacy import everything_named, plan_full_of_names

    for data in (everything_named(), plan_full_of_names()):
        out = render_qdpx(data)
        project = open_qdpx(out.content)
        assert len(project.files) > 3
        for name, content in project.files.items():
            for person in NAMES:
                assert not re.search(person, content.decode("utf-8"), re.IGNORECASE), (name, person)
        assert out.redactions > 0
        qdc = render_qdc(data).content.decode()
        assert not any(re.search(p, qdc, re.IGNORECASE) for p in NAMES)


def test_fixture_names_are_redacted_not_lost(fw):
    project = open_qdpx(render_qdpx(fw).content)
    everything = "".join(c.decode() for c in project.files.values())
    assert "Fatima" not in everything and "Anne Marie" not in everything
    assert "[sociaal makelaar] belde me meteen" in everything
    assert "Dank aan [wijkteammedewerker]." in everything


# -- property ------------------------------------------------------------------------------

# Any text but lone surrogates and control characters (the capture line refuses both),
# with the hard cases made likely: emoji sequences, „…”, RTL, combining marks, a BOM
# inside the text, XML specials, non-BMP and private-use code points.
_PIECE = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=8) | st.sampled_from(
    ["👩🏽‍⚕️", "„", "”", "“", "\u0301", "שלום", "\u200f", "\ufeff", "&", "<", "]]>", "\t", "🇳🇱", "\U0010fffd",
     "\u2028", "\uffff"])
_TEXT = st.lists(_PIECE, min_size=1, max_size=6).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.tuples(_TEXT, st.sampled_from(["quote", "note"]), st.integers(1, 3)), min_size=1, max_size=8))
def test_random_unicode_keeps_every_position_exact(texts):
    from tests.export.fixture import workshop

    data = workshop()
    rows = []
    seq: dict[int, int] = {}
    for i, (text, kind, session) in enumerate(texts, 1):
        seq[session] = seq.get(session, 0) + 1
        rows.append(Statement(id=100 + i, session=session, step=0, speaker="wt", kind=kind, text=text,
                              themes=["werkwijze"], seq=seq[session]))
    data = WorkshopData(plan=data.plan, themes=data.themes, statements=sorted(rows, key=lambda s: (s.session, s.seq)),
                        actions=[])
    project = open_qdpx(render_qdpx(data).content)
    got = [t for _, t in selections(project)]
    ctx = Context(data)
    assert got == [ctx.redact(s.text) for s in data.statements]
    assert schema("Project-mrt2019.xsd").validate(project.root)
