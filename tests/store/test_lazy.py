"""Documents stay on disk until read (facilitator.store.lazy): opening a compacted store
parses only the small tables and the tail; statement_view(session) parses only the rows
asked for and follows what is saved; damage found on reading is reported and loses only
its record; doctor still checks every line."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitator.domain.records import Action, Statement
from facilitator.store import db as dbmod
from facilitator.store.doctor import doctor
from facilitator.store.workshop import WorkshopStore

N = 20_000


def parses(store: WorkshopStore) -> int:
    return sum(store._raw(name).parses for name in ("statements", "actions"))


def big(data_dir: Path, plan, n: int = N) -> list[Statement]:  # type: ignore[no-untyped-def]
    from .conftest import PLAN_TEXT

    with WorkshopStore.create(data_dir, plan, PLAN_TEXT) as store:
        store.import_records(1, [Statement(session=1, speaker="wt", text=f"uitspraak {i}", kind="quote" if i % 3
                                           else "note", key=i % 7 == 0) for i in range(n)])
        store.import_records(2, [Statement(session=2, text=f"tweede {i}") for i in range(50)]
                             + [Action(session=2, text="actie")])
    with WorkshopStore.open(data_dir, "proef") as store:
        return store.statements(1)


def test_opening_and_reading_the_newest_rows_parses_only_those(data_dir, plan):
    expected = big(data_dir, plan)
    raw = (data_dir / "proef" / "store.db").read_bytes()
    assert b'"index":"' in raw.split(b"\n", 1)[0]  # compacted after the import: indexed
    with WorkshopStore.open(data_dir, "proef") as store:
        assert parses(store) == 0  # opening parsed no statement
        view = store.statement_view(1)
        assert len(view) == N and parses(store) == 0
        newest = view[-100:]
        assert newest == expected[-100:]
        assert view[-1] == expected[-1] and view[0] == expected[0]
        assert parses(store) <= 101  # the newest 100 and the first one, nothing else
        # list's counts come from the index, not from the records
        summary = store.summary()["sessions"]["1"]
        assert summary["statements"] == N and summary["quotes"] == sum(1 for s in expected if s.kind == "quote")
        assert summary["key"] == sum(1 for s in expected if s.key)
        assert parses(store) <= 101


def test_the_view_follows_adds_edits_and_deletes(data_dir, plan):
    expected = big(data_dir, plan, 3_000)
    with WorkshopStore.open(data_dir, "proef") as store:
        view = store.statement_view(1)
        added = store.add_statement(Statement(session=1, text="nieuw"))
        assert len(view) == 3_001 and view[-1] == added
        store.update_statement(expected[10].model_copy(update={"text": "anders"}))
        assert view[10].text == "anders"
        store.delete_statement(expected[0].id)
        assert len(view) == 3_000 and view[0] == expected[1]
        moved = expected[5].model_copy(update={"session": 2})
        store.update_statement(moved)
        assert expected[5].id not in {s.id for s in view[:10]}
        assert parses(store) < 100
    with WorkshopStore.open(data_dir, "proef") as store:  # and so does the file
        texts = [s.text for s in store.statements(1)]
        assert texts[-1] == "nieuw" and "anders" in texts and len(texts) == 2_999
        assert moved.id in {s.id for s in store.statements(2)}


def test_refresh_brings_new_rows_into_a_read_only_view(data_dir, plan):
    big(data_dir, plan, 2_000)
    reader = WorkshopStore.open(data_dir, "proef", readonly=True)
    try:
        view = reader.statement_view(1)
        assert len(view) == 2_000
        with WorkshopStore.open(data_dir, "proef") as writer:
            saved = writer.add_statement(Statement(session=1, text="gezien"))
            gone = writer.statements(1)[3]
            writer.delete_statement(gone.id)
            result = reader.refresh()
            assert result and not result.reset
            assert len(view) == 2_000 and view[-1] == saved
            assert gone.id not in {s.id for s in view[:10]}
        assert parses(reader) < 50
    finally:
        reader.close()


def test_a_damaged_line_found_on_reading_loses_only_its_record(data_dir, plan):
    expected = big(data_dir, plan, 2_000)
    path = data_dir / "proef" / "store.db"
    data = bytearray(path.read_bytes())
    victim = expected[-3]
    at = data.index(f'"text":"{victim.text}"'.encode())
    data[at + 9] ^= 0x01  # one flipped bit inside the newest rows
    path.write_bytes(bytes(data))
    with WorkshopStore.open(data_dir, "proef", readonly=True) as store:  # opening does not read it
        view = store.statement_view(1)
        newest = view[-5:]
        assert victim.id not in {s.id for s in newest}
        assert [s.id for s in newest] == [s.id for s in expected[-6:] if s.id != victim.id]
        assert any(f"statement {victim.id} of session 1" in note and "damaged" in note for note in store.recovery)
    lines = doctor(data_dir, "proef")  # doctor reads every line
    assert any(f"statement {victim.id} of session 1" in line.text for line in lines), lines
    with WorkshopStore.open(data_dir, "proef") as store:
        got = store.statements(1)
        # the damaged record is filled in from the backup taken after the import
        assert [s.id for s in got] == [s.id for s in expected]


def test_exports_read_everything_the_same(data_dir, plan):
    expected = big(data_dir, plan, 1_500)
    with WorkshopStore.open(data_dir, "proef") as store:
        snap = store.snapshot()
    assert snap.statements[:1_500] == expected and len(snap.statements) == 1_550 and len(snap.actions) == 1
    rep = dbmod.replay((data_dir / "proef" / "store.db").read_bytes())  # the whole-file reader agrees
    assert not rep.bad and len(rep.tables["statements"]) == 1_550


def test_a_flipped_byte_in_the_index_loses_nothing(data_dir, plan):
    expected = big(data_dir, plan, 1_500)
    path = data_dir / "proef" / "store.db"
    data = bytearray(path.read_bytes())
    at = data.index(b'["x",{"lazy":') + 40
    data[at] ^= 0x04
    path.write_bytes(bytes(data))
    with WorkshopStore.open(data_dir, "proef") as store:  # read whole, repaired, indexed again
        assert store.statements(1) == expected
        assert not any("not recovered" in note or "missing" in note for note in store.recovery), store.recovery


@pytest.mark.parametrize("cut", [-1, -200, 0.6])
def test_a_truncated_index_is_read_the_slow_way(data_dir, plan, cut):
    big(data_dir, plan, 1_200)
    path = data_dir / "proef" / "store.db"
    data = path.read_bytes()
    index_at = data.index(b'["x",{"lazy":') - 9
    end = int(len(data) * cut) if isinstance(cut, float) else len(data) + cut
    path.write_bytes(data[:max(end, index_at - 5) if isinstance(cut, int) else end])
    with WorkshopStore.open(data_dir, "proef") as store:  # opens; the backup fills in what the cut took
        assert len(store.statements(1)) == 1_200


def test_closing_after_a_long_live_session_leaves_an_index_and_a_valid_summary(data_dir, plan):
    from facilitator.store.workshop import read_summary

    from .conftest import PLAN_TEXT

    with WorkshopStore.create(data_dir, plan, PLAN_TEXT) as store:
        for i in range(600):  # live saves: two journal lines each, in the tail
            store.add_statement(Statement(session=2, text=f"live {i}"))
    head = (data_dir / "proef" / "store.db").read_bytes().split(b"\n", 1)[0]
    assert b'"index":"' in head  # compacted on closing
    assert read_summary(data_dir, "proef")["sessions"]["2"]["statements"] == 600  # names the file as it is
    with WorkshopStore.open(data_dir, "proef", readonly=True) as store:
        assert parses(store) == 0 and len(store.statement_view(2)) == 600


def test_picking_the_next_session_reads_no_statement(data_dir, plan):
    """`run SLUG` without --session picked the session from a snapshot, which parsed
    every statement of a big workshop before the screen filled."""
    big(data_dir, plan, 3_000)
    with WorkshopStore.open(data_dir, "proef", readonly=True) as store:
        assert store.next_session(0.0) == store.snapshot().next_session(0.0)
    with WorkshopStore.open(data_dir, "proef", readonly=True) as store:
        store.next_session(0.0)
        assert parses(store) == 0
        from facilitator.live.session import LiveSession

        live = LiveSession(store, None, lambda: 0.0)
        assert live.number == store.next_session(0.0)
        assert parses(store) <= 64, parses(store)  # the newest rows only
