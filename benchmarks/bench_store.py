"""Latency of an acknowledged save: WorkshopStore.add_statement (journal, fsync'd)
next to stock TinyDB's insert (default JSONStorage, rewrites the whole file, no fsync),
with 100, 1,000 and 10,000 statements already in the workshop.

Run: python3 benchmarks/bench_store.py   (finishes well within 2 minutes)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tinydb import TinyDB  # noqa: E402

from facilitator.domain.plan import parse_plan  # noqa: E402
from facilitator.domain.records import Statement  # noqa: E402
from facilitator.store.workshop import WorkshopStore  # noqa: E402

PLAN = """
[workshop]
slug = "bench"
title = "Benchmark"
[[roles]]
key = "wt"
label = "wijkteammedewerker"
[[sessions]]
number = 1
date = 2026-03-03
[[sessions.agenda]]
title = "Opening"
minutes = 15
"""
SIZES = (100, 1_000, 10_000)


def statement(i: int) -> Statement:
    return Statement(session=1, step=0, speaker="wt", kind="quote", themes=["taal"], offset=float(i),
                     text=f"Uitspraak {i}: we verwijzen door, maar weten niet wat er daarna gebeurt.")


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_store(base: Path, n: int, samples: int) -> tuple[list[float], float]:
    plan = parse_plan(PLAN, "bench.toml")
    with WorkshopStore.create(base / f"ours-{n}", plan, PLAN) as store:
        store.import_records(1, [statement(i) for i in range(n)])
        times = []
        for i in range(samples):
            st = statement(n + i)
            t0 = time.perf_counter()
            store.add_statement(st)
            times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        for _ in range(20):
            store.statements(1)
        read = (time.perf_counter() - t0) / 20
    return times, read


def bench_stock(base: Path, n: int, samples: int) -> list[float]:
    db = TinyDB(base / f"stock-{n}.json")
    table = db.table("statements")
    table.insert_multiple(statement(i).model_dump(exclude={"id"}) for i in range(n))
    times = []
    for i in range(samples):
        doc = statement(n + i).model_dump(exclude={"id"})
        t0 = time.perf_counter()
        table.insert(doc)
        times.append(time.perf_counter() - t0)
    db.close()
    return times


def main() -> int:
    rows = []
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as tmp:
        base = Path(tmp)
        for n in SIZES:
            ours, read = bench_store(base, n, 300)
            stock = bench_stock(base, n, 300 if n < 10_000 else 60)
            rows.append((n, ours, stock, read))
    ms = 1000.0
    print("Acknowledged save of one statement (ms): facilitator journal (fsync'd) vs stock TinyDB JSONStorage (no fsync)")
    print(f"{'statements':>10} | {'ours median':>11} {'ours p95':>9} | {'stock median':>12} {'stock p95':>9} "
          f"| {'stock/ours':>10} | {'statements(1)':>13}")
    print("-" * 92)
    for n, ours, stock, read in rows:
        om, op = statistics.median(ours) * ms, percentile(ours, 0.95) * ms
        sm, sp = statistics.median(stock) * ms, percentile(stock, 0.95) * ms
        print(f"{n:>10,} | {om:>11.3f} {op:>9.3f} | {sm:>12.3f} {sp:>9.3f} | {sm / om:>9.1f}x | {read * ms:>10.3f} ms")
    at_10k = statistics.median(rows[-1][1]) * ms
    print(f"target: median <= 5 ms at 10,000 statements: {'met' if at_10k <= 5 else 'NOT met'} ({at_10k:.3f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
