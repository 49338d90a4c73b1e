"""One export function for the CLI, the home screen and the report screen."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from facilitator.domain.plan import parse_plan
from facilitator.export import Document
from facilitator.store.workshop import WorkshopStore
from facilitator.usecases import export as export_mod
from facilitator.usecases.errors import ExportError
from facilitator.usecases.export import ExportResult, export_workshop, register_format
from facilitator.usecases.notes import import_notes

FIXTURE = Path(__file__).parent.parent / "fixtures" / "plan-example.toml"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    text = FIXTURE.read_text(encoding="utf-8")
    plan = parse_plan(text)
    with WorkshopStore.create(tmp_path / "data", plan, text) as store:
        import_notes(store, 1, "wt1: “Fatima zei: dat werkt goed.” #werkwijze\n", "n.txt")
    return tmp_path / "data"


def slug(data_dir: Path) -> str:
    return next(p.name for p in data_dir.iterdir() if p.is_dir())


def test_paths_and_names_replaced_from_a_data_dir(data_dir: Path, tmp_path: Path) -> None:
    result = export_workshop(data_dir, tmp_path / "out", slug=slug(data_dir))
    assert isinstance(result, ExportResult)
    assert [p.name for p in result.paths] == [f"{slug(data_dir)}.md", f"{slug(data_dir)}-OWP1-3mrt2026.md"]
    assert result.names_replaced == 2
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in result.paths)
    assert not any("Fatima" in p.read_text(encoding="utf-8") for p in result.paths)


def test_an_open_store_or_a_snapshot_give_the_same(data_dir: Path, tmp_path: Path) -> None:
    with WorkshopStore.open(data_dir, slug(data_dir), readonly=True) as store:
        a = export_workshop(store, tmp_path / "a", session=1, mode=0o644)
        b = export_workshop(store.snapshot(), tmp_path / "b", session=1, mode=0o644)
    assert [p.name for p in a.paths] == [p.name for p in b.paths] == [f"{slug(data_dir)}-OWP1-3mrt2026.md"]
    assert a.paths[0].read_bytes() == b.paths[0].read_bytes()
    assert stat.S_IMODE(a.paths[0].stat().st_mode) == 0o644


def test_unknown_session_or_format_and_unwritable_output_are_export_errors(data_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="no session 9 in 'lombok-2026'"):
        export_workshop(data_dir, tmp_path / "out", slug=slug(data_dir), session=9)
    with pytest.raises(ExportError, match="unknown export format rtf"):
        export_workshop(data_dir, tmp_path / "out", slug=slug(data_dir), formats=("rtf",))  # pdf, docx, odt are known (pandoc)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="cannot write the export"):
        export_workshop(data_dir, blocker / "out", slug=slug(data_dir))
    assert not (tmp_path / "out").exists()


def test_a_registered_format_is_written_with_the_others(data_dir: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export_mod, "FORMATS", dict(export_mod.FORMATS))

    def fake_docx(data, session):  # type: ignore[no-untyped-def]
        return [Document(f"{data.plan.slug}.docx", "", 1, data=b"PK\x03\x04binary")]

    register_format("docx", fake_docx)
    result = export_workshop(data_dir, tmp_path / "out", slug=slug(data_dir), formats=("md", "docx"))
    assert [p.suffix for p in result.paths] == [".md", ".md", ".docx"]
    assert result.paths[-1].read_bytes() == b"PK\x03\x04binary"
    assert result.names_replaced == 2  # the same places in each format: counted once


def test_the_review_file_lists_each_place_and_is_private(data_dir: Path, tmp_path: Path) -> None:
    result = export_workshop(data_dir, tmp_path / "out", slug=slug(data_dir), mode=0o644)
    review = result.review_path
    assert review == tmp_path / "out" / "lombok-2026-names-review.txt"
    assert review not in result.paths  # not part of the hand-over
    assert stat.S_IMODE(review.stat().st_mode) == 0o600
    text = review.read_text(encoding="utf-8")
    assert text.count('"Fatima" -> [wijkteammedewerker]') == result.names_replaced == 2
    assert "lombok-2026-OWP1-3mrt2026.md:" in text and "lombok-2026.md:" in text
    assert "2 participant names were replaced by a role" in export_mod.names_notice(2, review)
