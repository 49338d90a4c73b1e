"""Writing exported documents to disk: the only I/O of the export package.

Each file is written atomically: a temporary file in the same directory,
fsync'd, then renamed over the target, then the directory fsync'd. A reader
(or a crash) sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import glob
import re
import secrets
from pathlib import Path
from typing import Iterable

from facilitator.export import Document
from facilitator.fileio import fsync_dir, replace_atomic


# Characters some file system (Windows, macOS, a USB stick) refuses or reads as a path.
_UNPORTABLE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


def check_filename(name: str) -> None:
    """Raise ValueError unless `name` is a plain, portable file name."""
    if (not name or name in (".", "..") or name != name.strip() or name.endswith(".")
            or _UNPORTABLE.search(name) or Path(name).name != name):
        raise ValueError(f"not a plain, portable file name: {name!r}")


def write_documents(docs: Iterable[Document], out_dir: Path, mode: int = 0o600) -> list[Path]:
    """Write each document to `out_dir/filename` (creating the directory), with `mode`.

    All or nothing for the names: every file name is checked (plain, portable,
    no two alike) before the directory is made or any file written."""
    docs = list(docs)
    seen: set[str] = set()
    for doc in docs:
        check_filename(doc.filename)
        if doc.filename.casefold() in seen:
            raise ValueError(f"two documents would be written to the same file: {doc.filename!r}")
        seen.add(doc.filename.casefold())
    out_dir = Path(out_dir)
    # A directory made here is as private as the files: 0700 for 0600, 0755 for 0644.
    readable = mode & 0o044
    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700 | readable | (readable >> 2))
    written = []
    for doc in docs:
        content = doc.data if doc.data is not None else doc.text.encode("utf-8")
        written.append(_write_atomic(out_dir / doc.filename, content, mode))
    _fsync_dir(out_dir)
    return written


def _write_atomic(target: Path, data: bytes, mode: int) -> Path:
    for stale in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):  # left by a killed export
        with contextlib.suppress(OSError):
            stale.unlink()
    # O_EXCL | O_NOFOLLOW temp file with exactly `mode`: never written through a file or link put there
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    return replace_atomic(target, data, mode, tmp=tmp, sync_dir=False)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fsync_dir(path)
