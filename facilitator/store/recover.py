"""Repairing a damaged journal from the newest readable backup plus every readable
record of the journal, and saying exactly what could not be recovered.

Transactions carry increasing ids (kept across rewrites, and in every backup's
header as "tx"), so the newer of the two is known without guessing:

- the journal reaches at least as far as the backup (its last committed
  transaction >= the backup's): the journal's state wins; a record lost on a
  damaged line is taken from the backup when the backup has it;
- the journal reaches no further than the backup (cut or damaged before the
  backup's last transaction): the backup is the state.

What is still missing is reported per session and kind, from the damaged lines
and from summary.json (the counts when the workshop was last closed).
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
from pathlib import Path
from typing import Any

from facilitator.i18n import Joined, Message, Note
from facilitator.store.db import Replay, StoreNewer, replay

SUMMARY_NAME = "summary.json"


def newest_backup(workshop: Path) -> tuple[Path, Replay] | None:
    """The newest backup that reads without damage, with its replay."""
    from facilitator.store.workshop import list_backups

    for path in reversed(list_backups(workshop)):
        try:
            rep = replay(path.read_bytes(), path)
        except (OSError, StoreNewer):
            continue
        if rep.header and not rep.bad and not rep.torn_tail and rep.tables.get("meta"):
            return path, rep
    return None


def behind_backup(workshop: Path, rep: Replay, size: int) -> Note | None:
    """A journal that reads cleanly but is shorter than when a backup was taken from it
    (same epoch: no rewrite since; cut at a line boundary) has lost saves: by how much
    ("120 bytes fewer than when backup … was taken")."""
    from facilitator.store.workshop import list_backups

    if rep.epoch is None:
        return None
    for path in reversed(list_backups(workshop)[-3:]):
        try:
            with open(path, "rb") as fh:
                first = fh.readline(65536)
        except OSError:
            continue
        header = Replay(lines=1)  # its line 1
        with contextlib.suppress(StoreNewer):
            header._record(first.rstrip(b"\n"), path, [])
        source = header.source
        if isinstance(source, dict) and source.get("epoch") == rep.epoch and type(source.get("size")) is int \
                and source["size"] > size:
            return Note(Message("store.damage.fewer_bytes", bytes=source["size"] - size, backup=path.name))
    return None


def acknowledged_cut(workshop: Path, journal: Path, rep: Replay, size: int) -> Note | None:
    """Whether a journal that ends in what looks like an unfinished save (operations
    without their commit record) was in fact cut inside acknowledged data: its committed
    part (`size` bytes) is shorter than when a backup was taken from it, or than when the
    workshop was last closed (summary.json names each journal's device, inode and size).
    A reason (then it is damage, repaired as such), or None (an unfinished save: dropped)."""
    from facilitator.store.paths import STORE_NAME

    if journal.name == STORE_NAME:
        reason = behind_backup(workshop, rep, size)
        if reason is not None:
            return reason
    try:
        stamp = json.loads((workshop / SUMMARY_NAME).read_text(encoding="utf-8"))["stamp"]
        st = os.stat(journal)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(stamp, list):
        return None
    for i in range(0, len(stamp) - 3, 4):
        dev, ino, was = stamp[i:i + 3]
        if (dev, ino) == (st.st_dev, st.st_ino) and type(was) is int and was > size:
            return Note(Message("store.damage.fewer_than_closed", bytes=was - size))
    return None


def amend_from_backup(workshop: Path, rep: Replay) -> list[Note]:
    """Called on a damaged journal before it is rewritten: merge in the newest backup
    (changing `rep` in place). Returns notes for the user, one line each."""
    found = newest_backup(workshop)
    notes: list[Note] = []
    if found is not None:
        path, backup = found
        backup_tx = backup.last_tx
        if rep.last_tx <= backup_tx and backup_tx > 0 or not rep.header and not rep.entries and not rep.docs_seen:
            # the journal reaches no further than the backup: the backup is the state
            rep.tables.clear()
            rep.tables.update(copy.deepcopy(backup.tables))
            for name, top in backup.maxids.items():
                rep.maxids[name] = max(rep.maxids.get(name, 0), top)
            rep.last_tx = max(rep.last_tx, backup_tx)
            for bad in rep.bad:
                bad.recovered = True
            notes.append(Note(Message("store.recovery.from_backup", name=path.name)))
        else:
            filled = 0
            for bad in rep.bad:
                if bad.table is None or bad.doc_id is None:
                    continue
                doc = backup.tables.get(bad.table, {}).get(str(bad.doc_id))
                if doc is not None and str(bad.doc_id) not in rep.tables.get(bad.table, {}):
                    rep.tables.setdefault(bad.table, {})[str(bad.doc_id)] = copy.deepcopy(doc)
                    filled += 1
                    bad.recovered = True
            if filled:
                notes.append(Note(Message("store.recovery.filled", n=filled, name=path.name)))
    notes.extend(missing(workshop, rep))
    return notes


def missing(workshop: Path, rep: Replay) -> list[Note]:
    """What could not be recovered: each damaged record not filled in, and per session
    the statements and actions fewer than when the workshop was last closed."""
    lost = [b for b in rep.bad if not b.recovered and b.number != 1  # line 1 is the header: no record
            and not (b.table is not None and rep.written_at.get((b.table, b.doc_id), 0) > b.number)]  # superseded
    out = []
    if lost:
        more = Message("store.recovery.and_more", n=len(lost) - 10) if len(lost) > 10 else ""
        out.append(Note(Message("store.recovery.not_recovered", lines=Joined([b.describe() for b in lost[:10]]),
                                more=more)))
    before = _summary_counts(workshop)
    if before:
        now = counts(rep.tables)
        gaps = []
        for session, kinds in sorted(before.items()):
            for kind, n in kinds.items():
                have = now.get(session, {}).get(kind, 0)
                if have < n:
                    gaps.append(Message("store.recovery.gap", session=session, n=n - have,
                                        kind=Message(f"store.records.{kind}")))
        if gaps:
            out.append(Note(Message("store.recovery.missing", gaps=Joined(gaps))))
    return out


def counts(tables: dict[str, dict[str, dict]]) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = {}
    for name in ("statements", "actions"):
        for doc in tables.get(name, {}).values():
            session = doc.get("session")
            if isinstance(session, int):
                per = out.setdefault(session, {})
                per[name] = per.get(name, 0) + 1
    return out


def _summary_counts(workshop: Path) -> dict[int, dict[str, int]]:
    try:
        summary = json.loads((workshop / SUMMARY_NAME).read_text(encoding="utf-8"))
        sessions: Any = summary["sessions"]
        return {int(n): {"statements": int(v["statements"]), "actions": int(v["actions"])}
                for n, v in sessions.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
