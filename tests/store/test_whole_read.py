"""Reading a whole session (exports, `snapshot()`, the report screen): each record's
line is read and parsed once, batches are validated from their bytes in one step with
the garbage collector paused, and what that step cannot take (an invalid record, one of
an older shape, a damaged line) goes the record-by-record way with the same result and
the same reports as before."""

from __future__ import annotations

import gc
import zlib
from pathlib import Path

from facilitator.domain.records import Action, Statement
from facilitator.store import db as dbmod
from facilitator.store.lazy import LazyTable
from facilitator.store.workshop import WorkshopStore
from facilitator.usecases.export import export_workshop

N = 5_000  # more than one batch (facilitator.store.workshop.BATCH)


def parses(store: WorkshopStore) -> int:
    return sum(store._raw(name).parses for name in ("statements", "actions"))


def text_of(i: int) -> str:
    if i % 1000 == 999:  # verbatim whatever it holds: astral, combining, control characters, line breaks
        return f"uitspraak {i} 😀 e\u0301 \x00\x1f tab\t cr\r\nlf \u2028 \\ \"q\" “met” *opmaak*"
    return f"uitspraak {i} “met” *opmaak*"


def build(data_dir: Path, plan, n: int = N) -> None:  # type: ignore[no-untyped-def]
    from .conftest import PLAN_TEXT

    with WorkshopStore.create(data_dir, plan, PLAN_TEXT) as store:
        store.import_records(1, [Statement(session=1, step=i % 2, speaker="wt" if i % 4 else None,
                                           text=text_of(i), kind="quote" if i % 3 else "note",
                                           themes=["taal"] if i % 2 else [], key=i % 7 == 0, offset=i * 1.5)
                                 for i in range(n)]
                             + [Action(session=1, text=f"actie {i}", owner="wt") for i in range(100)])
        store.import_records(2, [Statement(session=2, text=f"tweede {i}") for i in range(50)])


def by_record(path: Path, table: str, model):  # type: ignore[no-untyped-def]
    """The records the whole-file reader finds, validated one by one (the old way)."""
    rep = dbmod.replay(path.read_bytes())
    return {int(k): model.model_validate({**doc, "id": int(k)}) for k, doc in rep.tables[table].items()}


def rewrite_line(path: Path, find: bytes, old: bytes, new: bytes) -> None:
    """Change `old` to `new` (same length: the index's offsets stay right) in the line
    holding `find`, with a checksum that fits: as if our writer had written it."""
    assert len(old) == len(new)
    data = path.read_bytes()
    at = data.index(find)
    start = data.rindex(b"\n", 0, at) + 1
    end = data.index(b"\n", at)
    body = data[start + 9:end]
    assert old in body
    body = body.replace(old, new, 1)
    path.write_bytes(data[:start] + b"%08x " % zlib.crc32(body) + body + data[end:])


def test_a_whole_read_parses_each_record_once_and_builds_what_the_record_by_record_way_builds(
        data_dir, plan, monkeypatch):
    build(data_dir, plan)
    path = data_dir / "proef" / "store.db"
    expected = by_record(path, "statements", Statement)
    one_by_one: list[int] = []
    get_many = LazyTable.get_many

    def spy(self, ids):  # type: ignore[no-untyped-def]
        one_by_one.extend(ids)
        return get_many(self, ids)

    monkeypatch.setattr(LazyTable, "get_many", spy)
    with WorkshopStore.open(data_dir, "proef", readonly=True) as store:
        first = store.statements(1)
        assert one_by_one == [] and len(first) == N  # every line, the odd characters' too, went the one-step way
        got = store.statements()
        assert got[:N] == first
        assert parses(store) == N  # every statement on disk once (session 2's are in the tail), no action
        assert got == sorted(expected.values(), key=lambda s: (s.session, s.seq, s.id))
        assert [s.text for s in got[:N]] == [text_of(i) for i in range(N)]  # verbatim
        assert all(s.model_fields_set == expected[s.id].model_fields_set for s in got)
        changed = got[0].model_copy(update={"text": "anders"})
        changed.step = None  # setting a field on one record (or a copy) changes no other's
        assert got[1].model_fields_set == expected[got[1].id].model_fields_set and got[0].text != "anders"
        assert store.statements() == got and parses(store) == N  # read once, then kept
        actions = store.actions()
        assert [a.text for a in actions] == [f"actie {i}" for i in range(100)]
        assert parses(store) == N + 100
        assert not store.recovery


def test_an_export_parses_each_record_at_most_once(data_dir, plan, tmp_path):
    build(data_dir, plan)
    with WorkshopStore.open(data_dir, "proef", readonly=True) as store:
        result = export_workshop(store, tmp_path / "out", formats=("md",))
        assert parses(store) <= N + 100, parses(store)
        text = "".join(p.read_text(encoding="utf-8") for p in result.paths)
        assert "uitspraak 4998 “met” \\*opmaak\\*" in text and "tweede 49" in text
        export_workshop(store, tmp_path / "again", formats=("md",))
        assert parses(store) <= N + 100, parses(store)  # a second export reads nothing again


def test_a_whole_read_runs_no_garbage_collection(data_dir, plan):
    """The cyclic collector walked every record alive again and again while a whole read
    built them (two thirds of its time at 100,000 statements)."""
    build(data_dir, plan)
    passes: list[int] = []

    def seen(phase: str, info: dict) -> None:
        if phase == "start":
            passes.append(info["generation"])

    with WorkshopStore.open(data_dir, "proef", readonly=True) as store:
        gc.collect()
        assert gc.isenabled()
        gc.callbacks.append(seen)
        try:
            got = store.statements(1)
        finally:
            gc.callbacks.remove(seen)
        assert len(got) == N
        assert len(passes) <= 2 and 2 not in passes, passes  # (before: dozens, some over everything)
        assert gc.isenabled()  # on again afterwards


def test_an_invalid_record_among_valid_ones_is_left_out_and_reported(data_dir, plan):
    build(data_dir, plan)
    path = data_dir / "proef" / "store.db"
    rewrite_line(path, b'"text":"uitspraak 2000 ', b'"kind":"quote"', b'"kind":"bogus"')
    with WorkshopStore.open(data_dir, "proef", readonly=True) as store:
        got = store.statements(1)
        assert len(got) == N - 1 and not any(s.text.startswith("uitspraak 2000 ") for s in got)
        assert [s.text for s in got[1998:2001]] == [text_of(i) for i in (1998, 1999, 2001)]
        assert any("invalid" in note and "facilitator doctor" in note for note in store.recovery), store.recovery


def test_a_record_of_an_older_shape_reads_as_validated_one_by_one(data_dir, plan):
    """A line written before a field existed (or with one since dropped) still passes
    its checksum: it is validated, never taken as it is."""
    build(data_dir, plan)
    path = data_dir / "proef" / "store.db"
    rewrite_line(path, b'"text":"uitspraak 3001 ', b',"elements":[]', b',"legacy___":1')
    expected = by_record(path, "statements", Statement)
    with WorkshopStore.open(data_dir, "proef", readonly=True) as store:
        got = {s.id: s for s in store.statements(1)}
        old = next(s for s in got.values() if s.text.startswith("uitspraak 3001 "))
        assert old.elements == [] and "elements" not in old.model_fields_set
        assert old.model_fields_set == expected[old.id].model_fields_set
        assert all(got[i] == expected[i] for i in got)
        assert len(got) == N and not store.recovery


def test_a_damaged_line_in_a_whole_read_loses_only_its_record_and_is_told(data_dir, plan):
    build(data_dir, plan)
    path = data_dir / "proef" / "store.db"
    data = bytearray(path.read_bytes())
    at = data.index(b'"text":"uitspraak 4321 ')
    data[at + 12] ^= 0x01
    path.write_bytes(bytes(data))
    with WorkshopStore.open(data_dir, "proef", readonly=True) as store:
        got = store.statements(1)
        assert len(got) == N - 1 and not any(s.text.startswith("uitspraak 4321 ") for s in got)
        assert any("of session 1 could not be read" in note and "damaged" in note for note in store.recovery)


def test_a_damaged_newline_in_a_whole_read_loses_only_the_records_it_joins(data_dir, plan):
    """A newline turned into another byte: the batch's run of lines no longer splits into
    its records, so they are read line by line; the two glued lines fail their checks."""
    build(data_dir, plan)
    path = data_dir / "proef" / "store.db"
    data = bytearray(path.read_bytes())
    at = data.index(b'"text":"uitspraak 1234 ')
    nl = data.index(b"\n", at)
    data[nl] = ord("x")
    path.write_bytes(bytes(data))
    with WorkshopStore.open(data_dir, "proef", readonly=True) as store:
        got = store.statements(1)
        lost = {text_of(i) for i in range(N)} - {s.text for s in got}
        assert lost and len(lost) <= 2 and "uitspraak 1234 “met” *opmaak*" in lost
        assert any("could not be read" in note for note in store.recovery)


def test_the_held_sessions_are_known_without_reading_a_statement(data_dir, plan):
    """The home screen lists every workshop's sessions as held or not: it took a whole
    snapshot of each (every statement parsed) at every visit."""
    build(data_dir, plan)
    with WorkshopStore.open(data_dir, "proef", readonly=True) as store:
        held = store.held_sessions()
        assert parses(store) == 0
        assert held == store.snapshot().held_sessions() == [1, 2]
