"""The red-team findings of issue 9, one test each (each failed on the format-1 store)."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from facilitator.domain.plan import parse_plan
from facilitator.domain.records import Statement
from facilitator.store import db as dbmod
from facilitator.store.doctor import doctor, exit_status
from facilitator.store.workshop import StoreLocked, StoreReplaced, StoreWriteError, WorkshopStore

from .conftest import PLAN_TEXT

ROOT = Path(__file__).parents[2]

IMPORTER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from facilitator.domain.records import Statement
    from facilitator.store.workshop import StoreLocked, WorkshopStore
    try:
        store = WorkshopStore.open(Path(sys.argv[1]), "proef")
    except StoreLocked as exc:
        print("LOCKED", exc, flush=True)
        sys.exit(2)
    store.import_records(1, [Statement(session=1, text="import a"), Statement(session=1, text="import b")])
    store.close()
    print("IMPORTED", flush=True)
""")


def texts(store: WorkshopStore) -> list[str]:
    return [s.text for s in store.statements()]


def test_deleting_the_lock_file_lets_no_second_writer_in(store, data_dir):
    store.add_statement(Statement(session=1, text="voor"))
    (store.path / "store.lock").unlink()
    (store.path / "store.lock.info").unlink()
    out = subprocess.run([sys.executable, "-c", IMPORTER, str(data_dir)], capture_output=True, text=True,
                         timeout=60, cwd=ROOT)
    assert out.returncode == 2 and out.stdout.startswith("LOCKED"), (out.stdout, out.stderr)
    store.add_statement(Statement(session=1, text="na"))  # the holder goes on, same ids as before
    store.close()
    out = subprocess.run([sys.executable, "-c", IMPORTER, str(data_dir)], capture_output=True, text=True,
                         timeout=60, cwd=ROOT)
    assert out.stdout.strip() == "IMPORTED", out.stderr
    with WorkshopStore.open(data_dir, "proef") as s:
        assert texts(s) == ["voor", "na", "import a", "import b"] and s.recovery == []


RACER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from facilitator.domain.records import Statement
    from facilitator.store.workshop import StoreLocked, WorkshopStore
    data_dir, name, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    done = 0
    while done < n:
        try:
            store = WorkshopStore.open(data_dir, "proef")
        except StoreLocked:
            (data_dir / "proef" / "store.lock").unlink(missing_ok=True)  # the red team's move
            continue
        try:
            for i in range(5):
                if done >= n:
                    break
                saved = store.add_statement(Statement(session=1, text=f"{name} {done}"))
                print(saved.id, saved.text, flush=True)
                done += 1
        finally:
            store.close()
""")


def test_two_processes_racing_with_the_lock_file_deleted_lose_nothing(store, data_dir):
    store.close()
    procs = [subprocess.Popen([sys.executable, "-c", RACER, str(data_dir), name, "40"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=ROOT) for name in ("a", "b")]
    acked = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        acked += [line.split(" ", 1)[1] for line in out.splitlines()]
    assert len(acked) == 80
    with WorkshopStore.open(data_dir, "proef") as s:
        assert sorted(texts(s)) == sorted(acked) and s.recovery == []
        assert len({x.id for x in s.statements()}) == 80


def test_store_replaced_under_a_running_app_is_detected_before_the_next_save(store, data_dir):
    store.add_statement(Statement(session=1, text="een"))
    backup = store.backup()
    store.add_statement(Statement(session=1, text="twee"))
    path = store.path / "store.db"
    shutil.copyfile(backup, store.path / "x")  # what a sync client or `git checkout` does
    os.replace(store.path / "x", path)
    with pytest.raises(StoreReplaced, match="replaced, moved or changed by another program") as info:
        store.add_statement(Statement(session=1, text="drie"))
    assert isinstance(info.value, StoreWriteError) and "\n" not in str(info.value)
    assert texts(store) == ["een", "twee"]  # memory unchanged
    with pytest.raises(StoreReplaced):  # and every later save too, never to the unlinked file
        store.add_statement(Statement(session=1, text="vier"))
    store.close()
    (kept,) = store.path.glob("store.db.displaced-*")
    assert kept.name in str(info.value)
    copy = data_dir / "kopie"
    copy.mkdir()
    shutil.copyfile(kept, copy / "store.db")
    with WorkshopStore.open(data_dir, "kopie", fallback_plan=(store.plan, PLAN_TEXT)) as s:
        assert texts(s) == ["een", "twee"], "everything acknowledged is kept"
    assert any(kept.name in line.text for line in doctor(data_dir, "proef"))


def test_store_moved_away_under_a_running_app(store, data_dir):
    store.add_statement(Statement(session=1, text="een"))
    os.rename(store.path / "store.db", store.path / "elders.db")
    with pytest.raises(StoreReplaced):
        store.add_statement(Statement(session=1, text="twee"))
    store.close()
    assert not (store.path / "store.db").exists() or True


def test_crlf_clone_of_the_demo_store_reads_the_same(tmp_path):
    fixture = Path(__file__).parent / "fixtures" / "v1-holtenbroek.db"
    plain = tmp_path / "plain"
    crlf = tmp_path / "crlf"
    for target, data in ((plain, fixture.read_bytes()), (crlf, fixture.read_bytes().replace(b"\n", b"\r\n"))):
        (target / "holtenbroek-2025").mkdir(parents=True)
        (target / "holtenbroek-2025" / "store.db").write_bytes(data)
    with WorkshopStore.open(plain, "holtenbroek-2025", readonly=True) as a, \
            WorkshopStore.open(crlf, "holtenbroek-2025", readonly=True) as b:
        assert b.recovery == [] and a.snapshot() == b.snapshot() and len(b.statements()) > 10
    lines = doctor(crlf)
    assert exit_status(lines) == 0, lines
    with WorkshopStore.open(crlf, "holtenbroek-2025") as b, WorkshopStore.open(plain, "holtenbroek-2025") as a:
        assert a.snapshot() == b.snapshot()


def test_flipped_bit_in_the_plan_record_keeps_everything_reachable(store, data_dir):
    for i in range(3):
        store.add_statement(Statement(session=1, text=f"s{i}"))
    store.close()
    path = store.path / "store.db"
    data = bytearray(path.read_bytes())
    data[data.index(b"Proefwerkplaats")] ^= 0x01
    path.write_bytes(bytes(data))
    with WorkshopStore.open(data_dir, "proef") as s:  # import and new --update open like this
        assert texts(s) == ["s0", "s1", "s2"]
        assert s.plan.workshop.title == "Proefwerkplaats"
        s.import_records(1, [Statement(session=1, text="erbij")])
        edited = PLAN_TEXT.replace("Proefwerkplaats", "Proef 2")
        s.update_plan(parse_plan(edited, "proef.toml"), edited)
    with WorkshopStore.open(data_dir, "proef") as s:
        assert s.recovery == [] and s.plan.workshop.title == "Proef 2" and len(texts(s)) == 4


class _EIOOnClose:
    """`os` for facilitator.store.db whose close() of the journal's descriptor closes it,
    then fails with EIO (as NFS or a failing disk may, after a successful fsync)."""

    def __init__(self) -> None:
        self.fds: set[int] = set()

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(os, name)

    def close(self, fd: int) -> None:
        os.close(fd)
        if fd in self.fds:
            raise OSError(errno.EIO, os.strerror(errno.EIO))


def test_error_after_the_data_is_durable_is_a_warning(store, data_dir, monkeypatch, capsys):
    from facilitator.cli import main

    store.close()
    notes = data_dir.parent / "notes.txt"
    notes.write_text("wt: een\nwt: twee\n", encoding="utf-8")
    fake = _EIOOnClose()
    real_open_locked = dbmod._open_locked

    def open_locked(path):  # type: ignore[no-untyped-def]
        fd = real_open_locked(path)
        fake.fds.add(fd)
        return fd

    monkeypatch.setattr(dbmod, "os", fake)
    monkeypatch.setattr(dbmod, "_open_locked", open_locked)
    code = main(["--data-dir", str(data_dir), "--lang", "en", "import", "proef", str(notes), "--session", "1"])
    monkeypatch.setattr(dbmod, "os", os)
    err = capsys.readouterr().err
    assert code == 0, err
    assert "warning: store.db: closing failed after everything was saved" in err and "unexpected" not in err
    with WorkshopStore.open(data_dir, "proef") as s:
        assert texts(s) == ["een", "twee"]


def test_symlinked_store_is_repaired_at_its_target(store, data_dir, tmp_path):
    for i in range(3):
        store.add_statement(Statement(session=1, text=f"s{i}"))
    store.close()
    elsewhere = tmp_path / "sync" / "proef.db"
    elsewhere.parent.mkdir()
    link = store.path / "store.db"
    shutil.move(link, elsewhere)
    link.symlink_to(elsewhere)
    elsewhere.write_bytes(elsewhere.read_bytes()[:-4])  # damaged: the open repairs it
    with WorkshopStore.open(data_dir, "proef") as s:
        assert texts(s) == ["s0", "s1", "s2"] and s.recovery
        s.add_statement(Statement(session=1, text="s3"))
    assert link.is_symlink() and link.resolve() == elsewhere
    assert list(elsewhere.parent.glob("proef.db.damaged-*"))
    with WorkshopStore.open(data_dir, "proef") as s:
        assert texts(s) == ["s0", "s1", "s2", "s3"] and s.recovery == []
    assert link.is_symlink()


def test_doctor_checks_every_workshop_when_one_cannot_be_locked(store, data_dir, plan, monkeypatch):
    store.close()
    other_plan = PLAN_TEXT.replace('slug = "proef"', 'slug = "anders"')
    with WorkshopStore.create(data_dir, parse_plan(other_plan, "anders.toml"), other_plan) as other:
        other.add_statement(Statement(session=1, text="x"))
    (data_dir / "anders" / "store.db").write_bytes((data_dir / "anders" / "store.db").read_bytes()[:-3])
    from facilitator.store import lock as lockmod

    real = lockmod.WorkshopLock.acquire

    def acquire(self):  # type: ignore[no-untyped-def]
        if self.directory.name == "aaa":
            raise dbmod.StoreError(f"cannot lock {self.path}: Permission denied")
        return real(self)

    shutil.copytree(data_dir / "proef", data_dir / "aaa")
    monkeypatch.setattr(lockmod.WorkshopLock, "acquire", acquire)
    lines = doctor(data_dir)
    assert any(line.slug == "aaa" and "Permission denied" in line.text for line in lines)
    assert any(line.slug == "anders" and line.level == "fixed" for line in lines), lines
    assert any(line.slug == "proef" and line.level == "ok" for line in lines), lines


def test_doctor_removes_what_a_killed_demo_build_left(data_dir, store):
    store.close()
    left = data_dir / ".demo-build-abc123"
    (left / "holtenbroek-2025").mkdir(parents=True)
    (left / "holtenbroek-2025" / "store.db").write_bytes(b"half")
    fresh = data_dir / ".demo-build-now"
    fresh.mkdir()
    old = time.time() - 3600
    os.utime(left, (old, old))
    lines = doctor(data_dir)
    assert not left.exists() and fresh.exists()
    assert any("removed .demo-build-abc123" in line.text for line in lines)
    (store.path / "backups" / "store-x.db.tmp-1-ab").write_bytes(b"x")
    (store.path / "plan.toml.tmp-1-ab").write_bytes(b"x")
    lines = doctor(data_dir, "proef")
    assert not list(store.path.rglob("*.tmp-*")), lines


def test_journal_cut_between_transactions_is_noticed_and_doctor_restores(store, data_dir):
    store.add_statement(Statement(session=1, text="een"))
    cut = (store.path / "store.db").stat().st_size
    store.add_statement(Statement(session=1, text="twee"))
    store.close()  # the backup holds both
    path = store.path / "store.db"
    path.write_bytes(path.read_bytes()[:cut])  # a clean cut: it reads like a healthy store
    with WorkshopStore.open(data_dir, "proef") as s:  # told, not silently rolled back or forward
        assert texts(s) == ["een"]
        assert any("saves may be missing" in r and "doctor" in r for r in s.recovery), s.recovery
    lines = doctor(data_dir, "proef")
    assert any("cut short" in line.text for line in lines) and exit_status(lines) == 0, lines
    with WorkshopStore.open(data_dir, "proef") as s:
        assert texts(s) == ["een", "twee"] and s.recovery == []
