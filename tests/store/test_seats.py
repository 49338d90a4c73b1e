"""Two seats, two journals (facilitator.store.seats): each seat writes only its own file,
every process reads both and merges them the same way; a one-seat open folds the
note-taker's journal into store.db; locks, backups, doctor, list and exports cover both."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from facilitator.domain.records import Action, SessionClock, Statement
from facilitator.store import seats
from facilitator.store.workshop import StoreError, StoreLocked, WorkshopStore, read_summary

ROOT = Path(__file__).resolve().parents[2]


def _st(text: str, step: int = 0) -> Statement:
    return Statement(session=1, step=step, speaker="wt", kind="note", text=text)


@pytest.fixture
def slug(data_dir: Path, plan) -> str:  # noqa: ANN001
    from tests.store.conftest import PLAN_TEXT

    WorkshopStore.create(data_dir, plan, PLAN_TEXT).close()
    return plan.workshop.slug


def texts(store) -> list[str]:  # noqa: ANN001
    return [s.text for s in store.statements(1)]


def test_each_seat_writes_its_own_journal_and_both_see_the_merge(data_dir: Path, slug: str) -> None:
    with WorkshopStore.open(data_dir, slug) as one:
        one.add_statement(_st("from one seat"))
    fac = seats.open_seat(data_dir, slug, "facilitator")
    notes = seats.open_seat(data_dir, slug, "notes")
    try:
        db_before = (data_dir / slug / "store.db").read_bytes()
        added = notes.add_statement(_st("noted"))
        notes.add_action(Action(session=1, step=0, text="bellen", owner="wt"))
        notes.set_attendance(1, ["wt1"])
        notes.add_theme("nieuw")
        assert (data_dir / slug / "store.db").read_bytes() == db_before  # nothing of the notes in store.db
        assert added.id > 1  # above every id store.db has: no collision
        assert seats.follow(fac).ops
        assert texts(fac) == ["from one seat", "noted"]
        assert [a.text for a in fac.actions(1)] == ["bellen"] and fac.attendance(1) == ["wt1"]
        assert "nieuw" in [t.key for t in fac.themes()]
        fac.save_clock(SessionClock(session=1, started_at=time.time()))
        notes_before = (data_dir / slug / "store.notes.db").read_bytes()
        assert seats.follow(notes).ops and notes.clock(1).started_at is not None
        assert (data_dir / slug / "store.notes.db").read_bytes() == notes_before
        with pytest.raises(StoreError):
            notes.save_clock(SessionClock(session=1))
        # an edit and a delete of a statement that lives in store.db: the notes' version wins, the removal hides it
        first = next(s for s in notes.statements(1) if s.text == "from one seat")
        notes.update_statement(first.model_copy(update={"text": "edited"}))
        seats.follow(fac)
        assert texts(fac) == ["edited", "noted"]
        notes.delete_statement(first.id)
        seats.follow(fac)
        assert texts(fac) == ["noted"]
        with WorkshopStore.open(data_dir, slug, readonly=True) as ro:  # an export or a viewer: the merge
            assert [s.text for s in ro.snapshot().statements] == ["noted"]
        notes.restore_statement(first.model_copy(update={"text": "edited"}))
        seats.follow(fac)
        assert texts(fac) == ["edited", "noted"]
    finally:
        notes.close()
        fac.close()


def test_locks_one_copy_per_seat_and_one_seat_excludes_both(data_dir: Path, slug: str) -> None:
    fac = seats.open_seat(data_dir, slug, "facilitator")
    notes = seats.open_seat(data_dir, slug, "notes")
    try:
        with pytest.raises(StoreLocked):
            seats.open_seat(data_dir, slug, "facilitator")
        with pytest.raises(StoreLocked, match="note-taker's seat"):
            seats.open_seat(data_dir, slug, "notes")
        with pytest.raises(StoreLocked):
            WorkshopStore.open(data_dir, slug)  # one seat, import, new --update: refused
    finally:
        fac.close()
    with pytest.raises(StoreLocked, match="note-taker's seat"):
        WorkshopStore.open(data_dir, slug)  # the note-taker's seat alone still holds its lock
    notes.close()
    with WorkshopStore.open(data_dir, slug):
        with pytest.raises(StoreLocked, match="note-taker's seat"):
            seats.open_seat(data_dir, slug, "notes")


def test_one_seat_open_folds_the_notes_journal(data_dir: Path, slug: str) -> None:
    with WorkshopStore.open(data_dir, slug) as one:
        one.add_statement(_st("a"))
        one.add_statement(_st("b"))
    notes = seats.open_seat(data_dir, slug, "notes")
    c = notes.add_statement(_st("c"))
    notes.delete_statement(1)
    notes.close()
    kept = (data_dir / slug / "store.notes.db").read_bytes()
    with WorkshopStore.open(data_dir, slug) as one:
        assert texts(one) == ["b", "c"] and one.statements(1)[-1].id == c.id
        assert not (data_dir / slug / "store.notes.db").exists()
        assert seats.list_notes_backups(data_dir / slug)
        d = one.add_statement(_st("d"))
        assert d.id > c.id  # store.db's ids go on above the folded ones
    # killed between the fold and removing the journal: folding again changes nothing
    (data_dir / slug / "store.notes.db").write_bytes(kept)
    os.chmod(data_dir / slug / "store.notes.db", 0o600)
    with WorkshopStore.open(data_dir, slug) as one:
        assert texts(one) == ["b", "c", "d"]


def test_backups_list_and_doctor_cover_every_journal(data_dir: Path, slug: str) -> None:
    from facilitator.store.doctor import doctor

    fac = seats.open_seat(data_dir, slug, "facilitator")
    notes = seats.open_seat(data_dir, slug, "notes")
    notes.add_statement(_st("genoteerd"))
    fac.backup()
    assert seats.list_notes_backups(data_dir / slug)  # every journal copied
    fac.close()
    summary = read_summary(data_dir, slug)
    assert summary is not None and summary["sessions"]["1"]["statements"] == 1
    notes.add_statement(_st("daarna"))
    assert read_summary(data_dir, slug) is None  # the notes' journal moved on: list reads the stores
    lines = [str(line) for line in doctor(data_dir, slug)]
    assert any("note-taker's seat is open" in line for line in lines)
    notes.close()
    summary = read_summary(data_dir, slug)
    assert summary is not None and summary["sessions"]["1"]["statements"] == 2
    # a torn last line of the notes journal (a kill mid-save) is repaired by doctor
    with open(data_dir / slug / "store.notes.db", "ab") as f:
        f.write(b'deadbeef ["o",99,"statem')
    lines = [str(line) for line in doctor(data_dir, slug)]
    assert any("store.notes.db" in line and "2 statement(s)" in line for line in lines), lines
    from facilitator.cli import main

    assert main(["--data-dir", str(data_dir), "list"]) == 0


WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[3])
    from facilitator.store import seats
    from facilitator.domain.records import Statement
    store = seats.open_seat(Path(sys.argv[1]), sys.argv[2], "notes")
    print("ready", flush=True)
    for n in range(int(sys.argv[4])):
        store.add_statement(Statement(session=1, step=0, speaker="wt", kind="note", text=f"line {n}"))
        if n % 7 == 0:
            time.sleep(0.003)
    store.close()
    print("done", flush=True)
""")


def test_facilitator_seat_follows_every_save_of_the_other_process(data_dir: Path, slug: str) -> None:
    fac = seats.open_seat(data_dir, slug, "facilitator")
    try:
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(data_dir), slug, str(ROOT), "300"],
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        seen: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            for name, _id, doc in seats.follow(fac).ops:
                if name == "statements" and doc is not None:
                    seen.append(doc["text"])
            if proc.poll() is not None and len(seen) >= 300:
                break
            time.sleep(0.002)
        proc.wait(10)
        assert seen == [f"line {n}" for n in range(300)]
        assert texts(fac) == seen
    finally:
        fac.close()
