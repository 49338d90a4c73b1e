"""Following a workshop another process writes, for views that only read (the
projector view): a cheap change stamp of the store's file, and a read-only read of
just what such a view needs (the plan, one session's clock).

A change is noticed by stat (device, inode, size, modification time). `RoomFollower`
(what the projector uses) opens the workshop read-only once, without a lock and
without reading a statement (they stay on disk: facilitator.store.lazy), and on each
change takes in only the bytes appended since (WorkshopStore.refresh()); when the file
was replaced (a compaction, a restore) it opens it again. `read_room` is the one-off
read (one RoomFollower read). `_read_journal` (replaying the whole journal for the plan
and the clocks, what the projector did before) stays as the benchmark's baseline.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from facilitator.i18n import Message
from facilitator.store.paths import STORE_NAME

Stamp = tuple[int, int, int, int]


def store_stamp(data_dir: Path, slug: str) -> Stamp | None:
    """Changes whenever the writing process saves (or the file is replaced); None if missing."""
    try:
        st = os.stat(Path(data_dir) / slug / STORE_NAME)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


@dataclass(frozen=True)
class RoomRead:
    """What a read-only room view reads: the plan, the session and its clock. No statement,
    action or attendance travels with it."""

    plan: Any  # facilitator.domain.plan.Plan
    number: int
    clock: Any  # facilitator.domain.records.SessionClock
    stamp: Stamp | None
    plan_text: str = ""


class RoomFollower:
    """Follows one workshop for a read-only room view. `read(now)` returns what the view
    shows; the first call opens the workshop read-only, later calls read only what the
    writing process appended (or open it again after a compaction or a restore).
    Raises StoreError (missing, damaged, newer) or LookupError (no such session); after
    an error the next read opens the workshop again. Not for two threads at once."""

    def __init__(self, data_dir: Path, slug: str, session: int | None = None):
        self.data_dir, self.slug, self.session = Path(data_dir), slug, session
        self.store: Any = None
        self.opens = 0  # how often the workshop was opened (1 + compactions seen), for tests
        self._last: RoomRead | None = None

    def read(self, now: float) -> RoomRead:
        from facilitator.store.workshop import WorkshopStore

        stamp = store_stamp(self.data_dir, self.slug)
        try:
            if self.store is not None and self.store.refresh().reset:
                self.close()  # replaced (compacted, restored): read it whole again
            if self.store is None:
                self.store = WorkshopStore.open(self.data_dir, self.slug, readonly=True)
                self.opens += 1
            read = self._read(self.store, now, stamp)
        except BaseException:
            self.close()
            raise
        self._last = read
        return read

    def _read(self, store: Any, now: float, stamp: Stamp | None) -> RoomRead:
        plan = store.plan
        last = self._last
        if last is not None and last.plan_text == store.plan_text:
            plan = last.plan  # the same plan: the view keeps what it derived from it
        numbers = [s.number for s in plan.sessions]
        clocks = {n: c for n in numbers if (c := store.clock(n)).started_at is not None}
        number = self.session
        if number is None:
            number = store.next_session(now)  # from the index: nothing parsed
        if plan.session(number) is None:
            known = ", ".join(str(s.number) for s in plan.sessions)
            raise LookupError(Message("store.no_session", session=number, slug=repr(self.slug), known=known))
        clock = clocks.get(number) or store.clock(number)
        return RoomRead(plan=plan, number=number, clock=clock, stamp=stamp, plan_text=store.plan_text)

    def close(self) -> None:
        store, self.store = self.store, None
        if store is not None:
            store.close()


def read_room(data_dir: Path, slug: str, session: int | None, now: float,
              previous: RoomRead | None = None) -> RoomRead:
    """Read the plan and the clock of `session` (None: the session `facilitator run` would
    open: the one running, else the next not yet held), read-only, without a lock: one
    RoomFollower read (no statement is read). `previous`: the last read, whose parsed plan
    is reused while the plan is unchanged.
    Raises StoreError (missing, damaged, newer) or LookupError (no such session)."""
    follower = RoomFollower(data_dir, slug, session)
    follower._last = previous
    try:
        return follower.read(now)
    finally:
        follower.close()


def _read_store(data_dir: Path, slug: str, session: int | None, now: float) -> tuple:
    """Through WorkshopStore: replays the journal and validates every record."""
    from facilitator.store.workshop import WorkshopStore

    with WorkshopStore.open(data_dir, slug, readonly=True) as store:
        number = session if session is not None else store.next_session(now)
        return number, store.plan, store.plan_text, store.clock(number)


def _read_journal(data_dir: Path, slug: str, session: int | None, now: float,
                  previous: RoomRead | None) -> tuple | None:
    """Replay the journal's bytes and read only the plan and the clocks: no statement is
    validated (at 10,000 statements about a quarter of the cost of opening the store).
    None when the file is not one this can read (then the store opens it, and says why)."""
    from facilitator.domain.plan import parse_plan
    from facilitator.domain.records import SessionClock, Statement
    from facilitator.domain.workshop import WorkshopData
    from facilitator.store.db import StoreError, replay
    from facilitator.store.workshop import check_schema

    path = data_dir / slug / STORE_NAME
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        rep = replay(data, path)
        check_schema(path)(rep.tables)
    except StoreError:
        return None
    meta = rep.tables.get("meta", {}).get("1") or {}
    plan_text = meta.get("plan_text")
    if not isinstance(plan_text, str):
        return None
    if previous is not None and previous.plan_text == plan_text:
        plan = previous.plan
    else:
        plan = parse_plan(plan_text, f"{slug} (stored plan)", default_slug=slug)
    clocks: dict[int, SessionClock] = {}
    for doc in rep.tables.get("clocks", {}).values():
        if isinstance(doc.get("session"), int) and doc["session"] not in clocks:
            clocks[doc["session"]] = SessionClock.model_validate(doc)
    number = session
    if number is None:
        # Which sessions were held: their numbers are enough (WorkshopData.next_session's rule).
        held = {doc.get("session") for name in ("statements", "actions")
                for doc in rep.tables.get(name, {}).values()}
        attendance = {doc["session"]: ["x"] for doc in rep.tables.get("attendance", {}).values()
                      if isinstance(doc.get("session"), int) and doc.get("keys")}
        marks = [Statement(session=n, text="") for n in sorted(n for n in held if isinstance(n, int))]
        number = WorkshopData(plan=plan, themes=[], statements=marks, actions=[], attendance=attendance,
                              clocks=clocks).next_session(now)
    return number, plan, plan_text, clocks.get(number) or SessionClock(session=number)
