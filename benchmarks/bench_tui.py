"""TUI benchmarks: `python3 benchmarks/bench_tui.py`.

1. Start-up: seconds from process start (before any import) to the first frame
   of the live screen (the first refresh after LiveScreen is mounted, headless
   driver), as a ratio to a minimal Textual app (one Static) measured the same
   way in the same run. Each is run in fresh subprocesses, alternating; the
   median counts. Goal: ratio <= 1.5.
2. Enter on a capture line with 10,000 statements in the session: the time from
   the Enter handler starting (parse, clear the line, add the pending row) to the
   end of the next screen refresh that shows it, inside `App.run_test`. The save
   itself runs on the writer thread and is not waited for (its time is printed
   too). Goal: median < 16 ms.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7
ENTERS = 60
STATEMENTS = 10_000

MINIMAL = """
import time
t0 = time.perf_counter()
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    def compose(self):
        yield Static("hello")
    def on_mount(self):
        self.call_after_refresh(self.done)
    def done(self):
        print(time.perf_counter() - t0)
        self.exit()

Minimal().run(headless=True)
"""

LIVE = """
import time
t0 = time.perf_counter()
import sys
from pathlib import Path
from facilitator.tui.screens import live

_mount = live.LiveScreen.on_mount
def on_mount(self):
    _mount(self)
    self.call_after_refresh(done, self)
def done(screen):
    print(time.perf_counter() - t0)
    screen.app.exit()
live.LiveScreen.on_mount = on_mount

from facilitator.tui.app import FacilitatorApp
FacilitatorApp(Path(sys.argv[1]), sys.argv[2], 1, "nl").run(headless=True)
"""


def _time(code: str, *args: str) -> float:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "TERM": "xterm-256color"},
                         timeout=120)
    lines = [line for line in out.stdout.splitlines() if line.strip()]
    try:
        return float(lines[-1])
    except (IndexError, ValueError):
        raise RuntimeError(f"benchmark child failed: {out.stderr[-2000:]}") from None


def startup(data_dir: Path, slug: str) -> tuple[float, float]:
    minimal, live = [], []
    for _ in range(RUNS):
        minimal.append(_time(MINIMAL))
        live.append(_time(LIVE, str(data_dir), slug))
    return statistics.median(minimal), statistics.median(live)


def big_workshop(data_dir: Path) -> str:
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
                             offset=float(i)) for i in range(STATEMENTS)]
        store.import_records(1, records)
    return plan.workshop.slug or ""


async def enter_times(data_dir: Path, slug: str) -> tuple[list[float], list[float], int]:
    from facilitator.tui.app import FacilitatorApp

    app = FacilitatorApp(data_dir, slug, 1, "nl")
    shown: list[float] = []
    saved: list[float] = []
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        screen = app.screen
        for _ in range(5):
            await pilot.pause()
        rows = screen.query_one("#record").row_count
        for i in range(ENTERS):
            line = f"wt{1 if i % 2 else ''}: “Een nieuwe uitspraak {i}” #werkwijze #plek !"
            capture = screen.query_one("#capture")
            capture.value = line
            await pilot.pause()
            done = asyncio.get_running_loop().create_future()
            t0 = time.perf_counter()
            screen.submit_line(line)
            screen.call_after_refresh(lambda: done.set_result(time.perf_counter()))
            shown.append(await done - t0)
            t1 = time.perf_counter()
            await asyncio.to_thread(screen.writer.wait_idle, 10.0)
            saved.append(time.perf_counter() - t1)
    return shown, saved, rows


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        small = base / "small"
        sys.path.insert(0, str(ROOT))
        from facilitator.demo import build_demo

        slug = build_demo(small)
        minimal, live = startup(small, slug)
        big = base / "big"
        slug_big = big_workshop(big)
        shown, saved, rows = asyncio.run(enter_times(big, slug_big))
    med = statistics.median(shown) * 1000
    p95 = sorted(shown)[int(len(shown) * 0.95) - 1] * 1000
    print("| measure | value | goal | ratio to goal |")
    print("|---|---|---|---|")
    print(f"| start-up, minimal Textual app (median of {RUNS}) | {minimal * 1000:.0f} ms | | |")
    print(f"| start-up, live screen first frame (median of {RUNS}) | {live * 1000:.0f} ms | | |")
    print(f"| start-up ratio live / minimal | {live / minimal:.2f}x | <= 1.5x | {live / minimal / 1.5:.2f} |")
    print(f"| Enter to shown, {rows} statements in session (median of {ENTERS}) | {med:.1f} ms | < 16 ms | "
          f"{med / 16:.2f} |")
    print(f"| Enter to shown, p95 | {p95:.1f} ms | | |")
    print(f"| background save acknowledged (median, not waited for) | {statistics.median(saved) * 1000:.1f} ms | | |")


if __name__ == "__main__":
    main()
