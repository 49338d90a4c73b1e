"""Issue 9's "done when": every single-byte flip and every truncation of a store that holds
an import batch, live statements, report texts and a plan update. After `doctor`, the
workshop opens; what is missing is at most the flipped record (with a backup: nothing),
or for a truncation nothing the newest backup holds; and doctor's report says so.

The quick run samples positions; the slow one tries every byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from facilitator.domain.plan import parse_plan
from facilitator.domain.records import ReportText, Statement
from facilitator.store import db as dbmod
from facilitator.store.doctor import doctor, exit_status
from facilitator.store.workshop import WorkshopStore

from .conftest import PLAN_TEXT


def build(data_dir: Path) -> dict:
    store = WorkshopStore.create(data_dir, parse_plan(PLAN_TEXT, "proef.toml"), PLAN_TEXT)
    with store:
        store.import_records(1, [Statement(session=1, speaker="wt1", text=f"geïmporteerd {i}") for i in range(4)])
        for i in range(2):
            store.add_statement(Statement(session=2, speaker="wt", text=f"live {i}"))
        store.save_report_text(ReportText(summary="Samenvatting", method="Werkwijze"))
        edited = PLAN_TEXT.replace("Proefwerkplaats", "Proefwerkplaats bijgewerkt")
        store.update_plan(parse_plan(edited, "proef.toml"), edited)
    return tables(data_dir)


def tables(data_dir: Path) -> dict:
    rep = dbmod.replay((data_dir / "proef" / "store.db").read_bytes())
    return {(name, k): doc for name, docs in rep.tables.items() for k, doc in docs.items()}


def check(work: Path, expected: dict, data: bytes, *, flipped_line: bytes | None) -> None:
    (work / "proef" / "store.db").write_bytes(data)
    lines = doctor(work, "proef")
    with WorkshopStore.open(work, "proef") as s:  # opens, whatever happened
        assert s.plan.slug == "proef"
    got = tables(work)
    differ = {k for k in set(got) | set(expected) if got.get(k) != expected.get(k)}
    problems = [line.text for line in lines if line.level == "problem"]
    if flipped_line is None:  # a truncation, with the newest backup holding everything
        assert differ == set(), (len(data), differ, lines)
        assert exit_status(lines) == 0, lines
        return
    assert len(differ) <= 1, (differ, lines)
    for name, key in differ:
        assert f'"{name}",{key},'.encode() in flipped_line
        assert any(p.startswith(("not recovered", "missing")) for p in problems), lines  # said so
    if not differ:  # nothing lost: at most the damaged line is named (its damage may hide that it was replaced)
        assert not any("missing" in p for p in problems), lines
        assert all(p.startswith("not recovered: line") for p in problems), lines


def positions(n: int, every: int) -> range:
    return range(0, n, every)


def run_matrix(tmp_path: Path, every: int, with_backups: bool, compacted: bool = False) -> None:
    base = tmp_path / "base"
    expected = build(base)
    if compacted:  # a snapshot with its lazy lines and their index (facilitator.store.lazy)
        with WorkshopStore.open(base, "proef") as s:
            s._db.journal.compact()
        assert b'"index":"' in (base / "proef" / "store.db").read_bytes().split(b"\n", 1)[0]
        assert tables(base) == expected
    original = (base / "proef" / "store.db").read_bytes()
    work = tmp_path / "work"
    shutil.copytree(base, work)
    if not with_backups:
        shutil.rmtree(work / "proef" / "backups")
        shutil.rmtree(base / "proef" / "backups")

    def reset() -> None:
        shutil.rmtree(work)
        shutil.copytree(base, work)

    for pos in positions(len(original), every):
        reset()
        data = bytearray(original)
        data[pos] ^= 1 << (pos % 8)
        start = original.rfind(b"\n", 0, pos) + 1
        end = original.find(b"\n", pos)
        line = original[start:] if end < 0 else original[start:end + 1]
        line = original[max(0, original.rfind(b"\n", 0, start - 1) + 1):end + 1] if original[pos:pos + 1] == b"\n" \
            else line
        try:
            check(work, expected, bytes(data), flipped_line=line + original[end + 1:original.find(b"\n", end + 1) + 1]
                  if original[pos:pos + 1] == b"\n" else line)
        except AssertionError as exc:
            raise AssertionError(f"flip at byte {pos}: {exc}") from None
    if with_backups:
        for length in positions(len(original), every):
            reset()
            check(work, expected, original[:length], flipped_line=None)


@pytest.mark.parametrize("with_backups", [True, False])
def test_damage_matrix_sampled(tmp_path, with_backups):
    run_matrix(tmp_path, 41, with_backups)


@pytest.mark.slow
@pytest.mark.parametrize("with_backups", [True, False])
def test_damage_matrix_every_byte(tmp_path, with_backups):
    run_matrix(tmp_path, 1, with_backups)


@pytest.mark.parametrize("with_backups", [True, False])
def test_damage_matrix_compacted_sampled(tmp_path, with_backups):
    run_matrix(tmp_path, 37, with_backups, compacted=True)


@pytest.mark.slow
@pytest.mark.parametrize("with_backups", [True, False])
def test_damage_matrix_compacted_every_byte(tmp_path, with_backups):
    run_matrix(tmp_path, 1, with_backups, compacted=True)
