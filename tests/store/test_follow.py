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
