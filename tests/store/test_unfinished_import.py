"""kill -9 in the middle of a large import: the unfinished transaction at the end of the
journal is no damage. The next writable open drops it into a small sidecar
(store.db.unfinished-STAMP, only the dropped bytes) and truncates the journal; no copy of
the whole file is made, `doctor` has nothing to warn about, and the import runs again.

Real damage (a cut inside committed data) still keeps the whole original aside.

The child is forked and imports a notes file of 20,000 lines; the parent polls the size
of store.db and kills it once a random number of bytes of the import is in the file
(the child writes the import in small chunks, so the kill lands at many byte points).
"""

from __future__ import annotations

import os
import random
import signal
import stat
import time
from pathlib import Path

import pytest

from facilitator.domain.records import Statement
from facilitator.store import db as dbmod
from facilitator.store.doctor import doctor, exit_status
from facilitator.store.workshop import WorkshopStore
from facilitator.usecases.notes import import_notes, open_notes

from tests import polling

from .conftest import PLAN_TEXT

LINES = 20_000
SLUG = "proef"


def notes_file(folder: Path, tag: str, n: int = LINES) -> Path:
    path = folder / f"notes-{tag}.txt"
    speakers = ("wt", "jw")
    path.write_text("".join(f"{speakers[i % 2]}: {tag} uitspraak {i} over de wijk\n" for i in range(n)),
                    encoding="utf-8")
    return path


@pytest.fixture
def workshop(data_dir: Path, plan) -> Path:  # type: ignore[no-untyped-def]
    with WorkshopStore.create(data_dir, plan, PLAN_TEXT) as s:
        for i in range(5):
            s.add_statement(Statement(session=1, speaker="wt", text=f"eerder {i}"))
        s._db.journal.compact()  # a snapshot with an index: opening reads it lazily (db._open_lazy)
        s.add_statement(Statement(session=1, speaker="wt", text="eerder 5"))  # and a transaction after it
    return data_dir / SLUG


def state(data_dir: Path) -> tuple:
    with WorkshopStore.open(data_dir, SLUG, readonly=True) as s:
        snap = s.snapshot()
        return snap, dict(s._raw("imports"))


def msg_id(item) -> str | None:  # type: ignore[no-untyped-def]
    """The catalog id of a doctor line's message or of a store's recovery note (a Note)."""
    message = getattr(item, "message", None)
    message = getattr(message, "message", message)  # a Note carries its Message
    return getattr(message, "id", None)


def poll(check, timeout: float = 60.0, what: str = "condition"):  # type: ignore[no-untyped-def]
    return polling.poll(check, timeout, what, interval=0.001)  # fine-grained: the kill lands near its byte


def kill_mid_import(data_dir: Path, notes: Path, rng: random.Random, most: float = 0.8) -> int:
    """Fork a child that imports `notes`; SIGKILL it once a random part of the import's
    bytes is in store.db (polled, never slept on). Returns the size it was killed at."""
    journal = data_dir / SLUG / "store.db"
    base = journal.stat().st_size
    expected = sum(1 for _ in open(notes, "rb")) * 190  # bytes of the import's journal lines (about 210 each)
    target = base + rng.randint(1, int(expected * most))
    chunk = rng.choice([509, 4096, 65_536, 1 << 20])
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: import, and never return into pytest
        try:
            os.close(read)
            dbmod.STREAM_CHUNK = chunk  # smaller writes: the kill lands at more byte points
            store = WorkshopStore.open(data_dir, SLUG)
            os.write(write, b"R")
            import_notes(store, 1, open_notes(notes), str(notes))
            os.write(write, b"C")  # committed: the parent killed too late
            store.close()
        finally:
            os._exit(0)
    os.close(write)
    try:
        assert os.read(read, 1) == b"R"
        poll(lambda: journal.stat().st_size >= target, what=f"{target - base} bytes of the import")
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.set_blocking(read, False)
        try:
            told = os.read(read, 1)
        except BlockingIOError:
            told = b""
        assert told != b"C", "the import committed before the kill"
    finally:
        os.close(read)
    return journal.stat().st_size


def tear_last_line(journal: Path, rng: random.Random) -> None:
    """Cut the file in the middle of its last operation line (a torn write)."""
    data = journal.read_bytes()
    end = data.rstrip(b"\n")
    start = end.rfind(b"\n") + 1
    assert b'["o",' in end[start:], "the last line is an uncommitted operation"
    with open(journal, "r+b") as fh:
        fh.truncate(start + rng.randint(1, len(end) - start - 1))


def check_recovered(data_dir: Path, before: tuple, notes: Path) -> None:
    folder = data_dir / SLUG
    journal = folder / "store.db"
    killed = journal.read_bytes()
    with WorkshopStore.open(data_dir, SLUG) as s:  # writable: drops the unfinished import
        recovery = [str(note) for note in s.recovery]
        assert len(recovery) == 1, recovery
        assert f"an unfinished import of {LINES} lines from {notes} was dropped" in recovery[0], recovery
        assert "run the import again" in recovery[0]
        nl = s.recovery[0].render("nl")  # in the interface's language too
        assert f"onafgemaakte import van {LINES} regels uit {notes}" in nl, nl
    assert state(data_dir) == before  # exactly the state before the import
    assert list(folder.glob("store.db.damaged-*")) == []
    dropped = list(folder.glob("store.db.unfinished-*"))
    assert len(dropped) == 1 and stat.S_IMODE(dropped[0].stat().st_mode) == 0o600
    size = journal.stat().st_size
    assert killed[:size] + dropped[0].read_bytes() == killed  # only the dropped bytes, nothing else
    assert len(dropped[0].read_bytes()) < len(killed)
    lines = doctor(data_dir, SLUG)
    assert exit_status(lines) == 0, lines
    assert [str(line) for line in lines if line.level in ("problem", "fixed")] == [], lines
    told = [line for line in lines if msg_id(line) == "doctor.unfinished_import_kept"]
    assert len(told) == 1 and dropped[0].name in str(told[0]) and str(notes) in str(told[0]), lines
    assert not any(msg_id(line) == "doctor.kept_aside" for line in lines)
    with WorkshopStore.open(data_dir, SLUG) as s:  # the import runs again, and only once
        n_before = len(s.statements(1))
        parsed, count = import_notes(s, 1, open_notes(notes), str(notes))
        assert count == LINES and len(s.statements(1)) == n_before + LINES
        assert s.recovery == []
        imports = sorted(s._raw("imports").items(), key=lambda kv: int(kv[0]))
        assert imports[-1][1] == {"file": str(notes), "lines": LINES, "session": 1}


def run_rounds(data_dir: Path, folder: Path, rounds: int, seed: int, torn: bool) -> None:
    rng = random.Random(seed)
    for round_no in range(rounds):
        for old in folder.glob("store.db.unfinished-*"):
            old.unlink()
        notes = notes_file(data_dir.parent, f"r{round_no}")  # beside the data directory, not in it
        before = state(data_dir)
        kill_mid_import(data_dir, notes, rng)
        if torn:
            tear_last_line(folder / "store.db", rng)
        check_recovered(data_dir, before, notes)


def test_killed_import_leaves_no_damaged_copy(data_dir: Path, workshop: Path) -> None:
    run_rounds(data_dir, workshop, rounds=1, seed=11, torn=False)


def test_killed_import_with_a_torn_last_line(data_dir: Path, workshop: Path) -> None:
    run_rounds(data_dir, workshop, rounds=1, seed=12, torn=True)


@pytest.mark.slow
@pytest.mark.parametrize("torn", [False, True])
def test_killed_import_at_many_byte_points(data_dir: Path, workshop: Path, torn: bool) -> None:
    run_rounds(data_dir, workshop, rounds=4, seed=100 + torn, torn=torn)


def test_cut_inside_committed_data_is_still_damage(data_dir: Path, workshop: Path, tmp_path: Path) -> None:
    """The distinction: a file cut inside what was acknowledged keeps the full copy aside."""
    notes = notes_file(tmp_path, "heel", 3000)
    with WorkshopStore.open(data_dir, SLUG) as s:
        import_notes(s, 1, open_notes(notes), str(notes))  # committed, compacted into the snapshot
    journal = workshop / "store.db"
    data = journal.read_bytes()
    at = data.index(b"heel uitspraak 1500 ")
    journal.write_bytes(data[:at])  # a cut inside the snapshot's statement lines
    with WorkshopStore.open(data_dir, SLUG) as s:
        assert any("was damaged" in str(note) for note in s.recovery), s.recovery
    kept = list(workshop.glob("store.db.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == data[:at]
    assert list(workshop.glob("store.db.unfinished-*")) == []


def test_cut_inside_the_last_acknowledged_save_is_still_damage(data_dir: Path, workshop: Path) -> None:
    """A tail that looks unfinished but was acknowledged (the workshop was closed with the
    file longer: summary.json says so) is damage: the full copy is kept aside."""
    journal = workshop / "store.db"
    data = journal.read_bytes()
    end = data.rstrip(b"\n")
    cut = end.rfind(b"\n") + 4  # inside the last commit record
    journal.write_bytes(data[:cut])
    for b in (workshop / "backups").iterdir():  # not even a backup holds it: only summary.json tells
        b.unlink()
    with WorkshopStore.open(data_dir, SLUG) as s:
        assert any("was damaged" in str(note) for note in s.recovery), s.recovery
        assert [st.text for st in s.statements(1)] == [f"eerder {i}" for i in range(5)]
    assert len(list(workshop.glob("store.db.damaged-*"))) == 1
    assert list(workshop.glob("store.db.unfinished-*")) == []


def test_readonly_open_ignores_an_unfinished_import(data_dir: Path, workshop: Path, tmp_path: Path) -> None:
    notes = notes_file(tmp_path, "ro", 5000)
    before = state(data_dir)
    kill_mid_import(data_dir, notes, random.Random(5))
    journal = workshop / "store.db"
    killed = journal.read_bytes()
    listing = sorted(p.name for p in workshop.iterdir())
    with WorkshopStore.open(data_dir, SLUG, readonly=True) as s:
        assert s.recovery == [] and (s.snapshot(), dict(s._raw("imports"))) == before
    lines = doctor(data_dir, SLUG, repair=False)  # checked, not repaired: worth knowing, no problem
    assert exit_status(lines) == 0 and any(msg_id(line) == "doctor.unfinished_pending"
                                           for line in lines), lines
    assert journal.read_bytes() == killed and sorted(p.name for p in workshop.iterdir()) == listing


def test_follower_notices_a_dropped_tail_written_over(data_dir: Path, workshop: Path, tmp_path: Path) -> None:
    """A read-only view that read whole lines of the unfinished import: the writer truncates
    them away and saves again past where the view had read. The view is told to reopen."""
    notes = notes_file(tmp_path, "volg", 5000)
    kill_mid_import(data_dir, notes, random.Random(9), most=0.2)
    view = WorkshopStore.open(data_dir, SLUG, readonly=True)
    try:
        assert not view.refresh()
        read_to = view._follower.rep.offset  # past the committed end: whole lines of the import
        inode = (workshop / "store.db").stat().st_ino
        with WorkshopStore.open(data_dir, SLUG) as s:
            assert s.recovery and (s.path / "store.db").stat().st_size < read_to
            i = 0
            while (s.path / "store.db").stat().st_size <= read_to:  # past the view's offset again
                s.add_statement(Statement(session=1, speaker="wt", text=f"daarna {i} " + "x" * 2000))
                i += 1
            assert (s.path / "store.db").stat().st_ino == inode  # truncated and appended to, never rewritten
            assert view.refresh().reset  # not read as if nothing had changed under it
            texts = [st.text for st in s.statements(1)]
    finally:
        view.close()
    with WorkshopStore.open(data_dir, SLUG, readonly=True) as again:
        assert [st.text for st in again.statements(1)] == texts


# -- the note-taker's seat's journal (store.notes.db) and the fold ------------------------------


def kill_child(journal: Path, work, target: int) -> None:  # type: ignore[no-untyped-def]
    """Fork a child that runs `work()`; SIGKILL it once `journal` has `target` bytes (polled)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read)
            work(lambda: os.write(write, b"R"))
        finally:
            os._exit(0)
    os.close(write)
    try:
        assert os.read(read, 1) == b"R"
        poll(lambda: journal.exists() and journal.stat().st_size >= target, what=f"{journal.name} at {target} bytes")
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    finally:
        os.close(read)


def test_killed_note_takers_seat_leaves_no_damaged_copy(data_dir: Path, workshop: Path) -> None:
    from facilitator.store import seats

    journal = workshop / seats.NOTES_JOURNAL

    def typing(ready) -> None:  # type: ignore[no-untyped-def]
        dbmod.STREAM_CHUNK = 509
        store = seats.open_seat(data_dir, SLUG, "notes")
        ready()
        n = 0
        while True:  # saves of one statement each, and now and then a large one of many
            store._put([("statements", store._new_id("statements"), {"session": 1, "speaker": "wt", "text": f"n{n}-{k}",
                                                                     "seq": n, "kind": "note"}) for k in range(1 + 300 * (n % 5 == 4))])
            n += 1

    kill_child(journal, typing, 200_000)
    if b'["o",' in journal.read_bytes().rstrip(b"\n").rsplit(b"\n", 1)[-1]:
        tear_last_line(journal, random.Random(3))  # killed inside a large save
    else:
        _cut_inside_last_save(journal)  # killed between two saves: tear the last one as a kill mid-write would
    killed = journal.read_bytes()
    with seats.open_seat(data_dir, SLUG, "notes") as notes:  # the seat's journal, opened writable again
        told = [n for n in notes.recovery if msg_id(n) == "store.recovery.unfinished_save"]
        assert len(told) == 1 == len(notes.recovery) and told[0].message.values["name"] == seats.NOTES_JOURNAL, \
            notes.recovery
        texts = {st.text for st in notes.statements(1)}
    dropped = list(workshop.glob("store.notes.db.unfinished-*"))
    assert len(dropped) == 1 and killed == killed[:len(killed) - dropped[0].stat().st_size] + dropped[0].read_bytes()
    assert list(workshop.glob("*.damaged-*")) == []
    lines = doctor(data_dir, SLUG)
    assert exit_status(lines) == 0 and not [line for line in lines if line.level in ("problem", "fixed")], lines
    assert any(msg_id(line) == "doctor.unfinished_save_kept"
               and dropped[0].name in str(line) for line in lines), lines
    with WorkshopStore.open(data_dir, SLUG) as s:  # one seat again: the notes journal is folded in
        assert {st.text for st in s.statements(1)} == texts and s.recovery == []


def _cut_inside_last_save(journal: Path) -> None:
    """The kill came between two saves: cut the last one in its commit record (a torn write)."""
    data = journal.read_bytes()
    start = data.rstrip(b"\n").rfind(b"\n") + 1
    journal.write_bytes(data[:start + 12])


def test_killed_fold_of_the_notes_journal_is_folded_again(data_dir: Path, workshop: Path) -> None:
    """A one-seat open (`facilitator import`, `run`) folds store.notes.db into store.db in one
    transaction: killed in the middle of it, the next open drops it and folds again."""
    from facilitator.domain.records import Statement as St
    from facilitator.store import seats
    from facilitator.store.db import open_db, transaction

    n = 5000
    db, _ = open_db(workshop / seats.NOTES_JOURNAL)  # what a note-taker's seat left: 5,000 statements
    db.journal._maxids["statements"] = 6  # its ids go above store.db's, as the seat gives them
    with transaction(db):
        for i in range(n):
            db.journal.insert("statements", St(session=1, speaker="jw", text=f"genoteerd {i}").model_dump(exclude={"id"})
                              | {"seq": 10 + i})
    db.close()
    journal = workshop / "store.db"

    def folding(ready) -> None:  # type: ignore[no-untyped-def]
        dbmod.STREAM_CHUNK = 4096
        write_all = dbmod.write_all

        def slow_write(fd: int, data: bytes) -> None:  # a fold has no parsing to slow it: the kill must
            time.sleep(0.002)  # land inside it however the two processes are scheduled
            write_all(fd, data)

        dbmod.write_all = slow_write
        ready()
        WorkshopStore.open(data_dir, SLUG)

    kill_child(journal, folding, journal.stat().st_size + 300_000)
    assert (workshop / seats.NOTES_JOURNAL).exists()  # killed before the fold was done
    with WorkshopStore.open(data_dir, SLUG) as s:
        assert [msg_id(note) for note in s.recovery] == ["store.recovery.unfinished_save"], s.recovery
        assert len(s.statements(1)) == 6 + n
    assert not (workshop / seats.NOTES_JOURNAL).exists() and list(workshop.glob("*.damaged-*")) == []
    assert exit_status(doctor(data_dir, SLUG)) == 0


# -- through the command line ------------------------------------------------------------------


@pytest.mark.slow
def test_killed_cli_import_is_told_and_runs_again(data_dir: Path, workshop: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    root = Path(__file__).parents[2]
    notes = notes_file(tmp_path, "cli")
    journal = workshop / "store.db"
    base = journal.stat().st_size
    before = state(data_dir)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "facilitator", "--data-dir", str(data_dir), *args], cwd=root,
                              capture_output=True, text=True, timeout=120)

    proc = subprocess.Popen([sys.executable, "-m", "facilitator", "--data-dir", str(data_dir), "import", SLUG,
                             str(notes), "--session", "1"], cwd=root, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        poll(lambda: journal.stat().st_size > base + 500_000, what="half of the import written")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    assert state(data_dir) == before  # a read-only open sees nothing of it
    again = cli("import", SLUG, str(notes), "--session", "1")  # writable: drops it, says so (Dutch), imports
    assert again.returncode == 0, again.stderr
    assert f"onafgemaakte import van {LINES} regels uit {notes} is weggelaten" in again.stderr, again.stderr
    assert f"{LINES} " in again.stdout and "Traceback" not in again.stderr
    assert list(workshop.glob("store.db.damaged-*")) == [] and len(list(workshop.glob("store.db.unfinished-*"))) == 1
    checked = cli("doctor", "--lang", "en", SLUG)
    assert checked.returncode == 0 and ": problem:" not in checked.stdout and ": fixed:" not in checked.stdout, \
        checked.stdout
    assert f"an unfinished import of {LINES} lines from {notes}" in checked.stdout, checked.stdout
    with WorkshopStore.open(data_dir, SLUG, readonly=True) as s:
        assert len(s.statements(1)) == 6 + LINES
