"""The unexpected-error log: tracebacks go to a file, never to the screen.

The log holds no statement text at all (nor any other text of the workshop):
an exception's message can carry what was typed (a validation error echoes its
input, a KeyError its key), so each exception in the chain is written as its
type and where it was raised, with the message withheld (its length is given);
an OSError keeps its errno and strerror, never its file name.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import sys
import traceback
from pathlib import Path

LOG_NAME = "facilitator.log"


def _candidates(raw_dir: str | None) -> list[Path]:
    from facilitator.store.workshop import resolve_data_dir

    dirs = []
    try:
        dirs.append(resolve_data_dir(raw_dir))
    except Exception:  # noqa: BLE001 - logging must not fail on a bad data dir
        pass
    dirs.append(Path(tempfile.gettempdir()) / f"facilitator-{os.getuid() if hasattr(os, 'getuid') else 'user'}")
    return [d / LOG_NAME for d in dirs]


def _what(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.errno is not None:
        return f"errno {exc.errno} ({exc.strerror})"
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


def log_unexpected(raw_dir: str | None, argv: list[str], exc: BaseException | None = None) -> Path | str:
    """Append the traceback of `exc` (default: the exception being handled) to the log
    (created 0600). Returns its path."""
    if exc is None:
        exc = sys.exc_info()[1]
    trace = safe_trace(exc) if exc is not None else "(no exception)\n"
    entry = (f"--- {dt.datetime.now().isoformat(timespec='seconds')} facilitator {' '.join(argv)}\n"
             f"{trace}\n")
    for path in _candidates(raw_dir):
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, entry.encode("utf-8", "replace"))
            finally:
                os.close(fd)
            return path
        except OSError:
            continue
    return "nowhere: the data directory and the temp directory are not writable"
