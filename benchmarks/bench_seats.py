"""Follow latency between the two seats (issue 12): a change saved by one seat's process
until the other seat's screen has taken it in; median, p99 and max over 100 changes in
each direction, each at a random moment of the screen's poll cycle (every 0.25 s).

- notes -> facilitator: the note-taker's seat (its store, in its own process) saves a
  statement; the facilitator's seat (`run --seat facilitator`, headless in this process)
  shows it in its record.
- facilitator -> notes: the facilitator's seat (its own process) saves a step change; the
  note-taker's seat shows the new step (and files under it).

The seat's screen reads only what was appended to the other journal. Measured in the same
run, the baseline of the way the read-only view used to follow: opening the workshop
read-only again after every change (a full read of every journal).

Run: python3 benchmarks/bench_seats.py [CHANGES]   (100 changes, two sizes: about 2 minutes)
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._procs import SLUG, Writer, make, percentile, shown  # noqa: E402
from facilitator.domain.records import Statement  # noqa: E402
from facilitator.store.workshop import WorkshopStore  # noqa: E402

SIZES = (0, 10_000)

# The other seat's process (a benchmarks._procs.Writer): per line on stdin one save.
WRITER = r"""
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from facilitator.store import seats
from facilitator.domain.records import Statement, StepTiming
seat = sys.argv[2]
store = seats.open_seat(Path(sys.argv[1]), "lombok-2026", seat)
print("ready", flush=True)
for line in sys.stdin:
    n = int(line)
    began = time.monotonic()
    if seat == "notes":
        store.add_statement(Statement(session=1, step=0, speaker="wt", kind="note", text=f"bench {n}"))
    else:
        clock = store.clock(1)
        now = time.time()
        clock.steps[clock.current_step].end = now
        step = 1 + n % 3
        clock.steps[step] = StepTiming(start=now)
        clock.current_step = step
        store.save_clock(clock)
    print(began, flush=True)
store.close()
"""


def reopen_baseline(data_dir: Path, repeat: int = 10) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        with WorkshopStore.open(data_dir, SLUG, readonly=True) as store:
            store.statements(1)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


async def follow(data_dir: Path, reader_seat: str, changes: int) -> list[float]:
    from facilitator.tui.app import FacilitatorApp

    writer_seat = "notes" if reader_seat == "facilitator" else "facilitator"
    app = FacilitatorApp(data_dir, SLUG, 1, "nl", bell=False, seat=reader_seat)
    latencies: list[float] = []
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.screen
        while not getattr(screen, "ready", False):
            await pilot.pause(0.01)
        painted: list[float] = []
        real = screen._followed

        def followed(ops: list) -> None:  # noqa: ANN001
            real(ops)
            painted.append(time.monotonic())

        screen._followed = followed
        with Writer(WRITER, str(data_dir), writer_seat) as writer:
            rng = random.Random(12)
            for i in range(changes):
                await asyncio.sleep(rng.uniform(0, 0.25))
                before = len(screen.live.entries)
                began = await writer.save(str(i))
                step = 1 + i % 3

                def seen() -> bool:
                    if reader_seat == "facilitator":
                        return len(screen.live.entries) > before
                    return screen.live.clock.current_step == step

                await shown(pilot, lambda: seen() and bool(painted) and painted[-1] >= began, f"change {i}")
                latencies.append(painted[-1] - began)
    return latencies


def save_latency(data_dir: Path, saves: int = 100) -> tuple[list[float], list[float]]:
    """Acknowledged save of one statement (ms): at the note-taker's seat (its own journal,
    merged into what it shows), and with one seat (store.db), in the same run."""
    from facilitator.store import seats

    def run(store) -> list[float]:  # noqa: ANN001
        out = []
        for i in range(saves):
            t0 = time.perf_counter()
            store.add_statement(Statement(session=1, step=0, speaker="wt", kind="note", text=f"save {i}"))
            out.append((time.perf_counter() - t0) * 1000)
        return out

    notes = seats.open_seat(data_dir, SLUG, "notes")
    try:
        seat = run(notes)
    finally:
        notes.close()
    with WorkshopStore.open(data_dir, SLUG) as one:  # folds the note-taker's journal in first
        single = run(one)
    return seat, single


def main(changes: int = 100) -> None:
    print(f"Follow latency between the two seats' processes (save begun -> taken in by the other seat's "
          f"screen); {changes} changes each way, the screen polls every 0.25 s")
    print()
    print("| statements | direction | median | p99 | max | baseline: reopen the workshop once |")
    print("|---:|---|---:|---:|---:|---:|")
    saves: list[tuple[int, list[float], list[float]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in SIZES:
            data_dir = make(Path(tmp), n)
            base = reopen_baseline(data_dir)
            for reader, label in (("facilitator", "notes → facilitator"), ("notes", "facilitator → notes")):
                lat = asyncio.run(follow(data_dir, reader, changes))
                print(f"| {n:,} | {label} | {statistics.median(lat) * 1000:.0f} ms | "
                      f"{percentile(lat, 0.99) * 1000:.0f} ms | {max(lat) * 1000:.0f} ms | {base * 1000:.0f} ms |",
                      flush=True)
            saves.append((n, *save_latency(data_dir)))
    print()
    print("Acknowledged save of one statement (ms, 100 saves back to back): the note-taker's seat vs one seat")
    print()
    print("| statements | seat median | p99 | max | one seat median | p99 | max |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n, seat, single in saves:
        print(f"| {n:,} | {statistics.median(seat):.2f} | {percentile(seat, 0.99):.2f} | {max(seat):.2f} | "
              f"{statistics.median(single):.2f} | {percentile(single, 0.99):.2f} | {max(single):.2f} |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
