"""Documents that stay on disk until read: the statements and actions of a journal.

A compacted journal (facilitator.store.db) writes the documents of the tables in
LAZY_TABLES after all other snapshot records, grouped by session and sorted by
(seq, id), and follows them with one index record::

    CRC ["x", {"lazy": OFFSET, "tables": {name: {"n": N, "line": L, "sessions": [[s, first, count], ...],
                                                 "keys": B64, "offs": B64, "flags": B64, "byid": B64 | null}}}]

- ``keys``: per lazy line ``seq << 32 | id`` (int64, little-endian), in file order;
- ``offs``: the byte offset of every lazy line, and of the end of the last one (N + 1);
- ``flags``: one byte per line: 1 a quote, 2 a key statement (what `list` counts);
- ``byid``: the line numbers in id order, or null when the ids already increase.

The header names where the index record is (``"index": "OFFSET:LENGTH"``, fixed
width: it is written last, over a placeholder of the same length). Opening such a
file reads the header, the index, the other (small) tables and the journal tail;
a lazy line is read, checked (checksum, table, id) and parsed only when its document
is asked for. A line that fails is reported like any damaged line and its document
is treated as missing; `doctor` reads the whole file, as before.

A `LazyTable` is the str-id -> document mapping TinyDB and the store see. Besides the
snapshot's lines it knows the lines an import appended in this process (`Seg`):
their documents are not kept in memory either.
"""

from __future__ import annotations

import base64
import contextlib
import heapq
import json
import os
import sys
import zlib
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, MutableMapping
from typing import Any, Callable

LAZY_TABLES = ("statements", "actions")
ID_MASK = (1 << 32) - 1
SEQ_MAX = (1 << 31) - 1
WINDOW = 1 << 20


@contextlib.contextmanager
def paused_gc(n: int = 1 << 30) -> Iterator[None]:
    """Many long-lived objects built in a row (`n` records; below 1,000 nothing is
    paused): the cyclic garbage collector waits meanwhile. Each of its passes walks the
    objects still alive, so while 100,000 records pile up it ran over them again and
    again: two thirds of a whole read's time, and of `doctor`'s. Nothing built here
    holds a cycle: reference counting frees it all as before, and what a cycle holds is
    collected once the collector runs again."""
    import gc

    if n < 1000 or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def key_of(doc_id: int, doc: Any) -> int | None:
    """The (seq, id) sort key of a document that can be kept lazily, else None."""
    if type(doc) is not dict:
        return None
    session, seq = doc.get("session"), doc.get("seq")
    if type(session) is int and type(seq) is int and 0 <= seq <= SEQ_MAX and 0 < doc_id <= ID_MASK \
            and -(1 << 31) <= session <= SEQ_MAX:
        return seq << 32 | doc_id
    return None


def flags_of(doc: dict) -> int:
    return (doc.get("kind") == "quote") | (bool(doc.get("key")) << 1)


def _pack(values: array) -> str:
    if sys.byteorder == "big":
        values = array(values.typecode, values)
        values.byteswap()
    return base64.b64encode(values.tobytes()).decode("ascii")


def _unpack(text: str, code: str = "q") -> array:
    out = array(code)
    out.frombytes(base64.b64decode(text, validate=True))
    if sys.byteorder == "big":
        out.byteswap()
    return out


class Source:
    """The open descriptor lazy lines are read from (the journal's own, or a read-only one)."""

    def __init__(self, fd: int | None, own: bool = False):
        self.fd = fd
        self.own = own  # opened for reading only: closed with the store

    def read(self, offset: int, length: int) -> bytes:
        if self.fd is None:
            return b""
        try:
            return os.pread(self.fd, length, offset)
        except OSError:
            return b""

    def close(self) -> None:
        if self.own and self.fd is not None:
            fd, self.fd = self.fd, None
            try:
                os.close(fd)
            except OSError:
                pass


class _Window:
    """Sequential reads of many lines in few system calls (a compaction's copy)."""

    def __init__(self, source: Source):
        self.source, self.start, self.data = source, 0, b""

    def read(self, offset: int, length: int) -> bytes:
        end = offset + length
        if offset < self.start or end > self.start + len(self.data):
            self.start, self.data = offset, self.source.read(offset, max(length, WINDOW))
        return self.data[offset - self.start:end - self.start]


class Snap:
    """Where one table's lazy lines are in the file (read from its index record)."""

    def __init__(self, keys: array, offs: array, flags: bytes, byid: array | None,
                 sessions: list[tuple[int, int, int]], line: int):
        self.keys, self.offs, self.flags, self.byid, self.line = keys, offs, flags, byid, line
        self.n = len(keys)
        self.sessions = {s: (a, c) for s, a, c in sessions}
        order = sorted(sessions, key=lambda t: t[1])
        self._starts = [a for _s, a, _c in order]
        self._names = [s for s, _a, _c in order]
        self._ids: array | None = None  # the ids in increasing order (built on the first look-up)

    @classmethod
    def from_json(cls, spec: dict) -> Snap:
        keys = _unpack(spec["keys"])
        offs = _unpack(spec["offs"])
        flags = base64.b64decode(spec["flags"], validate=True)
        byid = _unpack(spec["byid"]) if spec.get("byid") else None
        sessions = [(int(s), int(a), int(c)) for s, a, c in spec["sessions"]]
        snap = cls(keys, offs, flags, byid, sessions, int(spec.get("line", 0)))
        if len(offs) != snap.n + 1 or len(flags) != snap.n or byid is not None and len(byid) != snap.n \
                or sum(c for _s, _a, c in sessions) != snap.n or spec.get("n") != snap.n:
            raise ValueError("index does not add up")
        return snap

    def to_json(self) -> dict:
        return {"n": self.n, "line": self.line, "sessions": [[s, a, c] for s, (a, c) in self.sessions.items()],
                "keys": _pack(self.keys), "offs": _pack(self.offs),
                "flags": base64.b64encode(bytes(self.flags)).decode("ascii"),
                "byid": _pack(self.byid) if self.byid is not None else None}

    def find(self, doc_id: int) -> int:
        """The lazy line holding `doc_id`, or -1."""
        ids = self._ids
        if ids is None:
            keys = self.keys
            order = range(self.n) if self.byid is None else self.byid
            ids = self._ids = array("q", [keys[line] & ID_MASK for line in order])
        at = bisect_left(ids, doc_id)
        if at < self.n and ids[at] == doc_id:
            return at if self.byid is None else self.byid[at]
        return -1

    def session_at(self, line: int) -> int:
        return self._names[bisect_right(self._starts, line) - 1]


class Seg:
    """Lines appended by this process's imports ("o" records), by increasing id."""

    def __init__(self) -> None:
        self.ids, self.keys, self.offs = array("q"), array("q"), array("q")
        self.lens, self.sess = array("q"), array("q")
        self.flags = bytearray()

    def __len__(self) -> int:
        return len(self.ids)

    def find(self, doc_id: int) -> int:
        ids = self.ids
        if not ids or doc_id > ids[-1]:
            return -1
        at = bisect_left(ids, doc_id)
        return at if at < len(ids) and ids[at] == doc_id else -1

    def truncate(self, n: int) -> None:
        for a in (self.ids, self.keys, self.offs, self.lens, self.sess):
            del a[n:]
        del self.flags[n:]


class LazyTable(MutableMapping):
    """One table (str id -> document) whose documents stay in the file until read.

    `docs` holds the documents in memory (changed, created, or of another shape), and
    wins over a line in the file; `hidden` names ids whose line in the file is no longer
    their document (removed). `parses` counts lines read and parsed (for tests)."""

    def __init__(self, name: str, source: Source | None = None, docs: dict[str, dict] | None = None,
                 snap: Snap | None = None):
        self.name = name
        self.source = source or Source(None)
        self.docs: dict[str, dict] = docs if docs is not None else {}
        self.snap = snap
        self.seg = Seg()
        self.hidden: set[int] = set()
        self.parses = 0
        self.damaged: dict[int, tuple[int, bytes, int | None]] = {}  # id -> (offset, raw, line number)
        self.on_damage: list[Callable[[str, int, int | None], None]] = []
        self._n = len(self.docs) + (snap.n if snap else 0)
        self._window: _Window | None = None

    @contextlib.contextmanager
    def sequential(self) -> Iterator[None]:
        """Reads inside go through a window of the file (many lines, few system calls)."""
        if self._window is not None:
            yield
            return
        self._window = _Window(self.source)
        try:
            yield
        finally:
            self._window = None

    # -- where a document is ------------------------------------------------------

    def _where(self, doc_id: int) -> tuple[int, int]:
        """(0, line) in the snapshot, (1, position) in the segment, or (-1, -1)."""
        if doc_id in self.hidden:
            return -1, -1
        if self.seg.ids:
            p = self.seg.find(doc_id)
            if p >= 0:
                return 1, p
        if self.snap is not None:
            line = self.snap.find(doc_id)
            if line >= 0:
                return 0, line
        return -1, -1

    def _span(self, kind: int, at: int) -> tuple[int, int]:
        if kind == 0:
            offset = self.snap.offs[at]  # type: ignore[union-attr]
            return offset, self.snap.offs[at + 1] - offset  # type: ignore[union-attr]
        return self.seg.offs[at], self.seg.lens[at]

    def _doc_of(self, kind: int, payload: Any, doc_id: int) -> dict | None:
        if kind == 0 and type(payload) is list and len(payload) == 4 and payload[0] == "d" \
                and payload[1] == self.name and payload[2] == doc_id and type(payload[3]) is dict:
            return payload[3]
        if kind == 1 and type(payload) is list and len(payload) == 5 and payload[0] == "o" \
                and payload[2] == self.name and payload[3] == doc_id and type(payload[4]) is dict:
            return payload[4]
        return None

    def _load(self, kind: int, at: int, doc_id: int) -> dict | None:
        return self._load_many([(kind, at, doc_id)])[0]

    def _load_many(self, wanted: list[tuple[int, int, int]]) -> list[dict | None]:
        """Read, check and parse lines (kind, at, id) in one go (one JSON parse for all)."""
        from facilitator.store.db import _body, _parse_many

        reader = self._window or self.source
        spans = [self._span(kind, at) for kind, at, _id in wanted]
        raws = [reader.read(offset, length) for offset, length in spans]
        bodies = [_body(raw[:-1]) if raw[-1:] == b"\n" else None for raw in raws]
        payloads = iter(_parse_many([b for b in bodies if b is not None]))
        self.parses += len(wanted)
        out: list[dict | None] = []
        for (kind, at, doc_id), (offset, _length), raw, body in zip(wanted, spans, raws, bodies):
            doc = self._doc_of(kind, next(payloads), doc_id) if body is not None else None
            if doc is None and doc_id not in self.damaged:
                line = self.snap.line + at if kind == 0 and self.snap is not None else None
                self.damaged[doc_id] = (offset, raw, line)
                session = self.snap.session_at(at) if kind == 0 else self.seg.sess[at]  # type: ignore[union-attr]
                for hook in list(self.on_damage):
                    hook(self.name, doc_id, session)
            out.append(doc)
        return out

    def get_many(self, ids: list[int]) -> list[dict | None]:
        """The documents of `ids` (None: missing or damaged), their lines read in one go."""
        out: list[dict | None] = [None] * len(ids)
        pending: list[tuple[int, int, int]] = []
        where: list[int] = []
        for i, doc_id in enumerate(ids):
            doc = self.docs.get(str(doc_id))
            if doc is not None:
                out[i] = doc
                continue
            kind, at = self._where(doc_id)
            if kind >= 0:
                pending.append((kind, at, doc_id))
                where.append(i)
        if pending:
            with self.sequential():
                for i, doc in zip(where, self._load_many(pending)):
                    out[i] = doc
        return out

    def doc_bytes(self, ids: list[int]) -> list[bytes | None]:
        """For a bulk read that parses and validates in one step: per id, the JSON text of
        its document when its line is a snapshot line of this table that passes its
        checksum and has exactly the writer's shape ``["d","<table>",<id>,{...}]``; None
        for every other id (a document held in memory, an import's line, a damaged or
        unusual line: read those with `get_many`, which also reports damage). Counted in
        `parses` (the caller parses what it gets)."""
        from facilitator.store.db import _body, _dumps

        out: list[bytes | None] = [None] * len(ids)
        snap = self.snap
        if snap is None or not ids:
            return out
        docs, hidden, seg = self.docs, self.hidden, self.seg
        lines = [snap.find(doc_id) for doc_id in ids]
        for i, doc_id in enumerate(ids):
            if lines[i] >= 0 and (hidden and doc_id in hidden or docs and str(doc_id) in docs
                                  or len(seg) and seg.find(doc_id) >= 0):
                lines[i] = -1  # its document is elsewhere now
        head = b'["d",' + _dumps(self.name) + b","
        crc = zlib.crc32
        offs = snap.offs
        # Runs of consecutive lines (a session's records are in file order): one read each.
        i = 0
        while i < len(ids):
            first = lines[i]
            if first < 0:
                i += 1
                continue
            j = i + 1
            while j < len(ids) and lines[j] == first + (j - i):
                j += 1
            start, end = offs[first], offs[first + (j - i)]
            raw = self.source.read(start, end - start)
            chunk = raw.split(b"\n") if len(raw) == end - start and raw[-1:] == b"\n" else []
            if len(chunk) == j - i + 1:  # else a newline was damaged: line by line
                for k in range(i, j):
                    line = chunk[k - i]
                    body = line[9:]
                    if line[8:9] != b" " or line[-1:] == b"\r":
                        body = _body(line)  # type: ignore[assignment]
                        if body is None:
                            continue
                    else:
                        try:
                            if int(line[:8], 16) != crc(body):
                                continue
                        except ValueError:
                            continue
                    pre = head + b"%d," % ids[k]
                    if body.startswith(pre) and body[-2:] == b"}]":
                        out[k] = body[len(pre):-1]
            else:
                for k in range(i, j):
                    at = lines[k]
                    raw = self.source.read(offs[at], offs[at + 1] - offs[at])
                    body = _body(raw[:-1]) if raw[-1:] == b"\n" else None  # type: ignore[assignment]
                    pre = head + b"%d," % ids[k]
                    if body is not None and body.startswith(pre) and body[-2:] == b"}]":
                        out[k] = body[len(pre):-1]
            i = j
        self.parses += sum(b is not None for b in out)
        return out

    def session_of(self, doc_id: int) -> Any:
        doc = self.docs.get(str(doc_id))
        if doc is not None:
            session = doc.get("session")
            return session if type(session) is int else None
        kind, at = self._where(doc_id)
        if kind == 0:
            return self.snap.session_at(at)  # type: ignore[union-attr]
        if kind == 1:
            return self.seg.sess[at]
        return None

    # -- the mapping ----------------------------------------------------------------

    def __contains__(self, key: object) -> bool:
        if key in self.docs:
            return True
        try:
            doc_id = int(key)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return False
        return self._where(doc_id)[0] >= 0

    def __getitem__(self, key: str) -> dict:
        doc = self.docs.get(key)
        if doc is not None:
            return doc
        try:
            doc_id = int(key)
        except (TypeError, ValueError):
            raise KeyError(key) from None
        kind, at = self._where(doc_id)
        if kind < 0:
            raise KeyError(key)
        doc = self._load(kind, at, doc_id)
        if doc is None:
            raise KeyError(key)
        return doc

    def take(self, key: str) -> dict:
        """The document, held in memory from now on (TinyDB's updaters change it in place)."""
        doc = self[key]
        self.docs[key] = doc
        return doc

    def __setitem__(self, key: str, doc: dict) -> None:
        if key not in self:
            self._n += 1
        self.docs[key] = doc

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)
        self.docs.pop(key, None)
        try:
            doc_id = int(key)
        except ValueError:
            doc_id = None
        if doc_id is not None and self._where(doc_id)[0] >= 0:
            self.hidden.add(doc_id)
        self._n -= 1

    def discard(self, key: str) -> None:
        if key in self:
            del self[key]

    def pop(self, key: str, *default: Any) -> Any:  # type: ignore[override]
        try:
            value = self[key]
        except KeyError:
            if key in self:  # damaged: removing it needs no value
                del self[key]
                return default[0] if default else None
            if default:
                return default[0]
            raise
        del self[key]
        return value

    def __len__(self) -> int:
        return self._n

    def __iter__(self) -> Iterator[str]:
        docs, hidden = self.docs, self.hidden
        yield from list(docs)
        if self.snap is not None:
            for k in self.snap.keys:
                doc_id = k & ID_MASK
                if doc_id not in hidden and str(doc_id) not in docs:
                    yield str(doc_id)
        for doc_id in list(self.seg.ids):
            if doc_id not in hidden and str(doc_id) not in docs:
                yield str(doc_id)

    def items(self) -> Iterator[tuple[str, dict]]:  # type: ignore[override]
        for key in self:
            with _suppress_key():
                yield key, self[key]

    def values(self) -> Iterator[dict]:  # type: ignore[override]
        for _key, doc in self.items():
            yield doc

    def clear(self) -> None:
        self.docs.clear()
        self.seg = Seg()
        self.snap = None
        self.hidden.clear()
        self._n = 0

    # -- by session -------------------------------------------------------------------

    def sessions(self) -> set[Any]:
        out: set[Any] = set(self.snap.sessions) if self.snap is not None else set()
        out.update(self.seg.sess)
        for doc in self.docs.values():
            session = doc.get("session")
            out.add(session if type(session) is int else None)
        return out

    def keys_of(self, session: Any) -> tuple[array, dict[int, int]]:
        """The (seq << 32 | id) keys of a session's documents, sorted, and for documents
        held in memory (or of another shape) their keys by id. Nothing is parsed."""
        docs, hidden = self.docs, self.hidden
        block: Any = ()
        if self.snap is not None and session in self.snap.sessions:
            a, c = self.snap.sessions[session]
            block = self.snap.keys[a:a + c]
        extra: dict[int, int] = {}
        for key, doc in docs.items():
            s = doc.get("session")
            if (s if type(s) is int else None) != session:
                continue
            doc_id = int(key)
            k = key_of(doc_id, doc)
            if k is None:
                seq = doc.get("seq")
                k = (min(max(seq, 0), SEQ_MAX) if type(seq) is int else 0) << 32 | (doc_id & ID_MASK)
            extra[doc_id] = k
        seg = self.seg
        from_seg = [seg.keys[p] for p in range(len(seg)) if seg.sess[p] == session] if len(seg) else []
        overlap = self.snap is not None and any(k.isdigit() and self.snap.find(int(k)) >= 0 for k in docs)
        if not extra and not hidden and not from_seg and not overlap:
            return array("q", block), extra
        keys = [k for k in block if (k & ID_MASK) not in hidden and str(k & ID_MASK) not in docs]
        keys += [k for k in from_seg if (k & ID_MASK) not in hidden and str(k & ID_MASK) not in docs]
        keys += extra.values()
        keys.sort()
        return array("q", keys), extra

    def tally(self) -> dict[Any, list[int]]:
        """Per session: [documents, quotes, key statements], nothing parsed for lines in the file."""
        out: dict[Any, list[int]] = {}
        docs, hidden = self.docs, self.hidden
        skip = set(hidden)
        skip.update(int(k) for k in docs if k.isdigit())
        if self.snap is not None:
            snap = self.snap
            for session, (a, c) in snap.sessions.items():
                flags = snap.flags[a:a + c]
                per = out.setdefault(session, [0, 0, 0])
                per[0] += c
                per[1] += flags.count(1) + flags.count(3)
                per[2] += flags.count(2) + flags.count(3)
            for doc_id in skip:
                line = snap.find(doc_id)
                if line >= 0:
                    per = out[snap.session_at(line)]
                    f = snap.flags[line]
                    per[0] -= 1
                    per[1] -= f & 1
                    per[2] -= f >> 1 & 1
        seg = self.seg
        for p in range(len(seg)):
            if seg.ids[p] in skip:
                continue
            per = out.setdefault(seg.sess[p], [0, 0, 0])
            f = seg.flags[p]
            per[0] += 1
            per[1] += f & 1
            per[2] += f >> 1 & 1
        for doc in docs.values():
            s = doc.get("session")
            per = out.setdefault(s if type(s) is int else None, [0, 0, 0])
            per[0] += 1
            per[1] += doc.get("kind") == "quote"
            per[2] += bool(doc.get("key"))
        return out

    # -- imports and rewrites -----------------------------------------------------

    def seg_add(self, doc_id: int, key: int, offset: int, length: int, session: int, flags: int) -> None:
        seg = self.seg
        seg.ids.append(doc_id)
        seg.keys.append(key)
        seg.offs.append(offset)
        seg.lens.append(length)
        seg.sess.append(session)
        seg.flags.append(flags)
        self._n += 1

    def seg_truncate(self, n: int) -> None:
        self._n -= len(self.seg) - n
        self.seg.truncate(n)

    def rebind(self, snap: Snap | None) -> None:
        """After a rewrite: the documents are in the new file's lazy lines (`snap`)."""
        self.snap = snap
        self.seg = Seg()
        self.hidden.clear()
        self.damaged.clear()
        for key in [k for k, d in self.docs.items() if k.isdigit() and key_of(int(k), d) is not None]:
            del self.docs[key]


class _suppress_key:
    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        return exc_type is not None and issubclass(exc_type, KeyError)


# -- writing a snapshot ------------------------------------------------------------------


class SnapshotWriter:
    """A compacted journal, produced in chunks of about WINDOW bytes (memory does not grow
    with the store: lazy lines are copied from the file as they are). After `chunks()`
    is exhausted: `header` (the final first line, the same length as the first one
    yielded), `layout` (table -> Snap of the new file), `size`."""

    def __init__(self, tables: dict[str, Any], maxids: dict[str, int], last_tx: int, epoch: str,
                 source: dict | None = None):
        from facilitator.store.db import FORMAT, HEADER_KEY

        self.tables = {name: (LazyTable(name, docs=t) if name in LAZY_TABLES and not isinstance(t, LazyTable) else t)
                       for name, t in tables.items()}
        self.lazy = [name for name, t in self.tables.items() if isinstance(t, LazyTable) and len(t)]
        count = sum(len(t) for t in self.tables.values())
        self.head = {HEADER_KEY: FORMAT, "epoch": epoch, "next": dict(maxids), "docs": count, "tx": last_tx}
        if source is not None:
            self.head["source"] = source
        if self.lazy:
            self.head["index"] = "%016d:%016d" % (0, 0)
        self.header = b""
        self.layout: dict[str, Snap] = {}
        self.size = 0

    def chunks(self) -> Iterator[bytes]:
        from facilitator.store.db import _dumps, _line, encode

        parts: list[bytes] = []
        pos = 0
        lines = 1
        first = encode(self.head)
        parts.append(first)
        pos = len(first)
        size = 0
        for name, table in self.tables.items():
            prefix = b'["d",' + _dumps(name) + b","
            items = table.docs.items() if isinstance(table, LazyTable) else table.items()
            for doc_id, doc in items:
                if isinstance(table, LazyTable) and doc_id.isdigit() and key_of(int(doc_id), doc) is not None:
                    continue  # written with the lazy lines
                line = _line(prefix + doc_id.encode() + b"," + _dumps(doc) + b"]")
                parts.append(line)
                pos += len(line)
                lines += 1
                size += len(line)
                if size >= WINDOW:
                    yield b"".join(parts)
                    parts, size = [], 0
        if not self.lazy:
            yield b"".join(parts)
            self.header, self.size = first, pos
            return
        lazy_start = pos
        for name in self.lazy:
            table = self.tables[name]
            keys, offs, flags = array("q"), array("q"), bytearray()
            sessions: list[tuple[int, int, int]] = []
            first_line = lines + 1
            for session, entries, block in self._sessions(table):
                start = len(keys)
                if block is not None:  # a whole session unchanged: copied as it is
                    snap = table.snap
                    a, c = block
                    lo, hi = snap.offs[a], snap.offs[a + c]
                    delta = pos - lo
                    keys.extend(snap.keys[a:a + c])
                    offs.extend(o + delta for o in snap.offs[a:a + c])
                    flags.extend(snap.flags[a:a + c])
                    at = lo
                    while at < hi:
                        chunk = table.source.read(at, min(WINDOW, hi - at))
                        if not chunk:
                            raise OSError(5, "the store file could not be read back")
                        parts.append(chunk)
                        at += len(chunk)
                        yield b"".join(parts)
                        parts, size = [], 0
                    pos += hi - lo
                    lines += c
                else:
                    window = _Window(table.source)
                    prefix = b'["d",' + _dumps(name) + b","
                    for key, kind, ref in entries:
                        if kind == 0:
                            snap = table.snap
                            line = window.read(snap.offs[ref], snap.offs[ref + 1] - snap.offs[ref])
                            flag = snap.flags[ref]
                        elif kind == 1:
                            seg = table.seg
                            line = _from_op(window.read(seg.offs[ref], seg.lens[ref]))
                            flag = seg.flags[ref]
                        else:
                            doc = table.docs[ref]
                            line = _line(prefix + ref.encode() + b"," + _dumps(doc) + b"]")
                            flag = flags_of(doc)
                        if not line:
                            raise OSError(5, "the store file could not be read back")
                        keys.append(key)
                        offs.append(pos)
                        flags.append(flag)
                        parts.append(line)
                        pos += len(line)
                        lines += 1
                        size += len(line)
                        if size >= WINDOW:
                            yield b"".join(parts)
                            parts, size = [], 0
                if len(keys) > start:
                    sessions.append((session, start, len(keys) - start))
            offs.append(pos)
            byid, prev = None, 0
            for k in keys:
                if k & ID_MASK <= prev:
                    byid = array("q", sorted(range(len(keys)), key=lambda line: keys[line] & ID_MASK))
                    break
                prev = k & ID_MASK
            self.layout[name] = Snap(keys, offs, bytes(flags), byid, sessions, first_line)
        index = _line(_dumps(["x", {"lazy": lazy_start,
                                    "tables": {name: snap.to_json() for name, snap in self.layout.items()}}]))
        parts.append(index)
        self.head["index"] = "%016d:%016d" % (pos, len(index))
        pos += len(index)
        self.header = encode(self.head)
        assert len(self.header) == len(first)
        self.size = pos
        yield b"".join(parts)

    def _sessions(self, table: LazyTable) -> Iterator[tuple[int, Any, tuple[int, int] | None]]:
        """Per session (in order): its entries (key, kind, ref) in (seq, id) order, or the
        snapshot block to copy whole."""
        docs, hidden, snap, seg = table.docs, table.hidden, table.snap, table.seg
        by_doc: dict[int, list[tuple[int, str]]] = {}
        for k, doc in docs.items():
            if k.isdigit():
                key = key_of(int(k), doc)
                if key is not None:
                    by_doc.setdefault(doc["session"], []).append((key, k))
        by_seg: dict[int, array] = {}
        for p in range(len(seg)):
            by_seg.setdefault(seg.sess[p], array("q")).append(p)
        dirty: set[int] = set()
        if snap is not None:
            for doc_id in [*hidden, *(int(k) for k in docs if k.isdigit())]:
                line = snap.find(doc_id)
                if line >= 0:
                    dirty.add(snap.session_at(line))
        names = set(by_doc) | set(by_seg) | (set(snap.sessions) if snap is not None else set())
        for session in sorted(names):
            block = snap.sessions.get(session) if snap is not None else None
            if block is not None and session not in dirty and session not in by_doc and session not in by_seg:
                yield session, None, block
                continue

            def from_snap(block: tuple[int, int] | None = block) -> Iterator[tuple[int, int, Any]]:
                if block is None:
                    return
                a, c = block
                for line in range(a, a + c):
                    k = snap.keys[line]  # type: ignore[union-attr]
                    i = k & ID_MASK
                    if i not in hidden and str(i) not in docs:
                        yield k, 0, line

            def from_seg(positions: array = by_seg.get(session, array("q"))) -> Iterator[tuple[int, int, Any]]:
                ordered: Any = positions
                if any(seg.keys[positions[i]] > seg.keys[positions[i + 1]] for i in range(len(positions) - 1)):
                    ordered = sorted(positions, key=seg.keys.__getitem__)
                for p in ordered:
                    i = seg.ids[p]
                    if i not in hidden and str(i) not in docs:
                        yield seg.keys[p], 1, p

            from_docs = [(key, 2, k) for key, k in sorted(by_doc.get(session, []))]
            yield session, heapq.merge(from_snap(), from_seg(), from_docs), None


def _from_op(raw: bytes) -> bytes:
    """An import's ``["o",tx,table,id,doc]`` line as the snapshot's ``["d",table,id,doc]``
    (its checksum checked first; a damaged line is copied as it is, to be found)."""
    from facilitator.store.db import _body, _line

    if raw[-1:] != b"\n":
        return raw
    body = _body(raw[:-1])
    if body is None or not body.startswith(b'["o",'):
        return raw
    cut = body.index(b",", 5)
    return _line(b'["d",' + body[cut + 1:])


def read_index(fd: int, size: int) -> tuple[bytes, int, int, dict[str, Snap]] | None:
    """The header line, where the lazy lines start, where the index record ends and the
    tables' layouts; None when the file has no usable index (it is then read whole)."""
    from facilitator.store.db import HEADER_KEY, _body

    head = os.pread(fd, 65536, 0)
    nl = head.find(b"\n")
    if nl < 0:
        return None
    body = _body(head[:nl])
    if body is None:
        return None
    try:
        header = json.loads(body)
        index = header.get("index") if isinstance(header, dict) and HEADER_KEY in header else None
        if not isinstance(index, str):
            return None
        at, length = (int(x) for x in index.split(":"))
        if at <= nl or length <= 0 or at + length > size:
            return None
        raw = os.pread(fd, length, at)
        if raw[-1:] != b"\n":
            return None
        body = _body(raw[:-1])
        if body is None:
            return None
        payload = json.loads(body)
        if not (type(payload) is list and len(payload) == 2 and payload[0] == "x" and type(payload[1]) is dict):
            return None
        spec = payload[1]
        lazy_start = int(spec["lazy"])
        layout = {name: Snap.from_json(t) for name, t in spec["tables"].items() if name in LAZY_TABLES}
        if not nl < lazy_start <= at:
            return None
        for snap in layout.values():
            if snap.n and (snap.offs[0] < lazy_start or snap.offs[snap.n] > at):
                return None
        return head[:nl + 1], lazy_start, at + length, layout
    except (ValueError, TypeError, KeyError, AttributeError, OSError):
        return None
