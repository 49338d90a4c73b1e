"""The journal under TinyDB: truncated and bit-flipped files, transactions, ids."""

from __future__ import annotations

import copy
import os
import stat
from pathlib import Path

import pytest

from facilitator.domain.records import Statement
from facilitator.store import db as dbmod
from facilitator.store.db import open_db, transaction
from facilitator.store.workshop import WorkshopStore


def build(path: Path) -> tuple[bytes, list[dict], list[int]]:
    """A small journal, the statements table after each save, and the file size then."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db, notes = open_db(path)
    assert notes == []
    t = db.table("statements")
    states: list[dict] = [{}]
    sizes = [path.stat().st_size]

    def snap() -> None:
        states.append(copy.deepcopy(dict(t._read_table())))
        sizes.append(path.stat().st_size)

    t.insert({"text": "één", "n": 1}); snap()  # noqa: E702
    t.insert({"text": "twee"}); snap()  # noqa: E702
    t.update({"text": "TWEE"}, doc_ids=[2]); snap()  # noqa: E702
    t.remove(doc_ids=[1]); snap()  # noqa: E702
    with transaction(db):
        t.insert({"text": "drie"})
        t.insert({"text": "vier"})
        db.table("other").insert({"x": 1})
    snap()
    db.close()
    return path.read_bytes(), states, sizes


def test_every_truncation_opens_with_what_was_complete(tmp_path):
    data, states, sizes = build(tmp_path / "orig" / "store.db")
    for length in range(len(data)):
        folder = tmp_path / f"t{length}"
        folder.mkdir()
        path = folder / "store.db"
        path.write_bytes(data[:length])
        db, notes = open_db(path)
        cut = data[:length]
        done = [i for i, size in enumerate(sizes) if length >= size - 1]  # the last newline may be missing
        expected = states[done[-1]] if done else {}
        assert dict(db.table("statements")._read_table()) == expected, length
        kept = list(folder.glob("store.db.damaged-*"))
        dropped = list(folder.glob("store.db.unfinished-*"))
        if length in sizes or length + 1 in sizes:
            assert notes == [] and kept == [] and dropped == [], length  # nothing lost: a cut between transactions
        elif length < sizes[0] - 1:  # inside the header: damage, the whole file is kept aside
            assert len(notes) == 1 and "damaged" in notes[0] and kept[0].name in notes[0], length
            assert kept[0].read_bytes() == cut and stat.S_IMODE(kept[0].stat().st_mode) == 0o600
        else:  # inside the last save: never acknowledged, so no damage; only its own bytes are kept
            complete = sizes[done[-1]]
            assert kept == [] and len(dropped) == 1 and len(notes) == 1, (length, notes)
            assert notes[0].message.id == "store.recovery.unfinished_save" and dropped[0].name in str(notes[0]), length
            assert dropped[0].read_bytes() == cut[complete:] and stat.S_IMODE(dropped[0].stat().st_mode) == 0o600
            assert path.read_bytes() == cut[:complete], length  # truncated in place, not rewritten
        db.close()
        again, notes2 = open_db(path)  # the repair was written durably
        assert notes2 == [] and dict(again.table("statements")._read_table()) == expected
        again.close()
        assert not list(folder.glob("*.tmp-*"))


def test_every_bit_flip_loses_at_most_the_flipped_record(tmp_path):
    data, states, _sizes = build(tmp_path / "orig" / "store.db")
    final = states[-1]
    for pos in range(len(data)):
        flipped = bytearray(data)
        flipped[pos] ^= 1 << (pos % 8)
        folder = tmp_path / f"f{pos}"
        folder.mkdir()
        path = folder / "store.db"
        path.write_bytes(bytes(flipped))
        db, notes = open_db(path)
        got = dict(db.table("statements")._read_table())
        other = dict(db.table("other")._read_table())
        db.close()
        line_start = data.rfind(b"\n", 0, pos) + 1
        line = data[line_start:data.find(b"\n", pos) + 1 or len(data)]
        lost = {k for k in set(final) | set(got) if got.get(k) != final.get(k)}  # a lost removal brings one back
        assert len(lost) <= 1, f"flip at {pos} lost more than its record: {lost}"
        for k in lost:  # the one lost record is the one on the flipped line
            assert f'"statements",{k},'.encode() in line, (pos, k)
        assert other == {"1": {"x": 1}} or b'"other"' in line, pos
        if notes:
            assert "damaged" in notes[0] and "line " in notes[0]
            assert (folder / notes[0].rsplit(" ", 1)[1]).read_bytes() == bytes(flipped)
        else:
            assert got == final, f"flip at {pos} lost data silently"


def test_flip_in_a_large_transaction_loses_one_record_and_names_it(tmp_path):
    path = tmp_path / "store.db"
    db, _ = open_db(path)
    with transaction(db):
        for i in range(50):
            db.table("statements").insert({"session": 2, "text": f"regel {i}"})
    db.close()
    data = bytearray(path.read_bytes())
    at = data.index(b"regel 17")
    data[at] ^= 0x20
    path.write_bytes(bytes(data))
    db, notes = open_db(path)
    texts = sorted(d["text"] for d in db.table("statements").all())
    db.close()
    assert len(texts) == 49 and "regel 17" not in texts
    assert len(notes) == 1 and "statement 18 of session 2" in notes[0] and "line " in notes[0]


def test_crlf_line_endings_are_the_same_records(tmp_path):
    data, states, _sizes = build(tmp_path / "w" / "store.db")
    path = tmp_path / "w" / "store.db"
    path.write_bytes(data.replace(b"\n", b"\r\n"))
    db, notes = open_db(path, readonly=True)
    assert notes == [] and dict(db.table("statements")._read_table()) == states[-1]
    db.close()
    db, notes = open_db(path)
    assert notes == [] and dict(db.table("statements")._read_table()) == states[-1]
    db.close()
    assert b"\r" not in path.read_bytes() and not list(path.parent.glob("store.db.damaged-*"))


def test_store_reports_truncation_to_the_user(store, data_dir):
    texts = [f"uitspraak {i}" for i in range(4)]
    for t in texts:
        store.add_statement(Statement(session=1, text=t))
    store.close()  # a backup is taken: the store changed
    path = store.path / "store.db"
    data = path.read_bytes()
    path.write_bytes(data[:-7])
    with WorkshopStore.open(data_dir, "proef") as s:  # the newest backup has everything
        assert [x.text for x in s.statements()] == texts
        assert "unfinished last save" in s.recovery[0] and "restored from backup" in s.recovery[1]
    for b in (store.path / "backups").iterdir():
        b.unlink()
    data = path.read_bytes()  # compacted by the repair: the last statement's line is followed by the index
    path.write_bytes(data[:data.index("uitspraak 3".encode())])
    with WorkshopStore.open(data_dir, "proef") as s:  # no backup: what the journal holds, and what is missing
        assert [x.text for x in s.statements()] == texts[:3]
        assert "unfinished last save" in s.recovery[0]
        assert s.recovery[1] == "missing: session 1: 1 statements fewer than when last closed"
    assert [p.name.split("-")[0] for p in store.path.glob("store.db.damaged-*")] == ["store.db.damaged"] * 2


def test_damaged_copies_never_overwrite_each_other(tmp_path):
    data, _, _ = build(tmp_path / "w" / "store.db")
    path = tmp_path / "w" / "store.db"
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x04  # damage inside committed data
    for _ in range(3):
        path.write_bytes(bytes(flipped))
        db, notes = open_db(path)
        db.close()
        path.write_bytes(data[:-3])  # an unfinished last save: its own sidecar each time
        db, notes = open_db(path)
        db.close()
    kept = sorted(p.name for p in path.parent.glob("store.db.damaged-*"))
    assert len(kept) == 3 and len(set(kept)) == 3
    dropped = sorted(p.name for p in path.parent.glob("store.db.unfinished-*"))
    assert len(dropped) == 3 and len(set(dropped)) == 3


def test_readonly_recovers_in_memory_and_writes_nothing(tmp_path):
    data, states, _ = build(tmp_path / "w" / "store.db")
    path = tmp_path / "w" / "store.db"
    lines = data.split(b"\n")
    lines[3] = lines[3].replace(b"twee", b"twie")  # a corrupt line in the middle
    assert lines[3] != data.split(b"\n")[3]
    bad = b"\n".join(lines)
    path.write_bytes(bad)
    db, notes = open_db(path, readonly=True)
    assert len(notes) == 1 and "not repaired" in notes[0]
    assert sorted(os.listdir(path.parent)) == ["store.db"] and path.read_bytes() == bad
    db.close()
    path.write_bytes(data + b"a save in progress")  # torn tail: perhaps a writer elsewhere
    db, notes = open_db(path, readonly=True)
    assert notes == [] and dict(db.table("statements")._read_table()) == states[-1]


def test_transaction_is_one_entry_and_rolls_back(tmp_path):
    path = tmp_path / "store.db"
    db, _ = open_db(path)
    t = db.table("statements")
    t.insert({"text": "a"})
    size = path.stat().st_size
    with pytest.raises(KeyError):
        with transaction(db):
            t.insert({"text": "b"})
            t.update({"text": "A"}, doc_ids=[1])
            raise KeyError("stop")
    assert [d["text"] for d in t.all()] == ["a"] and path.stat().st_size == size
    with transaction(db):
        with transaction(db):
            t.insert({"text": "b"})
        t.insert({"text": "c"})
        t.remove(doc_ids=[1])
    assert path.read_bytes()[size:].count(b'["c",') == 1
    assert t.insert({"text": "d"}) == 4
    db.close()
    db, _ = open_db(path)
    assert {d.doc_id: d["text"] for d in db.table("statements").all()} == {2: "b", 3: "c", 4: "d"}
    db.close()


def test_unserialisable_document_changes_nothing(tmp_path):
    path = tmp_path / "store.db"
    db, _ = open_db(path)
    t = db.table("statements")
    with pytest.raises(TypeError):
        t.insert({"text": object()})
    assert t.all() == [] and t.insert({"text": "ok"}) == 1
    db.close()


def test_missing_header_and_empty_file_are_damage(tmp_path):
    path = tmp_path / "store.db"
    path.write_bytes(b"")
    db, notes = open_db(path)
    assert len(notes) == 1 and "empty file" in notes[0]
    db.close()
    assert dbmod.replay(path.read_bytes()).header


def test_only_an_unfinished_last_save_is_dropped_quietly(tmp_path):
    """What is an unfinished last save (its bytes to a sidecar, the file truncated) and what
    stays damage (the whole original kept aside, the file rewritten)."""
    data, states, sizes = build(tmp_path / "w" / "store.db")
    op = dbmod.encode(["o", 99, "statements", 9, {"text": "half"}])
    commit = dbmod.encode(["c", 99, 1])
    later_op, later_commit = dbmod.encode(["o", 100, "statements", 10, {"text": "na"}]), dbmod.encode(["c", 100, 1])
    bad_commit = b"00000000" + commit[8:]
    cases = {
        "whole ops, no commit": (data + op + op, True),
        "a torn op": (data + op[:20], True),
        "a torn commit record": (data + op + commit[:14], True),
        "cut inside the crc": (data + op[:5], True),
        "garbage at the end": (data + b"a save in progress", False),
        "a damaged line at the end": (data + op + b"deadbeef [\"o\",99,\"x\"]\n", False),
        "a damaged commit record, then more": (data + op + bad_commit + later_op + later_commit, False),
        "uncommitted ops in the middle": (data + op + later_op + later_commit, False),
        "an op of an old transaction": (data + dbmod.encode(["o", 1, "statements", 9, {"text": "oud"}]), False),
        "a cut inside the header": (data[:40], False),
    }
    for name, (content, unfinished) in cases.items():
        folder = tmp_path / name.replace(" ", "-").replace(",", "")
        folder.mkdir()
        path = folder / "store.db"
        path.write_bytes(content)
        db, notes = open_db(path)
        db.close()
        kept = list(folder.glob("store.db.damaged-*"))
        dropped = list(folder.glob("store.db.unfinished-*"))
        if unfinished:
            assert kept == [] and len(dropped) == 1 and len(notes) == 1, name
            assert path.read_bytes() == data and data + dropped[0].read_bytes() == content, name
        else:
            assert dropped == [] and len(kept) == 1 and kept[0].read_bytes() == content, name
            assert "damaged" in notes[0], (name, notes)
