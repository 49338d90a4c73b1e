"""WorkshopStore's public API: round trips, indexes, atomic import, read-only, schema, backups, threads."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest

from facilitator.domain.records import Action, Finding, ReportText, SessionClock, Statement, StepTiming
from facilitator.store import db as dbmod
from facilitator.store.workshop import (
    StoreError,
    StoreExists,
    StoreNewer,
    StoreNotFound,
    WorkshopStore,
    list_workshops,
)

from .conftest import PLAN_TEXT


def reopen(store: WorkshopStore) -> WorkshopStore:
    store.close()
    return WorkshopStore.open(store.path.parent, store.slug)


def test_round_trip_of_every_record_kind(store, data_dir, plan):
    a = store.add_statement(Statement(session=1, step=0, speaker="wt1", kind="quote", text="Eerst bellen.",
                                      themes=["taal"], key=True, offset=12.5))
    b = store.add_statement(Statement(session=1, text="tweede"))
    c = store.add_statement(Statement(session=2, text="andere sessie"))
    act = store.add_action(Action(session=1, text="Rooster delen", owner="jw"))
    store.set_attendance(1, ["wt1", "jw"])
    store.save_clock(SessionClock(session=1, started_at=100.0, current_step=1, steps={0: StepTiming(start=100.0, end=160.0)}))
    f = store.save_finding(Finding(text="Men kent elkaar niet", statements=[a.id, b.id], position=1))
    store.save_report_text(ReportText(analysis="Analyse", next_steps=["verder"]))
    store.add_theme("plek", "Een plek")
    assert (a.seq, b.seq, c.seq) == (1, 2, 1)
    assert len({a.id, b.id, c.id}) == 3

    store = reopen(store)
    assert [s.text for s in store.statements(1)] == ["Eerst bellen.", "tweede"]
    assert store.statements(1)[0] == a
    assert [s.text for s in store.statements()] == ["Eerst bellen.", "tweede", "andere sessie"]
    assert store.actions(1) == [act]
    assert store.attendance(1) == ["wt1", "jw"] and store.attendance(2) == []
    assert store.clock(1).steps[0].end == 160.0 and store.clock(2).started_at is None
    assert store.findings() == [f]
    assert store.report_text().next_steps == ["verder"]
    assert [t.key for t in store.themes()] == ["taal", "plek"]
    snap = store.snapshot()
    assert len(snap.statements) == 3 and snap.attendance == {1: ["wt1", "jw"]} and list(snap.clocks) == [1]
    store.close()


def test_update_delete_restore_keep_order_and_ids(store):
    sts = [store.add_statement(Statement(session=1, text=f"s{i}")) for i in range(5)]
    store.update_statement(sts[2].model_copy(update={"text": "veranderd"}))
    gone = store.delete_statement(sts[1].id)
    assert gone.text == "s1"
    assert [s.text for s in store.statements(1)] == ["s0", "veranderd", "s3", "s4"]
    store.restore_statement(gone)
    assert [s.text for s in store.statements(1)] == ["s0", "s1", "veranderd", "s3", "s4"]
    with pytest.raises(StoreError):
        store.restore_statement(gone)  # exists again
    last = store.delete_statement(sts[4].id)
    store = reopen(store)
    new = store.add_statement(Statement(session=1, text="nieuw"))
    assert new.id != last.id, "ids of deleted statements are never handed out again"
    assert new.seq == 5
    store.restore_statement(last)
    assert [s.seq for s in store.statements(1)] == [1, 2, 3, 4, 5, 5]
    with pytest.raises(StoreError):
        store.update_statement(Statement(id=999, session=1, text="x"))
    with pytest.raises(StoreError):
        store.delete_statement(999)
    store.close()


def test_actions_update_and_delete(store):
    a = store.add_action(Action(session=2, text="bellen"))
    store.update_action(a.model_copy(update={"owner": "wt"}))
    assert store.actions(2)[0].owner == "wt"
    store.delete_action(a.id)
    assert store.actions() == []
    with pytest.raises(StoreError):
        store.delete_action(a.id)


def test_add_theme_twice_keeps_one(store):
    store.add_theme("plek")
    store.add_theme("plek", "anders")
    store.add_theme("taal")  # a plan theme
    assert [t.key for t in store.themes()] == ["taal", "plek"]


def test_import_is_all_or_nothing(store):
    store.add_statement(Statement(session=1, text="bestaand"))
    before = store.path.joinpath("store.db").read_bytes()

    def records():
        yield Statement(session=1, text="een")
        yield Action(session=1, text="actie")
        raise RuntimeError("parser stopped")

    with pytest.raises(RuntimeError):
        store.import_records(1, records(), attendance=["wt1"], themes=["nieuw"])
    assert [s.text for s in store.statements()] == ["bestaand"]
    assert store.actions() == [] and store.attendance(1) == [] and [t.key for t in store.themes()] == ["taal"]
    assert store.path.joinpath("store.db").read_bytes() == before

    n = store.import_records(1, [Statement(session=1, text="een"), Action(session=1, text="actie")],
                             attendance=["wt1"], themes=["nieuw"])
    assert n == 2
    after = store.path.joinpath("store.db").read_bytes()
    assert after.count(b'["c",') == before.count(b'["c",') + 1, "one import is one transaction"
    store = reopen(store)
    assert [s.text for s in store.statements()] == ["bestaand", "een"]
    assert store.attendance(1) == ["wt1"] and "nieuw" in [t.key for t in store.themes()]
    store.close()


def test_an_import_writes_each_record_as_a_dict_through_the_journal_would(store):
    """import_records encodes a record with pydantic, once (no dict): the journal's lines
    are byte for byte what the dict through db._dumps gives, and read back the same."""
    texts = ['a"b\\c\td', "é😀\u2028\u2029\x7f", "\u200b\ufeff <>&'", "“citaat” !"]
    records = [Statement(session=1, step=0, speaker="wt1", kind="quote", text=t, themes=["taal"], key=True)
               for t in texts] + [Action(session=1, text="bellen", owner="wt1", themes=["taal"]),
                                  Statement(session=1, text="met offset", offset=1e16)]
    store.import_records(1, records)
    data = store.path.joinpath("store.db").read_bytes()
    for i, rec in enumerate(records):
        doc = rec.model_dump(exclude={"id"}) | {"seq": 1 + (i if isinstance(rec, Statement) and i < 4 else
                                                        0 if isinstance(rec, Action) else 4)}
        assert b"," + dbmod._dumps(doc) + b"]" in data, rec
    store = reopen(store)
    assert [(s.text, s.kind, s.key, s.themes, s.offset) for s in store.statements(1)] == \
        [(r.text, r.kind, r.key, r.themes, r.offset) for r in records if isinstance(r, Statement)]
    assert [(a.text, a.owner) for a in store.actions(1)] == [("bellen", "wt1")]
    store.close()


def test_create_exists_and_not_found(store, data_dir, plan):
    with pytest.raises(StoreExists):
        WorkshopStore.create(data_dir, plan, PLAN_TEXT)
    with pytest.raises(StoreNotFound, match="proef"):
        WorkshopStore.open(data_dir, "nope")
    assert list_workshops(data_dir) == ["proef"]


def test_permissions(store, data_dir):
    store.add_statement(Statement(session=1, text="x"))
    store.backup()
    mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
    assert mode(data_dir) == 0o700 and mode(store.path) == 0o700 and mode(store.path / "backups") == 0o700
    for f in store.path.rglob("*"):
        if f.is_file():
            assert mode(f) == 0o600, f


def test_newer_schema_is_refused_and_untouched(store, data_dir):
    store.close()
    path = store.path / "store.db"
    db, _ = dbmod.open_db(path)
    db.table("meta").update({"schema_version": 99}, doc_ids=[1])
    db.table("statements").insert({"session": 1, "text": "x"})
    db.close()
    with open(path, "ab") as f:
        f.write(b"torn tail that a repair would rewrite")
    before = path.read_bytes()
    listing = sorted(p.name for p in store.path.rglob("*"))
    for readonly in (False, True):
        with pytest.raises(StoreNewer, match="newer facilitator"):
            WorkshopStore.open(data_dir, "proef", readonly=readonly)
    assert path.read_bytes() == before
    assert sorted(p.name for p in store.path.rglob("*")) == listing


def test_newer_journal_format_is_refused(data_dir, plan):
    s = WorkshopStore.create(data_dir, plan, PLAN_TEXT)
    s.close()
    path = s.path / "store.db"
    lines = path.read_bytes().split(b"\n")
    lines[0] = dbmod.encode({dbmod.HEADER_KEY: 3, "next": {}}).rstrip(b"\n")
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(StoreNewer, match="store format 3"):
        WorkshopStore.open(data_dir, "proef")


def test_readonly_takes_no_lock_and_writes_nothing(store, data_dir):
    store.add_statement(Statement(session=1, text="x"))
    before = (store.path / "store.db").read_bytes()
    with WorkshopStore.open(data_dir, "proef", readonly=True) as ro:  # while the writer holds the lock
        assert [s.text for s in ro.statements()] == ["x"]
        for call in (lambda: ro.add_statement(Statement(session=1, text="y")), lambda: ro.set_attendance(1, []),
                     lambda: ro.save_clock(SessionClock(session=1)), lambda: ro.add_theme("z"),
                     lambda: ro.save_report_text(ReportText()), lambda: ro.backup(),
                     lambda: ro.import_records(1, [])):
            with pytest.raises(StoreError, match="read-only"):
                call()
        with pytest.raises(StoreError):
            ro._db.table("statements").insert({"session": 1, "text": "bypassing the store"})
        assert [s.text for s in ro.statements()] == ["x"]
    assert (store.path / "store.db").read_bytes() == before


def test_backup_keeps_newest_ten_and_opens_as_a_store(store, data_dir):
    store.add_statement(Statement(session=1, text="bewaard"))
    made = [store.backup() for _ in range(12)]
    kept = sorted((store.path / "backups").iterdir())
    assert len(kept) == 10 and set(kept) == set(made[-10:])
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in kept)
    copy = data_dir / "kopie"
    copy.mkdir()
    (copy / "store.db").write_bytes(made[-1].read_bytes())
    with WorkshopStore.open(data_dir, "kopie") as other:
        assert [s.text for s in other.statements()] == ["bewaard"] and other.recovery == []


def test_old_stock_tinydb_file_is_converted_and_kept(data_dir, plan):
    path = data_dir / "oud"
    path.mkdir(parents=True)
    stock = {"meta": {"1": {"schema_version": 1, "slug": "oud", "plan_text": PLAN_TEXT}},
             "statements": {"1": {"session": 1, "text": "oude tekst", "seq": 1}}}
    (path / "store.db").write_text(json.dumps(stock))
    with WorkshopStore.open(data_dir, "oud") as s:
        assert [x.text for x in s.statements()] == ["oude tekst"]
        assert "old format" in s.recovery[0] and "migrated" in s.recovery[-1]
        s.add_statement(Statement(session=1, text="nieuw"))
    kept = list(path.glob("store.db.old-format-*"))
    assert len(kept) == 1 and json.loads(kept[0].read_text()) == stock
    with WorkshopStore.open(data_dir, "oud") as s:
        assert [x.text for x in s.statements()] == ["oude tekst", "nieuw"] and s.recovery == []


def test_invalid_record_is_reported_not_fatal(store, data_dir):
    store._db.table("statements").insert({"session": "een", "text": None})
    store.add_statement(Statement(session=1, text="goed"))
    store.close()
    with WorkshopStore.open(data_dir, "proef") as s:
        assert [x.text for x in s.statements()] == ["goed"]
        assert any("invalid" in line for line in s.recovery)


def test_statements_of_a_session_come_from_an_index(store):
    store.import_records(1, [Statement(session=1 + i % 2, text=f"t{i}") for i in range(300)])
    table = store._db.table("statements")
    table.all = None  # a scan would now fail
    assert [s.text for s in store.statements(2)][:2] == ["t1", "t3"]
    assert len(store.statements(1)) == 150 and len(store.statements()) == 300


def test_threads_save_while_another_reads(store):
    errors: list[BaseException] = []

    def writer(session: int) -> None:
        try:
            for i in range(60):
                store.add_statement(Statement(session=session, text=f"{session}-{i}"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        for session in (1, 2):
            seqs = [s.seq for s in store.statements(session)]
            assert seqs == list(range(1, len(seqs) + 1))
        store.snapshot()
    for t in threads:
        t.join()
    assert errors == []
    store = reopen(store)
    assert [s.seq for s in store.statements(1)] == list(range(1, 61))
    assert len(store.statements(2)) == 60
    store.close()


def test_compaction_keeps_everything(store, data_dir, monkeypatch):
    monkeypatch.setattr(dbmod, "COMPACT_SLACK", 20)
    store.add_statement(Statement(session=1, text="blijft"))
    for i in range(60):  # dead clock updates outgrow the live records: the journal compacts itself
        store.save_clock(SessionClock(session=1, started_at=float(i)))
    lines = (store.path / "store.db").read_bytes().count(b"\n")
    assert lines < 30, "compacted"
    assert not list(store.path.glob("store.db.tmp-*"))
    store = reopen(store)
    assert store.clock(1).started_at == 59.0 and [s.text for s in store.statements()] == ["blijft"]
    store.close()


def test_closed_store_refuses_writes(store):
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.add_statement(Statement(session=1, text="te laat"))
    store.close()  # idempotent


def test_files_are_private_even_with_a_loose_umask(data_dir, plan):
    old = os.umask(0)
    try:
        s = WorkshopStore.create(data_dir, plan, PLAN_TEXT)
        s.add_statement(Statement(session=1, text="x"))
        s.backup()
        s.close()
    finally:
        os.umask(old)
    for p in [data_dir, *data_dir.rglob("*")]:
        want = 0o700 if p.is_dir() else 0o600
        assert stat.S_IMODE(p.stat().st_mode) == want, p


def test_path_of_data_dir_is_created(tmp_path: Path, plan):
    deep = tmp_path / "a" / "b"
    with WorkshopStore.create(deep, plan, PLAN_TEXT) as s:
        assert s.path == deep / "proef"


def test_unlockable_folder_is_a_clear_error(store, data_dir, monkeypatch):
    store.close()
    import filelock

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(filelock.FileLock, "acquire", refuse)
    with pytest.raises(StoreError, match="cannot lock .*Permission denied"):
        WorkshopStore.open(data_dir, "proef")


def test_list_reads_the_summary_not_the_records(store, data_dir, monkeypatch):
    from facilitator.cli.commands import _summary
    from facilitator.store.workshop import read_summary

    store.import_records(1, [Statement(session=1, kind="quote", text=f"q{i}") for i in range(3)])
    store.close()
    assert read_summary(data_dir, "proef")["sessions"]["1"] == {
        "statements": 3, "quotes": 3, "key": 0, "actions": 0, "held": True}

    def no_open(*a, **k):  # type: ignore[no-untyped-def]
        raise AssertionError("list opened the store")

    monkeypatch.setattr(WorkshopStore, "open", no_open)
    title, rows = _summary(data_dir, "proef", "en")  # type: ignore[misc]
    assert title == "Proefwerkplaats" and rows[0][6:9] == ["3", "3", "0"] and rows[0][5] == "yes"
    monkeypatch.undo()
    with WorkshopStore.open(data_dir, "proef") as s:  # a save makes the summary stale until the next close
        s.add_statement(Statement(session=2, text="x"))
        assert read_summary(data_dir, "proef") is None
    assert read_summary(data_dir, "proef")["sessions"]["2"]["statements"] == 1
