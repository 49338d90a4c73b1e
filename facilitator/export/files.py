"""Writing exported documents to disk: the only I/O of the export package.

Each file is written atomically: a temporary file in the same directory,
fsync'd, then renamed over the target, then the directory fsync'd. A reader
(or a crash) sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from facilitator.export import Document


def write_documents(docs: Iterable[Document], out_dir: Path, mode: int = 0o600) -> list[Path]:
    """Write each document to `out_dir/filename` (creating the directory), with `mode`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for doc in docs:
        if not doc.filename or Path(doc.filename).name != doc.filename or doc.filename in (".", ".."):
            raise ValueError(f"not a plain file name: {doc.filename!r}")
        written.append(_write_atomic(out_dir / doc.filename, doc.text.encode("utf-8"), mode))
    _fsync_dir(out_dir)
    return written


def _write_atomic(target: Path, data: bytes, mode: int) -> Path:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        try:
            os.fchmod(fd, mode)  # the umask must not widen or narrow it
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return target


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
