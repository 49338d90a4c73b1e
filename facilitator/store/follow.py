"""Following a workshop another process writes, for views that only read (the
projector view): a cheap change stamp of the store's file, and a read-only read of
just what such a view needs (the plan, one session's clock).

For now a change is noticed by stat (device, inode, size, modification time) and
read by opening the store read-only again; no lock is taken, nothing is written.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

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

    plan: object  # facilitator.domain.plan.Plan
    number: int
    clock: object  # facilitator.domain.records.SessionClock
    stamp: Stamp | None


def read_room(data_dir: Path, slug: str, session: int | None, now: float) -> RoomRead:
    """Open the workshop read-only, read the plan and the clock of `session` (None: the
    session `facilitator run` would open: the one running, else the next not yet held),
    and close it. Raises StoreError (missing, damaged) or LookupError (no such session)."""
    from facilitator.store.workshop import WorkshopStore

    stamp = store_stamp(data_dir, slug)
    with WorkshopStore.open(Path(data_dir), slug, readonly=True) as store:
        number = session if session is not None else store.snapshot().next_session(now)
        if store.plan.session(number) is None:
            known = ", ".join(str(s.number) for s in store.plan.sessions)
            raise LookupError(f"no session {number} in {slug!r} (sessions: {known})")
        return RoomRead(plan=store.plan, number=number, clock=store.clock(number), stamp=stamp)
