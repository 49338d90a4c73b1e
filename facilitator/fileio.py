"""Durable file writes: the one place that knows how to put bytes on disk so
they survive a crash, a power cut or a hostile file someone left in the way.

Headless (standard library only). Used by the store, the exports, the error
log and the rescue file. Every function raises OSError on failure and leaves
no temporary file behind.

- `create_exclusive(path, mode)`: a NEW file (O_EXCL | O_NOFOLLOW), with exactly
  `mode` whatever the umask; never opens a file or symlink that is already there.
- `write_all(fd, data)` / `write_fsynced(fd, data)`: write every byte (and fsync).
- `write_new(path, data)`: exclusive create + write + fsync file and directory.
- `replace_atomic(path, data)`: temp file beside `path`, fsync, rename over it,
  fsync the directory: a reader (or a crash) sees the old file or the new one.
- `append_durable(path, data)`: open for appending (created `mode` if missing,
  never through a symlink), write, fsync: the bytes are on disk when it returns.
- `fsync_dir(path)`: make a create/rename/unlink in `path` durable.
- `make_private_dir(path)`: mkdir -p with 0700, fsync'ing the parents it changed.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Callable

FILE_MODE = 0o600
DIR_MODE = 0o700
TMP_INFIX = ".tmp-"  # temp files: NAME.tmp-PID-RANDOM, beside the file they become

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of `data` to `fd` (os.write may write less than asked)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def write_fsynced(fd: int, data: bytes) -> None:
    """Write every byte of `data` to `fd`, then fsync it."""
    write_all(fd, data)
    os.fsync(fd)


def fsync_dir(path: Path | str) -> None:
    """fsync a directory, so the names created, renamed or removed in it are durable."""
    fd = os.open(path, os.O_RDONLY | _DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def create_exclusive(path: Path | str, mode: int = FILE_MODE, *, append: bool = False, read: bool = False) -> int:
    """Create `path` as a new file and return its descriptor (write-only, or
    read-write with `read`; O_APPEND with `append`). Fails with FileExistsError
    when anything (a file, a symlink) is already there. The mode is exactly `mode`,
    whatever the umask."""
    flags = (os.O_RDWR if read else os.O_WRONLY) | os.O_CREAT | os.O_EXCL | _NOFOLLOW
    if append:
        flags |= os.O_APPEND
    fd = os.open(path, flags, mode)
    try:
        os.fchmod(fd, mode)  # the umask must neither widen nor narrow it
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise
    return fd


def temp_name(path: Path) -> Path:
    """A fresh temp name beside `path`: NAME.tmp-PID-RANDOM."""
    return path.with_name(f"{path.name}{TMP_INFIX}{os.getpid()}-{secrets.token_hex(4)}")


def write_new(path: Path, data: bytes, mode: int = FILE_MODE, *, sync_dir: bool = True) -> None:
    """Create `path` exclusively with `data`, fsync it (and its directory)."""
    fd = create_exclusive(path, mode)
    try:
        write_fsynced(fd, data)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise
    os.close(fd)
    if sync_dir:
        fsync_dir(path.parent)


def replace_atomic(path: Path, data: bytes, mode: int = FILE_MODE, *, tmp: Path | None = None,
                   sync_dir: bool = True) -> Path:
    """Atomically make `path` hold `data`: a temp file beside it (`tmp`, default
    NAME.tmp-PID-RANDOM), fsync'd, renamed over `path`, directory fsync'd.
    A symlink at `path` is replaced by the file (resolve it first to write at
    its target). Returns `path`."""
    tmp = tmp or temp_name(path)
    try:
        write_new(tmp, data, mode, sync_dir=False)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if sync_dir:
        fsync_dir(path.parent)
    return path


def append_durable(path: Path, data: bytes, mode: int = FILE_MODE,
                   check: Callable[[int], None] | None = None) -> None:
    """Append `data` to `path` and fsync: durable when it returns. The file is
    created with `mode` when missing; a symlink at `path` is refused (ELOOP).
    `check(fd)` runs on the open file before anything is written (raise to refuse it,
    e.g. a file of another user)."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags, mode)
    try:
        if check is not None:
            check(fd)
        write_fsynced(fd, data)
    finally:
        os.close(fd)


def make_private_dir(path: Path) -> None:
    """Create a directory (and parents) 0700, fsync'ing the parents of what was created."""
    if path.is_dir():
        return
    if path.parent != path:
        make_private_dir(path.parent)
    try:
        os.mkdir(path, DIR_MODE)
    except FileExistsError:
        return
    fsync_dir(path.parent)
