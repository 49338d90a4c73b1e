"""The store's costs next to stock TinyDB (default JSONStorage) measured in the same run.

1. Acknowledged save of one statement, back to back and spaced as typing spaces
   them (one every 0.5-2 s: the disk's fsync is often slower after idling), with
   median, p95, p99 and max, at 1,000 / 10,000 / 100,000 statements in the workshop.
2. open, list, import and follow at 1,000 / 10,000 / 100,000 statements, each in a
   fresh process so its peak memory (ru_maxrss) is its own, and how each grows.
   - import: `import_notes` of a notes file with N lines read from disk as `facilitator
     import` does (parse + write + compaction + backup, all or nothing);
   - open: WorkshopStore.open (writable, lock taken) + the newest 100 rows of the session
     holding all N statements (`statement_view`, what the live screen shows first);
     "MiB" is the process's peak, "store" what the open store itself holds (tracemalloc);
   - list: the rows of `facilitator list` for the workshop (summary.json);
   - follow: a read-only copy's refresh() after the writer saved one statement
     (reads only the appended bytes), and the time until it saw it.
   Stock TinyDB: open = TinyDB(path).table().all(); import = insert_multiple; list = open.

3. --big: importing a notes file of 1,200,000 lines (about 100 MB), time and peak memory
   (issue 9's target: <= 300 MiB). Takes a few minutes.

4. --import-against DIR: only the import of 100,000 lines (target <= 5 s on the loaded
   2-core machine), ours next to the code of another checkout DIR (say the commit before
   a change, from `git worktree add` or `git archive`), in turns in the same run, each in
   a fresh process; also the capture parser alone (parse_line on every line) and the
   notes read into records without a store (iter_notes). --rounds N turns (default 3).

Run: python3 benchmarks/bench_store.py [--quick] [--spaced N] [--big] [--import-against DIR [--rounds N]]
     (--quick: 1k and 10k only; --spaced N: N typing-spaced saves per store, default 8;
      --big: only the 1.2M-line import)
"""

from __future__ import annotations

import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# BENCH_CODE: measure the facilitator package of another checkout (--import-against)
sys.path.insert(0, os.environ.get("BENCH_CODE") or str(ROOT))

PLAN = """
[workshop]
slug = "bench"
title = "Benchmark"
[[roles]]
key = "wt"
label = "wijkteammedewerker"
[[themes]]
key = "taal"
label = "Taal"
[[sessions]]
number = 1
date = 2026-03-03
[[sessions.agenda]]
title = "Opening"
minutes = 15
[[sessions]]
number = 2
date = 2026-03-17
[[sessions.agenda]]
title = "Opening"
minutes = 15
"""
TEXT = "we verwijzen door, maar weten niet wat er daarna gebeurt."


def statement(i: int):  # type: ignore[no-untyped-def]
    from facilitator.domain.records import Statement

    return Statement(session=1, step=0, speaker="wt", kind="quote", themes=["taal"], offset=float(i),
                     text=f"Uitspraak {i}: {TEXT}")


def notes_text(n: int) -> str:
    return "".join(f'wt: "Uitspraak {i}: {TEXT}" #taal\n' for i in range(n))


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def rss_mib() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: Linux carries
    ru_maxrss across exec, so a child started by a parent that holds much memory
    reports the parent's size (bench_tui's 100k "peak" was its parent's)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- children: one measurement each, in a fresh process -----------------------------------------


def child(op: str, base: Path, n: int) -> dict:
    from tinydb import TinyDB

    from facilitator.usecases.notes import import_notes
    from facilitator.domain.plan import parse_plan
    from facilitator.store.workshop import WorkshopStore

    data_dir = base / f"ours-{n}"
    stock_path = base / f"stock-{n}.json"
    if op == "import":
        from facilitator.usecases.notes import open_notes

        plan = parse_plan(PLAN, "bench.toml")
        WorkshopStore.create(data_dir, plan, PLAN).close()
        notes = base / f"notes-{n}.txt"
        with open(notes, "w", encoding="utf-8") as fh:
            for i in range(n):
                fh.write(f'wt: "Uitspraak {i}: {TEXT}" #taal\n')
        base_rss = rss_mib()
        t0, c0 = time.perf_counter(), time.process_time()
        with WorkshopStore.open(data_dir, "bench") as store:
            import_notes(store, 1, open_notes(notes), "notes.txt")
        took, cpu = time.perf_counter() - t0, time.process_time() - c0
        notes.unlink()
        return {"s": took, "cpu": cpu, "mib": rss_mib(), "base": base_rss}
    if op in ("parse", "notes"):  # the import's parsing alone: parse_line, or records too (iter_notes)
        from facilitator.domain import capture
        from facilitator.usecases.notes import iter_notes, open_notes

        plan = parse_plan(PLAN, "bench.toml")
        notes = base / f"notes-{n}.txt"
        notes.write_text(notes_text(n), encoding="utf-8")
        lines = list(open_notes(notes).lines())
        t0, c0 = time.perf_counter(), time.process_time()
        if op == "parse":
            ctx = capture.context_for(plan, [], 1, None, 0)
            for line in lines:
                capture.invisible_prefix(line)
                capture.parse_line(line, ctx)
        else:
            count = sum(1 for _ in iter_notes(open_notes(notes), "notes.txt", plan, [], 1))
            assert count == n
        took, cpu = time.perf_counter() - t0, time.process_time() - c0
        notes.unlink()
        return {"s": took, "cpu": cpu, "mib": rss_mib()}
    if op == "stock-import":
        docs = [statement(i).model_dump(exclude={"id"}) for i in range(n)]
        t0 = time.perf_counter()
        db = TinyDB(stock_path)
        db.table("statements").insert_multiple(docs)
        db.close()
        return {"s": time.perf_counter() - t0, "mib": rss_mib()}
    if op == "open":
        t0 = time.perf_counter()
        store = WorkshopStore.open(data_dir, "bench")
        rows = store.statement_view(1)[-100:]  # the live screen's first frame
        took = time.perf_counter() - t0
        assert len(rows) == 100 and len(store.statement_view(1)) >= n
        store.close()
        return {"s": took, "mib": rss_mib()}
    if op == "open-held":  # what an open store holds (tracemalloc: a second, slower run)
        import tracemalloc

        tracemalloc.start()
        store = WorkshopStore.open(data_dir, "bench")
        store.statement_view(1)[-100:]
        held = tracemalloc.get_traced_memory()[0] / 2**20
        store.close()
        return {"s": 0.0, "mib": held}
    if op == "stock-open":
        t0 = time.perf_counter()
        db = TinyDB(stock_path)
        db.table("statements").all()
        return {"s": time.perf_counter() - t0, "mib": rss_mib()}
    if op == "list":
        from facilitator.cli.commands import _summary

        t0 = time.perf_counter()
        _title, rows = _summary(data_dir, "bench", "en")  # type: ignore[misc]
        assert int(rows[0][6]) >= n
        return {"s": time.perf_counter() - t0, "mib": rss_mib()}
    if op == "follow":
        reader = WorkshopStore.open(data_dir, "bench", readonly=True)
        reader.statements(1)
        writer = WorkshopStore.open(data_dir, "bench")
        polls, seen = [], []
        for i in range(20):
            saved = writer.add_statement(statement(n + i).model_copy(update={"session": 2}))
            t_ack = time.perf_counter()
            while True:
                t0 = time.perf_counter()
                if reader.refresh().reset:  # compacted: open again
                    reader.close()
                    reader = WorkshopStore.open(data_dir, "bench", readonly=True)
                polls.append(time.perf_counter() - t0)
                if any(s.id == saved.id for s in reader.statements(2)):
                    break
            seen.append(time.perf_counter() - t_ack)
        writer.close()
        reader.close()
        return {"s": statistics.median(polls), "seen": max(seen), "mib": rss_mib()}
    if op == "saves":
        spaced = int(sys.argv[5])
        with WorkshopStore.open(data_dir, "bench") as store:
            back = []
            for i in range(200):
                t0 = time.perf_counter()
                store.add_statement(statement(i).model_copy(update={"session": 2}))
                back.append(time.perf_counter() - t0)
            paced = []
            rng = random.Random(n)
            for i in range(spaced):
                time.sleep(rng.uniform(0.5, 2.0))
                t0 = time.perf_counter()
                store.add_statement(statement(i).model_copy(update={"session": 2}))
                paced.append(time.perf_counter() - t0)
        return {"back": back, "paced": paced}
    if op == "stock-saves":
        spaced = int(sys.argv[5])
        db = TinyDB(stock_path)
        table = db.table("statements")
        back = []
        for i in range(20 if n >= 100_000 else 100):
            doc = statement(i).model_dump(exclude={"id"})
            t0 = time.perf_counter()
            table.insert(doc)
            back.append(time.perf_counter() - t0)
        paced = []
        rng = random.Random(n)
        for i in range(spaced):
            time.sleep(rng.uniform(0.5, 2.0))
            doc = statement(i).model_dump(exclude={"id"})
            t0 = time.perf_counter()
            table.insert(doc)
            paced.append(time.perf_counter() - t0)
        db.close()
        return {"back": back, "paced": paced}
    raise SystemExit(f"unknown op {op}")


def run_child(op: str, base: Path, n: int, spaced: int = 0, code: Path | None = None) -> dict:
    env = {**os.environ, "BENCH_CODE": str(code) if code is not None else ""}
    out = subprocess.run([sys.executable, __file__, "--child", op, str(base), str(n), str(spaced)],
                         capture_output=True, text=True, cwd=ROOT, timeout=1800, env=env)
    if out.returncode != 0:
        raise SystemExit(f"{op} {n}: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def big() -> int:
    n = 1_200_000
    with tempfile.TemporaryDirectory(dir=Path.cwd(), prefix=".bench-store-") as tmp:
        r = run_child("import", Path(tmp), n)
    print(f"import of a notes file of {n:,} lines: {r['s']:.1f} s, peak {r['mib']:.0f} MiB "
          f"(the process before importing: {r['base']:.0f} MiB); target <= 300 MiB")
    return 0


def import_against(other: Path, rounds: int) -> int:
    """The 100,000-line import, ours and `other`'s in turns (the same load for both)."""
    n = 100_000
    other = other.resolve()
    if not (other / "facilitator" / "__init__.py").is_file():
        raise SystemExit(f"{other}: no facilitator package there")
    runs: dict[tuple[str, str], list[dict]] = {}
    loads = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory(dir=Path.cwd(), prefix=".bench-store-") as tmp:
        for r in range(rounds):
            for label, code in (("ours", None), ("other", other)):
                for op in ("import", "parse", "notes"):
                    base = Path(tmp) / f"{label}-{r}-{op}"
                    base.mkdir()
                    runs.setdefault((label, op), []).append(run_child(op, base, n, code=code))
            loads.append(os.getloadavg()[0])
    print(f"Import of a notes file of {n:,} lines, {rounds} turns each, ours and {other} in turns "
          f"(load average {min(loads):.1f}-{max(loads):.1f} on {os.cpu_count()} cores; seconds, median "
          f"[min-max], peak MiB of the process; cpu: median CPU seconds, which the load changes less)")
    print(f"{'':28} | {'ours':>22} | {'other':>22} | {'ours/other':>10} | {'cpu ours':>8} {'other':>6} {'ratio':>6}")
    for op, what in (("import", "import (parse+write+backup)"), ("parse", "capture parser alone"),
                     ("notes", "parser + records (no store)")):
        cells, medians, cpus = [], [], []
        for label in ("ours", "other"):
            times = [x["s"] for x in runs[(label, op)]]
            medians.append(statistics.median(times))
            cpus.append(statistics.median(x["cpu"] for x in runs[(label, op)]))
            peak = max(x["mib"] for x in runs[(label, op)])
            cells.append(f"{medians[-1]:.2f} [{min(times):.2f}-{max(times):.2f}] ({peak:.0f})".rjust(22))
        print(f"{what:28} | {cells[0]} | {cells[1]} | {medians[0] / medians[1]:>9.2f}x | "
              f"{cpus[0]:>8.2f} {cpus[1]:>6.2f} {cpus[0] / cpus[1]:>5.2f}x")
    return 0


def main() -> int:
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child(sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]))))
        return 0
    if "--big" in sys.argv:
        return big()
    if "--import-against" in sys.argv:
        rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 3
        return import_against(Path(sys.argv[sys.argv.index("--import-against") + 1]), rounds)
    sizes = (1_000, 10_000) if "--quick" in sys.argv else (1_000, 10_000, 100_000)
    spaced = int(sys.argv[sys.argv.index("--spaced") + 1]) if "--spaced" in sys.argv else 8
    ms = 1000.0
    results: dict[int, dict[str, dict]] = {}
    # on the disk of the checkout (its fsync is what counts), in a folder git ignores
    with tempfile.TemporaryDirectory(dir=Path.cwd(), prefix=".bench-store-") as tmp:
        base = Path(tmp)
        for n in sizes:
            r = results[n] = {}
            for op in ("import", "stock-import", "open", "open-held", "stock-open", "list", "follow"):
                r[op] = run_child(op, base, n)
            r["saves"] = run_child("saves", base, n, spaced)
            r["stock-saves"] = run_child("stock-saves", base, n, spaced)

    print("Acknowledged save of one statement (ms): ours = journal append + fsync; stock TinyDB = whole file "
          "rewritten, no fsync")
    print(f"{'statements':>10} | {'':6} | {'ours med':>8} {'p95':>7} {'p99':>7} {'max':>7} | "
          f"{'stock med':>9} {'p95':>8} {'p99':>8} {'max':>8}")
    for n in sizes:
        for kind in ("back", "paced"):
            o = results[n]["saves"][kind]
            s = results[n]["stock-saves"][kind]
            label = "b2b" if kind == "back" else "typing"
            print(f"{n:>10,} | {label:6} | {statistics.median(o) * ms:>8.2f} {pct(o, .95) * ms:>7.2f} "
                  f"{pct(o, .99) * ms:>7.2f} {max(o) * ms:>7.2f} | {statistics.median(s) * ms:>9.2f} "
                  f"{pct(s, .95) * ms:>8.2f} {pct(s, .99) * ms:>8.2f} {max(s) * ms:>8.2f}")
    print()
    print("Open, list, import, follow (seconds; peak MiB of the process in brackets; "
          "held: MiB the open store holds)")
    print(f"{'statements':>10} | {'open':>14} {'held':>5} {'stock open':>14} | {'list':>13} | {'import':>14} "
          f"{'stock import':>14} | {'follow poll':>11} {'seen in':>8}")
    for n in sizes:
        r = results[n]

        def cell(op: str, width: int = 14) -> str:
            return f"{r[op]['s']:.3f} ({r[op]['mib']:.0f})".rjust(width)

        print(f"{n:>10,} | {cell('open')} {r['open-held']['mib']:>5.1f} {cell('stock-open')} | {cell('list', 13)} | "
              f"{cell('import')} "
              f"{cell('stock-import')} | {r['follow']['s'] * ms:>8.2f} ms {r['follow']['seen'] * ms:>5.0f} ms")
    if len(sizes) > 1:
        lo, hi = sizes[0], sizes[-1]
        print()
        print(f"growth {lo:,} -> {hi:,} statements (x{hi // lo}):", ", ".join(
            f"{op} x{results[hi][op]['s'] / max(results[lo][op]['s'], 1e-9):.1f}"
            for op in ("open", "stock-open", "list", "import", "stock-import", "follow")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
