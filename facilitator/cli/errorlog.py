"""The unexpected-error log: tracebacks go to a file, never to the screen."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import traceback
from pathlib import Path

from facilitator.fileio import append_durable

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


def log_unexpected(raw_dir: str | None, argv: list[str], exc: BaseException | None = None) -> Path | str:
    """Append the traceback of `exc` (default: the exception being handled) to the log
    (created 0600). Returns its path."""
    trace = "".join(traceback.format_exception(exc)) if exc is not None else traceback.format_exc()
    entry = (f"--- {dt.datetime.now().isoformat(timespec='seconds')} facilitator {' '.join(argv)}\n"
             f"{trace}\n")
    for path in _candidates(raw_dir):
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            append_durable(path, entry.encode("utf-8", "replace"))
            return path
        except OSError:
            continue
    return "nowhere: the data directory and the temp directory are not writable"
