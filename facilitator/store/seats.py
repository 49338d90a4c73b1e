"""Two seats, two processes: the facilitator's seat and the note-taker's seat of one
workshop, each writing its own journal (docs/store.md, "Several journals in one
workshop").

- `store.db` is the facilitator's journal (and the only journal of a workshop run
  from one seat). `store.notes.db` is the note-taker's, with its own lock
  (`store.notes.lock`, plus the flock on the file itself).
- Each table has one owner while two seats run: the note-taker's seat writes
  statements, actions, attendance and themes (NOTES_OWNS); the facilitator's seat
  writes everything else (the clocks: start, steps, +5/-5, skips, moves). So the
  merge never sees two writers of one document.
- Ids of new documents cannot collide: the note-taker allocates above the highest
  id of both journals, and nobody else adds to its tables meanwhile (every other
  writable open takes the note-taker's lock too, see below).
- The merge (every process reads every journal): a document of a NOTES_OWNS table
  is the note-taker's version when its journal has one, else store.db's, unless the
  note-taker removed it (a removal is kept as a tombstone in `gone-<table>`, so it
  also hides a document that lives in store.db). Other tables come from store.db.
- Folding: a writable open that is not a seat (one-seat `run`, `import`, `new
  --update`, `doctor`, the report screen) takes the note-taker's lock as well and
  folds store.notes.db into store.db in one transaction, then removes it; the
  journal is kept in backups/ first. Folding twice is harmless (same documents).

Nothing here imports textual.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from facilitator import fileio
from facilitator.i18n import Message
from facilitator.store.db import (JournalFollower, Replay, StoreError, StoreLocked, feed_all, open_db, real_path,
                                  record_name, transaction)
from facilitator.store.lock import WorkshopLock, describe_holder

SEATS = ("facilitator", "notes")
NOTES_JOURNAL = "store.notes.db"
NOTES_LOCK = "store.notes.lock"
NOTES_OWNS = ("statements", "actions", "attendance", "themes")
GONE = "gone-"  # tombstone tables: gone-statements {id: {"gone": true}}
NOTES_BACKUP_PREFIX = "notes-"
BACKUPS_KEPT = 10


def _covered(workshop: Path, journal: Path) -> Callable[[Replay, int], str | None]:
    """open_db's `covered` hook for the note-taker's journal: an unfinished save at its end
    is damage when summary.json says the journal was longer (facilitator.store.recover)."""
    from facilitator.store.recover import acknowledged_cut

    return lambda rep, size: acknowledged_cut(Path(workshop), Path(journal), rep, size)


def notes_path(path: Path) -> Path:
    return Path(path) / NOTES_JOURNAL


def journal_files(path: Path) -> list[Path]:
    """Every journal of the workshop folder `path` that exists: store.db first."""
    from facilitator.store.paths import STORE_NAME

    return [p for p in (Path(path) / STORE_NAME, notes_path(path)) if p.exists()]


class SeatLock(WorkshopLock):
    """The note-taker's seat's lock (`store.notes.lock` and its `.info` note)."""

    def __init__(self, directory: Path):
        super().__init__(directory)
        from filelock import FileLock

        from facilitator.fileio import FILE_MODE

        self.path = directory / NOTES_LOCK
        self.info_path = directory / (NOTES_LOCK + ".info")
        self._lock = FileLock(str(self.path), timeout=0, mode=FILE_MODE, thread_local=False,
                              fallback_to_soft=False)

    def acquire(self) -> SeatLock:
        try:
            self._lock.acquire(timeout=0)
        except Exception as exc:  # noqa: BLE001 - Timeout, or the folder cannot be locked
            from filelock import Timeout

            if isinstance(exc, Timeout):
                raise StoreLocked(Message("store.seat_locked", slug=repr(self.directory.name),
                                          holder=describe_notes_holder(self.directory))) from None
            raise StoreError(Message("store.seat_lock_failed", path=self.path, reason=exc)) from exc
        from facilitator.store.lock import _write_info

        self._remove_stale_notes()  # its note's temp files, as the workshop's lock does
        with contextlib.suppress(OSError):
            _write_info(self.info_path)
        return self

    def release(self) -> None:
        if not self._lock.is_locked:
            return
        with contextlib.suppress(OSError):
            self.info_path.unlink()
        self._lock.release(force=True)


def describe_notes_holder(directory: Path) -> Message:
    import json

    try:
        info = json.loads((directory / (NOTES_LOCK + ".info")).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Message("store.holder_unknown")
    if not isinstance(info, dict):
        return Message("store.holder_unknown")
    return Message("store.holder", pid=info.get('pid', '?'), host=info.get('host', '?'),
                   command=repr(info.get('command', '?')), since=info.get('since', '?'))


# -- the merge --------------------------------------------------------------------------


def merge_ops(tables: dict[str, dict[str, Any]]) -> list[list[Any]]:
    """The note-taker's journal as operations over store.db's documents (its documents,
    then its removals): applying them gives the merged workshop."""
    ops: list[list[Any]] = []
    for name in NOTES_OWNS:
        own = tables.get(name, {})
        for key, doc in own.items():
            ops.append([name, int(key), doc])
        for key in tables.get(GONE + name, {}):
            if key not in own:
                ops.append([name, int(key), None])
    return ops


def translate(ops: Iterable[list[Any]]) -> list[list[Any]]:
    """Operations read from the note-taker's journal, as operations on the merged workshop."""
    out: list[list[Any]] = []
    for name, doc_id, doc in ops:
        if name in NOTES_OWNS:
            out.append([name, doc_id, doc])
        elif name.startswith(GONE) and doc is not None and name[len(GONE):] in NOTES_OWNS:
            out.append([name[len(GONE):], doc_id, None])
    return out


def inject(store: Any, ops: list[list[Any]]) -> None:
    """Apply merged operations to an open WorkshopStore's documents and indexes (as if its
    follower had read them)."""
    if not ops:
        return
    with store._lock:
        for name, doc_id, doc in ops:
            raw = store._raw(name)
            if doc is None:
                raw.pop(str(doc_id), None)
            else:
                raw[str(doc_id)] = doc
        _clear_caches(store)
        store._apply_followed(ops)


def _clear_caches(store: Any) -> None:
    db = store._db
    db.clear_cache()
    for table in db._tables.values():
        table.clear_cache()


def _read_replay(path: Path) -> tuple[Replay, tuple[int, int]] | None:
    """A journal read without a lock (a save in progress elsewhere is simply not there yet)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        size = st.st_size
        data = os.pread(fd, size, 0) if size else b""
        ident = (st.st_dev, st.st_ino)
    finally:
        os.close(fd)
    rep = Replay()
    feed_all(rep, data, path, final=False)
    return rep, ident


@dataclass
class Followed:
    """What one poll of the other journals brought: merged operations (already applied to
    the store), or `reset`: store.db was replaced (open the workshop again)."""

    ops: list[list[Any]] = field(default_factory=list)
    reset: bool = False

    def __bool__(self) -> bool:
        return self.reset or bool(self.ops)


class NotesOverlay:
    """The note-taker's journal, followed by a process that does not write it (the
    facilitator's seat, a read-only view, an export): merged into `store` at once, then
    each `poll()` reads only what was appended."""

    def __init__(self, store: Any):
        self.store = store
        self.path = real_path(notes_path(store.path))
        self.follower: JournalFollower | None = None
        self.load()

    def load(self) -> list[list[Any]]:
        read = _read_replay(self.path)
        if read is None:
            self.follower = None
            return []
        rep, ident = read
        self.follower = JournalFollower(self.path, rep, ident)
        ops = merge_ops(rep.tables)
        inject(self.store, ops)
        return ops

    def poll(self) -> list[list[Any]]:
        if self.follower is None:
            return self.load() if self.path.exists() else []
        result = self.follower.poll()
        if result.reset:  # compacted, or folded away and made again: read it whole (the merge is idempotent)
            return self.load() if self.path.exists() else []
        ops = translate(result.ops)
        inject(self.store, ops)
        return ops


class Journals:
    """What a WorkshopStore holds beyond store.db: the note-taker's lock (a writable open
    that is not a seat) and the followed note-taker's journal (`overlay`)."""

    def __init__(self, store: Any, seat: str | None):
        self.store = store
        self.seat = seat
        self.lock: SeatLock | None = None
        self.overlay: NotesOverlay | None = None

    def poll(self) -> Followed:
        """Read what the other seat (and, read-only, store.db's writer) saved since the last poll."""
        out = Followed()
        store = self.store
        if store.readonly:
            result = store.refresh()
            if result.reset:
                return Followed(reset=True)
            out.ops.extend(list(op) for op in result.ops)
        if self.overlay is not None:
            out.ops.extend(self.overlay.poll())
        return out

    def sync(self) -> None:
        """Take in everything saved so far (before a summary is written); nothing reported."""
        if self.store.readonly:
            with contextlib.suppress(StoreError, OSError):
                self.store.refresh()
        if self.overlay is not None:
            self.overlay.poll()

    def close(self) -> None:
        if self.lock is not None:
            self.lock.release()
            self.lock = None


def attach(store: Any, seat: str | None) -> Journals:
    """Called by WorkshopStore.open once store.db is open: a writable non-seat store takes
    the note-taker's lock and folds its journal in; the others merge it read-only."""
    journals = Journals(store, seat)
    if not store.readonly and seat is None:
        journals.lock = SeatLock(store.path).acquire()
        try:
            fold(store)
        except BaseException:
            journals.close()
            raise
    elif seat != "notes":
        journals.overlay = NotesOverlay(store)
    return journals


def fold(store: Any) -> bool:
    """Bring store.notes.db into store.db (one transaction), keep it in backups/, remove it.
    The caller holds both locks. True when there was something to fold."""
    path = notes_path(store.path)
    if not path.exists():
        return False
    db, notes = open_db(path, covered=_covered(store.path, path))  # takes its flock; repairs a damaged one
    store.recovery.extend(notes)
    try:
        tables = db.journal.read()
        ops = merge_ops(tables)
        journal = store._db.journal
        if ops:
            with transaction(store._db):
                by_table: dict[str, list[list[Any]]] = {}
                for op in ops:
                    by_table.setdefault(op[0], []).append(op)
                for name, items in by_table.items():
                    def update(view: Any, items: list[list[Any]] = items) -> None:
                        for _n, doc_id, doc in items:
                            if doc is None:
                                if doc_id in view:
                                    del view[doc_id]
                            else:
                                view[doc_id] = doc
                    journal.mutate(name, update)
        backup_notes(store.path, path, time.strftime("%Y%m%dT%H%M%S"))
    finally:
        db.close()
    os.unlink(path)
    fileio.fsync_dir(store.path)
    store._rebuild()
    return True


# -- backups -----------------------------------------------------------------------------


def list_notes_backups(path: Path) -> list[Path]:
    folder = Path(path) / "backups"
    if not folder.is_dir():
        return []
    found = []
    for p in folder.glob(f"{NOTES_BACKUP_PREFIX}*.db"):
        with contextlib.suppress(OSError):
            found.append((p.stat().st_mtime_ns, p.name, p))
    return [p for _t, _n, p in sorted(found)]


def backup_notes(workshop: Path, source: Path, stamp: str) -> Path | None:
    """A copy of the note-taker's journal (whole lines only) into backups/notes-STAMP.db;
    the newest BACKUPS_KEPT are kept. None when there is no such journal."""
    try:
        data = Path(source).read_bytes()
    except FileNotFoundError:
        return None
    data = data[:data.rfind(b"\n") + 1]
    folder = Path(workshop) / "backups"
    folder.mkdir(mode=0o700, exist_ok=True)
    target = folder / f"{NOTES_BACKUP_PREFIX}{stamp}.db"
    n = 2
    while target.exists():
        target = folder / f"{NOTES_BACKUP_PREFIX}{stamp}-{n}.db"
        n += 1
    fileio.replace_atomic(target, data)
    for old in list_notes_backups(workshop)[:-BACKUPS_KEPT]:
        if old != target:
            with contextlib.suppress(OSError):
                old.unlink()
    return target


def stamp_extra(path: Path) -> list[int]:
    """The note-taker's journal's state for summary.json (empty when there is none)."""
    try:
        st = os.stat(notes_path(path))
    except OSError:
        return []
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns]


# -- the note-taker's seat ----------------------------------------------------------------


class NotesSeatStore:
    """The store of the note-taker's seat: store.db read-only (followed: the facilitator's
    clock), and its own journal store.notes.db, the only file it writes. Offers the
    WorkshopStore methods the live session and its writer use; the clock is refused
    (it belongs to the facilitator's seat)."""

    seat = "notes"
    readonly = False

    def __init__(self, data_dir: Path, slug: str, opener: Callable[..., Any]):
        self._open_base = opener
        self.data_dir, self._slug = Path(data_dir), slug
        path = self.data_dir / slug
        from facilitator.store.paths import STORE_NAME

        if not (path / STORE_NAME).exists():
            opener(self.data_dir, slug, readonly=True)  # raises StoreNotFound with the list of workshops
        self._lock_file = SeatLock(path).acquire()
        try:
            self._db, notes = open_db(notes_path(path), covered=_covered(path, notes_path(path)))  # flock'd; created when missing
            try:
                self.base = opener(self.data_dir, slug, readonly=True, seat="notes")
            except BaseException:
                self._db.close()
                raise
        except BaseException:
            self._lock_file.release()
            raise
        self.recovery = [*notes, *self.base.recovery]
        self.warnings: list[str] = []
        self._changes_at_backup = 0
        self._closed = False
        self._tops: dict[str, int] = {}  # the highest id given per table (see _new_id)
        inject(self.base, merge_ops(self._db.journal.read()))

    # what the live session and the screens read
    @property
    def path(self) -> Path:
        return self.base.path

    @property
    def slug(self) -> str:
        return self._slug

    @property
    def plan(self) -> Any:
        return self.base.plan

    @property
    def plan_text(self) -> str:
        return self.base.plan_text

    @property
    def _lock(self) -> Any:
        return self.base._lock

    def __getattr__(self, name: str) -> Any:
        # reads (clock, statements, actions, attendance, themes, snapshot, summary, statement_view...)
        if name.startswith("_") or name in ("base",):
            raise AttributeError(name)
        return getattr(self.base, name)

    def __enter__(self) -> NotesSeatStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing (the note-taker's tables only) -------------------------------------------

    def _new_id(self, name: str) -> int:
        """Above every id of both journals. store.db's highest is read once per table: nobody
        adds to the note-taker's tables there while this seat holds its lock."""
        top = self._tops.get(name)
        if top is None:
            base_raw = self.base._raw(name)
            top = max(max((int(k) for k in base_raw if k.isdigit()), default=0),
                      self.base._db.journal.next_id(name) - 1)
        top = max(top + 1, self._db.journal.next_id(name))
        self._tops[name] = top
        return top

    def _put(self, writes: list[tuple[str, int, dict | None]]) -> None:
        """Save documents (None: remove) in one transaction of the own journal: durable when it returns."""
        if self._closed:
            raise StoreError(Message("store.closed", slug=repr(self._slug)))
        journal = self._db.journal
        with self.base._lock:
            with transaction(self._db):
                for name, doc_id, doc in writes:
                    def update(view: Any, doc_id: int = doc_id, doc: dict | None = doc) -> None:
                        if doc is None:
                            if doc_id in view:
                                del view[doc_id]
                        else:
                            view[doc_id] = doc
                    journal.mutate(name, update)
            inject(self.base, translate([[n, i, d] for n, i, d in writes]))

    def _save(self, name: str, doc_id: int, doc: dict) -> None:
        gone = self._db.journal.read().get(GONE + name, {})
        writes: list[tuple[str, int, dict | None]] = [(name, doc_id, doc)]
        if str(doc_id) in gone:
            writes.append((GONE + name, doc_id, None))
        self._put(writes)

    def _remove(self, name: str, doc_id: int) -> None:
        self._put([(name, doc_id, None), (GONE + name, doc_id, {"gone": True})])

    def add_statement(self, st: Any) -> Any:
        return self._add("statements", self.base._statements, type(st), st)

    def add_action(self, action: Any) -> Any:
        return self._add("actions", self.base._actions, type(action), action)

    def _add(self, name: str, index: Any, model: Any, rec: Any) -> Any:
        with self.base._lock:
            data = rec.model_dump(exclude={"id"})
            data["seq"] = index.seq_for(rec.session)
            doc_id = self._new_id(name)
            self._save(name, doc_id, data)
            return model(id=doc_id, **data)

    def update_statement(self, st: Any) -> None:
        self._update("statements", self.base._statements, st)

    def update_action(self, action: Any) -> None:
        self._update("actions", self.base._actions, action)

    def _update(self, name: str, index: Any, rec: Any) -> None:
        with self.base._lock:
            if not index.has(rec.id):
                raise StoreError(Message("store.no_record", what=record_name(name, rec.id)))
            self._save(name, rec.id, rec.model_dump(exclude={"id"}))

    def delete_statement(self, statement_id: int) -> Any:
        with self.base._lock:
            index = self.base._statements
            if not index.has(statement_id):
                raise StoreError(Message("store.no_record", what=record_name("statements", statement_id)))
            rec = index.by_id[statement_id]
            self._remove("statements", statement_id)
            return rec

    def delete_action(self, action_id: int) -> None:
        with self.base._lock:
            if not self.base._actions.has(action_id):
                raise StoreError(Message("store.no_record", what=record_name("actions", action_id)))
            self._remove("actions", action_id)

    def restore_statement(self, st: Any) -> None:
        with self.base._lock:
            if self.base._statements.has(st.id):
                raise StoreError(Message("store.record_exists", what=record_name("statements", st.id)))
            self._save("statements", st.id, st.model_dump(exclude={"id"}))

    def set_attendance(self, session: int, keys: list[str]) -> None:
        with self.base._lock:
            doc_id = self.base._session_docs["attendance"].get(session)
            if doc_id is None:
                doc_id = self._new_id("attendance")
            self._save("attendance", doc_id, {"session": session, "keys": list(keys)})

    def add_theme(self, key: str, label: str | None = None) -> Any:
        from facilitator.domain.plan import Theme

        with self.base._lock:
            for known in self.base.themes():
                if known.key == key:
                    return known
            theme = Theme(key=key, label=label or key)
            self._save("themes", self._new_id("themes"), {"key": theme.key, "label": theme.label})
            return theme

    def save_clock(self, clock: Any) -> None:
        raise StoreError(Message("store.seat_clock"))

    def import_records(self, *a: Any, **kw: Any) -> int:
        raise StoreError(Message("store.seat_import"))

    def backup(self) -> Path | None:
        """A copy of this seat's journal into backups/ (store.db is the facilitator's)."""
        target = backup_notes(self.path, notes_path(self.path), time.strftime("%Y%m%dT%H%M%S"))
        self._changes_at_backup = self._db.journal.changes
        return target

    def backups(self) -> list[Path]:
        return list_notes_backups(self.path)

    # -- following the facilitator's seat ---------------------------------------------------

    def follow(self) -> Followed:
        """What the facilitator's seat saved in store.db since the last call. store.db
        replaced (its compaction): it is read again and the clocks come as operations."""
        with self.base._lock:
            result = self.base.refresh()
            if not result.reset:
                return Followed(ops=[list(op) for op in result.ops])
            fresh = self._open_base(self.data_dir, self._slug, readonly=True, seat="notes")
            inject(fresh, merge_ops(self._db.journal.read()))
            old, self.base = self.base, fresh
        old.close()
        return Followed(ops=[["clocks", int(k), d] for k, d in fresh._raw("clocks").items()])

    @property
    def journals(self) -> Any:
        return self

    def poll(self) -> Followed:
        return self.follow()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        journal = self._db.journal
        if journal.changes != self._changes_at_backup:
            try:
                self.backup()
            except OSError as exc:
                self.warnings.append(f"no backup taken on closing: {exc.strerror or exc}")
        try:
            self.base._write_summary()
        except (OSError, StoreError, AttributeError) as exc:
            self.warnings.append(f"the summary for 'list' could not be written: {getattr(exc, 'strerror', None) or exc}")
        self._db.close()
        self.warnings.extend(journal.warnings)
        self.base.close()
        self.warnings.extend(self.base.warnings)
        self._lock_file.release()


def open_seat(data_dir: Path, slug: str, seat: str | None, *, readonly: bool = False) -> Any:
    """Open a workshop for one seat (None: the one-seat app, as before)."""
    from facilitator.store.workshop import WorkshopStore

    if seat is None or readonly:
        return WorkshopStore.open(Path(data_dir), slug, readonly=readonly)
    if seat == "facilitator":
        return WorkshopStore.open(Path(data_dir), slug, seat="facilitator")
    if seat == "notes":
        return NotesSeatStore(Path(data_dir), slug, WorkshopStore.open)
    raise StoreError(f"unknown seat {seat!r} (seats: {', '.join(SEATS)})")


def follow(store: Any) -> Followed:
    """Poll the journals `store` does not write (see Journals.poll, NotesSeatStore.follow)."""
    journals = getattr(store, "journals", None)
    if journals is None:
        return Followed()
    return journals.poll()


# -- doctor -------------------------------------------------------------------------------


def merged_tables(path: Path, tables: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """store.db's `tables` with the note-taker's journal merged in, for checks that read
    (doctor): the note-taker's tables are new dicts, every other table is store.db's own."""
    read = _read_replay(notes_path(path))
    if read is None:
        return tables
    out = dict(tables)
    for name in NOTES_OWNS:
        out[name] = dict(tables.get(name, {}))
    for name, doc_id, doc in merge_ops(read[0].tables):
        if doc is None:
            out[name].pop(str(doc_id), None)
        else:
            out[name][str(doc_id)] = doc
    return out


def doctor_notes(path: Path, repair: bool, say: Callable[[str, str], None]) -> None:
    """`doctor` for the note-taker's seat's journal: damage found (and, when that seat is
    closed, repaired the same way as store.db: the original kept aside), what it holds."""
    journal = notes_path(path)
    if not journal.exists():
        return
    from facilitator.store.db import describe_damage

    lock: SeatLock | None = None
    if repair:
        try:
            lock = SeatLock(path).acquire()
        except StoreLocked:
            say("note", Message("doctor.seat_open", name=NOTES_JOURNAL, holder=describe_notes_holder(path)))
            repair = False
    try:
        read = _read_replay(journal)
        if read is None:
            say("problem", Message("doctor.seat_unreadable", name=NOTES_JOURNAL))
            return
        rep = read[0]
        if repair and (rep.damaged or rep.torn_tail):
            db, notes = open_db(journal, covered=_covered(path, journal))
            db.close()
            for note in notes:
                say("fixed", note)
            rep = _read_replay(journal)[0]  # type: ignore[index]
        elif rep.bad or not rep.header:
            say("problem", Message("doctor.seat_damaged", name=NOTES_JOURNAL, damage=describe_damage(rep)))
        counts = {name: len(rep.tables.get(name, {})) for name in ("statements", "actions")}
        say("note", Message("doctor.seat_journal", name=NOTES_JOURNAL, statements=counts['statements'],
                            actions=counts['actions'], backups=len(list_notes_backups(path))))
    finally:
        if lock is not None:
            lock.release()
