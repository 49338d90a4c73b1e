"""The unexpected-error log: tracebacks go to a file, never to the screen.

`log_unexpected` appends the traceback to `facilitator.log` in the data
directory; if that cannot be written, to the same file in the user's own state
directory (platformdirs: `~/.local/state/facilitator` on Linux), made 0700. It
never falls back to a shared folder it does not own (a `/tmp/facilitator-UID`
made beforehand by another user, or a symlink there, received root's
tracebacks): a symlink, or a directory or log file owned by someone else, is
refused. When no log can be written it returns None and the caller shows
`summary(exc)` (one line, no traceback) instead.

The log holds no statement text at all (nor any other text of the workshop):
an exception's message can carry what was typed (a validation error echoes its
input, a KeyError its key), so each exception in the chain is written as its
type and where it was raised, with the message withheld (its length is given);
an OSError keeps its errno and strerror, never its file name, an ImportError
its module name. `summary` is
written the same way.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import sys
import traceback
from pathlib import Path

from facilitator.fileio import append_durable

LOG_NAME = "facilitator.log"
APP_NAME = "facilitator"


def state_dir() -> Path:
    """The user's own state directory for the app (where the log goes when the data directory is not writable)."""
    from platformdirs import user_state_dir

    return Path(user_state_dir(APP_NAME, appauthor=False))


def _what(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.errno is not None:
        return f"errno {exc.errno} ({exc.strerror})"
    if isinstance(exc, ImportError) and exc.name:
        return f"module {exc.name!r} (message withheld)"
    n = len(str(exc))
    return f"(message withheld: {n} character{'s' if n != 1 else ''})" if n else "(no message)"


def safe_trace(exc: BaseException) -> str:
    """A traceback of `exc` and its causes without any exception message: frames
    (file, line, function, source line of the program) and exception types."""
    chain: list[BaseException] = []
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        chain.append(cur)
        cur = cur.__cause__ if cur.__cause__ is not None else (None if cur.__suppress_context__ else cur.__context__)
    out: list[str] = []
    for i, e in enumerate(reversed(chain)):
        if i:
            out.append("\nThen, while handling it (or caused by it):\n")
        out.append("Traceback (most recent call last):\n")
        out.extend(traceback.format_list(traceback.extract_tb(e.__traceback__)))
        out.append(f"{type(e).__module__}.{type(e).__qualname__}: {_what(e)}\n")
    return "".join(out)


def log_unexpected(raw_dir: str | None, argv: list[str], exc: BaseException | None = None) -> Path | None:
    """Append the traceback of `exc` (default: the exception being handled) to the log
    (created 0600). Returns its path, or None when it could be written nowhere."""
    if exc is None:
        exc = sys.exc_info()[1]
    trace = safe_trace(exc) if exc is not None else "(no exception)\n"
    entry = (f"--- {dt.datetime.now().isoformat(timespec='seconds')} facilitator {' '.join(argv)}\n"
             f"{trace}\n").encode("utf-8", "replace")
    try:
        from facilitator.store.paths import resolve_data_dir

        data_dir: Path | None = resolve_data_dir(raw_dir)
    except Exception:  # noqa: BLE001 - logging must not fail on a bad data dir
        data_dir = None
    if data_dir is not None:
        try:
            data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            return _append(data_dir / LOG_NAME, entry)
        except OSError:
            pass
    try:
        own = state_dir()
        _own_private_dir(own)
        return _append(own / LOG_NAME, entry)
    except Exception:  # noqa: BLE001 - no log then: the caller prints the summary
        return None


def summary(exc: BaseException | None = None) -> str:
    """One line for the user when no log could be written: the error and where it was raised."""
    if exc is None:
        exc = sys.exc_info()[1]
    if exc is None:
        return "unknown error"
    line = f"{type(exc).__name__}: {_what(exc)}"
    frames = traceback.extract_tb(exc.__traceback__)
    if frames:
        last = frames[-1]
        line += f" (at {Path(last.filename).name}:{last.lineno} in {last.name})"
    return line


def _uid() -> int | None:
    return os.geteuid() if hasattr(os, "geteuid") else None


def _own_private_dir(path: Path) -> None:
    """Make `path` (0700) or accept it only if it is a real directory of this user; then 0700."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        path.mkdir(mode=0o700)
    except FileExistsError:
        pass
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode):
        raise OSError(f"{path}: not a directory of its own (a symlink?)")
    uid = _uid()
    if uid is not None and info.st_uid != uid:
        raise OSError(f"{path}: owned by another user")
    if stat.S_IMODE(info.st_mode) != 0o700:
        os.chmod(path, 0o700)


def _append(path: Path, entry: bytes) -> Path:
    """Append to `path`, never through a symlink, never to a file of another user."""

    def mine(fd: int) -> None:
        info = os.fstat(fd)
        uid = _uid()
        if not stat.S_ISREG(info.st_mode) or (uid is not None and info.st_uid != uid):
            raise OSError(f"{path}: not a log file of this user")
        if stat.S_IMODE(info.st_mode) & 0o077:
            os.fchmod(fd, 0o600)

    append_durable(path, entry, 0o600, check=mine)
    return path

def unexpected_message(path: Path | None, reason: str, lang: str = "en") -> str:
    """What the user is told of an unexpected error (CLI and app alike): where its details
    are, or, when no log could be written, `reason` (the one-line `summary`)."""
    from facilitator.i18n import text

    if path is not None:
        return text("usecase.unexpected", lang, path=path)
    return text("usecase.unexpected_no_log", lang, reason=reason)
