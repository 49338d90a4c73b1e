"""`facilitator doctor`: check workshop stores through facilitator.store.doctor."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

from facilitator.cli import say as message


def run_doctor(data_dir: Path, slug: str | None, say: Callable[[str], None], lang: str = "nl") -> int:
    try:
        from facilitator.store import doctor
    except ImportError as exc:
        if exc.name in ("facilitator.store.doctor", None):
            print("facilitator: " + message("doctor_missing", lang), file=sys.stderr)
            return 1
        raise
    lines, ok = doctor.check(data_dir, slug)
    for line in lines:
        say(render_line(line, lang))
    return 0 if ok else 2


def render_line(line: object, lang: str) -> str:
    """A doctor line, `WHERE: LEVEL: TEXT`, with the place and level in `lang` (the text is
    the store's own)."""
    level = getattr(line, "level", None)
    if level not in ("ok", "fixed", "note", "problem"):
        return str(line)
    where = getattr(line, "slug", None) or message("doctor_data_dir", lang)
    return message("doctor_line", lang, where=where, level=message("doctor_" + level, lang),
                   text=getattr(line, "text", ""))
