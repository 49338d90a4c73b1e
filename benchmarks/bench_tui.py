"""TUI benchmarks: `python3 benchmarks/bench_tui.py`.

Both measures run the app in a child process on a pseudo-terminal (pty) with
Textual's real Linux driver, so a frame is really rendered to escape codes and
written; `App._display` is wrapped to stamp the moment a frame has been handed
to the terminal ("painted").

1. Start-up: from the parent's clock just before the child is spawned (so
   interpreter start and every import count) to the first painted frame of the
   live screen (`FacilitatorApp(..., background_open=True)`, as `facilitator
   run` starts it: the skeleton is painted before the store opens), and to the
   first painted frame with the session filled in. The minimal Textual app (one
   Static) is measured the same way in the same run: spawn to first painted
   frame. Fresh processes, alternating, median of RUNS. Goal: ratio <= 1.5.
   The same is measured through the command line (`python -m facilitator
   --data-dir D run SLUG --session 1`, argparse and the CLI's own checks
   included) and shown in its own rows: that is what a user starts.
2. Enter on a capture line with 10,000 statements in the session: an `enter`
   Key event is posted to the app as the driver does; "work" is from then to
   the end of the screen's Enter handler (parse, clear the line, pending row,
   preview, hand-off to the writer thread); "shown" is to the end of the first
   painted frame after it. Textual paints on a 60 Hz timer, so shown includes
   waiting for that tick (0-16.7 ms). The save runs on the writer thread and is
   waited for between Enters, not timed. Goal: shown median < 16 ms.
   Run at 10,000 and 100,000 statements, ENTERS (500) Enters each: median,
   p99 and max, so a garbage-collection pass or a layout of the whole record
   would show. The child's memory (resident, and its peak) is taken at the end.
3. The first full frame (agenda, question and newest row: the session filled
   in) at the demo's size (about 30 statements), 10,000 and 100,000, as a
   ratio to the minimal app measured in the same run.
4. The floor of the stack, measured the same way: the minimal app that also
   defines one pydantic model, and the minimal app that imports the domain
   models the first full frame is made of (facilitator.domain.plan and
   .records) and does nothing with them. No frame showing a plan and a
   statement can come sooner than the second (docs/performance.md).

Environment: BENCH_RUNS, BENCH_BIG_RUNS, BENCH_ENTERS, BENCH_SIZES (e.g.
"10000" for a shorter run).
"""

from __future__ import annotations

import json
import os
import pty
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from fcntl import ioctl
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
BIG_RUNS = int(os.environ.get("BENCH_BIG_RUNS", "3"))
ENTERS = int(os.environ.get("BENCH_ENTERS", "500"))
SIZES = tuple(int(n) for n in os.environ.get("BENCH_SIZES", "10000,100000").split(","))
SIZE = (120, 36)

HOOK = """
import json, sys, time
T0 = float(sys.argv[1]); OUT = sys.argv[2]
from textual.app import App
marks = {}
def dump():
    with open(OUT, "w") as fh:
        json.dump(marks, fh)
_display = App._display
def display(self, screen, renderable):
    _display(self, screen, renderable)
    if renderable is not None and not self._batch_count:
        painted(self, screen, time.perf_counter() - T0)
App._display = display
"""

MINIMAL = HOOK + """
from textual.widgets import Static

def painted(app, screen, t):
    if "first" not in marks:
        marks["first"] = t
        dump()
        app.exit()

class Minimal(App):
    def compose(self):
        yield Static("hello")

Minimal().run()
"""

# The floor of this stack: the minimal app that also defines one pydantic model, and
# the minimal app that imports the domain models the first full frame is made of (the
# plan: agenda and question; the records: the newest row). Nothing else is done.
PYDANTIC_FLOOR = MINIMAL.replace("class Minimal(App):", """from pydantic import BaseModel

class Step(BaseModel):
    title: str
    minutes: int = 0

class Minimal(App):""")
DOMAIN_FLOOR = MINIMAL.replace("class Minimal(App):", """import facilitator.domain.plan, facilitator.domain.records

class Minimal(App):""")

LIVE = HOOK + """
from pathlib import Path
from facilitator.tui.app import FacilitatorApp

def painted(app, screen, t):
    if type(screen).__name__ != "LiveScreen":
        return
    marks.setdefault("first", t)
    if screen.ready and "filled" not in marks:
        marks["filled"] = t
        dump()
        app.exit()

FacilitatorApp(Path(sys.argv[3]), sys.argv[4], 1, "nl", background_open=True).run()
"""

CLI = HOOK + """
import runpy

def painted(app, screen, t):
    if type(screen).__name__ != "LiveScreen":
        return
    marks.setdefault("first", t)
    if screen.ready and "filled" not in marks:
        marks["filled"] = t
        dump()
        app.exit()

sys.argv = ["facilitator", "--data-dir", sys.argv[3], "run", sys.argv[4], "--session", "1"]
runpy.run_module("facilitator", run_name="__main__", alter_sys=True)
"""

ENTER = HOOK + """
import asyncio, os, statistics
from pathlib import Path
from textual import events
from facilitator.tui.app import FacilitatorApp

state = {"t0": None, "work": None}
works, shown = [], []
def painted(app, screen, t):
    if state["t0"] is not None and state["work"] is not None:
        shown.append(time.perf_counter() - state["t0"])
        state["t0"] = None

async def drive(app):
    while type(app.screen).__name__ != "LiveScreen" or not app.screen.ready:
        await asyncio.sleep(0.05)
    screen = app.screen
    submit = screen.submit_line
    def timed(value):
        ok = submit(value)
        state["work"] = time.perf_counter() - state["t0"]
        return ok
    screen.submit_line = timed
    marks["rows"] = screen.query_one("#record").row_count
    await asyncio.sleep(0.5)
    for i in range(int(sys.argv[5])):
        screen.query_one("#capture").value = f"wt{1 if i % 2 else ''}: “Een nieuwe uitspraak {i}” #werkwijze #plek !"
        await asyncio.sleep(0.05)
        state["work"] = None
        state["t0"] = time.perf_counter()
        app.post_message(events.Key("enter", "\\r"))
        while state["t0"] is not None:
            await asyncio.sleep(0.001)
        works.append(state["work"])
        await asyncio.to_thread(screen.writer.wait_idle, 10.0)
    marks["work"], marks["shown"] = works, shown
    import resource
    marks["peak_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    try:  # VmHWM: ru_maxrss is carried across exec, so it held the parent's size (the benchmark's)
        with open("/proc/self/status") as fh:
            marks["peak_rss"] = next(int(l.split()[1]) * 1024 for l in fh if l.startswith("VmHWM:"))
    except (OSError, StopIteration):
        pass
    with open("/proc/self/statm") as fh:
        marks["rss"] = int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    dump()
    app.exit()

async def main():
    app = FacilitatorApp(Path(sys.argv[3]), sys.argv[4], 1, "nl", background_open=True)
    task = asyncio.create_task(drive(app))
    await app.run_async()
    await task

asyncio.run(main())
"""


def _run(code: str, *args: str) -> dict:
    """Run `code` in a child on a fresh pty of SIZE; the child's marks (JSON)."""
    master, slave = pty.openpty()
    ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    seen: list[bytes] = []
    drained = threading.Thread(target=_drain, args=(master, seen), daemon=True)
    drained.start()
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        out = fh.name
    try:
        env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "TERM": "xterm-256color", "HOME": os.environ.get("HOME", "/")}
        t0 = time.perf_counter()  # CLOCK_MONOTONIC: the same clock in the child
        proc = subprocess.Popen([sys.executable, "-c", code, repr(t0), out, *args], stdin=slave, stdout=slave,
                                stderr=slave, cwd=ROOT, env=env, start_new_session=True)
        os.close(slave)
        proc.wait(timeout=300)
        text = Path(out).read_text()
        if not text:
            tail = b"".join(seen)[-3000:].decode("utf-8", "replace")
            raise RuntimeError(f"benchmark child wrote nothing (exit {proc.returncode}): {tail}")
        return json.loads(text)
    finally:
        os.unlink(out)
        drained.join(timeout=5)
        os.close(master)


def _drain(fd: int, seen: list[bytes]) -> None:
    try:
        while chunk := os.read(fd, 65536):
            seen.append(chunk)
            del seen[:-8]
    except OSError:
        pass


def startup(data_dir: Path, slug: str, runs_n: int = RUNS, cli: bool = True) -> dict[str, float]:
    """Medians (seconds): minimal app; live screen (app class) first and filled; the same through the CLI."""
    runs: dict[str, list[float]] = {"minimal": [], "first": [], "filled": [], "cli_first": [], "cli_filled": [],
                                    "pydantic_floor": [], "domain_floor": []}
    for _ in range(runs_n):
        runs["minimal"].append(_run(MINIMAL)["first"])
        if cli:
            runs["pydantic_floor"].append(_run(PYDANTIC_FLOOR)["first"])
            runs["domain_floor"].append(_run(DOMAIN_FLOOR)["first"])
        marks = _run(LIVE, str(data_dir), slug)
        runs["first"].append(marks["first"])
        runs["filled"].append(marks["filled"])
        if cli:
            marks = _run(CLI, str(data_dir), slug)
            runs["cli_first"].append(marks["first"])
            runs["cli_filled"].append(marks["filled"])
    return {name: statistics.median(values) for name, values in runs.items() if values}


def big_workshop(data_dir: Path, statements: int) -> str:
    sys.path.insert(0, str(ROOT))
    from facilitator.domain.plan import parse_plan
    from facilitator.domain.records import Statement
    from facilitator.store.workshop import WorkshopStore

    text = (ROOT / "tests" / "tui" / "plan.toml").read_text(encoding="utf-8")
    plan = parse_plan(text)
    with WorkshopStore.create(data_dir, plan, text) as store:
        records = [Statement(session=1, step=i % 4, speaker=("wt1", "jw", "bib", "lg")[i % 4],
                             kind="quote" if i % 3 else "note", text=f"Uitspraak nummer {i} over de samenwerking",
                             themes=["werkwijze"] if i % 2 else ["taal", "plek"], key=i % 10 == 0,
                             offset=float(i)) for i in range(statements)]
        store.import_records(1, records)
    return plan.workshop.slug or ""


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(len(ordered) * p)) - 1))]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        small = base / "small"
        sys.path.insert(0, str(ROOT))
        from facilitator.demo import build_demo

        slug = build_demo(small)
        times = startup(small, slug)
        minimal, first, filled = times["minimal"], times["first"], times["filled"]
        frames: list[tuple[str, float, float]] = [("demo (about 30)", filled, minimal)]
        enters: list[tuple[int, dict]] = []
        for n in SIZES:
            big = base / f"big{n}"
            slug_big = big_workshop(big, n)
            t = startup(big, slug_big, BIG_RUNS, cli=False)
            frames.append((f"{n:,}", t["filled"], t["minimal"]))
            enters.append((n, _run(ENTER, str(big), slug_big, str(ENTERS))))
    print(f"terminal {SIZE[0]}x{SIZE[1]} (pty, real driver)")
    print("| measure | value | goal | ratio to goal |")
    print("|---|---|---|---|")
    print(f"| start-up, minimal Textual app, spawn to first painted frame (median of {RUNS}) | {minimal * 1000:.0f} ms | | |")
    print(f"| start-up, live screen, spawn to first painted frame (median of {RUNS}) | {first * 1000:.0f} ms | | |")
    print(f"| start-up ratio live / minimal | {first / minimal:.2f}x | <= 1.5x | {first / minimal / 1.5:.2f} |")
    print(f"| start-up, `facilitator run SLUG --session 1` (CLI), spawn to first painted frame (median) | "
          f"{times['cli_first'] * 1000:.0f} ms ({times['cli_first'] / minimal:.2f}x) | <= 1.5x | "
          f"{times['cli_first'] / minimal / 1.5:.2f} |")
    for name, label in (("pydantic_floor", "the minimal app defining one pydantic model"),
                        ("domain_floor", "the minimal app importing the domain models (plan, records)")):
        print(f"| floor: {label}, spawn to first painted frame (median of {RUNS}) | {times[name] * 1000:.0f} ms "
              f"({times[name] / minimal:.2f}x) | | |")
    print(f"| first full frame, demo, as a ratio to the domain floor | {filled / times['domain_floor']:.2f}x | "
          f"<= 1.5x | {filled / times['domain_floor'] / 1.5:.2f} |")
    for label, full, base_t in frames:
        print(f"| first full frame (agenda, question, newest row), {label} statements | {full * 1000:.0f} ms "
              f"({full / base_t:.2f}x the minimal app's {base_t * 1000:.0f} ms) | <= 1.5x | {full / base_t / 1.5:.2f} |")
    for n, marks in enters:
        work = [t * 1000 for t in marks["work"]]
        shown = [t * 1000 for t in marks["shown"]]
        print(f"| Enter to shown, {marks['rows']:,} statements, {len(shown)} Enters: median / p99 / max | "
              f"{statistics.median(shown):.1f} / {_pct(shown, 0.99):.1f} / {max(shown):.1f} ms | median < 16 ms | "
              f"{statistics.median(shown) / 16:.2f} |")
        print(f"| Enter work (key event to end of handler), {n:,}: median / max | {statistics.median(work):.1f} / "
              f"{max(work):.1f} ms | | |")
        print(f"| memory of the app, {n:,} statements: resident at the end / peak | {marks['rss'] / 2**20:.0f} / "
              f"{marks['peak_rss'] / 2**20:.0f} MiB | < 150 MiB at 100,000 | |")


if __name__ == "__main__":
    main()
