"""What the follow benchmarks (bench_follow.py, bench_seats.py) share: the workshop they
measure in, the writer process they drive, waiting for the screen, and percentiles.

A writer is a child process (`python -c SCRIPT ARGS...`) that prints "ready" once it
holds its store, then, per line it reads on stdin, saves one change and prints the
monotonic time the save began (the follower may see the change before the writer's
fsync returns, so the time of the acknowledgement would sometimes come after the redraw).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from facilitator.domain.plan import parse_plan  # noqa: E402
from facilitator.domain.records import SessionClock, Statement, StepTiming  # noqa: E402
from facilitator.store.workshop import WorkshopStore  # noqa: E402

PLAN = (ROOT / "tests" / "tui" / "plan.toml").read_text(encoding="utf-8")
SLUG = "lombok-2026"


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def make(base: Path, n: int) -> Path:
    """A workshop with `n` statements in session 1 and its clock started."""
    data_dir = base / f"w{n}"
    with WorkshopStore.create(data_dir, parse_plan(PLAN), PLAN) as store:
        store.import_records(1, [Statement(session=1, step=0, speaker="wt", kind="quote",
                                           text=f"Uitspraak {i}: we verwijzen door.") for i in range(n)])
        now = time.time()
        store.save_clock(SessionClock(session=1, started_at=now, steps={0: StepTiming(start=now)}))
    return data_dir


class Writer:
    """The writing process: `with Writer(SCRIPT, *args) as w: began = await w.save("3")`."""

    def __init__(self, script: str, *args: str):
        self.proc = subprocess.Popen([sys.executable, "-c", script, *args, str(ROOT)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None and self.proc.stdin is not None
        self.stdin, self.stdout = self.proc.stdin, self.proc.stdout

    def __enter__(self) -> Writer:
        try:
            ready = self.stdout.readline().strip()
            if ready != "ready":
                raise RuntimeError(f"the writer did not start: {ready!r}")
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stdin.close()
        self.proc.wait(10)

    async def save(self, line: str) -> float:
        """Ask for one save; the monotonic time it began."""
        self.stdin.write(f"{line}\n")
        self.stdin.flush()
        return float(await asyncio.to_thread(self.stdout.readline))


async def shown(pilot: Any, done: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    """Poll (2 ms) until `done()`; a RuntimeError naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} not shown within {timeout:.0f} s")
        await pilot.pause(0.002)
