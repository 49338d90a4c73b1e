"""A follower (the read-only view, later a second seat) reads only the bytes appended
since its last read, and notices a compaction or a replaced file."""

from __future__ import annotations

import os

from facilitator.domain.records import Action, Statement
from facilitator.store import db as dbmod
from facilitator.store.workshop import WorkshopStore


def test_refresh_reads_only_what_was_appended(store, data_dir, monkeypatch):
    store.import_records(1, [Statement(session=1, text=f"oud {i}") for i in range(500)])
    reader = WorkshopStore.open(data_dir, "proef", readonly=True)
    assert len(reader.statements(1)) == 500
    assert not reader.refresh()  # nothing new
    read = []
    real_pread = os.pread

    def pread(fd, n, offset):  # type: ignore[no-untyped-def]
        read.append(n)
        return real_pread(fd, n, offset)

    monkeypatch.setattr(dbmod.os, "pread", pread)
    a = store.add_statement(Statement(session=1, text="nieuw"))
    store.add_action(Action(session=2, text="actie"))
    store.set_attendance(1, ["wt1"])
    result = reader.refresh()
    assert result and not result.reset
    assert sum(read) < 1000, "only the appended bytes are read"
    assert [s.text for s in reader.statements(1)][-1] == "nieuw"
    assert [x.text for x in reader.actions(2)] == ["actie"] and reader.attendance(1) == ["wt1"]
    store.update_statement(a.model_copy(update={"text": "veranderd"}))
    store.delete_statement(reader.statements(1)[0].id)
    reader.refresh()
    texts = [s.text for s in reader.statements(1)]
    assert texts[-1] == "veranderd" and "oud 0" not in texts and len(texts) == 500
    reader.close()


def test_a_transaction_counts_only_once_committed(store, data_dir):
    reader = WorkshopStore.open(data_dir, "proef", readonly=True)
    path = store.path / "store.db"
    size = path.stat().st_size
    store.import_records(1, [Statement(session=1, text=f"t{i}") for i in range(3)])
    data = path.read_bytes()
    commit_at = data.rindex(b"\n", 0, len(data) - 1) + 1
    path.write_bytes(data[:commit_at])  # as seen mid-import: records, no commit record yet
    assert not reader.refresh() and reader.statements(1) == []
    path.write_bytes(data)
    assert reader.refresh() and [s.text for s in reader.statements(1)] == ["t0", "t1", "t2"]
    assert size < commit_at
    reader.close()


def test_compaction_is_noticed(store, data_dir):
    reader = WorkshopStore.open(data_dir, "proef", readonly=True)
    store.add_statement(Statement(session=1, text="een"))
    assert reader.refresh()
    store._db.journal.compact()
    result = reader.refresh()
    assert result.reset  # the file was replaced: open again
    with WorkshopStore.open(data_dir, "proef", readonly=True) as again:
        assert [s.text for s in again.statements()] == ["een"]
    reader.close()


def test_follower_sees_a_new_record_within_a_second(store, data_dir):
    import time

    reader = WorkshopStore.open(data_dir, "proef", readonly=True)
    saved = store.add_statement(Statement(session=2, text="snel"))
    t0 = time.monotonic()
    while not any(s.id == saved.id for s in reader.statements(2)):
        reader.refresh()
        assert time.monotonic() - t0 < 1.0
    reader.close()
