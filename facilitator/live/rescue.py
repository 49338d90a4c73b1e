"""The rescue file: what could not be saved, as capture lines `facilitator import` reads.

Written owner-only (0600) whatever the umask: it holds what participants said.
Created exclusively (never appended to another run's file), flushed and fsynced
(with its directory) before the caller reports it, by `facilitator.fileio.write_new`. Raises OSError (a full disk): the caller keeps the
lines and says so.

Layout: a `//` header, then the lines; a `## N` marker before each line whose
step differs from the one before, so each line comes back under its step on
re-import. Markers and `//` header lines are not counted as lines; everything
else is (`count`).
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Iterable

from facilitator import fileio

_HEADER = re.compile(r"// unsaved lines of session \S+$")


class Lines(list[str]):
    """A rescue file's lines that know how many of them are the user's (`with_markers`):
    a rejected `## 9` line typed by the user is one of them, though it looks like a marker."""

    counted: int = 0


def with_markers(items: Iterable[tuple[int | None, str]], start: int | None = None) -> Lines:
    """(step, line) pairs as lines with a `## N` marker where the step changes.
    `start`: the step the import is assumed to begin in (no marker needed for it)."""
    out = Lines()
    current = start
    for step, line in items:
        if not line.strip():
            continue  # an empty line holds nothing (and would be counted by no one)
        if step is not None and step != current:
            out.append(f"## {step + 1}")
            current = step
        out.append(line)
        out.counted += 1
    return out


def count(lines: Iterable[str]) -> int:
    """The lines a rescue file holds for the user: not its markers, not its header."""
    if isinstance(lines, Lines):
        return lines.counted
    return sum(1 for line in lines if line.strip() and not line.startswith("## ") and not _HEADER.match(line))


def write(data_dir: Path, slug: str | None, session: int | None, lines: list[str], now: float | None = None) -> Path | None:
    """Write `lines` to a new rescue file in `data_dir`; None when there is nothing to write."""
    if not lines:
        return None
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    base = Path(data_dir) / f"rescue-{slug or 'workshop'}-{session or 0}-{stamp}"
    body = f"// unsaved lines of session {session or '?'}\n"
    body += "\n".join(lines) + "\n"
    data = body.encode("utf-8")
    for n in range(1000):
        path = base.with_name(base.name + (f"-{n}" if n else "") + ".txt")
        try:  # new (never through a file or link put there), 0600, fsync'd; a half-written one is removed
            fileio.write_new(path, data, fileio.FILE_MODE)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(str(base))
