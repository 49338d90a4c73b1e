"""WorkshopStore: the one object the rest of the app uses to read and write a
workshop. Every mutator returns only once the change is durable on disk
("acknowledged"); on failure it raises StoreWriteError and the in-memory state
is unchanged.

Layout of a workshop in the data directory::

    {data_dir}/{slug}/store.db        the journal (see facilitator.store.db), flock'd by its writer
    {data_dir}/{slug}/plan.toml       the plan's text, a second copy outside the journal
    {data_dir}/{slug}/summary.json    per-session counts for `list`, valid for one journal state
    {data_dir}/{slug}/store.lock      OS lock: one writer at a time
    {data_dir}/{slug}/store.lock.info who holds the lock (pid, host, command, since)
    {data_dir}/{slug}/backups/        rolling backups (newest 10), see `backup()`

docs/store.md describes the design (format, backups, migration, following).

Thread-safe: every method runs under one re-entrant lock, so a worker thread
may save while the UI thread reads. Records returned by the read methods are
shared with the store's indexes: treat them as values (use
``model_copy(update=...)`` to change one, then save the copy).
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import json
import os
import stat
import threading
import time
from pathlib import Path
from array import array
from typing import Any, Callable, Generic, Iterable, Iterator, Sequence, TypeVar

from pydantic import ValidationError
from tinydb.table import Document

from facilitator.domain.plan import Plan, PlanError, Theme, parse_plan
from facilitator.i18n import Message, Note
from facilitator.domain.records import Action, Finding, ReportText, SessionClock, Statement
from facilitator.domain.workshop import WorkshopData
from facilitator import fileio
from facilitator.store.db import (
    DIR_MODE,
    FILE_MODE,
    IMPORTS,
    FollowResult,
    JournalDB,
    JournalFollower,
    Replay,
    StoreError,
    StoreExists,
    StoreLocked,
    StoreForeign,
    StoreNewer,
    StoreNotFound,
    StoreReplaced,
    StoreWriteError,
    create_db,
    make_dir,
    open_db,
    record_name,
    transaction,
    write_error,
)
from facilitator.store.lazy import ID_MASK, SEQ_MAX, LazyTable, paused_gc
from facilitator.store.lock import WorkshopLock
from facilitator.store.paths import (  # noqa: F401 - re-exported
    DEFAULT_DATA_DIR,
    ENV_DATA_DIR,
    STORE_NAME,
    list_workshops,
    resolve_data_dir,
)

__all__ = [
    "SCHEMA_VERSION", "StoreError", "StoreExists", "StoreForeign", "StoreLocked", "StoreNewer", "StoreNotFound",
    "StoreReplaced", "StoreWriteError", "WorkshopStore", "list_workshops", "read_summary", "resolve_data_dir",
]

SCHEMA_VERSION = 2  # 2: format-2 journal, plan.toml beside it; 1 is migrated on the first writable open
BACKUP_DIR = "backups"
BACKUPS_KEPT = 10
_NO_ID_SEQ = frozenset({"id", "seq"})  # what the store gives a record an import brings
PLAN_NAME = "plan.toml"
SUMMARY_NAME = "summary.json"


def list_backups(path: Path) -> list[Path]:
    """A workshop's backups, oldest first."""
    folder = path / BACKUP_DIR
    if not folder.is_dir():
        return []
    found = []
    for p in folder.glob("store-*.db"):
        with contextlib.suppress(OSError):
            found.append((p.stat().st_mtime_ns, p.name, p))
    return [p for _t, _n, p in sorted(found)]


def _backup_target(path: Path, suffix: str = "") -> Path:
    folder = path / BACKUP_DIR
    make_dir(folder)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    target = folder / f"store-{stamp}{suffix}.db"
    n = 2
    while target.exists():
        target = folder / f"store-{stamp}{suffix}-{n}.db"
        n += 1
    return target


def _rotate(path: Path, keep: Path) -> None:
    """Keep the newest BACKUPS_KEPT backups; one taken before a migration is always kept."""
    rotating = [p for p in list_backups(path) if "-before-migration" not in p.name]
    for old in rotating[:-BACKUPS_KEPT]:
        if old != keep:
            with contextlib.suppress(OSError):
                old.unlink()


def migration_backup(path: Path, made: list[Path]) -> Callable[[bytes, Replay], None]:
    """A before_migration hook for open_db: the original file, verbatim, into backups/
    (store-STAMP-before-migration.db) before an older format is rewritten."""

    def keep_original(data: bytes, _rep: Replay) -> None:
        try:
            target = _backup_target(path, "-before-migration")
            # through a temp file: a kill mid-write never leaves a partial "backup"
            fileio.replace_atomic(target, data)
        except OSError as exc:
            raise StoreError(Message("store.migration_backup_failed", path=path / STORE_NAME,
                                     reason=exc.strerror or exc)) from exc
        made.append(target)

    return keep_original


def _stamp(store_file: Path) -> list[int] | None:
    try:
        st = os.stat(store_file)
    except OSError:
        return None
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns]


def read_summary(data_dir: Path, slug: str) -> dict[str, Any] | None:
    """The per-session counts `list` shows, when summary.json describes the store file as
    it is now (same file, size and time); None when it is missing or stale."""
    path = data_dir / slug
    try:
        summary = json.loads((path / SUMMARY_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(summary, dict) or summary.get("stamp") != _stamps(path):
        return None
    return summary


def _stamps(path: Path) -> list[int] | None:
    """The state of every journal of the workshop (store.db, then the note-taker's seat's)."""
    from facilitator.store.seats import stamp_extra

    main = _stamp(path / STORE_NAME)
    return None if main is None else main + stamp_extra(path)


def check_schema(path: Path) -> Callable[[dict[str, dict[str, dict]]], None]:
    """A verify hook for open_db: refuse (untouched) a store of a newer schema."""

    def verify(tables: dict[str, dict[str, dict]]) -> None:
        meta = tables.get("meta", {}).get("1") or {}
        version = meta.get("schema_version", 0)
        if not isinstance(version, int) or isinstance(version, bool) or version > SCHEMA_VERSION:
            raise StoreNewer(Message("store.newer_schema", path=path, version=version, supported=SCHEMA_VERSION))

    return verify


R = TypeVar("R", Statement, Action)


class _Index(Generic[R]):
    """Statements or actions, per session in (seq, id) order, over the journal's lazy
    table: a session's order comes from the store's index (nothing parsed); a record is
    read from the file and validated when first asked for, then kept (shared with callers).
    Invalid or damaged records are left out and reported through `on_bad`."""

    def __init__(self, raw: LazyTable, model: type[R], on_bad: Callable[[list[str]], None], top: int) -> None:
        self.raw, self.model, self.on_bad = raw, model, on_bad
        self.by_id: dict[int, R] = {}
        self._keys: dict[Any, array] = {}  # built sessions: sorted seq << 32 | id
        self.next_seq: dict[int, int] = {}
        self.bad: set[int] = set()
        self.top = top  # the highest id known: a followed document above it is new

    def keys(self, session: Any) -> array:
        keys = self._keys.get(session)
        if keys is None:
            keys, _extra = self.raw.keys_of(session)
            if self.bad:
                keys = array("q", (k for k in keys if k & ID_MASK not in self.bad))
            self._keys[session] = keys
            if type(session) is int and keys:
                self.next_seq[session] = max(self.next_seq.get(session, 1), (keys[-1] >> 32) + 1)
        return keys

    def ensure(self, session: Any) -> None:
        self.keys(session)

    def get(self, rec_id: int) -> R | None:
        rec = self.by_id.get(rec_id)
        if rec is not None or rec_id in self.bad:
            return rec
        return self._build(rec_id, self.raw.get(str(rec_id)))

    def _build(self, rec_id: int, doc: dict | None) -> R | None:
        if doc is None:
            if str(rec_id) in self.raw:  # its line is damaged (reported by the table's hook)
                self.bad.add(rec_id)
            return None
        try:
            rec = self.model.model_validate({**doc, "id": rec_id})
        except (ValidationError, TypeError):
            self.bad.add(rec_id)
            self.on_bad([str(rec_id)])
            return None
        self.by_id[rec_id] = rec
        return rec

    def session_of(self, rec_id: int) -> Any:
        return self.raw.session_of(rec_id)

    def has(self, rec_id: int) -> bool:
        return self.get(rec_id) is not None

    def add(self, rec: R) -> None:
        assert rec.id is not None
        keys = self.keys(rec.session)
        key = _key(rec)
        if not keys or key > keys[-1]:
            keys.append(key)
        else:
            keys.insert(bisect.bisect(keys, key), key)
        self.by_id[rec.id] = rec
        self.top = max(self.top, rec.id)
        self.next_seq[rec.session] = max(self.next_seq.get(rec.session, 1), rec.seq + 1)

    def seq_for(self, session: int) -> int:
        self.keys(session)
        return self.next_seq.get(session, 1)

    def _unkey(self, session: Any, key: int) -> None:
        keys = self._keys.get(session)
        if keys is not None:
            at = bisect.bisect_left(keys, key)
            if at < len(keys) and keys[at] == key:
                del keys[at]

    def remove(self, rec_id: int) -> R:
        rec = self.get(rec_id)
        if rec is None:
            raise KeyError(rec_id)
        self.by_id.pop(rec_id, None)
        self._unkey(rec.session, _key(rec))
        return rec

    def _read(self, session: Any, keys: Sequence[int]) -> list[R]:
        """The records of `keys` (of one session); those that cannot be read leave the order."""
        out: list[R] = []
        lost: list[int] = []
        by_id = self.by_id
        unread = [k & ID_MASK for k in keys if (k & ID_MASK) not in by_id and (k & ID_MASK) not in self.bad]
        with paused_gc(len(unread)):
            for part in range(0, len(unread), BATCH):  # read in batches: one parse each
                self._read_batch(unread[part:part + BATCH])
        for k in keys:
            rec = by_id.get(k & ID_MASK)
            if rec is None:
                lost.append(k)
            else:
                out.append(rec)
        for k in lost:
            self._unkey(session, k)
        return out

    def _read_batch(self, ids: list[int]) -> None:
        """Read and validate `ids` (unread records). Snapshot lines that pass their check
        and have the writer's shape are parsed and validated in one step from their bytes
        (pydantic's `validate_json` of a list of the model, over the batch: no Python
        dict in between, every field validated as `model_validate` does); if that fails
        for any of them (an invalid record, one of an older shape), the whole batch goes
        the record-by-record way, which reports what is wrong as before."""
        raw = self.raw
        texts = raw.doc_bytes(ids) if len(ids) >= FAST_MIN else [None] * len(ids)
        fast = [(rec_id, text) for rec_id, text in zip(ids, texts) if text is not None]
        slow = [rec_id for rec_id, text in zip(ids, texts) if text is None]
        if fast:
            try:
                recs = _list_adapter(self.model).validate_json(b"[" + b",".join(t for _i, t in fast) + b"]")
                if len(recs) != len(fast):
                    raise ValueError("batch does not add up")
            except ValueError:  # ValidationError is one
                slow += [rec_id for rec_id, _t in fast]
            else:
                everything = _all_fields(self.model)
                by_id, setattr_ = self.by_id, object.__setattr__
                for (rec_id, _t), rec in zip(fast, recs):
                    rec.__dict__["id"] = rec_id  # as `rec.id = rec_id` does, without its checks
                    fields = rec.__pydantic_fields_set__
                    fields.add("id")
                    if fields == everything:  # one shared set, not one each
                        setattr_(rec, "__pydantic_fields_set__", everything)
                    by_id[rec_id] = rec
        if slow:
            slow.sort()
            for rec_id, doc in zip(slow, raw.get_many(slow)):
                self._build(rec_id, doc)

    def records(self, session: int | None) -> list[R]:
        if session is not None:
            return self._read(session, list(self.keys(session)))
        out: list[R] = []
        for number in sorted(self.raw.sessions(), key=lambda s: (s is None, s or 0)):
            out.extend(self.records(number) if number is not None else self._read(None, list(self.keys(None))))
        return out

    def at(self, session: int, i: int) -> R:
        while True:
            keys = self.keys(session)
            k = keys[i]  # IndexError when out of range
            rec = self.get(k & ID_MASK)
            if rec is not None:
                return rec
            self._unkey(session, k)

    def slice(self, session: int, part: slice) -> list[R]:
        while True:
            keys = self.keys(session)
            wanted = keys[part]
            out = self._read(session, wanted)
            if len(out) == len(wanted):
                return out

    def forget(self, session: int) -> None:
        """Drop a session's order: it is built again from the journal when asked for."""
        self._keys.pop(session, None)

    def followed(self, doc_id: int, doc: dict | None) -> None:
        """A document a follower read (already in `raw`): keep the order in step."""
        old = self.by_id.pop(doc_id, None)
        self.bad.discard(doc_id)
        if doc_id > self.top and doc is not None:  # new: ids are never reused
            self.top = doc_id
            session = doc.get("session")
            session = session if type(session) is int else None
            if session in self._keys:
                seq = doc.get("seq")
                key = (min(max(seq, 0), SEQ_MAX) if type(seq) is int else 0) << 32 | (doc_id & ID_MASK)
                keys = self._keys[session]
                keys.insert(bisect.bisect(keys, key), key)
                if type(seq) is int:
                    self.next_seq[session] = max(self.next_seq.get(session, 1), seq + 1)
            return
        if old is not None:
            self._unkey(old.session, _key(old))
            if doc is not None:
                self._keys.pop(doc.get("session"), None)
            return
        self._keys.clear()  # an unread record changed: the orders are built again when asked for


BATCH = 4096  # records read, parsed and validated in one go
FAST_MIN = 64  # from this many records on, a read validates from the lines' bytes in one step


@functools.cache
def _list_adapter(model: type) -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(list[model])  # type: ignore[valid-type]


@functools.cache
def _all_fields(model: type) -> set[str]:
    """The fields set of a record that has all its fields: shared by the records a bulk
    read builds (a set of its own costs about 700 bytes a record, 70 MB at 100,000).
    Setting a field adds its name, already in it: sharing it changes nothing."""
    return set(model.model_fields)


def _key(rec: Statement | Action) -> int:
    return min(max(rec.seq, 0), SEQ_MAX) << 32 | ((rec.id or 0) & ID_MASK)


class _View(Sequence):
    """`WorkshopStore.statement_view`: one session's statements, read when indexed."""

    def __init__(self, store: WorkshopStore, session: int):
        self.store, self.session = store, session

    def __len__(self) -> int:
        with self.store._lock:
            return len(self.store._statements.keys(self.session))

    def __getitem__(self, i: Any) -> Any:
        with self.store._lock:
            index = self.store._statements
            if isinstance(i, slice):
                return index.slice(self.session, i)
            return index.at(self.session, i)

    def __iter__(self) -> Iterator[Statement]:
        return iter(self[:])

    def __eq__(self, other: object) -> bool:  # as the list it replaces (reads everything)
        if isinstance(other, (list, tuple, _View)):
            return self[:] == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<statement view of session {self.session}: {len(self)}>"


def _locked(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def wrapper(self: WorkshopStore, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper


class WorkshopStore:
    """A workshop's plan and records. Open with `create` or `open`, then `close`."""

    def __init__(self, path: Path, db: Any, plan: Plan, plan_text: str, readonly: bool, recovery: list[Note]):
        self.path = path  # the workshop's directory
        self._db: JournalDB = db
        self.plan = plan
        self.plan_text = plan_text
        self.readonly = readonly
        self.recovery = recovery  # what was recovered when opening, for the user, one line each (English as
        # strings; shown in the interface language: facilitator.i18n.in_language)
        self._lock = threading.RLock()
        self._lockfile: WorkshopLock | None = None
        self._closed = False
        self.warnings: list[str] = []  # problems after everything was durable (e.g. closing), one line each
        self._backed_up_at = -1  # journal changes count at the last backup
        self._follower: JournalFollower | None = None
        self.seat: str | None = None  # "facilitator" for that seat's process (facilitator.store.seats)
        self.journals: Any = None  # the other journals of the workshop (facilitator.store.seats.Journals)
        self._rebuild()

    # -- opening ---------------------------------------------------------------

    @classmethod
    def create(cls, data_dir: Path, plan: Plan, plan_text: str) -> WorkshopStore:
        slug = plan.workshop.slug
        assert slug, "a plan has a slug once parsed"
        path = data_dir / slug
        exists = StoreExists(Message("store.exists", slug=repr(slug), data_dir=data_dir))
        if (path / STORE_NAME).exists():
            raise exists
        try:
            make_dir(path)
        except OSError as exc:
            raise write_error(path, exc) from exc
        lock = WorkshopLock(path).acquire()
        try:
            if (path / STORE_NAME).exists():
                raise exists
            meta = {"schema_version": SCHEMA_VERSION, "slug": slug, "plan_text": plan_text}
            _write_plan(path, plan_text)
            create_db(path / STORE_NAME, {"meta": {1: meta}})
            db, recovery = open_db(path / STORE_NAME, lazy=True)
        except BaseException:
            lock.release()
            raise
        store = cls(path, db, plan, plan_text, False, recovery)
        store._lockfile = lock
        return store

    @classmethod
    def open(cls, data_dir: Path, slug: str, *, readonly: bool = False,
             fallback_plan: tuple[Plan, str] | None = None, seat: str | None = None) -> WorkshopStore:
        """Open a workshop. Writable: takes the workshop lock (StoreLocked names the holder).
        readonly=True: no lock, nothing can be saved (mutators raise StoreError).
        fallback_plan (plan, text): used when the stored plan no longer parses (a newer
        version validates more strictly), so `new --update` can replace it.
        seat: None (every writable open that is not a seat also takes the note-taker's
        seat's lock and folds its journal in), "facilitator" (store.db writable, the
        note-taker's journal followed) or "notes" (read-only base of that seat); see
        facilitator.store.seats."""
        path = data_dir / slug
        if not (path / STORE_NAME).exists():
            known = ", ".join(list_workshops(data_dir)) or Message("store.none")
            raise StoreNotFound(Message("store.not_found", slug=repr(slug), data_dir=data_dir, known=known))
        lock = None if readonly else WorkshopLock(path).acquire()
        try:
            migrated: list[Path] = []
            keep_original = migration_backup(path, migrated)
            from facilitator.store.recover import acknowledged_cut, amend_from_backup, behind_backup

            behind: list[Note | None] = []

            db, recovery = open_db(path / STORE_NAME, readonly=readonly, verify=check_schema(path / STORE_NAME), lazy=True,
                                   before_migration=keep_original, amend=lambda rep: amend_from_backup(path, rep),
                                   behind=lambda rep, size: behind.append(behind_backup(path, rep, size)),
                                   covered=lambda rep, size: acknowledged_cut(path, path / STORE_NAME, rep, size))
            # A journal shorter than a backup taken from it may be cut short, or an older copy
            # put back on purpose: opening only says so; `doctor` restores from the backup.
            recovery = [*recovery, *(Note(Message("store.recovery.behind", name=STORE_NAME, fewer=reason, slug=slug))
                                     for reason in behind if reason)]
            try:
                meta = db.table("meta").get(doc_id=1)
                plan_text = meta.get("plan_text") if meta is not None else None
                if not isinstance(plan_text, str):
                    plan_text = _read_plan(path)
                    if plan_text is None:
                        raise StoreError(Message("store.no_meta", path=path / STORE_NAME, plan=PLAN_NAME, slug=slug))
                    recovery = [*recovery, Note(Message("store.recovery.plan_record_lost", plan=PLAN_NAME))]
                    if not readonly:
                        new_meta = {"schema_version": SCHEMA_VERSION, "slug": slug, "plan_text": plan_text}
                        if meta is None:
                            db.table("meta").insert(Document(new_meta, doc_id=1))
                        else:
                            db.table("meta").update(new_meta, doc_ids=[1])
                        meta = new_meta
                try:
                    plan = parse_plan(plan_text, f"{slug} (stored plan)", default_slug=slug)
                except PlanError as exc:
                    if fallback_plan is None:
                        raise StoreError(Message("store.plan_invalid", path=path / STORE_NAME,
                                                 error=exc.lines[0])) from exc
                    plan = fallback_plan[0]  # plan_text stays the stored one: it still has to be replaced
                    recovery = [*recovery, Note(Message("store.recovery.plan_invalid", error=exc.lines[0]))]
                if not readonly:
                    if (meta or {}).get("schema_version", 0) < SCHEMA_VERSION:
                        db.table("meta").update({"schema_version": SCHEMA_VERSION}, doc_ids=[1])
                        if migrated:
                            recovery = [*recovery, Note(Message("store.recovery.migrated", version=SCHEMA_VERSION,
                                                                path=f"{BACKUP_DIR}/{migrated[0].name}"))]
                    if _read_plan(path) != plan_text:
                        with contextlib.suppress(OSError):
                            _write_plan(path, plan_text)
                store = cls(path, db, plan, plan_text, readonly, recovery)
                from facilitator.store.seats import attach

                store.seat = seat
                store.journals = attach(store, seat)  # may fold the note-taker's journal in
            except BaseException:
                db.close()
                raise
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        store._lockfile = lock
        store._backed_up_at = store._db.journal.changes
        if not readonly:
            _tighten(path)
            _remove_temp_files(path)
        return store

    def close(self) -> None:
        """Close the workshop. After changes it first takes a backup and writes the summary
        `list` reads. Never raises for what happens once the data is durable: such problems
        become lines in `warnings` (the CLI prints them as warnings)."""
        with self._lock:
            if self._closed:
                return
            journal = self._db.journal
            if not self.readonly and not journal.closed:
                journal.compact_long_tail()  # before the summary: it names the file as it stays
                if journal.changes != self._backed_up_at:
                    try:
                        self.backup()
                    except StoreError as exc:
                        self.warnings.append(f"no backup taken on closing: {exc}")
                try:
                    if journal.changes or read_summary(self.path.parent, self.slug) is None:
                        self._write_summary()
                except (OSError, StoreError) as exc:
                    self.warnings.append(f"the summary for 'list' could not be written: "
                                         f"{getattr(exc, 'strerror', None) or exc}")
            self._closed = True
            self._db.close()
            if self.journals is not None:
                self.journals.close()
            self.warnings.extend(journal.warnings)
            if self._lockfile is not None:
                try:
                    self._lockfile.release()
                except OSError as exc:
                    self.warnings.append(f"releasing the lock failed after everything was saved: {exc.strerror or exc}")

    def __enter__(self) -> WorkshopStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def slug(self) -> str:
        return self.path.name

    # -- plan and themes ---------------------------------------------------------

    @_locked
    def update_plan(self, plan: Plan, plan_text: str, keep_themes: Iterable[Theme] = ()) -> None:
        """Re-apply an edited plan in one atomic save. `keep_themes` (dropped from the
        plan but still used by records) live on as created themes."""
        self._writable()
        created = {d.get("key") for d in self._db.table("themes").all()}
        with transaction(self._db):
            self._db.table("meta").update({"plan_text": plan_text}, doc_ids=[1])
            for theme in keep_themes:
                if theme.key not in created:
                    self._db.table("themes").insert({"key": theme.key, "label": theme.label})
        self.plan = plan
        self.plan_text = plan_text
        self._after_durable(lambda: _write_plan(self.path, plan_text), f"{PLAN_NAME} could not be updated")
        self._after_durable(self.backup, "no backup taken after the plan update")

    def _after_durable(self, action: Callable[[], Any], what: str) -> None:
        """Run a second-copy step after a save was acknowledged: its failure is a warning."""
        try:
            action()
        except (OSError, StoreError) as exc:
            self.warnings.append(f"{what}: {getattr(exc, 'strerror', None) or exc}")

    @_locked
    def themes(self) -> list[Theme]:
        """The plan's themes, then those created while tagging, in creation order."""
        created = []
        for d in self._db.table("themes").all():
            with contextlib.suppress(ValidationError, KeyError):
                created.append(Theme(key=d["key"], label=d["label"]))
        known = {t.key for t in self.plan.themes}
        seen: set[str] = set()
        out = list(self.plan.themes)
        for t in created:
            if t.key not in known and t.key not in seen:
                seen.add(t.key)
                out.append(t)
        return out

    @_locked
    def add_theme(self, key: str, label: str | None = None) -> Theme:
        """Create a theme while tagging; an existing key is returned as it is."""
        theme = Theme(key=key, label=label or key)
        for known in self.themes():
            if known.key == key:
                return known
        self._writable()
        self._db.table("themes").insert({"key": theme.key, "label": theme.label})
        return theme

    # -- statements ----------------------------------------------------------------

    @_locked
    def add_statement(self, st: Statement) -> Statement:
        return self._add(self._statements, "statements", Statement, st)

    @_locked
    def update_statement(self, st: Statement) -> None:
        self._update(self._statements, "statements", Statement, st)

    @_locked
    def delete_statement(self, statement_id: int) -> Statement:
        return self._delete(self._statements, "statements", statement_id)

    @_locked
    def restore_statement(self, st: Statement) -> None:
        """Put a deleted statement back under its own id (undo)."""
        assert st.id is not None
        self._writable()
        data = st.model_dump(exclude={"id"})
        self._statements.ensure(st.session)
        try:
            self._db.table("statements").insert(Document(data, doc_id=st.id))
        except ValueError:
            raise StoreError(Message("store.record_exists", what=record_name("statements", st.id))) from None
        self._statements.add(Statement(id=st.id, **data))

    @_locked
    def statements(self, session: int | None = None) -> list[Statement]:
        return self._statements.records(session)

    def statement_view(self, session: int) -> Sequence[Statement]:
        """The statements of one session, in order, for a screen that shows the newest
        first and the rest when scrolled to.

        Contract (the live screen relies on it): ``len()`` is cheap; indexing and
        slicing return only the records asked for (a lazy store parses only those);
        the view reflects what is saved through this store afterwards (adds, edits,
        deletes, and what ``refresh()`` brings in). Iterating it reads everything, so
        a screen should slice the part it shows. A record that turns out damaged or
        invalid when read leaves the view (it gets one shorter) and is reported in
        `recovery`."""
        return _View(self, session)

    # -- actions -------------------------------------------------------------------

    @_locked
    def add_action(self, action: Action) -> Action:
        return self._add(self._actions, "actions", Action, action)

    @_locked
    def update_action(self, action: Action) -> None:
        self._update(self._actions, "actions", Action, action)

    @_locked
    def delete_action(self, action_id: int) -> None:
        self._delete(self._actions, "actions", action_id)

    @_locked
    def actions(self, session: int | None = None) -> list[Action]:
        return self._actions.records(session)

    # -- attendance and clock ------------------------------------------------------------

    @_locked
    def attendance(self, session: int) -> list[str]:
        doc = self._by_session("attendance", session)
        return list(doc["keys"]) if doc else []

    @_locked
    def set_attendance(self, session: int, keys: list[str]) -> None:
        self._upsert_session("attendance", session, {"session": session, "keys": list(keys)})

    @_locked
    def clock(self, session: int) -> SessionClock:
        doc = self._by_session("clocks", session)
        return SessionClock.model_validate(doc) if doc else SessionClock(session=session)

    @_locked
    def save_clock(self, clock: SessionClock) -> None:
        self._upsert_session("clocks", clock.session, clock.model_dump(mode="json"))

    # -- the researcher's report -----------------------------------------------------------

    @_locked
    def findings(self) -> list[Finding]:
        docs = []
        for d in self._db.table("findings").all():
            with contextlib.suppress(ValidationError, TypeError):
                docs.append(Finding(id=d.doc_id, **d))
        return sorted(docs, key=lambda f: (f.position, f.id or 0))

    @_locked
    def save_finding(self, finding: Finding) -> Finding:
        self._writable()
        table = self._db.table("findings")
        data = finding.model_dump(exclude={"id"})
        if finding.id is None:
            return finding.model_copy(update={"id": table.insert(data)})
        if table.get(doc_id=finding.id) is None:
            raise StoreError(Message("store.no_record", what=record_name("findings", finding.id)))
        table.update(data, doc_ids=[finding.id])
        return finding

    @_locked
    def delete_finding(self, finding_id: int) -> None:
        self._writable()
        table = self._db.table("findings")
        if table.get(doc_id=finding_id) is None:
            raise StoreError(Message("store.no_record", what=record_name("findings", finding_id)))
        table.remove(doc_ids=[finding_id])

    @_locked
    def restore_finding(self, finding: Finding) -> None:
        """Put a deleted finding back under its own id (undo)."""
        assert finding.id is not None
        self._writable()
        try:
            self._db.table("findings").insert(Document(finding.model_dump(exclude={"id"}), doc_id=finding.id))
        except ValueError:
            raise StoreError(Message("store.record_exists", what=record_name("findings", finding.id))) from None

    @_locked
    def remove_theme(self, key: str) -> None:
        """Drop a theme created while tagging (after its statements moved to another one).
        A theme of the plan stays: the plan is changed with `new --update`."""
        self._writable()
        table = self._db.table("themes")
        ids = [d.doc_id for d in table.all() if d.get("key") == key]
        if ids:
            table.remove(doc_ids=ids)

    @_locked
    def report_text(self) -> ReportText:
        doc = self._db.table("report").get(doc_id=1)
        return ReportText.model_validate(doc) if doc else ReportText()

    @_locked
    def save_report_text(self, text: ReportText) -> None:
        self._writable()
        table = self._db.table("report")
        if table.get(doc_id=1) is None:
            table.insert(Document(text.model_dump(), doc_id=1))
        else:
            table.update(text.model_dump(), doc_ids=[1])

    # -- everything at once ------------------------------------------------------------

    @_locked
    def next_session(self, now: float | None = None) -> int:
        """The session to run (WorkshopData.next_session's rule), from the clocks,
        the attendance and the index of which sessions hold records: no statement is
        read (a snapshot of a 100,000-statement workshop parses every one)."""
        return self._held().next_session(now)

    @_locked
    def held_sessions(self) -> list[int]:
        """The sessions held (WorkshopData.held_sessions' rule), in number order, without
        reading a statement (the home screen lists them for every workshop)."""
        return self._held().held_sessions()

    def _held(self) -> WorkshopData:
        """The clocks, the attendance and one stand-in record per session that holds any."""
        numbers = [s.number for s in self.plan.sessions]
        clocks = {n: c for n in numbers if (c := self.clock(n)).started_at is not None}
        held = {n for name in ("statements", "actions") for n in self._raw(name).sessions() if isinstance(n, int)}
        attendance = {n: ["x"] for n in numbers if self.attendance(n)}
        marks = [Statement(session=n, text="") for n in sorted(held)]
        return WorkshopData(plan=self.plan, themes=[], statements=marks, actions=[], attendance=attendance,
                            clocks=clocks)

    @_locked
    def snapshot(self) -> WorkshopData:
        """All records as one pure value, for exports and overviews."""
        numbers = [s.number for s in self.plan.sessions]
        attendance = {n: keys for n in numbers if (keys := self.attendance(n))}
        clocks = {n: c for n in numbers if (c := self.clock(n)).started_at is not None}
        return WorkshopData(
            plan=self.plan, themes=self.themes(), statements=self.statements(), actions=self.actions(),
            attendance=attendance, clocks=clocks, findings=self.findings(), report=self.report_text(),
        )

    # -- import --------------------------------------------------------------------

    @_locked
    def import_records(self, session: int, records: Iterable[Statement | Action],
                       attendance: list[str] | None | Callable[[], list[str] | None] = None,
                       themes: Iterable[str] | Callable[[], Iterable[str]] = (),
                       source: dict[str, Any] | None = None) -> int:
        """Add many records atomically: all of them are saved, or none. Returns the count.
        `records` may be a generator that raises to abort (nothing is then saved); it is
        consumed once, streamed to the file. `attendance` and `themes` may be callables,
        asked after the last record (a single-pass import learns them on the way).
        `source` ({"file": name, "lines": n}) names the import: it is the transaction's
        first operation (a document of the `imports` table), so an import cut short by a
        kill is told as such when the store is next opened (docs/store.md)."""
        self._writable()
        count = 0
        try:
            with transaction(self._db):
                if source is not None:
                    self._db.journal.insert(IMPORTS, {**source, "session": session})
                for key in (() if callable(themes) else themes):
                    self.add_theme(key)
                journal = self._db.journal
                touched: set[tuple[str, int]] = set()
                for rec in records:
                    name, index = (("statements", self._statements) if isinstance(rec, Statement)
                                   else ("actions", self._actions))
                    number = rec.session
                    if (name, number) not in touched:
                        index.ensure(number)
                        touched.add((name, number))
                        seq = index.seq_for(number)
                    else:  # the loop alone hands out this session's numbers now
                        seq = index.next_seq[number]
                    index.next_seq[number] = seq + 1
                    if getattr(rec, "offset", None) is None:
                        # Encoded once, by pydantic: the same bytes as the dict through db._dumps
                        # (floats aside: NaN would differ), in about half the time. `seq` is
                        # the models' last field.
                        encoded = rec.model_dump_json(exclude=_NO_ID_SEQ).encode()[:-1] + b',"seq":%d}' % seq
                        journal.insert(name, {"session": number, "seq": seq, "kind": getattr(rec, "kind", None),
                                              "key": getattr(rec, "key", False)}, encoded)
                    else:
                        data = rec.model_dump()
                        del data["id"]
                        data["seq"] = seq
                        journal.insert(name, data)  # streamed to the file; indexed after the commit
                    count += 1
                for key in (themes() if callable(themes) else ()):
                    self.add_theme(key)
                if callable(attendance):
                    attendance = attendance()
                if attendance is not None:
                    self.set_attendance(session, attendance)
        except BaseException:
            self._rebuild()  # the db rolled back; so do the indexes
            raise
        for name, number in touched:  # read again (lazily) from the documents when asked for
            (self._statements if name == "statements" else self._actions).forget(number)
        self._after_durable(self.backup, "no backup taken after the import")
        return count

    # -- backups ----------------------------------------------------------------------

    @_locked
    def backup(self) -> Path:
        """Write a copy of the store to {workshop}/backups/store-YYYYmmddTHHMMSS.db (0600),
        keeping the newest 10. The copy is itself a store file. Taken after every import and
        plan update, when the clock starts and on closing after changes. Raises StoreWriteError."""
        self._writable()
        target = self.path / BACKUP_DIR
        try:
            target = _backup_target(self.path)
            self._db.journal.copy_to(target)  # temp file + rename: a backup is whole or absent
        except OSError as exc:
            raise write_error(target, exc) from exc
        self._backed_up_at = self._db.journal.changes
        _rotate(self.path, target)
        from facilitator.store.seats import backup_notes, notes_path

        with contextlib.suppress(OSError):  # every journal: the note-taker's seat's beside it
            backup_notes(self.path, notes_path(self.path), target.stem.removeprefix("store-"))
        return target

    def backups(self) -> list[Path]:
        return list_backups(self.path)

    # -- following (read-only) ------------------------------------------------------

    @_locked
    def refresh(self) -> FollowResult:
        """Read-only: take in what the writing copy saved since the last call, reading only
        the bytes appended. `result.reset` when the file was replaced (a compaction or a
        restore): then open the workshop again. Returns what changed (falsy: nothing)."""
        if not self.readonly:
            return FollowResult()
        if self._follower is None:
            self._follower = self._db.journal.follower()
        result = self._follower.poll()
        if result.ops:
            self._db.clear_cache()
            for table in self._db._tables.values():
                table.clear_cache()
            self._apply_followed(result.ops)
        return result

    def _apply_followed(self, ops: list[list[Any]]) -> None:
        indexes = {"statements": (self._statements, Statement), "actions": (self._actions, Action)}
        for name, doc_id, doc in ops:
            if name in indexes:
                indexes[name][0].followed(doc_id, doc)
            elif name in self._session_docs and doc is not None and isinstance(doc.get("session"), int):
                self._session_docs[name].setdefault(doc["session"], doc_id)
            elif name == "meta" and doc_id == 1 and doc is not None and isinstance(doc.get("plan_text"), str) \
                    and doc["plan_text"] != self.plan_text:
                with contextlib.suppress(PlanError):
                    self.plan = parse_plan(doc["plan_text"], f"{self.slug} (stored plan)", default_slug=self.slug)
                    self.plan_text = doc["plan_text"]

    # -- summary for `list` -----------------------------------------------------------

    @_locked
    def summary(self) -> dict[str, Any]:
        """Per-session counts for `list`, from the raw documents (nothing is validated)."""
        sessions: dict[str, dict[str, Any]] = {
            str(s.number): {"statements": 0, "quotes": 0, "key": 0, "actions": 0, "held": False}
            for s in self.plan.sessions}
        for name in ("statements", "actions"):
            for number, (n, quotes, key) in self._raw(name).tally().items():
                per = sessions.get(str(number))
                if per is None or n <= 0:
                    continue
                per["held"] = True
                if name == "actions":
                    per["actions"] += n
                    continue
                per["statements"] += n
                per["quotes"] += quotes
                per["key"] += key
        for doc in self._raw("attendance").values():
            if doc.get("keys") and str(doc.get("session")) in sessions:
                sessions[str(doc.get("session"))]["held"] = True
        for doc in self._raw("clocks").values():
            if doc.get("started_at") is not None and str(doc.get("session")) in sessions:
                sessions[str(doc.get("session"))]["held"] = True
        return {"slug": self.slug, "title": self.plan.workshop.title, "sessions": sessions}

    def _write_summary(self) -> None:
        stamp = _stamps(self.path)  # first: a save after it makes the summary stale, never wrong
        if self.journals is not None:
            self.journals.sync()  # what the other seat saved up to now is counted
        summary = {**self.summary(), "stamp": stamp}
        if read_summary(self.path.parent, self.slug) == summary:
            return
        fileio.replace_atomic(self.path / SUMMARY_NAME, json.dumps(summary, ensure_ascii=False).encode())

    # -- helpers ---------------------------------------------------------------------

    def _writable(self) -> None:
        if self.readonly:
            raise StoreError(Message("store.readonly", slug=repr(self.slug)))
        if self._closed:
            raise StoreError(Message("store.closed", slug=repr(self.slug)))

    def _rebuild(self) -> None:
        """The indexes over the db's tables (built lazily, per session)."""
        def reporter(name: str) -> Callable[[list[str]], None]:
            def on_bad(bad: list[str]) -> None:
                note = Note(Message("store.recovery.invalid_records", n=len(bad), table=Message(f"store.records.{name}"),
                                    ids=", ".join(bad[:5]), slug=self.slug))
                if note not in self.recovery:
                    self.recovery.append(note)
            return on_bad

        journal = self._db.journal
        self._statements: _Index[Statement] = _Index(self._raw("statements"), Statement, reporter("statements"),
                                                     journal._maxids.get("statements", 0))
        self._actions: _Index[Action] = _Index(self._raw("actions"), Action, reporter("actions"),
                                               journal._maxids.get("actions", 0))
        for name in ("statements", "actions"):
            table = self._raw(name)
            table.on_damage[:] = [self._damaged_line]
        self._session_docs: dict[str, dict[int, int]] = {}
        for name in ("attendance", "clocks"):
            found: dict[int, int] = {}
            for doc_id, doc in self._raw(name).items():
                if isinstance(doc.get("session"), int):
                    found.setdefault(doc["session"], int(doc_id))
            self._session_docs[name] = found

    def _damaged_line(self, table: str, doc_id: int, session: Any) -> None:
        """A record's line failed its check when read (opening does not read every line)."""
        offset = self._raw(table).damaged.get(doc_id, (None,))[0]
        at = Message("store.recovery.at_byte", offset=offset) if offset is not None else ""
        note = Note(Message("store.recovery.unreadable_record", what=record_name(table, doc_id), session=session,
                            name=STORE_NAME, at=at, slug=self.slug))
        if note not in self.recovery:
            self.recovery.append(note)

    def _raw(self, name: str) -> Any:
        """The live raw table (str id -> document) of the journal."""
        return self._db.journal.read().setdefault(name, {})

    def _add(self, index: _Index[Any], table: str, model: Any, rec: Any) -> Any:
        self._writable()
        data = rec.model_dump(exclude={"id"})
        data["seq"] = index.seq_for(rec.session)
        index.ensure(rec.session)
        doc_id = self._db.table(table).insert(data)
        saved = model(id=doc_id, **data)
        index.add(saved)
        return saved

    def _update(self, index: _Index[Any], table: str, model: Any, rec: Any) -> None:
        assert rec.id is not None
        self._writable()
        if not index.has(rec.id):
            raise StoreError(Message("store.no_record", what=record_name(table, rec.id)))
        index.ensure(rec.session)  # built before the document moves there
        data = rec.model_dump(exclude={"id"})
        self._db.table(table).update(data, doc_ids=[rec.id])
        index.remove(rec.id)
        index.add(model(id=rec.id, **data))

    def _delete(self, index: _Index[Any], table: str, rec_id: int) -> Any:
        self._writable()
        if not index.has(rec_id):
            raise StoreError(Message("store.no_record", what=record_name(table, rec_id)))
        self._db.table(table).remove(doc_ids=[rec_id])
        return index.remove(rec_id)

    def _by_session(self, table: str, session: int) -> dict[str, Any] | None:
        doc_id = self._session_docs[table].get(session)
        return None if doc_id is None else self._db.table(table).get(doc_id=doc_id)

    def _upsert_session(self, table_name: str, session: int, data: dict[str, Any]) -> None:
        self._writable()
        table = self._db.table(table_name)
        doc_id = self._session_docs[table_name].get(session)
        if doc_id is None:
            self._session_docs[table_name][session] = table.insert(data)
        else:
            table.update(data, doc_ids=[doc_id])


def _write_plan(path: Path, plan_text: str) -> None:
    """The plan's second copy, outside the journal (written atomically and durably)."""
    fileio.replace_atomic(path / PLAN_NAME, plan_text.encode("utf-8"))


def _read_plan(path: Path) -> str | None:
    try:
        return (path / PLAN_NAME).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _remove_temp_files(path: Path) -> None:
    """What a process killed while writing a backup, plan.toml or summary.json left (the
    lock is held: no one else is writing them)."""
    for tmp in [*path.glob(f"{PLAN_NAME}{fileio.TMP_INFIX}*"), *path.glob(f"{SUMMARY_NAME}{fileio.TMP_INFIX}*"),
                *(path / BACKUP_DIR).glob(f"*{fileio.TMP_INFIX}*")]:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _tighten(path: Path) -> None:
    """Make a workshop private again (a clone or a copy may have loosened it): 0700/0600."""
    for target, mode in ((path, DIR_MODE), (path / STORE_NAME, FILE_MODE)):
        with contextlib.suppress(OSError):
            if stat.S_IMODE(target.stat().st_mode) & ~mode:
                os.chmod(target, mode)
