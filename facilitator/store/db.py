"""The TinyDB behind a workshop store: an append-only, checksummed journal.

File format of ``store.db`` (UTF-8, one entry per line)::

    CRC32HEX JSON\\n

The first line is a header, ``{"facilitator-store": 1, "next": {table: max id}}``.
Every later line is one atomic entry: a JSON list of operations
``[table, doc_id, document]`` (set the whole document) or ``[table, doc_id, null]``
(remove it). A mutation is acknowledged once its line is written and fsync'd.
`transaction(db)` turns all mutations inside it into ONE entry.

Opening replays the lines. A line that is torn (no newline), fails its checksum
or does not parse is skipped: the original file is kept aside as
``store.db.damaged-YYYYmmddTHHMMSS`` (never overwriting an earlier one), the
recovered state is written back atomically and a note tells the user.
When dead operations outnumber live documents, the journal is compacted: written
to a temp file, fsync'd, renamed over the store, directory fsync'd.

A failed write raises StoreWriteError and leaves memory and file as they were:
the half-written tail is truncated away, and the next save first rewrites the
file from the acknowledged state (fresh pages, atomic rename).

Callers hold the workshop lock (facilitator.store.lock) before opening writable.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import re
import secrets
import time
import zlib
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

FORMAT = 1
HEADER_KEY = "facilitator-store"
TMP_INFIX = ".tmp-"  # temp files: store.db.tmp-PID-RANDOM
DAMAGED_INFIX = ".damaged-"
FILE_MODE = 0o600
DIR_MODE = 0o700
COMPACT_SLACK = 1000  # compact once dead operations exceed live documents + this
_MISSING: Any = object()


# -- errors (re-exported by facilitator.store.workshop) ---------------------------


class StoreError(Exception):
    """A store problem the user can act on; the message is one line."""


class StoreNotFound(StoreError):
    pass


class StoreExists(StoreError):
    pass


class StoreLocked(StoreError):
    """Another process holds the workshop; the message names the holder."""


class StoreWriteError(StoreError):
    """A save failed (disk full, read-only, I/O error). Nothing was changed."""


class StoreNewer(StoreError):
    """Written by a newer facilitator: refused, never touched."""


class StoreForeign(StoreError):
    """A store file with nothing of a store in it: refused, never touched."""


def write_error(path: Path, exc: OSError) -> StoreWriteError:
    reason = exc.strerror or str(exc) or type(exc).__name__
    return StoreWriteError(f"could not save to {path}: {reason} (nothing was changed)")


# -- small file helpers --------------------------------------------------------------


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def make_dir(path: Path) -> None:
    """Create a directory (and parents) 0700, fsync'ing the parents of what was created."""
    if path.is_dir():
        return
    if path.parent != path:
        make_dir(path.parent)
    try:
        os.mkdir(path, DIR_MODE)
    except FileExistsError:
        return
    fsync_dir(path.parent)


def aside_name(path: Path, infix: str) -> Path:
    """A fresh name beside `path`: store.db{infix}YYYYmmddTHHMMSS[-N], never an existing one."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    candidate = path.with_name(f"{path.name}{infix}{stamp}")
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.name}{infix}{stamp}-{n}")
        n += 1
    return candidate


def write_new_file(path: Path, data: bytes) -> None:
    """Create `path` exclusively (0600) with `data`, fsync file and directory."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        write_all(fd, data)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise
    os.close(fd)
    fsync_dir(path.parent)


def temp_files(directory: Path, name: str = "store.db") -> list[Path]:
    return sorted(directory.glob(f"{name}{TMP_INFIX}*"))


# -- lines ---------------------------------------------------------------------------


def encode(payload: Any) -> bytes:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return b"%08x %s\n" % (zlib.crc32(body), body)


def decode(line: bytes) -> Any:
    """The payload of one line (without its newline), or _MISSING if damaged."""
    if len(line) < 10 or line[8:9] != b" ":
        return _MISSING
    body = line[9:]
    try:
        if int(line[:8], 16) != zlib.crc32(body):
            return _MISSING
        return json.loads(body)
    except ValueError:
        return _MISSING


def _valid_ops(payload: Any) -> bool:
    return isinstance(payload, list) and all(
        isinstance(op, list) and len(op) == 3 and isinstance(op[0], str) and type(op[1]) is int
        and (op[2] is None or isinstance(op[2], dict))
        for op in payload
    )


@dataclass
class Replay:
    """What reading a journal found."""

    tables: dict[str, dict[str, dict]] = field(default_factory=dict)
    maxids: dict[str, int] = field(default_factory=dict)
    entries: int = 0  # good entries (header excluded)
    lines: int = 0  # lines in the file, the torn one included
    ops: int = 0  # operations in the good entries
    bad: list[int] = field(default_factory=list)  # 1-based numbers of damaged lines
    torn: bool = False  # the last line has no newline
    header: bool = False
    legacy: bool = False  # a stock TinyDB JSON file, converted

    @property
    def damaged(self) -> bool:
        return bool(self.bad) or not self.header

    @property
    def torn_tail(self) -> bool:
        """The last line was cut short (a save that never finished)."""
        return self.torn and bool(self.bad) and self.bad[-1] == self.lines

    @property
    def corrupt(self) -> list[int]:
        """Damaged lines other than a torn tail."""
        return self.bad[:-1] if self.torn_tail else list(self.bad)

    def apply(self, ops: list[list[Any]]) -> None:
        for name, doc_id, doc in ops:
            table = self.tables.setdefault(name, {})
            if doc is None:
                table.pop(str(doc_id), None)
            else:
                table[str(doc_id)] = doc
                if doc_id > self.maxids.get(name, 0):
                    self.maxids[name] = doc_id
        self.ops += len(ops)


def replay(data: bytes, path: Path | str = "store.db") -> Replay:
    """Rebuild the tables from a journal's bytes. Raises StoreNewer for a newer format."""
    result = Replay()
    if data[:1] == b"{":
        legacy = _legacy(data)
        if legacy is not None:
            return legacy
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    elif lines:
        result.torn = True
    result.lines = len(lines)
    for number, line in enumerate(lines, 1):
        payload = decode(line)
        if number == 1 and isinstance(payload, dict) and HEADER_KEY in payload:
            version = payload[HEADER_KEY]
            if not isinstance(version, int) or version > FORMAT:
                raise StoreNewer(f"{path}: written by a newer facilitator (store format {version} > "
                                 f"{FORMAT}); upgrade the app")
            result.header = True
            nexts = payload.get("next", {})
            if isinstance(nexts, dict):
                result.maxids.update({k: v for k, v in nexts.items() if type(v) is int})
            continue
        if not _valid_ops(payload):
            result.bad.append(number)
            continue
        result.apply(payload)
        result.entries += 1
    return result


def _legacy(data: bytes) -> Replay | None:
    """A stock TinyDB JSONStorage file ({table: {id: doc}}), or None."""
    try:
        raw = json.loads(data)
    except ValueError:
        return None
    if not isinstance(raw, dict) or not all(isinstance(t, dict) for t in raw.values()):
        return None
    result = Replay(header=True, legacy=True)
    for name, table in raw.items():
        ops = [[name, int(k), doc] for k, doc in table.items() if k.isdigit() and isinstance(doc, dict)]
        result.apply(ops)
    return result


def snapshot_lines(tables: dict[str, dict[str, dict]], maxids: dict[str, int]) -> tuple[bytes, int]:
    """A compacted journal: the header, then one entry per document. Returns (bytes, op count)."""
    parts = [encode({HEADER_KEY: FORMAT, "next": dict(maxids)})]
    count = 0
    for name, table in tables.items():
        for doc_id, doc in table.items():
            parts.append(encode([[name, int(doc_id), doc]]))
            count += 1
    return b"".join(parts), count


# -- the storage ------------------------------------------------------------------------


class _Tracked(MutableMapping):
    """The int-keyed view of one table that TinyDB's updaters mutate; remembers
    the previous value of every document touched so it can be diffed and undone."""

    def __init__(self, raw: dict[str, dict], maxids: dict[str, int], name: str):
        self.raw, self.maxids, self.name = raw, maxids, name
        self.before: dict[str, Any] = {}
        self.max_before = maxids.get(name, 0)

    def _remember(self, key: str) -> None:
        if key not in self.before:
            old = self.raw.get(key, _MISSING)
            self.before[key] = old if old is _MISSING else copy.deepcopy(old)

    def __getitem__(self, doc_id: int) -> dict:
        key = str(doc_id)
        doc = self.raw[key]
        self._remember(key)  # updaters change documents in place
        return doc

    def __setitem__(self, doc_id: int, doc: dict) -> None:
        key = str(doc_id)
        self._remember(key)
        self.raw[key] = doc
        if doc_id > self.maxids.get(self.name, 0):
            self.maxids[self.name] = doc_id

    def __delitem__(self, doc_id: int) -> None:
        key = str(doc_id)
        self._remember(key)
        del self.raw[key]

    def __contains__(self, doc_id: object) -> bool:
        return str(doc_id) in self.raw

    def __iter__(self) -> Iterator[int]:
        return (int(k) for k in list(self.raw))

    def __len__(self) -> int:
        return len(self.raw)

    def clear(self) -> None:
        for key in list(self.raw):
            self._remember(key)
        self.raw.clear()

    def ops(self) -> list[bytes]:
        """The changed documents as encoded operations."""
        out = []
        for key, old in self.before.items():
            new = self.raw.get(key, _MISSING)
            if new is _MISSING:
                if old is not _MISSING:
                    out.append(_encode_op(self.name, int(key), None))
            elif old is _MISSING or new != old:
                out.append(_encode_op(self.name, int(key), new))
        return out

    def undo(self) -> None:
        for key, old in self.before.items():
            if old is _MISSING:
                self.raw.pop(key, None)
            else:
                self.raw[key] = old
        self.maxids[self.name] = self.max_before


def _encode_op(name: str, doc_id: int, doc: dict | None) -> bytes:
    return json.dumps([name, doc_id, doc], ensure_ascii=False, separators=(",", ":")).encode()


class JournalStorage(Storage):
    """Holds the tables in memory; every change is appended to the journal first."""

    def __init__(self, path: Path, rep: Replay, fd: int | None, size: int):
        self.path = path
        self.readonly = fd is None
        self._tables = rep.tables
        self._maxids = rep.maxids
        self._fd = fd
        self._size = size  # bytes of acknowledged journal
        self._ops = rep.ops  # operations in the file (compaction measure)
        self._needs_rewrite = False  # the file's tail is in doubt: rewrite before the next append
        self._needs_dirsync = False  # a rename is not durable yet
        self._tx: list[tuple[list[bytes], list[_Tracked]]] = []  # open transactions

    # TinyDB's Storage interface: the live tables, never a copy.
    def read(self) -> dict[str, dict[str, dict]]:
        return self._tables

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        raise StoreError("whole-database writes are not supported; use table operations")

    def close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(StoreError, OSError):
                self._verify_file()
            os.close(self._fd)
            self._fd = None

    def _verify_file(self) -> None:
        """On closing: when the file no longer replays to the acknowledged state (bytes
        changed by something outside the app while it was open), keep it aside and
        rewrite it from memory, so no acknowledged record is lost at the next open."""
        if self._tx:
            return
        data = self.path.read_bytes()
        rep = replay(data, self.path)

        def live(tables: dict[str, dict[str, dict]]) -> dict[str, dict[str, dict]]:
            return {name: docs for name, docs in tables.items() if docs}

        if not rep.damaged and not rep.torn and not rep.legacy and live(rep.tables) == live(self._tables):
            return
        write_new_file(aside_name(self.path, DAMAGED_INFIX), data)
        self._rewrite()

    @property
    def closed(self) -> bool:
        return self._fd is None

    def live_docs(self) -> int:
        return sum(len(t) for t in self._tables.values())

    def next_id(self, name: str) -> int:
        return self._maxids.get(name, 0) + 1

    # -- mutations ------------------------------------------------------------------

    def _check_writable(self) -> None:
        if self.readonly:
            raise StoreError(f"{self.path} is open read-only; nothing can be changed")
        if self._fd is None:
            raise StoreError(f"{self.path} is closed")

    def mutate(self, name: str, updater: Callable[[MutableMapping], None]) -> None:
        self._check_writable()
        if not self._tx:
            self._settle()  # raises StoreWriteError: nothing applied yet
        view = _Tracked(self._tables.setdefault(name, {}), self._maxids, name)
        try:
            updater(view)
            ops = view.ops()
        except BaseException:
            view.undo()
            raise
        if not ops:
            return
        if self._tx:
            self._tx[-1][0].extend(ops)
            self._tx[-1][1].append(view)
            return
        try:
            self._append(ops)
        except BaseException:
            view.undo()
            raise

    def _append(self, ops: list[bytes]) -> None:
        body = b"[" + b",".join(ops) + b"]"
        line = b"%08x %s\n" % (zlib.crc32(body), body)
        try:
            write_all(self._fd, line)  # type: ignore[arg-type]
            os.fsync(self._fd)  # type: ignore[arg-type]
        except OSError as exc:
            self._needs_rewrite = True
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, self._size)  # type: ignore[arg-type]
            raise write_error(self.path, exc) from exc
        self._size += len(line)
        self._ops += len(ops)
        if self._ops > 2 * self.live_docs() + COMPACT_SLACK:
            with contextlib.suppress(StoreError):
                self._rewrite()  # compaction; the save itself is already acknowledged

    def begin(self) -> None:
        self._check_writable()
        if not self._tx:
            self._settle()
        self._tx.append(([], []))

    def commit(self) -> None:
        ops, views = self._tx.pop()
        if self._tx:  # nested: becomes part of the outer entry
            self._tx[-1][0].extend(ops)
            self._tx[-1][1].extend(views)
            return
        if not ops:
            return
        try:
            self._append(ops)
        except BaseException:
            for view in reversed(views):
                view.undo()
            raise

    def rollback(self) -> None:
        _ops, views = self._tx.pop()
        for view in reversed(views):
            view.undo()

    # -- rewriting ---------------------------------------------------------------------

    def _settle(self) -> None:
        """Make the file trustworthy after an earlier failure, before appending to it."""
        if self._needs_rewrite:
            self._rewrite()
        elif self._needs_dirsync:
            try:
                fsync_dir(self.path.parent)
            except OSError as exc:
                raise write_error(self.path, exc) from exc
            self._needs_dirsync = False

    def _rewrite(self) -> None:
        """Write the acknowledged state to a temp file and rename it over the store.
        A failure before the rename leaves the store file and the flags as they were."""
        data, count = snapshot_lines(self._tables, self._maxids)
        tmp = self.path.with_name(f"{self.path.name}{TMP_INFIX}{os.getpid()}-{secrets.token_hex(4)}")
        try:
            fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_APPEND, FILE_MODE)
        except OSError as exc:
            raise write_error(self.path, exc) from exc
        try:
            write_all(fd, data)
            os.fsync(fd)
            os.replace(tmp, self.path)
        except OSError as exc:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise write_error(self.path, exc) from exc
        old, self._fd = self._fd, fd
        self._size, self._ops = len(data), count
        self._needs_rewrite = False
        if old is not None:
            os.close(old)
        try:
            fsync_dir(self.path.parent)
        except OSError as exc:
            self._needs_dirsync = True  # appends must wait until the rename is durable
            raise write_error(self.path, exc) from exc
        self._needs_dirsync = False

    def compact(self) -> None:
        self._check_writable()
        self._rewrite()

    def copy_to(self, target: Path) -> None:
        """Write the acknowledged state as a compact store file at `target` (new, 0600)."""
        data, _count = snapshot_lines(self._tables, self._maxids)
        write_new_file(target, data)


class JournalTable(Table):
    """A TinyDB table whose mutations go through the journal, O(changed docs) each."""

    def _update_table(self, updater: Callable[[dict[int, Any]], None]) -> None:
        try:
            self._storage.mutate(self.name, updater)  # type: ignore[attr-defined]
        finally:
            self.clear_cache()

    def _get_next_id(self) -> int:
        return self._storage.next_id(self.name)  # type: ignore[attr-defined]


class JournalDB(TinyDB):
    table_class = JournalTable

    @property
    def journal(self) -> JournalStorage:
        return self.storage  # type: ignore[return-value]


# -- opening ------------------------------------------------------------------------------


def create_db(path: Path, tables: dict[str, dict[int, dict]]) -> None:
    """Create a new store file holding `tables`, all or nothing (temp file + rename)."""
    raw = {name: {str(k): v for k, v in docs.items()} for name, docs in tables.items()}
    maxids = {name: max(docs, default=0) for name, docs in tables.items()}
    data, _count = snapshot_lines(raw, maxids)
    tmp = path.with_name(f"{path.name}{TMP_INFIX}{os.getpid()}-{secrets.token_hex(4)}")
    try:
        write_new_file(tmp, data)
        if path.exists():
            raise StoreExists(f"{path} already exists")
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except OSError as exc:
        raise write_error(path, exc) from exc
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def open_db(path: Path, *, readonly: bool = False,
            verify: Callable[[dict[str, dict[str, dict]]], None] | None = None) -> tuple[JournalDB, list[str]]:
    """Open (replay, and if needed repair) a store. Returns the db and recovery notes, one line each.

    `verify(tables)` runs after reading and before anything is written; whatever
    it raises aborts the open with the file untouched (e.g. a newer schema).
    A missing file is created empty unless `readonly`.
    """
    notes: list[str] = []
    if not path.exists():
        if readonly:
            raise StoreNotFound(f"{path} does not exist")
        create_db(path, {})
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from exc
    rep = replay(data, path)
    if is_foreign(data, rep):
        raise StoreForeign(f"{path} is not a facilitator store (nothing in it could be read); nothing was changed: "
                           f"restore the newest {path.parent.name}/backups/store-*.db over it, or move it away")
    if verify is not None:
        verify(rep.tables)
    needs_repair = rep.damaged or rep.torn or rep.legacy
    lossless = not rep.damaged and not rep.legacy  # only the last newline missing: nothing to keep aside
    if readonly:
        if rep.corrupt or not rep.header:  # a torn tail may be a save in progress elsewhere
            notes.append(f"{path.name} is damaged: {_damage(rep)}; showing what could be read "
                         "(read-only, not repaired)")
        storage = JournalStorage(path, rep, None, len(data))
        return JournalDB(storage=lambda: storage), notes
    for tmp in temp_files(path.parent, path.name):  # unfinished rewrites: never acknowledged
        with contextlib.suppress(OSError):
            tmp.unlink()
    if needs_repair and not lossless:
        aside = aside_name(path, ".old-format-" if rep.legacy else DAMAGED_INFIX)
        try:
            write_new_file(aside, data)
        except OSError as exc:
            raise StoreError(f"{path} needs repair but the original could not be kept aside "
                             f"({exc.strerror or exc}); nothing was changed") from exc
        if rep.legacy:
            notes.append(f"{path.name} was in the old format: converted; original kept as {aside.name}")
        else:
            notes.append(f"{path.name} was damaged ({_damage(rep)}): {sum(len(t) for t in rep.tables.values())} records "
                         f"recovered; "
                         f"original kept as {aside.name}")
    try:
        fd = os.open(path, os.O_RDWR | os.O_APPEND)
    except OSError as exc:
        raise StoreError(f"cannot open {path} for writing: {exc.strerror or exc}") from exc
    storage = JournalStorage(path, rep, fd, len(data))
    if needs_repair or storage._ops > 2 * storage.live_docs() + COMPACT_SLACK:
        try:
            storage.compact()
        except StoreWriteError as exc:
            if needs_repair:
                storage._needs_rewrite = True  # the first save rewrites the file before appending
            if needs_repair and not lossless:
                notes.append(f"the repaired {path.name} could not be written yet ({exc}); the next save retries")
    return JournalDB(storage=lambda: storage), notes


_JOURNAL_START = re.compile(rb"[0-9a-f]{0,8}|[0-9a-f]{8} [\[{]?")


def is_foreign(data: bytes, rep: Replay) -> bool:
    """Not a store at all (another program's file): nothing readable, and it does not
    even start like a journal line, so it is no truncated or damaged store either."""
    if rep.header or rep.entries or rep.legacy or not data.strip():
        return False
    return _JOURNAL_START.fullmatch(data[:10]) is None


def _damage(rep: Replay) -> str:
    parts = []
    if rep.lines == 0:
        parts.append("empty file")
    elif not rep.header:
        parts.append("header unreadable")
    if rep.corrupt:
        shown = ", ".join(str(n) for n in rep.corrupt[:5]) + (" ..." if len(rep.corrupt) > 5 else "")
        parts.append(f"{len(rep.corrupt)} unreadable line(s) skipped: {shown}")
    if rep.torn_tail:
        parts.append("an unfinished last save dropped")
    return "; ".join(parts) or "unreadable"


@contextlib.contextmanager
def transaction(db: TinyDB) -> Iterator[None]:
    """All mutations inside become one journal entry: saved together or not at all.
    On an exception (or a failed save) memory is rolled back and it propagates."""
    storage = db.storage
    assert isinstance(storage, JournalStorage), "transaction() needs a journal store"
    storage.begin()
    try:
        yield
    except BaseException:
        storage.rollback()
        _clear_caches(db)
        raise
    try:
        storage.commit()
    finally:
        _clear_caches(db)


def _clear_caches(db: TinyDB) -> None:
    for table in db._tables.values():
        table.clear_cache()
