"""The TinyDB behind a workshop store.

PLACEHOLDER: stock TinyDB JSONStorage, not durable. To be replaced by the
journaled storage (fsync'd appends, recovery, compaction); the interface stays:
`open_db(path, readonly=False) -> (TinyDB, recovery_notes)` and
`transaction(db)`, a context manager making the mutations inside it atomic.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator

from tinydb import TinyDB


def open_db(path: Path, *, readonly: bool = False) -> tuple[TinyDB, list[str]]:
    return TinyDB(path, access_mode="r" if readonly else "r+"), []


@contextlib.contextmanager
def transaction(db: TinyDB) -> Iterator[None]:
    yield
