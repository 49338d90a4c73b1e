"""Workshops to export, and readers for what the export writes."""

from __future__ import annotations

import io
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from facilitator.domain.workshop import WorkshopData

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = Path(__file__).resolve().parent / "schemas"
FIXTURES = ROOT / "tests" / "fixtures"
P = "{urn:QDA-XML:project:1.0}"
C = "{urn:QDA-XML:codebook:1.0}"


def demo_data() -> WorkshopData:
    from facilitator.demo import build_demo
    from facilitator.store.workshop import WorkshopStore

    with tempfile.TemporaryDirectory() as tmp:
        slug = build_demo(Path(tmp))
        with WorkshopStore.open(Path(tmp), slug, readonly=True) as store:
            return store.snapshot()


def frameworks_data(framework: str | None = "sch") -> WorkshopData:
    """The plan with both frameworks of the reference report, two sessions of notes
    imported as `facilitator import` does, a finding, and the analysis by `framework`."""
    from facilitator.usecases.notes import import_notes
    from facilitator.domain.plan import parse_plan
    from facilitator.domain.records import Finding, ReportText
    from facilitator.store.workshop import WorkshopStore

    text = (FIXTURES / "plan-frameworks.toml").read_text(encoding="utf-8")
    plan = parse_plan(text, "plan-frameworks.toml")
    with tempfile.TemporaryDirectory() as tmp:
        with WorkshopStore.create(Path(tmp), plan, text) as store:
            for n in (1, 2):
                notes = (FIXTURES / f"notes-frameworks-{n}.txt").read_text(encoding="utf-8")
                import_notes(store, n, notes, f"notes-frameworks-{n}.txt")
            ids = [s.id for s in store.statements() if s.key]
            store.save_finding(Finding(text="Bekendheid gaat voor samenwerking, zei Fatima.", statements=ids[:2]))
            store.save_report_text(ReportText(analysis="Een eerste analyse.", framework=framework,
                                              conclusion="Dank aan Anne Marie.", next_steps=["Verder."]))
            return store.snapshot()


@dataclass
class Project:
    """A .qdpx opened: its XML root and every file by name."""

    root: etree._Element
    files: dict[str, bytes] = field(default_factory=dict)

    def source_text(self, source: etree._Element) -> str:
        path = source.get("plainTextPath")
        assert path and path.startswith("internal://")
        return self.files["sources/" + path.removeprefix("internal://")].decode("utf-8")

    def codes(self) -> dict[str, etree._Element]:
        return {c.get("guid"): c for c in self.root.iter(P + "Code")}


def open_qdpx(content: bytes) -> Project:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        assert z.testzip() is None
        files = {n: z.read(n) for n in z.namelist()}
    return Project(etree.fromstring(files["project.qde"]), files)


def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))
