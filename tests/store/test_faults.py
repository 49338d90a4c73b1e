"""Failed writes: OSError injected at every write / fsync / replace of a save, and a real
full disk (RLIMIT_FSIZE). The save raises StoreWriteError, memory and file keep exactly
the acknowledged data, the store stays usable and a retry succeeds."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from facilitator.domain.records import SessionClock, Statement
from facilitator import fileio
from facilitator.store import db as dbmod
from facilitator.store.workshop import StoreWriteError, WorkshopStore

from .conftest import PLAN_TEXT

ERRNOS = [errno.ENOSPC, errno.EIO, errno.EROFS, errno.EDQUOT, errno.EFBIG]


class FaultyOS:
    """Stands in for `os` inside facilitator.store.db: counts write/fsync/replace calls
    and fails the `fail_at`-th one (1-based). A failing write first writes half its bytes."""

    COUNTED = ("write", "fsync", "replace")

    def __init__(self, fail_at: int | None = None, err: int = errno.ENOSPC):
        self.fail_at, self.err, self.calls = fail_at, err, 0

    def __getattr__(self, name: str):
        return getattr(os, name)

    def _tick(self) -> bool:
        self.calls += 1
        return self.calls == self.fail_at

    def write(self, fd, data):
        if self._tick():
            os.write(fd, bytes(data[: max(1, len(data) // 2)]))  # a torn tail the store must undo
            raise OSError(self.err, os.strerror(self.err))
        return os.write(fd, data)

    def fsync(self, fd):
        if self._tick():
            raise OSError(self.err, os.strerror(self.err))
        return os.fsync(fd)

    def replace(self, src, dst):
        if self._tick():
            raise OSError(self.err, os.strerror(self.err))
        return os.replace(src, dst)


def patch_os(monkeypatch, fake) -> None:
    """Stand `fake` in for `os` in the store's journal and in the file-I/O module it uses."""
    monkeypatch.setattr(dbmod, "os", fake)
    monkeypatch.setattr(fileio, "os", fake)


def texts(store: WorkshopStore) -> list[str]:
    return [s.text for s in store.statements()]


def on_disk(data_dir: Path) -> list[str]:
    """What a fresh reader of the file sees."""
    with WorkshopStore.open(data_dir, "proef", readonly=True) as ro:
        assert ro.recovery == []
        return texts(ro)


def count_calls(monkeypatch, action) -> int:
    probe = FaultyOS()
    patch_os(monkeypatch, probe)
    action()
    patch_os(monkeypatch, os)
    return probe.calls


def test_every_fault_point_of_a_save(store, data_dir, monkeypatch):
    store.add_statement(Statement(session=1, text="eerste"))
    acked = texts(store)
    n = count_calls(monkeypatch, lambda: store.add_statement(Statement(session=1, text="probe")))
    acked = texts(store)
    assert n == 2  # write + fsync of one append
    for i, err in enumerate(ERRNOS * 2):
        fail_at = 1 + i % n
        before = (store.path / "store.db").read_bytes()
        patch_os(monkeypatch, FaultyOS(fail_at, err))
        with pytest.raises(StoreWriteError) as info:
            store.add_statement(Statement(session=1, text=f"mislukt {i}"))
        patch_os(monkeypatch, os)
        assert "\n" not in str(info.value) and os.strerror(err) in str(info.value)
        assert texts(store) == acked
        assert (store.path / "store.db").read_bytes() == before, "the half-written tail was truncated away"
        assert on_disk(data_dir) == acked
        saved = store.add_statement(Statement(session=1, text=f"gelukt {i}"))
        acked = texts(store)
        assert saved.text == f"gelukt {i}" and saved.seq == len(acked)
        assert not list(store.path.glob("store.db.tmp-*"))
    store.close()
    with WorkshopStore.open(data_dir, "proef") as s:
        assert texts(s) == acked and s.recovery == []


def test_every_fault_point_of_the_rewrite_after_a_failure(store, data_dir, monkeypatch):
    store.add_statement(Statement(session=1, text="eerste"))
    acked = texts(store)
    patch_os(monkeypatch, FaultyOS(1))
    with pytest.raises(StoreWriteError):
        store.add_statement(Statement(session=1, text="x"))
    patch_os(monkeypatch, os)
    # the next save: temp write, fsync, rename, dir fsync, then append write, fsync
    probe = FaultyOS()
    patch_os(monkeypatch, probe)
    store._db.journal._rewrite()
    patch_os(monkeypatch, os)
    rewrite_calls = probe.calls
    assert rewrite_calls == 4
    total = rewrite_calls + 2
    for fail_at in range(1, total + 1):
        store.add_statement(Statement(session=1, text=f"gezond {fail_at}"))
        acked = texts(store)
        patch_os(monkeypatch, FaultyOS(1))  # an append fails: the next save rewrites first
        with pytest.raises(StoreWriteError):
            store.add_statement(Statement(session=1, text="x"))
        patch_os(monkeypatch, FaultyOS(fail_at, errno.EIO))
        with pytest.raises(StoreWriteError):
            store.add_statement(Statement(session=1, text=f"mislukt {fail_at}"))
        patch_os(monkeypatch, os)
        assert texts(store) == acked
        assert on_disk(data_dir) == acked
        assert not list(store.path.glob("store.db.tmp-*"))
    store.add_statement(Statement(session=1, text="eindelijk"))
    acked = texts(store)
    store.close()
    with WorkshopStore.open(data_dir, "proef") as s:
        assert texts(s) == acked and s.recovery == []


@pytest.mark.parametrize("what", ["clock", "attendance", "delete", "update", "import"])
def test_other_mutators_are_unchanged_by_a_failed_save(store, data_dir, monkeypatch, what):
    a = store.add_statement(Statement(session=1, text="eerste"))
    store.save_clock(SessionClock(session=1, started_at=1.0))
    store.set_attendance(1, ["wt1"])
    snap = store.snapshot()
    calls = {
        "clock": lambda: store.save_clock(SessionClock(session=1, started_at=2.0)),
        "attendance": lambda: store.set_attendance(1, ["jw"]),
        "delete": lambda: store.delete_statement(a.id),
        "update": lambda: store.update_statement(a.model_copy(update={"text": "anders"})),
        "import": lambda: store.import_records(1, [Statement(session=1, text="i1"), Statement(session=1, text="i2")],
                                               attendance=["jw"], themes=["nieuw"]),
    }
    for fail_at in (1, 2):
        patch_os(monkeypatch, FaultyOS(fail_at))
        with pytest.raises(StoreWriteError):
            calls[what]()
        patch_os(monkeypatch, os)
        assert store.snapshot() == snap
    calls[what]()  # the same call succeeds once the disk is fine
    after = store.snapshot()
    assert after != snap
    store.close()
    with WorkshopStore.open(data_dir, "proef") as s:
        assert s.snapshot() == after


FULL_DISK_CHILD = textwrap.dedent("""
    import resource, signal, sys
    from pathlib import Path
    from facilitator.domain.plan import parse_plan
    from facilitator.domain.records import Statement
    from facilitator.store.workshop import StoreWriteError, WorkshopStore
    data_dir, plan_text = Path(sys.argv[1]), sys.stdin.read()
    store = WorkshopStore.create(data_dir, parse_plan(plan_text, "proef.toml"), plan_text)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # so a write past the limit raises EFBIG
    size = (data_dir / "proef" / "store.db").stat().st_size
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size + 3000, hard))
    failures = 0
    i = 0
    while failures < 3:
        st = Statement(session=1, text=f"regel {i} " + "x" * 150)
        try:
            saved = store.add_statement(st)
        except StoreWriteError as exc:
            failures += 1
            print("FAIL", exc, flush=True)
            continue
        print("ACK", saved.id, saved.text, flush=True)
        i += 1
    resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))  # room again
    saved = store.add_statement(st)
    print("ACK", saved.id, saved.text, flush=True)
    store.close()
""")


def test_full_disk_is_loud_and_loses_nothing(tmp_path):
    data_dir = tmp_path / "data"
    out = subprocess.run([sys.executable, "-c", FULL_DISK_CHILD, str(data_dir)], input=PLAN_TEXT, text=True,
                         capture_output=True, timeout=60, cwd=Path(__file__).parents[2])
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    fails = [line for line in lines if line.startswith("FAIL")]
    acks = [line.split(" ", 2)[2] for line in lines if line.startswith("ACK")]
    assert len(fails) == 3 and all("File too large" in f for f in fails)
    assert len(acks) > 5 and lines[-1].startswith("ACK")
    assert acks == [f"regel {k} " + "x" * 150 for k in range(len(acks))], "the failed statement saved on retry"
    with WorkshopStore.open(data_dir, "proef") as s:
        assert s.recovery == []
        assert [x.text for x in s.statements()] == acks
    assert not list((data_dir / "proef").glob("*.tmp-*"))


def test_a_failed_save_names_the_reason_not_the_path(tmp_path) -> None:
    """The live screen's notice showed the whole store path, which wrapped the reason
    ("File too large") out of a narrow toast (issue 10 point 8)."""
    import errno
    from pathlib import Path

    from facilitator.store.db import write_error

    path = Path(tmp_path) / ("x" * 120) / "lombok-2026" / "store.db"
    err = write_error(path, OSError(errno.EFBIG, "File too large"))
    assert str(err) == "could not save the workshop (lombok-2026): File too large (nothing was changed)"
    assert err.path == path  # type: ignore[attr-defined]
