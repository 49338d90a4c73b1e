"""facilitator.store.doctor on healthy, damaged, truncated, foreign, locked and newer-schema stores."""

from __future__ import annotations

import os
import stat

from facilitator.domain.records import Action, Finding, Statement
from facilitator.store import db as dbmod
from facilitator.store.doctor import check, doctor, exit_status
from facilitator.store.workshop import WorkshopStore

from .conftest import PLAN_TEXT


def levels(lines, level):
    return [line.text for line in lines if line.level == level]


def test_healthy_store_and_foreign_directory(store, data_dir):
    store.add_statement(Statement(session=1, step=1, speaker="wt1", text="goed"))
    store.close()
    foreign = data_dir / "vakantiefoto's"
    foreign.mkdir()
    (foreign / "foto.jpg").write_bytes(b"\xff\xd8")
    (data_dir / "notities.txt").write_text("los bestand")
    lines = doctor(data_dir)
    assert exit_status(lines) == 0, lines
    assert levels(lines, "ok") == ["store is healthy"]
    notes = levels(lines, "note")
    assert any("vakantiefoto's" in n and "left alone" in n for n in notes)
    assert any("notities.txt" in n for n in notes)
    assert (foreign / "foto.jpg").read_bytes() == b"\xff\xd8"
    printable, ok = check(data_dir)
    assert ok and any(line.startswith("proef: ok:") for line in printable)


def test_truncated_store_is_recovered_and_original_kept(store, data_dir):
    for i in range(3):
        store.add_statement(Statement(session=1, text=f"s{i}"))
    store.close()
    path = store.path / "store.db"
    original = path.read_bytes()[:-5]
    path.write_bytes(original)
    backups = list((store.path / "backups").iterdir())
    for b in backups:  # first without a backup: what the journal still holds
        b.rename(b.with_suffix(".away"))
    lines = doctor(data_dir, "proef")
    fixed = levels(lines, "fixed")
    assert len(fixed) == 1 and "damaged" in fixed[0], lines
    # the cut took an acknowledged save and no backup holds it: said so, by session
    assert levels(lines, "problem") == ["missing: session 1: 1 statements fewer than when last closed"]
    kept = list(store.path.glob("store.db.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == original
    assert any(kept[0].name in n for n in levels(doctor(data_dir, "proef"), "note"))
    with WorkshopStore.open(data_dir, "proef") as s:
        assert [x.text for x in s.statements()] == ["s0", "s1"] and s.recovery == []


def test_truncated_store_is_repaired_from_the_newest_backup(store, data_dir):
    for i in range(3):
        store.add_statement(Statement(session=1, text=f"s{i}"))
    store.close()  # takes a backup: the store changed
    path = store.path / "store.db"
    for cut in (len(path.read_bytes()) // 2, 0):
        path.write_bytes(path.read_bytes()[:cut])
        lines = doctor(data_dir, "proef")
        assert exit_status(lines) == 0, lines
        assert any("restored from backup store-" in f for f in levels(lines, "fixed")), lines
        with WorkshopStore.open(data_dir, "proef") as s:
            assert [x.text for x in s.statements()] == ["s0", "s1", "s2"] and s.recovery == []
    assert any("backup(s) in backups/" in n for n in levels(doctor(data_dir, "proef"), "note"))


def test_damaged_store_without_repair_is_a_problem_and_untouched(store, data_dir):
    store.add_statement(Statement(session=1, text="x"))
    store.close()
    path = store.path / "store.db"
    data = bytearray(path.read_bytes())
    data[-10] ^= 0x01
    path.write_bytes(bytes(data))
    lines = doctor(data_dir, "proef", repair=False)
    assert exit_status(lines) == 1 and any("needs repair" in p for p in levels(lines, "problem"))
    assert path.read_bytes() == bytes(data) and not list(store.path.glob("store.db.damaged-*"))


def test_newer_schema_is_reported_and_never_touched(store, data_dir):
    store.close()
    path = store.path / "store.db"
    db, _ = dbmod.open_db(path)
    db.table("meta").update({"schema_version": 7}, doc_ids=[1])
    db.close()
    path.write_bytes(path.read_bytes() + b"torn")
    os.chmod(path, 0o644)
    before = {p.name: (p.read_bytes(), p.stat().st_mode) for p in store.path.iterdir() if p.is_file()}
    lines = doctor(data_dir)
    assert exit_status(lines) == 1
    assert any("newer facilitator" in p and "untouched" in p for p in levels(lines, "problem"))
    after = {p.name: (p.read_bytes(), p.stat().st_mode) for p in store.path.iterdir() if p.is_file()}
    assert after == before


def test_permissions_and_temp_files_are_fixed(store, data_dir):
    store.backup()
    store.close()
    os.chmod(data_dir, 0o755)
    os.chmod(store.path, 0o775)
    os.chmod(store.path / "store.db", 0o644)
    backup = next((store.path / "backups").iterdir())
    os.chmod(backup, 0o666)
    (store.path / "store.db.tmp-123-abcd").write_bytes(b"half a rewrite")
    lines = doctor(data_dir)
    fixed = levels(lines, "fixed")
    assert any("store.db.tmp-123-abcd" in f for f in fixed)
    assert any("store.db: permissions 0644 -> 0600" in f for f in fixed)
    assert exit_status(lines) == 0
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o755, "the data directory is only reported"
    assert any("permissions 0755" in n for n in levels(lines, "note"))
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o700
    assert stat.S_IMODE((store.path / "store.db").stat().st_mode) == 0o600
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert not (store.path / "store.db.tmp-123-abcd").exists()
    assert levels(doctor(data_dir), "fixed") == []


def test_orphans_and_dangling_findings(store, data_dir):
    a = store.add_statement(Statement(session=1, text="goed", speaker="wt1"))
    b = store.add_statement(Statement(session=9, text="sessie bestaat niet"))
    c = store.add_statement(Statement(session=2, step=5, text="stap bestaat niet"))
    d = store.add_statement(Statement(session=1, speaker="xx", text="onbekende spreker"))
    store.add_action(Action(session=1, owner="baas", text="onbekende eigenaar"))
    gone = store.add_statement(Statement(session=1, text="verwijderd"))
    f = store.save_finding(Finding(text="bevinding", statements=[a.id, gone.id]))
    store.delete_statement(gone.id)
    store.close()
    lines = doctor(data_dir, "proef")
    problems = levels(lines, "problem")
    assert f"statement {b.id}: session 9 is not in the plan" in problems
    assert any(p.startswith(f"statement {c.id}: agenda step 5") for p in problems)
    assert f"statement {d.id}: speaker 'xx' is not a role or participant of the plan" in problems
    assert any("owner 'baas'" in p for p in problems)
    assert levels(lines, "fixed") == [f"finding {f.id}: dropped reference(s) to deleted statement(s) {gone.id}"]
    assert exit_status(lines) == 1
    with WorkshopStore.open(data_dir, "proef") as s:
        assert s.findings()[0].statements == [a.id]


def test_invalid_records_and_missing_meta(store, data_dir):
    store._db.table("statements").insert({"session": "een"})
    store._db.table("meta").remove(doc_ids=[1])
    store.close()
    lines = doctor(data_dir, "proef")
    problems = levels(lines, "problem")
    assert "statements record 1 does not validate" in problems
    assert any("restored from plan.toml" in f for f in levels(lines, "fixed")), lines
    with WorkshopStore.open(data_dir, "proef") as s:
        assert not any("plan" in r for r in s.recovery) and s.plan.slug == "proef"
    with WorkshopStore.open(data_dir, "proef") as s:  # again, without plan.toml
        s._db.table("meta").remove(doc_ids=[1])
    (store.path / "plan.toml").unlink()
    problems = levels(doctor(data_dir, "proef"), "problem")
    assert any("no metadata" in p for p in problems)


def test_locked_store_is_checked_not_repaired(store, data_dir):
    store.add_statement(Statement(session=1, text="x"))
    os.chmod(store.path / "store.db", 0o644)
    lines = doctor(data_dir, "proef")
    problems = levels(lines, "problem")
    assert any("not repaired" in p and f"pid {os.getpid()}" in p for p in problems)
    assert any("too open" in p for p in problems)
    assert stat.S_IMODE((store.path / "store.db").stat().st_mode) == 0o644
    store.add_statement(Statement(session=1, text="the holder still saves"))


def test_unknown_slug_and_missing_data_dir(tmp_path, data_dir, plan):
    assert exit_status(doctor(tmp_path / "nowhere")) == 1
    WorkshopStore.create(data_dir, plan, PLAN_TEXT).close()
    lines = doctor(data_dir, "anders")
    assert exit_status(lines) == 1 and "no workshop 'anders'" in lines[0].text


def test_foreign_store_file_is_refused_and_left_byte_identical(store, data_dir):
    import pytest

    from facilitator.store.workshop import StoreForeign

    store.close()
    path = data_dir / "proef" / "store.db"
    foreign = b"SQLite format 3\x00" + bytes(range(256)) * 4
    path.write_bytes(foreign)
    lines = doctor(data_dir)
    assert exit_status(lines) == 1
    assert any("not a facilitator store" in t and "backups/" in t for t in levels(lines, "problem"))
    with pytest.raises(StoreForeign, match="not a facilitator store"):
        WorkshopStore.open(data_dir, "proef")
    assert path.read_bytes() == foreign
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith("store.db")) == ["store.db"]


def test_a_shared_1777_data_directory_is_left_as_it_is(store, data_dir):
    """Red-teamed: doctor turned a world-writable sticky data directory (1777, a shared
    folder like /tmp) into 0700, locking every other user out. Only workshop folders
    are tightened; the data directory itself is reported, never changed."""
    store.close()
    os.chmod(data_dir, 0o1777)
    os.chmod(store.path, 0o755)
    lines = doctor(data_dir)
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o1777
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o700
    assert any("permissions 1777" in n for n in levels(lines, "note")), lines
