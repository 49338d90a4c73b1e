"""`facilitator doctor`: check workshop stores through facilitator.store.doctor."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable


def run_doctor(data_dir: Path, slug: str | None, say: Callable[[str], None]) -> int:
    try:
        from facilitator.store import doctor
    except ImportError as exc:
        if exc.name in ("facilitator.store.doctor", None):
            print("facilitator: doctor is not built yet", file=sys.stderr)
            return 1
        raise
    lines, ok = doctor.check(data_dir, slug)
    for line in lines:
        say(line)
    return 0 if ok else 2
