"""facilitator.store.follow: the projector's cheap read agrees with the store's own."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from facilitator.domain.plan import parse_plan
from facilitator.domain.records import SessionClock, Statement, StepTiming
from facilitator.store import follow
from facilitator.store.workshop import StoreError, WorkshopStore

PLAN = (Path(__file__).resolve().parents[1] / "tui" / "plan.toml").read_text(encoding="utf-8")
SLUG = "lombok-2026"
NOW = 1_772_544_600.0


def workshop(tmp_path: Path) -> WorkshopStore:
    return WorkshopStore.create(tmp_path, parse_plan(PLAN), PLAN)


@pytest.mark.parametrize("session", [None, 1, 2, 3])
def test_the_quick_read_agrees_with_opening_the_store(tmp_path: Path, session: int | None) -> None:
    with workshop(tmp_path) as store:
        store.add_statement(Statement(session=1, text="held"))
        store.set_attendance(2, ["wt1"])
        store.save_clock(SessionClock(session=3, started_at=NOW, steps={0: StepTiming(start=NOW)}))
        store.save_clock(SessionClock(session=3, started_at=NOW, current_step=1,
                                      steps={0: StepTiming(start=NOW, end=NOW + 60), 1: StepTiming(start=NOW + 60)}))
    for now in (NOW + 120, NOW + 48 * 3600):  # session 3 running; long after: the next not held (4)
        quick = follow._read_journal(tmp_path, SLUG, session, now, None)
        slow = follow._read_store(tmp_path, SLUG, session, now)
        assert quick is not None
        assert (quick[0], quick[2], quick[3]) == (slow[0], slow[2], slow[3])
    assert follow.read_room(tmp_path, SLUG, None, NOW + 120).number == 3
    assert follow.read_room(tmp_path, SLUG, None, NOW + 48 * 3600).number == 4


def test_the_plan_is_parsed_again_only_when_it_changed(tmp_path: Path) -> None:
    workshop(tmp_path).close()
    first = follow.read_room(tmp_path, SLUG, 1, NOW)
    assert follow.read_room(tmp_path, SLUG, 1, NOW, first).plan is first.plan
    edited = PLAN.replace("Opening en rondje", "Opening")
    with WorkshopStore.open(tmp_path, SLUG) as store:
        store.update_plan(parse_plan(edited), edited)
    again = follow.read_room(tmp_path, SLUG, 1, NOW, first)
    assert again.plan is not first.plan and again.plan.session(1).agenda[0].title == "Opening"


def test_the_stamp_changes_with_every_save(tmp_path: Path) -> None:
    with workshop(tmp_path) as store:
        stamps = {follow.store_stamp(tmp_path, SLUG)}
        for i in range(3):
            store.save_clock(SessionClock(session=1, started_at=NOW + i))
            stamps.add(follow.store_stamp(tmp_path, SLUG))
    assert len(stamps) == 4 and follow.store_stamp(tmp_path, "nope") is None


def test_a_foreign_file_is_refused_through_the_store(tmp_path: Path) -> None:
    workshop(tmp_path).close()
    (tmp_path / SLUG / "store.db").write_bytes(b"not a store at all\n")
    with pytest.raises(StoreError):
        follow.read_room(tmp_path, SLUG, 1, NOW)


def test_a_session_not_in_the_plan(tmp_path: Path) -> None:
    workshop(tmp_path).close()
    with pytest.raises(LookupError, match="no session 9"):
        follow.read_room(tmp_path, SLUG, 9, time.time())


def test_it_never_writes_nor_locks(tmp_path: Path) -> None:
    with workshop(tmp_path) as store:  # held writable elsewhere: the read still works
        store.save_clock(SessionClock(session=1, started_at=NOW))
        before = (tmp_path / SLUG / "store.db").read_bytes()
        assert follow.read_room(tmp_path, SLUG, 1, NOW).clock.started_at == NOW
        assert (tmp_path / SLUG / "store.db").read_bytes() == before


# -- RoomFollower: what the projector uses (reads only what was appended) -------------------


@pytest.mark.parametrize("session", [None, 1, 2, 3])
def test_the_follower_agrees_with_opening_the_store(tmp_path: Path, session: int | None) -> None:
    with workshop(tmp_path) as store:
        store.add_statement(Statement(session=1, text="held"))
        store.set_attendance(2, ["wt1"])
        store.save_clock(SessionClock(session=3, started_at=NOW, current_step=1,
                                      steps={0: StepTiming(start=NOW, end=NOW + 60), 1: StepTiming(start=NOW + 60)}))
    follower = follow.RoomFollower(tmp_path, SLUG, session)
    try:
        for now in (NOW + 120, NOW + 48 * 3600):
            read = follower.read(now)
            slow = follow._read_store(tmp_path, SLUG, session, now)
            assert (read.number, read.plan_text, read.clock) == (slow[0], slow[2], slow[3])
    finally:
        follower.close()


def test_the_follower_reads_only_what_was_appended_and_notices_a_compaction(tmp_path: Path) -> None:
    with workshop(tmp_path) as store:
        store.import_records(1, [Statement(session=1, text=f"uitspraak {i}") for i in range(3_000)])
    follower = follow.RoomFollower(tmp_path, SLUG, 1)
    writer = WorkshopStore.open(tmp_path, SLUG)
    try:
        first = follower.read(NOW)
        assert first.clock.started_at is None and follower.opens == 1
        journal = tmp_path / SLUG / "store.db"
        for i in range(3):
            writer.save_clock(SessionClock(session=1, started_at=NOW + i))
            size = journal.stat().st_size
            read = follower.read(NOW)
            assert read.clock.started_at == NOW + i and read.plan is first.plan
            assert follower.store._db.journal.replay.offset == size  # it read up to the end, from where it was
        assert follower.opens == 1
        assert sum(follower.store._raw(n).parses for n in ("statements", "actions")) == 0  # no statement read
        writer._db.journal.compact()  # another file under the same name
        writer.save_clock(SessionClock(session=1, started_at=NOW + 10))
        read = follower.read(NOW)
        assert follower.opens == 2 and read.clock.started_at == NOW + 10
        assert read.plan is first.plan  # the same plan text: the view keeps what it derived
    finally:
        writer.close()
        follower.close()


def test_the_follower_opens_again_after_an_error(tmp_path: Path) -> None:
    workshop(tmp_path).close()
    follower = follow.RoomFollower(tmp_path, SLUG, 1)
    journal = tmp_path / SLUG / "store.db"
    good = journal.read_bytes()
    follower.read(NOW)
    journal.write_bytes(b"not a store at all\n")  # replaced: reset, opened again, refused
    with pytest.raises(StoreError):
        follower.read(NOW)
    assert follower.store is None
    journal.write_bytes(good)
    assert follower.read(NOW).number == 1
    follower.close()
