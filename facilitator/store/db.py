"""The TinyDB behind a workshop store: an append-only journal with one
checksummed line per record (format 2; docs/store.md has the whole design).

File format of ``store.db`` (UTF-8, one record per line, LF; CRLF is read alike)::

    CRC32HEX JSON\\n

- line 1, the header: ``{"facilitator-store": 2, "epoch": HEX, "next": {table: max id},
  "docs": N, "tx": T}``; `epoch` changes with every rewrite (a follower notices it);
- the snapshot: ``["d", table, id, document]``, N of them, written by a rewrite;
- the tail: ``["o", tx, table, id, document | null]`` (set or remove one document),
  then ``["c", tx, n]``: the commit record of transaction `tx` with its n operations.

A transaction counts once its commit record is read: torn writes at the end of
the file (a crash mid-save) are all-or-nothing. A record whose checksum fails
loses only itself: the rest of its transaction is kept (and a transaction whose
commit record alone is damaged is kept too, when more of the file follows it).
A format-1 line (``CRC [[table, id, doc], ...]``, one line per transaction) is
still read, as a committed transaction.

The snapshot ends with the statements and actions, grouped by session, and an index
record ``["x", {...}]`` of where each of those lines is; the header names where the
index is (facilitator.store.lazy). Opening such a file (`open_db(lazy=True)`) reads the
header, the index, the other tables and the tail: a statement's line is read, checked
and parsed only when it is asked for. Any other file, or one whose read parts are not
clean, is read whole (snapshot + tail), as is every repair. On a writable open a damaged
file is kept aside as ``store.db.damaged-YYYYmmddTHHMMSS`` (verbatim, never
overwriting an earlier one) and rewritten from what was read, atomically. When
dead operations outnumber live documents the journal is compacted the same way:
temp file, fsync, rename, directory fsync.

One writer, really: the open journal descriptor holds an exclusive flock on the
store file itself (deleting ``store.lock`` cannot free it), a rewrite locks the
new file before renaming it in, and before every append the store checks that
the path still names the file it holds (device + inode) at the size it left it.
A store replaced, moved or appended to by someone else is never written to: the
save fails loudly and the acknowledged state is kept as ``store.db.displaced-*``.

A failed write raises StoreWriteError and leaves memory and file as they were:
the half-written tail is truncated away, and the next save first rewrites the
file from the acknowledged state.
"""

from __future__ import annotations

import contextlib
import copy
import fcntl
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

from facilitator import fileio
from facilitator.i18n import Joined, Message, Note, message_of
from facilitator.store.lazy import LAZY_TABLES, LazyTable, Snap, SnapshotWriter, Source, flags_of, key_of, read_index
from facilitator.fileio import DIR_MODE, FILE_MODE, TMP_INFIX, fsync_dir, write_all  # noqa: F401 - re-exported

FORMAT = 2
HEADER_KEY = "facilitator-store"
DAMAGED_INFIX = ".damaged-"
DISPLACED_INFIX = ".displaced-"
UNFINISHED_INFIX = ".unfinished-"  # the bytes of an unfinished last save, dropped from the end of the journal
IMPORTS = "imports"  # one document per import, its first operation: names the import (file, lines)
COMPACT_SLACK = 1000  # compact once dead operations exceed live documents + this
STREAM_CHUNK = 1 << 20  # a transaction's operations go to the file in chunks this big (bounded memory)
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


class StoreReplaced(StoreWriteError):
    """The store file was replaced, moved or changed by another program while open:
    nothing more is written to it; the acknowledged state is kept beside it."""


class StoreNewer(StoreError):
    """Written by a newer facilitator: refused, never touched."""


class StoreForeign(StoreError):
    """A store file with nothing of a store in it: refused, never touched."""


def write_error(path: Path, exc: OSError) -> StoreWriteError:
    """The message names the reason, not the path (it is shown in a notice on the live
    screen, where a long path wrapped the reason away); the path stays on `.path`."""
    reason = exc.strerror or type(exc).__name__
    err = StoreWriteError(Message("store.write_failed", name=path.parent.name, reason=reason))
    err.path = path  # type: ignore[attr-defined]
    return err


# -- small file helpers --------------------------------------------------------------


def make_dir(path: Path) -> None:
    """Create a directory (and parents) 0700, fsync'ing the parents of what was created."""
    fileio.make_private_dir(path)


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
    fileio.write_new(path, data)


def temp_files(directory: Path, name: str = "store.db") -> list[Path]:
    return sorted(directory.glob(f"{name}{TMP_INFIX}*"))


def real_path(path: Path) -> Path:
    """The file a (possibly symlinked) store path names: repairs happen at the target."""
    return path.resolve() if path.is_symlink() else path


# -- lines ---------------------------------------------------------------------------


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # one encoder: no set-up per record
# JSONEncoder.encode builds its C encoder again on every call (a third of the time of a
# record's line); this one is built once. The same output as _ENCODER; without its check
# for circular references (a record never is one: that would be a RecursionError here).
_C_ENCODE = (json.encoder.c_make_encoder(None, _ENCODER.default, json.encoder.encode_basestring, None, ":", ",",
                                         False, False, True)
             if json.encoder.c_make_encoder is not None else None)


def _dumps(payload: Any) -> bytes:
    if _C_ENCODE is None or type(payload) is str:
        return _ENCODER.encode(payload).encode()
    return "".join(_C_ENCODE(payload, 0)).encode()


def encode(payload: Any) -> bytes:
    body = _dumps(payload)
    return b"%08x %s\n" % (zlib.crc32(body), body)


def _line(body: bytes) -> bytes:
    return b"%08x %s\n" % (zlib.crc32(body), body)


def _body(line: bytes) -> bytes | None:
    """The checksummed body of one line (newline and a CR before it removed), or None."""
    if line[-1:] == b"\r":
        line = line[:-1]
    if len(line) < 10 or line[8:9] != b" ":
        return None
    body = line[9:]
    try:
        if int(line[:8], 16) != zlib.crc32(body):
            return None
    except ValueError:
        return None
    return body


def decode(line: bytes) -> Any:
    """The payload of one line (without its newline), or _MISSING if damaged."""
    body = _body(line)
    if body is None:
        return _MISSING
    try:
        return json.loads(body)
    except ValueError:
        return _MISSING


def _is_doc(doc: Any) -> bool:
    return doc is None or isinstance(doc, dict)


_LINE_START = re.compile(rb"[0-9a-f]{8} [\[{]")
_HINT = re.compile(rb'"(statements|actions|findings|themes|attendance|clocks|report|meta)",(\d+),')
_SESSION = re.compile(rb'"session":(\d+)')
_INDEX_START = re.compile(rb'[0-9a-f]{8} \["x",\{"lazy":')


@dataclass
class BadLine:
    """A line that failed its checksum: where it is, and what it seems to have held."""

    number: int  # 1-based line number
    offset: int  # byte offset of its start
    raw: bytes
    table: str | None = None
    doc_id: int | None = None
    session: int | None = None
    recovered: bool = False  # filled in from a backup, or the commit record of a transaction kept whole

    @classmethod
    def of(cls, number: int, offset: int, raw: bytes) -> BadLine:
        if _INDEX_START.match(raw):  # the lazy lines' index: rebuilt by the rewrite, nothing lost
            return cls(number, offset, raw, recovered=True)
        m = _HINT.search(raw)
        s = _SESSION.search(raw)
        with contextlib.suppress(ValueError):
            return cls(number, offset, raw, m.group(1).decode() if m else None, int(m.group(2)) if m else None,
                       int(s.group(1)) if s else None)
        return cls(number, offset, raw)

    def describe(self) -> Note:
        """"line 7 (byte 1234): statement 12 of session 2" (a `Note`: English as a string)."""
        what = record_name(self.table, self.doc_id) if self.table else Message("store.record.unknown")
        session = (Message("store.damage.of_session", session=self.session)
                   if self.session is not None and self.table != "meta" else "")
        return Note(Message("store.damage.line", number=self.number, offset=self.offset, what=what, session=session))


RECORD_NAMES = ("statements", "actions", "findings", "themes", "attendance", "clocks", "report", "meta")


def record_name(table: str, doc_id: object) -> Message:
    """One record as a note names it: "statement 12" ("uitspraak 12")."""
    if table in RECORD_NAMES:
        return Message(f"store.record.{table}", id=doc_id)
    return Message("store.record.other", table=table, id=doc_id)


@dataclass
class Replay:
    """What reading a journal found (also the running state of a follower)."""

    tables: dict[str, dict[str, dict]] = field(default_factory=dict)
    maxids: dict[str, int] = field(default_factory=dict)
    entries: int = 0  # committed transactions read (snapshot and header excluded)
    lines: int = 0  # lines read, a torn last one included
    ops: int = 0  # operations in the file (snapshot documents included)
    bad: list[BadLine] = field(default_factory=list)  # damaged lines (a torn tail excluded)
    torn: bool = False  # the last line had no newline and was dropped
    torn_tx: int = 0  # operations of an unfinished transaction at the end, dropped
    header: bool = False
    format: int = 0
    epoch: str | None = None
    docs_expected: int | None = None  # snapshot documents the header announced
    docs_seen: int = 0
    last_tx: int = 0
    crlf: bool = False  # some line ended in CR LF
    legacy: bool = False  # a stock TinyDB JSON file, converted
    kept_uncommitted: int = 0  # transactions kept although their commit record was damaged
    mended: int = 0  # damaged newlines between two whole records (nothing lost; rewritten)
    source: dict | None = None  # a backup's header: the journal (epoch, size) it was taken from
    cut_short: Note | None = None  # shorter than a backup taken from this very journal (how much)
    written_at: dict[tuple[str, int], int] = field(default_factory=dict)  # (table, id) -> line of its last change
    offset: int = 0  # bytes consumed (whole lines)
    # an uncommitted tail (set when the end of the file is read, `final`): where it starts,
    # the import its first operation names (an IMPORTS document), the records it held
    unfinished_at: int | None = None
    unfinished_import: dict | None = None
    unfinished_records: int = 0
    unfinished_tx: int = 0  # the highest transaction id in it (a new save after dropping it takes a higher one)
    dropped: Path | None = None  # the sidecar an unfinished last save was dropped into (writable open)
    # in-flight transaction (follower state): id, its operations, a bad line seen after them
    _tx: int | None = None
    _tx_ops: list[list[Any]] = field(default_factory=list)
    _bad_after: bool = False
    # the run of operations without a commit record at the end so far: where it starts, the
    # transaction id it starts with, the operations dropped before it (elsewhere in the file)
    _pending_at: int | None = None
    _pending_tx: int = 0
    _dropped_before: int = 0

    @property
    def damaged(self) -> bool:
        """Unreadable lines, no header, or a snapshot shorter than its header announces
        (cut at a line boundary inside it)."""
        return bool(self.bad) or not self.header or self.snapshot_short

    @property
    def snapshot_short(self) -> bool:
        return self.docs_expected is not None and self.docs_seen < self.docs_expected

    @property
    def torn_tail(self) -> bool:
        """The end of the file was cut short (a save that never finished)."""
        return self.torn or self.torn_tx > 0

    @property
    def unfinished(self) -> bool:
        """The file is whole except for an unfinished last save: operations of transactions
        without a commit record at the very end (whole lines, perhaps a torn last one that
        starts like an operation), after committed data that reads cleanly. Not damage:
        nothing in it was ever acknowledged. A writable open drops it (`drop_unfinished`)."""
        return (self.unfinished_at is not None and self.torn_tail and self.header and not self.bad
                and not self.snapshot_short and not self.legacy and not self.mended and not self.kept_uncommitted
                and self.format == FORMAT and self.cut_short is None)

    @property
    def corrupt(self) -> list[int]:
        """Line numbers of damaged lines other than a torn tail."""
        return [b.number for b in self.bad]

    @property
    def needs_rewrite(self) -> bool:
        return (self.damaged or self.torn_tail or self.legacy or self.crlf or self.format < FORMAT
                or bool(self.mended) or bool(self.kept_uncommitted))

    def apply(self, ops: list[list[Any]]) -> None:
        at = self.written_at
        for name, doc_id, doc in ops:
            at[(name, doc_id)] = self.lines
            table = self.tables.setdefault(name, {})
            if doc is None:
                if type(table) is dict:
                    table.pop(str(doc_id), None)
                else:
                    table.discard(str(doc_id))
            else:
                table[str(doc_id)] = doc
                if doc_id > self.maxids.get(name, 0):
                    self.maxids[name] = doc_id
        self.ops += len(ops)

    # -- reading -----------------------------------------------------------------

    def feed(self, data: bytes, path: Path | str = "store.db", *, final: bool = False) -> list[list[Any]]:
        """Read the whole lines of `data` (bytes that follow `self.offset`). Returns the
        operations that became committed. `final`: this is the end of the file (a
        last line without newline is torn; an unfinished transaction is dropped)."""
        committed: list[list[Any]] = []
        whole = data.rfind(b"\n") + 1  # bytes in whole lines
        raws = data[:whole].split(b"\n")[:-1] if whole else []
        bodies = [_body(raw) for raw in raws]
        payloads = _parse_many([b for b in bodies if b is not None])
        at = 0
        tables, maxids = self.tables, self.maxids
        for raw, body in zip(raws, bodies):
            self.lines += 1
            if raw[-1:] == b"\r":
                self.crlf = True
            ok = False
            if body is not None:
                payload = payloads[at]
                at += 1
                # the common records inline (opening 100,000 of them is this loop)
                if type(payload) is list and len(payload) == 5 and payload[0] == "o" and self._tx == payload[1] \
                        and type(payload[2]) is str and type(payload[3]) is int and _is_doc(payload[4]):
                    self._tx_ops.append(payload[2:])
                    ok = True
                elif type(payload) is list and len(payload) == 4 and payload[0] == "d" and type(payload[1]) is str \
                        and type(payload[2]) is int and type(payload[3]) is dict:
                    name, doc_id = payload[1], payload[2]
                    table = tables.get(name)
                    if table is None:
                        table = tables[name] = {}
                    table[str(doc_id)] = payload[3]
                    self.written_at[(name, doc_id)] = self.lines
                    if doc_id > maxids.get(name, 0):
                        maxids[name] = doc_id
                    self.ops += 1
                    self.docs_seen += 1
                    ok = True
                else:
                    ok = payload is not _MISSING and self._payload(payload, path, committed)
            if not ok and not self._mend(raw, path, committed):
                self.bad.append(BadLine.of(self.lines, self.offset, raw))
                if self._tx is not None:
                    self._bad_after = True
            self.offset += len(raw) + 1
        torn_at: int | None = None
        if final and whole < len(data):
            raw = data[whole:]
            self.lines += 1
            start = self.offset  # (an operation read from it starts the unfinished tail here)
            # a whole record without its newline (or whose newline was damaged) is that record
            if not (self._record(raw, path, committed)
                    or raw[-1:] not in (b"", b"\r") and self._record(raw[:-1], path, committed)):
                self.torn = True
                tx = _torn_tx(raw)
                if tx is not False and (tx is None or tx > self.last_tx):
                    self.unfinished_tx = max(self.unfinished_tx, tx or 0)
                    torn_at = start  # cut short while being written: the start of an operation or commit line
            self.offset = start + len(raw)
        if final:
            pending, pending_tx, before = self._pending_at, self._pending_tx, self._dropped_before
            self._end_tx(committed, at_end=True)
            if pending is not None and pending_tx > self.last_tx and before == 0 and (not self.torn or torn_at is not None):
                self.unfinished_at = pending
            elif pending is None and torn_at is not None and self.torn_tx == 0:
                self.unfinished_at = torn_at
            self._pending_at = None
        return committed

    def _mend(self, raw: bytes, path: Path | str, committed: list[list[Any]]) -> bool:
        """Two whole records whose newline between them was damaged: read both."""
        for m in _LINE_START.finditer(raw, 10):
            k = m.start()
            if _body(raw[:k - 1]) is not None and _body(raw[k:]) is not None:
                self.mended += 1
                return self._record(raw[:k - 1], path, committed) and self._record(raw[k:], path, committed)
        return False

    def _record(self, raw: bytes, path: Path | str, committed: list[list[Any]]) -> bool:
        """Apply one line. False: it is damaged (failed checksum or makes no sense)."""
        body = _body(raw)
        if body is None:
            return False
        try:
            payload = json.loads(body)
        except ValueError:
            return False
        return self._payload(payload, path, committed)

    def _payload(self, payload: Any, path: Path | str, committed: list[list[Any]]) -> bool:
        if isinstance(payload, dict):
            if HEADER_KEY not in payload or self.lines != 1:
                return False
            version = payload[HEADER_KEY]
            if not isinstance(version, int) or version > FORMAT:
                raise StoreNewer(Message("store.newer_format", path=path, version=version, supported=FORMAT))
            self.header, self.format = True, version
            self._pending_at = None
            self.epoch = payload.get("epoch") if isinstance(payload.get("epoch"), str) else None
            nexts = payload.get("next", {})
            if isinstance(nexts, dict):
                for k, v in nexts.items():
                    if type(v) is int and v > self.maxids.get(k, 0):
                        self.maxids[k] = v
            if type(payload.get("docs")) is int:
                self.docs_expected = payload["docs"]
            if type(payload.get("tx")) is int:
                self.last_tx = payload["tx"]
            if isinstance(payload.get("source"), dict):
                self.source = payload["source"]
            return True
        if not isinstance(payload, list) or not payload:
            return False
        kind = payload[0]
        if kind == "d" and len(payload) == 4 and isinstance(payload[1], str) and type(payload[2]) is int \
                and isinstance(payload[3], dict):
            self.apply([payload[1:]])
            self.docs_seen += 1
            self._pending_at = None
            return True
        if kind == "o" and len(payload) == 5 and type(payload[1]) is int and isinstance(payload[2], str) \
                and type(payload[3]) is int and _is_doc(payload[4]):
            tx = payload[1]
            if self._tx is not None and tx != self._tx:
                self._end_tx(committed, at_end=False)
            if self._pending_at is None:
                self._pending_at, self._pending_tx, self._dropped_before = self.offset, tx, self.torn_tx
            self._tx = tx
            self._tx_ops.append(payload[2:])
            return True
        if kind == "c" and len(payload) >= 3 and type(payload[1]) is int and type(payload[2]) is int:
            tx = payload[1]
            if self._tx is not None and tx != self._tx:
                self._end_tx(committed, at_end=False)
            ops, self._tx, self._tx_ops, self._bad_after = self._tx_ops, None, [], False
            self._pending_at = None
            self.apply(ops)
            committed.extend(ops)
            self.entries += 1
            self.last_tx = max(self.last_tx, tx)
            return True
        if kind == "x" and len(payload) == 2 and isinstance(payload[1], dict):
            self._pending_at = None
            return True  # the index of the lazy lines (facilitator.store.lazy): no record
        if isinstance(kind, list) and all(isinstance(op, list) and len(op) == 3 and isinstance(op[0], str)
                                          and type(op[1]) is int and _is_doc(op[2]) for op in payload):
            self._end_tx(committed, at_end=False)
            self._pending_at = None
            self.apply(payload)  # a format-1 entry: one committed transaction
            committed.extend(payload)
            self.entries += 1
            return True
        return False

    def _end_tx(self, committed: list[list[Any]], at_end: bool) -> None:
        """A transaction without its commit record: kept when a damaged line follows it
        and the file goes on (the commit record was the damaged line), else dropped."""
        if self._tx is None:
            return
        ops, bad_after, tx = self._tx_ops, self._bad_after, self._tx
        self._tx, self._tx_ops, self._bad_after = None, [], False
        if bad_after and not (at_end and self.torn):
            self.apply(ops)
            committed.extend(ops)
            self.entries += 1
            self.kept_uncommitted += 1
            for bad in reversed(self.bad):  # the damaged line that held no record was its commit record
                if bad.table is None:
                    bad.recovered = True
                    break
        else:  # at the end, or ops without any commit in the middle: never acknowledged
            self.torn_tx += len(ops)
            self.unfinished_tx = max(self.unfinished_tx, tx)
            if ops and ops[0][0] == IMPORTS and isinstance(ops[0][2], dict):
                self.unfinished_import = ops[0][2]
            self.unfinished_records += sum(1 for op in ops if op[0] in LAZY_TABLES)


def _parse_many(bodies: list[bytes]) -> list[Any]:
    """Parse checksummed bodies in one go (one C-level parse), each alone if that fails."""
    if not bodies:
        return []
    try:
        out = json.loads(b"[" + b",".join(bodies) + b"]")
        if len(out) == len(bodies):
            return out
    except ValueError:
        pass
    parsed = []
    for body in bodies:
        try:
            parsed.append(json.loads(body))
        except ValueError:
            parsed.append(_MISSING)
    return parsed


_HEX_DIGITS = frozenset(b"0123456789abcdef")
_TX_DIGITS = re.compile(rb"\d*")


def _torn_tx(raw: bytes) -> int | None | bool:
    """A torn last line that is the start of an operation or commit line (`CRC ["o",TX,...`
    or `CRC ["c",TX,...` cut anywhere): its transaction id, None when the cut came before
    it; False when it is something else (garbage, or a cut snapshot or index line)."""
    if raw[-1:] == b"\r":
        raw = raw[:-1]
    if not raw or any(c not in _HEX_DIGITS for c in raw[:8]):
        return False
    if len(raw) <= 8:
        return None
    if raw[8:9] != b" ":
        return False
    kind = raw[9:14]
    if not (b'["o",'.startswith(kind) or b'["c",'.startswith(kind)):
        return False
    rest = raw[14:]
    digits = _TX_DIGITS.match(rest).group()  # type: ignore[union-attr]
    if len(digits) == len(rest):
        return None  # cut inside the transaction id (or before it)
    if rest[len(digits):len(digits) + 1] != b"," or not digits:
        return False
    return int(digits)


def replay(data: bytes, path: Path | str = "store.db") -> Replay:
    """Rebuild the tables from a journal's bytes. Raises StoreNewer for a newer format."""
    if data[:1] == b"{":
        legacy = _legacy(data)
        if legacy is not None:
            return legacy
    result = Replay()
    feed_all(result, data, path, final=True)
    return result


def feed_all(rep: Replay, data: bytes, path: Path | str, final: bool) -> None:
    """Feed `data` in pieces of whole lines (bounded working memory on a large file)."""
    start, n = 0, len(data)
    piece = 4 * STREAM_CHUNK
    while n - start > piece:
        cut = data.rfind(b"\n", start, start + piece) + 1
        if cut <= start:
            break
        rep.feed(data[start:cut], path)
        start = cut
    rep.feed(data[start:] if start else data, path, final=final)


def _legacy(data: bytes) -> Replay | None:
    """A stock TinyDB JSONStorage file ({table: {id: doc}}), or None."""
    try:
        raw = json.loads(data)
    except ValueError:
        return None
    if not isinstance(raw, dict) or not all(isinstance(t, dict) for t in raw.values()):
        return None
    result = Replay(header=True, legacy=True, format=0)
    for name, table in raw.items():
        ops = [[name, int(k), doc] for k, doc in table.items() if k.isdigit() and isinstance(doc, dict)]
        result.apply(ops)
    return result


def snapshot_lines(tables: dict[str, Any], maxids: dict[str, int], last_tx: int = 0,
                   epoch: str | None = None, source: dict | None = None) -> tuple[bytes, int]:
    """A compacted journal as one bytes value, and its document count."""
    writer = SnapshotWriter(tables, maxids, last_tx, epoch or secrets.token_hex(8), source)
    data = b"".join(writer.chunks())
    return writer.header + data[len(writer.header):], sum(len(t) for t in tables.values())


def write_snapshot(fd: int, path: Path, tables: dict[str, Any], maxids: dict[str, int], last_tx: int = 0,
                   epoch: str | None = None, source: dict | None = None) -> tuple[int, dict[str, Snap]]:
    """Write a compacted journal to the new file `fd` (named `path`), piece by piece:
    memory does not grow with the store. Returns its size and the lazy tables' layout.
    The first line names the index written last, so it is written again at the end
    (through a second descriptor: `fd` may be O_APPEND)."""
    writer = SnapshotWriter(tables, maxids, last_tx, epoch or secrets.token_hex(8), source)
    size = _write_chunks(fd, writer.chunks())
    if writer.layout:
        patch = os.open(path, os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0))
        try:
            if os.pwrite(patch, writer.header, 0) != len(writer.header):
                raise OSError(5, "short write")
        finally:
            os.close(patch)
    return size, writer.layout


def _write_chunks(fd: int, chunks: Iterator[bytes]) -> int:
    size = 0
    for chunk in chunks:
        write_all(fd, chunk)
        size += len(chunk)
    return size


def is_foreign(data: bytes, rep: Replay) -> bool:
    """Not a store at all (another program's file): nothing readable, and it does not
    even start like a journal line, so it is no truncated or damaged store either."""
    if rep.header or rep.entries or rep.docs_seen or rep.legacy or not data.strip():
        return False
    return _JOURNAL_START.fullmatch(data[:10]) is None


_JOURNAL_START = re.compile(rb"[0-9a-f]{0,8}|[0-9a-f]{8} [\[{]?")


def unfinished_note(path: Path, rep: Replay, kept: Path) -> Note:
    """What dropping an unfinished last save tells the user (an import by its file)."""
    marker = rep.unfinished_import
    if marker is not None and isinstance(marker.get("file"), str):
        lines = marker.get("lines")
        return Note(Message("store.recovery.unfinished_import", name=path.name, file=marker["file"],
                            lines=lines if type(lines) is int else "?", kept=kept.name))
    return Note(Message("store.recovery.unfinished_save", name=path.name, kept=kept.name))


def drop_unfinished(fd: int, path: Path, rep: Replay, size: int) -> tuple[Note, bool]:
    """Drop an unfinished last save (`rep.unfinished`) from the journal `fd` (locked, `size`
    bytes): its bytes, and only those, go to a new sidecar `store.db.unfinished-STAMP`
    (0600, fsync'd with its folder), then the journal is truncated to the end of its last
    committed transaction and fsync'd. Returns the note for the user and whether the
    truncation worked (if not, the caller rewrites the file from what was read).
    OSError: the sidecar could not be written; nothing was changed."""
    at = rep.unfinished_at
    assert at is not None
    kept = aside_name(path, UNFINISHED_INFIX)
    write_new_file(kept, _pread_all(fd, at, size - at))
    truncated = True
    try:
        os.ftruncate(fd, at)
        os.fsync(fd)
    except OSError:
        truncated = False
    note = unfinished_note(path, rep, kept)
    rep.torn, rep.torn_tx, rep.offset, rep.unfinished_at = False, 0, at, None
    rep.last_tx = max(rep.last_tx, rep.unfinished_tx)  # the next save's lines differ from every dropped one
    rep.dropped = kept
    return note, truncated


def read_unfinished(path: Path) -> Replay:
    """What a sidecar of `drop_unfinished` holds (its `unfinished_import`, `unfinished_records`)."""
    rep = Replay()
    rep.lines = 1  # no header in it: its line 1 is an operation
    feed_all(rep, path.read_bytes(), path, final=True)
    return rep


def describe_damage(rep: Replay) -> Note:
    """What is damaged, for the recovery notes and doctor (a `Note`: English as a string)."""
    parts: list[Message] = []
    if rep.lines == 0:
        parts.append(Message("store.damage.empty"))
    elif not rep.header:
        parts.append(Message("store.damage.no_header"))
    if rep.bad:
        parts.append(Message("store.damage.skipped", n=len(rep.bad), lines=Joined([b.describe() for b in rep.bad[:5]]),
                             more=" ..." if len(rep.bad) > 5 else ""))
    if rep.docs_expected is not None and rep.docs_seen < rep.docs_expected and not rep.bad:
        parts.append(Message("store.damage.snapshot_missing", n=rep.docs_expected - rep.docs_seen))
    if rep.torn_tail:
        parts.append(Message("store.damage.torn"))
    if rep.cut_short:
        parts.append(Message("store.damage.cut_short", fewer=rep.cut_short))
    return Note(Joined(parts) if parts else Message("store.damage.unreadable"))


_damage = describe_damage  # the old name


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
        raw = self.raw
        doc = raw.take(key) if type(raw) is not dict else raw[key]  # held: updaters change it in place
        self._remember(key)
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

    def ops(self) -> list[tuple[str, int, Any]]:
        """The changed documents as (table, id, document | None)."""
        out = []
        for key, old in self.before.items():
            new = self.raw.get(key, _MISSING)
            if new is _MISSING:
                if old is not _MISSING:
                    out.append((self.name, int(key), None))
            elif old is _MISSING or new != old:
                out.append((self.name, int(key), new))
        return out

    def undo(self) -> None:
        for key, old in self.before.items():
            if old is _MISSING:
                self.raw.pop(key, None)
            else:
                self.raw[key] = old
        self.maxids[self.name] = self.max_before


_NAMES: dict[str, bytes] = {}


def _op_body(tx: int, name: str, doc_id: int, doc: dict | None, doc_json: bytes | None = None) -> bytes:
    encoded = _NAMES.get(name)
    if encoded is None:
        encoded = _NAMES[name] = _dumps(name)
    return b'["o",%d,%s,%d,%s]' % (tx, encoded, doc_id, _dumps(doc) if doc_json is None else doc_json)


def lock_fd(fd: int, path: Path) -> None:
    """Take the exclusive flock of an open store file, or raise StoreLocked."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        from facilitator.store.lock import describe_holder

        raise StoreLocked(Message("store.locked", slug=repr(path.parent.name), holder=describe_holder(path.parent))) from None


class _Tx:
    """One open transaction: its id, encoded operations not yet written, undo views."""

    def __init__(self, tx: int, start: int):
        self.tx, self.start = tx, start
        self.buffer: list[bytes] = []
        self.buffered = 0
        self.count = 0  # operations in it (written or buffered)
        self.views: list[_Tracked] = []
        self.streamed = False  # some operations are in the file already (not fsync'd)
        self.inserted: list[tuple[str, str]] = []  # documents added by insert() into memory: undone by key
        self.seg_before: dict[str, int] = {}  # lines added by insert() to a lazy table: undone by length
        self.bytes = 0  # bytes of its operations so far (written or buffered): where the next one goes
        self.maxids_before: dict[str, int] = {}
        self.marks: list[tuple[int, int, int, bool]] = []  # nested begins: views, count, buffer, streamed
        self.aborted = False  # a nested part rolled back after its records were streamed


class JournalStorage(Storage):
    """Holds the tables in memory; every change is appended to the journal first."""

    def __init__(self, path: Path, rep: Replay, fd: int | None, size: int, source: Source | None = None):
        self.path = path
        self.readonly = fd is None
        self._tables = rep.tables
        self._source = source if source is not None else Source(fd)
        for name in LAZY_TABLES:  # statements and actions: documents stay in the file until read
            table = self._tables.get(name)
            if isinstance(table, LazyTable):
                table.source = self._source
            else:
                self._tables[name] = LazyTable(name, self._source, docs=table if table is not None else {})
        self._tail_ops = rep.ops - rep.docs_seen  # operations after the snapshot
        self._maxids = rep.maxids
        self._fd = fd
        self._size = size  # bytes of acknowledged journal
        self._ops = rep.ops  # operations in the file (compaction measure)
        self._last_tx = rep.last_tx
        self._epoch = rep.epoch
        self._ident = _ident(fd) if fd is not None else None  # (dev, inode) of the file held
        self._verify_from = size  # close() verifies what this process wrote from here on
        self._written_crc = 0
        self._needs_rewrite = False  # the file's tail is in doubt: rewrite before the next append
        self._needs_dirsync = False  # a rename is not durable yet
        self._displaced: Path | None = None  # the file was replaced under us; state kept there
        self._tx: list[_Tx] = []  # open transactions (nested ones fold into the outer)
        self.warnings: list[str] = []  # errors after the data was durable, one line each
        self.changes = 0  # acknowledged saves since open (for backups on close)

    # TinyDB's Storage interface: the live tables, never a copy.
    def read(self) -> dict[str, dict[str, dict]]:
        return self._tables

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        raise StoreError("whole-database writes are not supported; use table operations")

    def close(self) -> None:
        """Close the file. Never raises: everything acknowledged is durable already, so a
        failure here (a check, or the close itself) becomes a line in `warnings`."""
        if self._fd is None:
            self._source.close()
            return
        try:
            self._verify_written()
        except (StoreError, OSError) as exc:
            self.warnings.append(f"{self.path.name}: checking what was saved failed after saving: "
                                 f"{getattr(exc, 'strerror', None) or exc}")
        fd, self._fd = self._fd, None
        try:
            os.close(fd)
        except OSError as exc:
            self.warnings.append(f"{self.path.name}: closing failed after everything was saved: "
                                 f"{exc.strerror or exc}")

    def compact_long_tail(self) -> None:
        """Before closing: a tail of more than COMPACT_SLACK operations is folded into the
        snapshot, so the next open reads an index, not a long tail. Never raises."""
        if self._fd is None or self._tx or self._displaced is not None or self._tail_ops <= COMPACT_SLACK:
            return
        with contextlib.suppress(Exception):  # everything is durable already; the old file stays as it was
            self._rewrite()

    def _verify_written(self) -> None:
        """On closing: check the bytes this process appended since it opened (or last
        rewrote) the file; when something outside the app changed them, keep the file
        aside and rewrite it from memory, so no acknowledged record is lost."""
        if self._tx or self._displaced is not None or self._fd is None:
            return
        if self._same_file() and self._written_ok():
            return
        if not self._same_file():
            self._displace()
            return
        write_new_file(aside_name(self.path, DAMAGED_INFIX), self.path.read_bytes())
        self._rewrite()

    def _written_ok(self) -> bool:
        assert self._fd is not None
        if os.fstat(self._fd).st_size != self._size:
            return False
        crc, at = 0, self._verify_from
        while at < self._size:
            chunk = os.pread(self._fd, min(STREAM_CHUNK, self._size - at), at)
            if not chunk:
                return False
            crc = zlib.crc32(chunk, crc)
            at += len(chunk)
        return crc == self._written_crc

    @property
    def closed(self) -> bool:
        return self._fd is None

    def live_docs(self) -> int:
        return sum(len(t) for t in self._tables.values())

    def next_id(self, name: str) -> int:
        return self._maxids.get(name, 0) + 1

    # -- one writer --------------------------------------------------------------------

    def _same_file(self) -> bool:
        try:
            st = os.stat(self.path)
        except OSError:
            return False
        return (st.st_dev, st.st_ino) == self._ident

    def _check_file(self) -> None:
        """Before an append: the path still names the file this process holds, at the
        size it left it. Otherwise raise StoreReplaced (after keeping what was acknowledged)."""
        if self._displaced is not None:
            raise self._replaced_error()
        assert self._fd is not None
        same = self._same_file()
        if same:
            try:
                same = os.fstat(self._fd).st_size == self._size
            except OSError:
                same = False
        if not same:
            self._displace()
            raise self._replaced_error()

    def _displace(self) -> None:
        target = aside_name(self.path, DISPLACED_INFIX)
        with contextlib.suppress(OSError):
            self._write_copy(target)
            self._displaced = target
        if self._displaced is None:
            self._displaced = self.path  # could not even keep it: still refuse every save

    def _replaced_error(self) -> StoreReplaced:
        kept = self._displaced.name if self._displaced and self._displaced != self.path else Message("store.memory_only")
        return StoreReplaced(Message("store.replaced", path=self.path, kept=kept, slug=self.path.parent.name))

    # -- mutations ------------------------------------------------------------------

    def _check_writable(self) -> None:
        if self.readonly:
            raise StoreError(Message("store.file_readonly", path=self.path))
        if self._fd is None:
            raise StoreError(Message("store.file_closed", path=self.path))

    def mutate(self, name: str, updater: Callable[[MutableMapping], None]) -> None:
        self._check_writable()
        if not self._tx:
            self._settle()  # raises StoreWriteError: nothing applied yet
            self._check_file()  # before anything changes: a displaced copy holds only what was acknowledged
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
            tx = self._tx[0]
            tx.views.append(view)
            try:
                self._buffer(tx, ops)
            except BaseException:
                view.undo()
                tx.views.remove(view)
                raise
            return
        try:
            tx = _Tx(self._last_tx + 1, self._size)
            self._buffer(tx, ops)
            self._commit(tx)
        except BaseException:
            view.undo()
            raise

    def _buffer(self, tx: _Tx, ops: list[tuple[str, int, Any]]) -> None:
        for name, doc_id, doc in ops:
            tx.buffer.append(_line(_op_body(tx.tx, name, doc_id, doc)))
            tx.buffered += len(tx.buffer[-1])
            tx.bytes += len(tx.buffer[-1])
            tx.count += 1
        if tx.buffered >= STREAM_CHUNK:
            self._flush(tx)

    def _flush(self, tx: _Tx) -> None:
        """Write a transaction's buffered operations (no fsync: not acknowledged yet)."""
        if not tx.buffer:
            return
        if not tx.streamed:
            self._check_file()
        data = b"".join(tx.buffer)
        tx.buffer, tx.buffered = [], 0
        try:
            write_all(self._fd, data)  # type: ignore[arg-type]
        except OSError as exc:
            self._truncate_back(tx.start)
            raise write_error(self.path, exc) from exc
        tx.streamed = True
        self._written_crc = zlib.crc32(data, self._written_crc)
        self._size += len(data)

    def _truncate_back(self, size: int) -> None:
        self._needs_rewrite = True
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, size)  # type: ignore[arg-type]
        self._size = size
        self._reset_crc()

    def _reset_crc(self) -> None:
        """After a truncation the running checksum restarts from what remains."""
        self._verify_from = self._size
        self._written_crc = 0

    def _commit(self, tx: _Tx) -> None:
        """Write the rest of the transaction and its commit record, fsync: acknowledged."""
        if not tx.streamed:
            self._check_file()
        tx.buffer.append(_line(b'["c",%d,%d]' % (tx.tx, tx.count)))
        data = b"".join(tx.buffer)
        tx.buffer = []
        crc_before = self._written_crc
        try:
            write_all(self._fd, data)  # type: ignore[arg-type]
            os.fsync(self._fd)  # type: ignore[arg-type]
        except OSError as exc:
            self._written_crc = crc_before
            self._truncate_back(tx.start)
            raise write_error(self.path, exc) from exc
        self._written_crc = zlib.crc32(data, self._written_crc)
        self._size += len(data)
        self._last_tx = tx.tx
        self._ops += tx.count + 1
        self._tail_ops += tx.count + 1
        self.changes += 1
        if self._ops > 2 * self.live_docs() + COMPACT_SLACK or tx.count > COMPACT_SLACK:
            with contextlib.suppress(Exception):  # whatever fails, the save is already acknowledged
                self._rewrite()  # compaction (the old file stays until the new one is whole)

    def insert(self, name: str, doc: dict, encoded: bytes | None = None) -> int:
        """Inside a transaction: add a new document under the next id (the fast path of
        imports: no per-document undo copy). Returns its id. `encoded`: the document as
        `_dumps` writes it, when the caller has it already (an import encodes each record
        once, without a dict); `doc` then only needs what the index reads (session, seq,
        kind, key), and a document kept in memory is read back from `encoded`."""
        assert self._tx, "insert() needs a transaction"
        tx = self._tx[0]
        if tx.marks:
            raise StoreError("insert() is not for nested transactions")
        top = self._maxids.get(name, 0)
        doc_id = top + 1
        line = _line(_op_body(tx.tx, name, doc_id, doc, encoded))  # TypeError/ValueError: nothing changed
        size = len(line)
        if name not in tx.maxids_before:
            tx.maxids_before[name] = top
        table = self._tables.setdefault(name, {})
        key = key_of(doc_id, doc) if isinstance(table, LazyTable) else None
        if key is not None:  # not kept in memory: read from the file when asked for
            if name not in tx.seg_before:
                tx.seg_before[name] = len(table.seg)
            table.seg_add(doc_id, key, tx.start + tx.bytes, size, doc["session"], flags_of(doc))
        else:
            table[str(doc_id)] = doc if encoded is None else json.loads(encoded)
            tx.inserted.append((name, str(doc_id)))
        self._maxids[name] = doc_id
        tx.bytes += size
        tx.buffer.append(line)
        tx.buffered += size
        tx.count += 1
        if tx.buffered >= STREAM_CHUNK:
            self._flush(tx)
        return doc_id

    def _undo(self, tx: _Tx) -> None:
        for view in reversed(tx.views):
            view.undo()
        for name, key in tx.inserted:
            self._tables.get(name, {}).pop(key, None)
        for name, n in tx.seg_before.items():
            self._tables[name].seg_truncate(n)
        tx.seg_before.clear()
        for name, top in tx.maxids_before.items():
            self._maxids[name] = top
        tx.inserted.clear()

    def begin(self) -> None:
        self._check_writable()
        if not self._tx:
            self._settle()
            self._check_file()
            self._tx.append(_Tx(self._last_tx + 1, self._size))
        else:
            tx = self._tx[0]  # nested: part of the outer transaction
            tx.marks.append((len(tx.views), tx.count, len(tx.buffer), tx.streamed))
            self._tx.append(tx)

    def commit(self) -> None:
        tx = self._tx.pop()
        if self._tx:
            tx.marks.pop()
            return
        if tx.aborted:
            self._undo(tx)
            if tx.streamed:
                self._truncate_back(tx.start)
            raise StoreError(Message("store.tx_failed"))
        if not tx.count:
            return
        try:
            self._commit(tx)
        except BaseException:
            self._undo(tx)
            raise

    def rollback(self) -> None:
        tx = self._tx.pop()
        if self._tx:
            views, count, buffered, streamed = tx.marks.pop()
            for view in reversed(tx.views[views:]):
                view.undo()
            del tx.views[views:]
            if tx.streamed and not streamed:
                tx.aborted = True  # its records are in the file already: the whole transaction fails
            elif len(tx.buffer) >= buffered and not (tx.streamed and not streamed):
                tx.bytes -= sum(len(b) for b in tx.buffer[buffered:])
                del tx.buffer[buffered:]
                tx.count = count
                tx.buffered = sum(len(b) for b in tx.buffer)
            else:
                tx.aborted = True
            return
        self._undo(tx)
        if tx.streamed:
            self._truncate_back(tx.start)
            self._needs_rewrite = False  # truncated cleanly unless that failed
            try:
                if os.fstat(self._fd).st_size != tx.start:  # type: ignore[arg-type]
                    self._needs_rewrite = True
            except OSError:
                self._needs_rewrite = True

    # -- rewriting ---------------------------------------------------------------------

    def _settle(self) -> None:
        """Make the file trustworthy after an earlier failure, before appending to it."""
        if self._displaced is not None:
            raise self._replaced_error()
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
        if self._displaced is not None:
            raise self._replaced_error()
        if self._fd is not None and not self._same_file():
            self._displace()
            raise self._replaced_error()
        count = self.live_docs()
        tmp = fileio.temp_name(self.path)
        try:
            fd = fileio.create_exclusive(tmp, FILE_MODE, append=True, read=True)
        except OSError as exc:
            raise write_error(self.path, exc) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # locked before anyone can see it
            epoch = secrets.token_hex(8)
            size, layout = write_snapshot(fd, tmp, self._tables, self._maxids, self._last_tx, epoch)
            os.fsync(fd)
            os.replace(tmp, self.path)
        except BaseException as exc:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            if isinstance(exc, OSError):
                raise write_error(self.path, exc) from exc
            raise
        old, self._fd = self._fd, fd
        self._ident = _ident(fd)
        self._size, self._ops, self._epoch = size, count, epoch
        self._tail_ops = 0
        self._source.fd = fd
        for name in LAZY_TABLES:
            table = self._tables.get(name)
            if isinstance(table, LazyTable):
                table.rebind(layout.get(name))
        self._reset_crc()
        self._needs_rewrite = False
        if old is not None:
            with contextlib.suppress(OSError):
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
        self._write_copy(target, source={"epoch": self._epoch, "size": self._size})

    def _write_copy(self, target: Path, source: dict | None = None) -> None:
        tmp = fileio.temp_name(target)
        try:
            fd = fileio.create_exclusive(tmp)
            try:
                write_snapshot(fd, tmp, self._tables, self._maxids, self._last_tx, source=source)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, target)  # a fresh name (the caller picks one no file has)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        fsync_dir(target.parent)

    def size(self) -> int:
        return self._size

    def follower(self) -> JournalFollower:
        """A follower of this (read-only) store's file, starting where opening stopped;
        its polls change this storage's tables in place."""
        return JournalFollower(self.path, self.replay, self._ident)  # type: ignore[attr-defined]


def _ident(fd: int) -> tuple[int, int]:
    st = os.fstat(fd)
    return st.st_dev, st.st_ino


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
    tmp = fileio.temp_name(path)
    try:
        fileio.write_new(tmp, data, sync_dir=False)
        if path.exists():
            raise StoreExists(f"{path} already exists")
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except OSError as exc:
        raise write_error(path, exc) from exc
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _open_locked(path: Path) -> int:
    """Open the store file for appending and take its flock; retries when a rewrite
    renamed a new file in between (the lock must be on the file the path names)."""
    for _ in range(20):
        fd = os.open(path, os.O_RDWR | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0))
        try:
            lock_fd(fd, path)
            if _ident(fd) == (lambda st: (st.st_dev, st.st_ino))(os.stat(path)):
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    raise StoreLocked(Message("store.keeps_changing", slug=repr(path.parent.name)))


def open_db(path: Path, *, readonly: bool = False,
            verify: Callable[[dict[str, dict[str, dict]]], None] | None = None,
            before_migration: Callable[[bytes, Replay], None] | None = None,
            amend: Callable[[Replay], list[Note]] | None = None,
            behind: Callable[[Replay, int], Note | None] | None = None,
            lazy: bool = False,
            covered: Callable[[Replay, int], Note | None] | None = None) -> tuple[JournalDB, list[Note]]:
    """Open (replay, and if needed repair) a store. Returns the db and recovery notes, one line
    each (`Note`s: English as strings, shown in the user's language with `in_language`).

    `verify(tables)` runs after reading and before anything is written; whatever
    it raises aborts the open with the file untouched (e.g. a newer schema).
    A missing file is created empty unless `readonly`. A symlinked store is
    opened (and repaired) at its target. `before_migration(data, replay)` runs before
    an older format is rewritten (a backup of the original); what it raises aborts.
    `amend(replay)` runs on a damaged store before it is rewritten (merging in a
    backup, facilitator.store.recover) and returns notes for the user.
    `behind(replay, size)`: a reason when an undamaged-looking file is shorter than a
    backup taken from it (cut at a line boundary); it is then repaired as damaged.
    An unfinished last save at the end (`Replay.unfinished`: a kill mid-save, mid-import)
    is no damage: a writable open drops it into a small sidecar and truncates the file
    (`drop_unfinished`), no copy of the whole file is made. Unless `covered(replay,
    committed_size)` (default: `behind`) gives a reason: the committed part is shorter
    than a backup taken from this journal, so acknowledged saves were cut: damage.
    """
    notes: list[Note] = []
    path = real_path(path)
    if not path.exists():
        if readonly:
            raise StoreNotFound(f"{path} does not exist")
        create_db(path, {})
    if covered is None:
        covered = behind
    if lazy:
        opened = _open_lazy(path, readonly, verify, behind, covered)
        if opened is not None:
            return opened
    fd: int | None = None
    try:
        if not readonly:
            try:
                fd = _open_locked(path)
            except OSError as exc:
                raise StoreError(Message("store.cannot_open", path=path, reason=exc.strerror or exc)) from exc
            data = _read_fd(fd)
            ident = _ident(fd)
        else:
            rfd = os.open(path, os.O_RDONLY)
            try:
                data, ident = _read_fd(rfd), _ident(rfd)
            finally:
                os.close(rfd)
    except OSError as exc:
        if fd is not None:
            os.close(fd)
        raise StoreError(Message("store.cannot_read", path=path, reason=exc.strerror or exc)) from exc
    except BaseException:
        if fd is not None:
            os.close(fd)
        raise
    try:
        if readonly and data[:1] != b"{":
            rep = Replay()  # a torn tail or an open transaction may be a save in progress elsewhere
            feed_all(rep, data, path, final=False)
        else:
            rep = replay(data, path)
        if is_foreign(data, rep):
            raise StoreForeign(Message("store.foreign", path=path, slug=path.parent.name))
        if verify is not None:
            verify(rep.tables)
    except BaseException:
        if fd is not None:
            os.close(fd)
        raise
    if not readonly and rep.unfinished and covered is not None:
        rep.cut_short = covered(rep, rep.unfinished_at)  # type: ignore[arg-type]
    lossy = (rep.damaged or rep.legacy or rep.torn_tail) and not (rep.unfinished and not readonly)
    if not lossy and behind is not None and not readonly and not rep.unfinished:
        rep.cut_short = behind(rep, len(data))
        lossy = rep.cut_short is not None
    if readonly:
        if rep.bad or not rep.header:  # a torn tail may be a save in progress elsewhere
            notes.append(Note(Message("store.recovery.damaged_readonly", name=path.name, damage=describe_damage(rep))))
        storage = JournalStorage(path, rep, None, len(data))
        storage.replay = rep  # type: ignore[attr-defined]
        storage._ident = ident
        return JournalDB(storage=lambda: storage), notes
    for tmp in temp_files(path.parent, path.name):  # unfinished rewrites: never acknowledged
        with contextlib.suppress(OSError):
            tmp.unlink()
    rewrite = False
    if rep.unfinished:  # a kill mid-save: only its own bytes are kept aside
        try:
            note, truncated = drop_unfinished(fd, path, rep, len(data))  # type: ignore[arg-type]
        except OSError as exc:
            os.close(fd)  # type: ignore[arg-type]
            raise StoreError(Message("store.aside_failed", path=path, reason=exc.strerror or exc)) from exc
        data = data[:rep.offset]
        notes.append(note)
        rewrite = not truncated
    if before_migration is not None and (rep.legacy or rep.header and rep.format < FORMAT):
        try:
            before_migration(data, rep)
        except BaseException:
            os.close(fd)  # type: ignore[arg-type]
            raise
    if lossy:
        aside = aside_name(path, ".old-format-" if rep.legacy else DAMAGED_INFIX)
        try:
            write_new_file(aside, data)
        except OSError as exc:
            os.close(fd)  # type: ignore[arg-type]
            raise StoreError(Message("store.aside_failed", path=path, reason=exc.strerror or exc)) from exc
        if rep.legacy:
            notes.append(Note(Message("store.recovery.old_format", name=path.name, aside=aside.name)))
        else:
            damage = describe_damage(rep)
            extra = amend(rep) if amend is not None else []
            notes.append(Note(Message("store.recovery.repaired", name=path.name, damage=damage, aside=aside.name,
                                      count=sum(len(t) for t in rep.tables.values()))))
            notes.extend(extra)
    storage = JournalStorage(path, rep, fd, len(data))
    storage.replay = rep  # type: ignore[attr-defined]
    if lossy or rewrite or rep.needs_rewrite or storage._ops > 2 * storage.live_docs() + COMPACT_SLACK:
        try:
            storage.compact()
        except StoreWriteError as exc:
            storage._needs_rewrite = True  # the first save rewrites the file before appending
            if lossy:
                notes.append(Note(Message("store.recovery.not_written", name=path.name, reason=message_of(exc))))
    return JournalDB(storage=lambda: storage), notes


def _open_lazy(path: Path, readonly: bool, verify: Callable[[dict[str, dict[str, dict]]], None] | None,
               behind: Callable[[Replay, int], Note | None] | None,
               covered: Callable[[Replay, int], Note | None] | None = None) -> tuple[JournalDB, list[Note]] | None:
    """Open a compacted store without reading its lazy lines (facilitator.store.lazy):
    the header, the index, the small tables and the tail are read and checked. None when
    the file has no index or anything read is not clean (torn, damaged, CRLF, older):
    then the whole file is read, checked and repaired as usual. An unfinished last save
    at the end is dropped here as well (`drop_unfinished`)."""
    try:
        fd = _open_locked(path) if not readonly else os.open(path, os.O_RDONLY)
    except (OSError, StoreLocked):
        return None  # the usual path says why
    keep = False
    notes: list[Any] = []
    rewrite = False
    try:
        size = os.fstat(fd).st_size
        rep = _replay_lazy(fd, path, size, readonly)
        if rep is None:
            return None
        if verify is not None:
            verify(rep.tables)
        if not readonly and rep.unfinished:
            if covered is not None and covered(rep, rep.unfinished_at) is not None:  # type: ignore[arg-type]
                return None  # acknowledged saves were cut: damage, repaired by the usual path
            try:
                note, truncated = drop_unfinished(fd, path, rep, size)
            except OSError:
                return None  # the usual path says why
            notes.append(note)
            rewrite = not truncated
            size = rep.offset
        elif behind is not None and not readonly:
            rep.cut_short = behind(rep, size)
            if rep.cut_short is not None:
                return None
        if readonly:
            storage = JournalStorage(path, rep, None, size, Source(fd, own=True))
            storage._ident = _ident(fd)
        else:
            for tmp in temp_files(path.parent, path.name):  # unfinished rewrites: never acknowledged
                with contextlib.suppress(OSError):
                    tmp.unlink()
            storage = JournalStorage(path, rep, fd, size)
        storage.replay = rep  # type: ignore[attr-defined]
        keep = True
    finally:
        if not keep:
            with contextlib.suppress(OSError):
                os.close(fd)
    if not readonly and (rewrite or storage._ops > 2 * storage.live_docs() + COMPACT_SLACK):
        try:
            storage.compact()
        except StoreWriteError:
            storage._needs_rewrite = True
    return JournalDB(storage=lambda: storage), notes


def _replay_lazy(fd: int, path: Path, size: int, readonly: bool) -> Replay | None:
    found = read_index(fd, size)
    if found is None:
        return None
    head, lazy_start, tail_start, layout = found
    try:
        eager = _pread_all(fd, len(head), lazy_start - len(head))
        tail = _pread_all(fd, tail_start, size - tail_start)
    except OSError:
        return None
    rep = Replay()
    for name, snap in layout.items():
        rep.tables[name] = LazyTable(name, snap=snap)
    rep.feed(head, path)
    rep.feed(eager, path)
    if rep.offset != lazy_start:
        return None
    skipped = sum(snap.n for snap in layout.values())
    rep.lines += skipped + 1  # the lazy lines and the index record
    rep.docs_seen += skipped
    rep.ops += skipped
    rep.offset = tail_start
    feed_all(rep, tail, path, final=not readonly)
    if not rep.header or rep.bad or rep.format != FORMAT or rep.crlf or rep.mended or rep.kept_uncommitted \
            or rep.docs_seen != rep.docs_expected or (rep.torn_tail and not readonly and not rep.unfinished):
        return None
    return rep


def _pread_all(fd: int, at: int, length: int) -> bytes:
    parts = []
    while length > 0:
        chunk = os.pread(fd, min(length, 64 * STREAM_CHUNK), at)
        if not chunk:
            raise OSError(5, "short read")
        parts.append(chunk)
        at += len(chunk)
        length -= len(chunk)
    return b"".join(parts)


def _read_fd(fd: int) -> bytes:
    size = os.fstat(fd).st_size
    parts = []
    at = 0
    while True:
        chunk = os.pread(fd, max(size - at, STREAM_CHUNK), at)
        if not chunk:
            break
        parts.append(chunk)
        at += len(chunk)
    return b"".join(parts)


@contextlib.contextmanager
def transaction(db: TinyDB) -> Iterator[None]:
    """All mutations inside become one transaction: saved together or not at all.
    On an exception (or a failed save) memory is rolled back and it propagates.
    Large transactions stream their records to the file as they go (bounded memory);
    only the commit record makes them count."""
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


# -- following ----------------------------------------------------------------------------


@dataclass
class FollowResult:
    """What a follower saw: `reset` (the file was replaced, e.g. by a compaction:
    read it whole again) or the operations committed since the last poll."""

    reset: bool = False
    ops: list[list[Any]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.reset or bool(self.ops)


class JournalFollower:
    """Follows one journal file: each `poll()` reads only the bytes appended since the
    last one (whole lines; a transaction counts once its commit record is there) and
    notices when the file was replaced (rewrite, compaction, restore): then `reset`.

    Workshops with several journals (one per seat) follow each with its own follower."""

    def __init__(self, path: Path, rep: Replay, ident: tuple[int, int] | None = None):
        self.path = real_path(path)
        self.rep = rep
        self.ident = ident
        if self.ident is None:
            with contextlib.suppress(OSError):
                st = os.stat(self.path)
                self.ident = (st.st_dev, st.st_ino)
        # (offset, first bytes) of the last line read: a writer that dropped an unfinished
        # save (truncated the file below our offset) and appended past it again is noticed
        self.mark: tuple[int, bytes] | None = None
        if rep.offset > 0:
            with contextlib.suppress(OSError):
                fd = os.open(self.path, os.O_RDONLY)
                try:
                    if _ident(fd) == self.ident:
                        at = max(0, rep.offset - 65536)
                        self._set_mark(at, os.pread(fd, rep.offset - at, at))
                finally:
                    os.close(fd)

    def _set_mark(self, at: int, data: bytes) -> None:
        """`data` (read from `at`) ends at the follower's offset: remember its last line."""
        end = self.rep.offset - at
        if end <= 0 or data[end - 1:end] != b"\n":
            return
        start = data.rfind(b"\n", 0, end - 1) + 1
        if start == 0 and at > 0:
            return  # a line longer than what was read: keep the mark before it
        self.mark = (at + start, data[start:min(end, start + 9)])

    def _moved(self, fd: int) -> bool:
        """The bytes before our offset are no longer those we read (a writer truncated the
        file, dropping an unfinished save, and wrote past our offset again)."""
        if self.mark is None:
            return False
        at, head = self.mark
        return os.pread(fd, len(head), at) != head or os.pread(fd, 1, self.rep.offset - 1) != b"\n"

    def poll(self) -> FollowResult:
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError:
            return FollowResult()
        try:
            ident = _ident(fd)
            if ident != self.ident:
                return FollowResult(reset=True)
            size = os.fstat(fd).st_size
            if size < self.rep.offset or self._moved(fd):
                return FollowResult(reset=True)  # truncated (and perhaps written again): not ours to guess
            if size == self.rep.offset:
                return FollowResult()
            at = self.rep.offset
            data = os.pread(fd, size - at, at)
        finally:
            os.close(fd)
        ops = self.rep.feed(data, self.path)
        self._set_mark(at, data)
        return FollowResult(ops=ops)
