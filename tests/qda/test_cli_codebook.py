"""`facilitator export --format qdpx|qdc` and `facilitator new PLAN --codebook FILE.qdc`."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

from facilitator.domain.codebook import merge_into_plan, parse_codebook
from facilitator.domain.plan import parse_plan
from facilitator.export.qda import render_qdc
from tests.cli.conftest import Run, run  # noqa: F401 - the fixture
from tests.qda.helpers import FIXTURES, frameworks_data, schema

PLAN = FIXTURES / "plan-frameworks.toml"


def bare_plan(tmp_path: Path) -> Path:
    """The frameworks plan without its themes, groups and frameworks."""
    text = PLAN.read_text(encoding="utf-8")
    path = tmp_path / "kopie.toml"
    bare = text[:text.index("[[theme_groups]]")] + text[text.index("[[sessions]]"):]
    path.write_text(bare.replace('slug = "overvecht-2026"', 'slug = "kopie"'), encoding="utf-8")
    return path


def test_export_qdpx_and_qdc_from_the_command_line(run: Run, tmp_path: Path):
    assert run("demo")[0] == 0
    out = tmp_path / "out"
    code, stdout, _ = run("export", "holtenbroek-2025", "--format", "qdpx", "--out", str(out))
    assert code == 0 and stdout.splitlines()[0] == str(out / "holtenbroek-2025.qdpx")
    with zipfile.ZipFile(out / "holtenbroek-2025.qdpx") as z:
        assert "project.qde" in z.namelist()
        assert schema("Project-mrt2019.xsd").validate(etree.fromstring(z.read("project.qde")))
    assert (out / "holtenbroek-2025.qdpx").stat().st_mode & 0o777 == 0o600
    code, stdout, _ = run("export", "holtenbroek-2025", "--format", "qdc", "--out", str(out))
    assert code == 0 and schema("Codebook.xsd").validate(etree.parse(str(out / "holtenbroek-2025.qdc")))
    code, _, err = run("export", "holtenbroek-2025", "--format", "qdpx", "--session", "1")
    assert code == 2 and "--session" in err
    code, _, err = run("export", "holtenbroek-2025", "--format", "rtf")  # pdf, docx, odt: through pandoc
    assert code == 2 and "unknown export format rtf" in err


def test_a_series_started_from_a_codebook_has_its_codes(run: Run, tmp_path: Path):
    book = tmp_path / "boek.qdc"
    book.write_bytes(render_qdc(frameworks_data()).content)
    code, out, err = run("new", str(bare_plan(tmp_path)), "--codebook", str(book))
    assert code == 0, err
    assert "3 themes, 1 theme groups, 2 frameworks read" in out
    out_dir = tmp_path / "o"
    assert run("export", "kopie", "--format", "qdc", "--out", str(out_dir))[0] == 0
    guid = re.compile(rb'(guid)="[^"]+"')
    again = guid.sub(b"", (out_dir / "kopie.qdc").read_bytes())
    assert again == guid.sub(b"", book.read_bytes())  # the same codebook, code for code


def test_codebook_round_trip_keeps_keys_definitions_and_actors():
    data = frameworks_data()
    plan = data.plan
    book = parse_codebook(render_qdc(data).content, "boek.qdc", plan)
    assert [t["key"] for t in book.themes] == ["rolverdeling", "regels", "plek"]
    assert book.themes[0]["group"] == "de-praktijk-van-samenwerken"
    delden, sch = book.frameworks
    assert (delden["key"], delden["kind"], sch["key"], sch["kind"]) == ("delden", "cycle", "sch", "elements")
    praktisch = delden["elements"][2]
    assert praktisch == {"key": "praktisch", "label": "Praktisch samenwerken",
                         "definition": plan.framework("delden").element("praktisch").definition,
                         "question": "Hoe werken we nu samen bij een concrete casus?", "actors": ["sm", "wt"]}
    assert [e["key"] for e in sch["elements"]] == ["bereidheid", "bekendheid", "visie", "chemie", "verbanden"]


def test_a_foreign_codebook_becomes_themes_and_groups():
    xml = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="MAXQDA">
 <Codes>
  <Code guid="11111111-1111-1111-1111-111111111111" name="Vertrouwen" isCodable="true">
   <Description>Wat mensen van elkaar verwachten</Description>
   <Code guid="11111111-1111-1111-1111-111111111112" name="Privacy &amp; AVG" isCodable="true"/>
  </Code>
  <Code guid="11111111-1111-1111-1111-111111111113" name="Plekken" isCodable="false">
   <Code guid="11111111-1111-1111-1111-111111111114" name="Café" isCodable="true"/>
   <Code guid="11111111-1111-1111-1111-111111111115" name="2e verdieping" isCodable="true"/>
  </Code>
 </Codes>
</CodeBook>""".encode()
    plan = parse_plan(PLAN.read_text(encoding="utf-8"))
    book = parse_codebook(xml, "maxqda.qdc", plan)
    assert [(t["key"], t.get("group")) for t in book.themes] == [
        ("vertrouwen", None), ("privacy-avg", None), ("cafe", "plekken"), ("thema-2e-verdieping", "plekken")]
    text, skipped = merge_into_plan(PLAN.read_text(encoding="utf-8"), plan, book, "maxqda.qdc")
    merged = parse_plan(text)
    assert merged.theme("cafe").label == "Café" and merged.theme_group("plekken").label == "Plekken"
    assert skipped == []


def test_a_file_that_is_no_codebook_is_one_line(run: Run, tmp_path: Path):
    bad = tmp_path / "x.qdc"
    bad.write_text("<nope")
    code, _, err = run("new", str(bare_plan(tmp_path)), "--codebook", str(bad))
    assert code == 2 and err.count("\n") == 1 and "not a REFI-QDA codebook" in err


def test_any_code_name_survives_into_the_plan_text():
    names = ['Zeg "ja"', "back\\slash", "del\x7fete", "twee\nregels", "émigré 🇳🇱", "]]", "#1", "a = b"]
    codes = "".join(f'<Code guid="11111111-1111-1111-1111-1111111111{i:02d}" name="{n}" isCodable="true"/>'
                    for i, n in enumerate(n.replace("&", "&amp;").replace('"', "&quot;").replace("\n", "&#10;")
                                          for n in names))
    xml = f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>{codes}</Codes></CodeBook>'.encode()
    plan_text = PLAN.read_text(encoding="utf-8")
    plan = parse_plan(plan_text)
    book = parse_codebook(xml, "x.qdc", plan)
    merged = parse_plan(merge_into_plan(plan_text, plan, book, "x.qdc")[0])
    assert [t.label for t in merged.themes[len(plan.themes):]] == names
    assert len({t.key for t in merged.themes}) == len(merged.themes)
