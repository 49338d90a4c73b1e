"""One writer per workshop: an OS lock (flock, via filelock) on ``store.lock``,
and (facilitator.store.db) an flock on the store file itself, so deleting
``store.lock`` does not let a second writer in.

The kernel releases the lock when its holder dies, kill -9 included. Who holds
it is written to the sidecar ``store.lock.info`` after acquiring (filelock
truncates the lock file itself), so a second process can be told who has it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import secrets
import socket
import sys
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from facilitator.fileio import FILE_MODE, replace_atomic
from facilitator.i18n import Message
from facilitator.store.db import StoreError, StoreLocked

LOCK_NAME = "store.lock"
INFO_NAME = "store.lock.info"


class WorkshopLock:
    """The lock of one workshop directory. `acquire()` raises StoreLocked naming the holder."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.path = directory / LOCK_NAME
        self.info_path = directory / INFO_NAME
        self._lock = FileLock(str(self.path), timeout=0, mode=FILE_MODE, thread_local=False,
                              fallback_to_soft=False)

    @property
    def held(self) -> bool:
        return self._lock.is_locked

    def acquire(self) -> WorkshopLock:
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            raise StoreLocked(Message("store.locked", slug=repr(self.directory.name),
                                      holder=describe_holder(self.directory))) from None
        except OSError as exc:
            raise StoreError(Message("store.lock_failed", path=self.path, reason=exc.strerror or exc)) from exc
        self._remove_stale_notes()
        try:
            _write_info(self.info_path)
        except OSError:
            pass  # the lock holds without the note; a rival is then told "holder unknown"
        return self

    def _remove_stale_notes(self) -> None:
        """Temp files of this lock's holder note that a holder killed while writing it left
        (only the lock's holder writes that note, and this process holds the lock now)."""
        for stale in self.directory.glob(f"{self.info_path.name}.tmp-*"):
            with contextlib.suppress(OSError):
                stale.unlink()

    def release(self) -> None:
        if not self._lock.is_locked:
            return
        info = holder(self.directory)
        if info is None or info.get("pid") == os.getpid():  # never another holder's note
            with contextlib.suppress(OSError):
                self.info_path.unlink()
        self._lock.release(force=True)

    def __enter__(self) -> WorkshopLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def holder(directory: Path) -> dict[str, Any] | None:
    """What the holder wrote about itself, or None."""
    try:
        info = json.loads((directory / INFO_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def describe_holder(directory: Path) -> Message:
    info = holder(directory)
    if info is None:
        return Message("store.holder_unknown")
    return Message("store.holder", pid=info.get('pid', '?'), host=info.get('host', '?'),
                   command=repr(info.get('command', '?')), since=info.get('since', '?'))


def _write_info(path: Path) -> None:
    info = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "command": " ".join([os.path.basename(sys.argv[0] or "python")] + sys.argv[1:])[:200],
        "since": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
    replace_atomic(path, json.dumps(info).encode(), FILE_MODE, tmp=tmp, sync_dir=False)
