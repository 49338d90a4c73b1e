"""Follow latency of the projector view: from a step change being saved in one process
(the facilitator's) until the projector view (`facilitator show`, in this process, headless)
has redrawn it; median, p99 and max over 100 changes (each at a random moment of the
view's poll cycle), with 0, 1,000, 10,000 and 100,000 statements in the workshop.

The projector looks at the store's file every 0.2 s (a stat) and, when it changed,
reads what was appended since its last read (facilitator.store.follow.RoomFollower:
the workshop stays open read-only, WorkshopStore.refresh()). Measured in the same run:
that read alone (after one save), next to the baselines of replaying the whole journal
(`_read_journal`, what the projector did before) and of opening the store read-only.

Run: python3 benchmarks/bench_follow.py [CHANGES]   (100 changes per size: about 3 minutes)
"""

from __future__ import annotations

import asyncio
import random
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._procs import SLUG, Writer, make, percentile, shown  # noqa: E402
from facilitator.store.workshop import WorkshopStore  # noqa: E402

SIZES = (0, 1_000, 10_000, 100_000)

# The facilitator's process (a benchmarks._procs.Writer): holds the workshop (writable,
# locked) and saves a step change per line read on stdin.
WRITER = r"""
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from facilitator.store.workshop import WorkshopStore
from facilitator.domain.records import StepTiming
store = WorkshopStore.open(Path(sys.argv[1]), "lombok-2026")
print("ready", flush=True)
for line in sys.stdin:
    step = int(line)
    clock = store.clock(1)
    now = time.time()
    clock.steps[clock.current_step].end = now
    clock.steps[step] = StepTiming(start=now)
    clock.current_step = step
    began = time.monotonic()
    store.save_clock(clock)
    print(began, flush=True)
store.close()
"""


def baseline(data_dir: Path, repeat: int = 20, full: bool = False) -> float:
    """One whole read: the journal replayed for the plan and the clocks (what the projector
    did before); `full`: opening the store read-only (lazily: no statement is read)."""
    from facilitator.store.follow import _read_journal, _read_store

    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        if full:
            _read_store(data_dir, SLUG, 1, time.time())
        else:
            _read_journal(data_dir, SLUG, 1, time.time(), None)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def follower_read(data_dir: Path, repeat: int = 20) -> float:
    """The projector's read after one save by the writer: only the appended bytes."""
    from facilitator.store.follow import RoomFollower

    follower = RoomFollower(data_dir, SLUG, 1)
    times = []
    with WorkshopStore.open(data_dir, SLUG) as writer:
        follower.read(time.time())
        for i in range(repeat):
            clock = writer.clock(1)
            writer.save_clock(clock.model_copy(update={"started_at": (clock.started_at or 0) + 1}))
            t0 = time.perf_counter()
            follower.read(time.time())
            times.append(time.perf_counter() - t0)
    follower.close()
    return statistics.median(times)


async def follow(data_dir: Path, changes: int) -> list[float]:
    from facilitator.tui.projector import ProjectorApp

    latencies = []
    app = ProjectorApp(data_dir, SLUG, 1, tz=dt.timezone.utc)
    with Writer(WRITER, str(data_dir)) as writer:
        async with app.run_test(size=(100, 30)) as pilot:
            screen = app.screen
            while getattr(screen, "read", None) is None:
                await pilot.pause(0.01)
                screen = app.screen
            rng = random.Random(12)
            for i in range(changes):
                step = 1 + i % 3
                # At a random moment of the poll's cycle, as a facilitator presses F7.
                await asyncio.sleep(rng.uniform(0, 0.25))
                began = await writer.save(str(step))
                await shown(pilot, lambda: screen.read.clock.current_step == step and (screen.shown_at or 0) >= began,
                            f"change {i}")
                latencies.append(screen.shown_at - began)
    return latencies


def main(changes: int = 100) -> None:
    print(f"Follow latency, save begun in the writer's process -> projector redrawn; {changes} changes")
    print()
    print("| statements | median | p99 | max | follower read after a save | whole journal replayed (before) | "
          "read-only open | replay / follower read |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in SIZES:
            data_dir = make(Path(tmp), n)
            ours, base, full = follower_read(data_dir), baseline(data_dir), baseline(data_dir, full=True)
            lat = asyncio.run(follow(data_dir, changes))
            med = statistics.median(lat)
            print(f"| {n:,} | {med * 1000:.0f} ms | {percentile(lat, 0.99) * 1000:.0f} ms | {max(lat) * 1000:.0f} ms | "
                  f"{ours * 1000:.2f} ms | {base * 1000:.1f} ms | {full * 1000:.1f} ms | {base / ours:.0f}× |",
                  flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
