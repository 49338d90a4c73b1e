"""Exporting a workshop.

1. render_all (the series report plus the minutes of every session) for a workshop of
   10,000 statements over 4 sessions, in this process. Goal: under 0.5 s for all files.
2. --store: a whole workshop on disk, read and exported, each measure in a fresh child
   process, next to the baseline (the code of --baseline REV, default `main`) measured
   in the same run, alternating:
   - export: `facilitator export SLUG --out DIR` (Markdown), from the child's start
     (interpreter and imports included) to its end; the child's peak memory (VmHWM
     from /proc/self/status: ru_maxrss is carried across exec, so it would show the
     parent's); the same workshop at --sizes (default 10,000 and 100,000 statements
     over 4 sessions, the texts of part 1: a name in a quarter of them, markup);
   - read: `store.snapshot()` alone (open read-only, every record read), its time and
     the memory it adds;
   - report: the report screen's first full frame, on a pseudo-terminal with Textual's
     real driver: from the key that opens it (`open_report`, on the home screen) to the
     first painted frame of the report screen (findings listed).
   Goals at 100,000: export <= 1.5 s and <= 150 MiB peak; report frame <= 1.5 s.

Run: python3 benchmarks/bench_export.py            (part 1, a few seconds)
     python3 benchmarks/bench_export.py --store [--sizes 10000,100000] [--runs 3] [--baseline REV]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from facilitator.domain.plan import parse_plan  # noqa: E402
from facilitator.domain.records import Action, Finding, ReportText, SessionClock, Statement, StepTiming  # noqa: E402
from facilitator.domain.workshop import WorkshopData  # noqa: E402
from facilitator.export import render_all  # noqa: E402

PLAN_FILE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "plan-example.toml"
STATEMENTS = 10_000
SESSIONS = 4
GOAL = 0.5  # seconds for all files
RUNS = 7
SPEAKERS = ("wt1", "wt2", "jw1", "bib1", "wt", "jw", "bib", "lg", None)
THEMES = ("werkwijze", "doorverwijzen", "taal", "plek", "regels")
TEXTS = (
    "We verwijzen door, maar weten niet wat er daarna gebeurt.",
    "Fatima zei het al: *iedereen* doet het op een eigen manier.",  # a name to redact, markup to escape
    "# Dit is geen kop, en 1. geen lijst | geen tabel <b>geen html</b>",
    "Bij ons\nheet dat anders & dat merk je [meteen](echt).",
)


def workshop() -> WorkshopData:
    plan = parse_plan(PLAN_FILE.read_text(encoding="utf-8"), PLAN_FILE.name)
    statements, actions, clocks = [], [], {}
    per = STATEMENTS // SESSIONS
    for i in range(STATEMENTS):
        session = i // per + 1
        steps = len(plan.session(session).agenda)
        statements.append(Statement(
            id=i + 1, session=session, step=i % steps, speaker=SPEAKERS[i % len(SPEAKERS)],
            kind="quote" if i % 3 else "note", text=f"{TEXTS[i % len(TEXTS)]} ({i})",
            themes=[THEMES[i % 5]] + ([THEMES[(i + 2) % 5]] if i % 4 == 0 else []), key=i % 17 == 0,
            offset=float(i), seq=i % per + 1))
    for session in range(1, SESSIONS + 1):
        for j in range(10):
            actions.append(Action(id=len(actions) + 1, session=session, text=f"Afspraak {j}: Ruben belt terug",
                                  owner=SPEAKERS[j % len(SPEAKERS)], seq=j + 1))
        t0 = 1_772_544_600.0 + session * 86_400 * 14
        steps = {k: StepTiming(start=t0 + k * 1800, end=t0 + (k + 1) * 1800 - 60)
                 for k in range(len(plan.session(session).agenda))}
        clocks[session] = SessionClock(session=session, started_at=t0, steps=steps)
    findings = [Finding(id=f + 1, text=f"Bevinding {f} met **nadruk**.", statements=list(range(f * 50 + 1, f * 50 + 11)),
                        position=f) for f in range(20)]
    report = ReportText(analysis="Analyse.", conclusion="Conclusie.", next_steps=["Stap een.", "Stap twee."],
                        stages=["werkwijze", "doorverwijzen", "plek"])
    return WorkshopData(plan=plan, themes=list(plan.themes), statements=statements, actions=actions,
                        attendance={s: ["wt1", "wt2", "jw1", "bib1", "lg"] for s in range(1, SESSIONS + 1)},
                        clocks=clocks, findings=findings, report=report)


def render_main() -> int:
    data = workshop()
    render_all(data)  # warm up: imports, compiled name patterns
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        docs = render_all(data)
        times.append(time.perf_counter() - t0)
    median, best = statistics.median(times), min(times)
    size = sum(len(d.text.encode("utf-8")) for d in docs)
    redactions = sum(d.redactions for d in docs)
    print(f"render_all: {STATEMENTS:,} statements over {SESSIONS} sessions -> {len(docs)} files, "
          f"{size / 1e6:.1f} MB, {redactions:,} names redacted ({RUNS} runs)")
    print(f"{'measure':<12} | {'seconds':>8} | {'goal':>6} | {'ratio to goal':>13}")
    print("-" * 50)
    for name, value in (("median", median), ("best", best), ("worst", max(times))):
        print(f"{name:<12} | {value:>8.3f} | {GOAL:>6.2f} | {value / GOAL:>12.2f}x")
    print(f"goal: render_all under {GOAL} s: {'met' if median < GOAL else 'NOT met'} (median {median:.3f} s)")
    return 0


# -- part 2: a workshop on disk, in child processes ---------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
EXPORT_GOAL, MEMORY_GOAL, REPORT_GOAL = 1.5, 150.0, 1.5

CHILD = r"""
import json, sys, time
T0 = time.perf_counter()
op, data_dir, slug, out = sys.argv[1:5]
def peak():
    with open("/proc/self/status") as fh:
        return next(int(l.split()[1]) / 1024 for l in fh if l.startswith("VmHWM:"))
def rss():
    with open("/proc/self/status") as fh:
        return next(int(l.split()[1]) / 1024 for l in fh if l.startswith("VmRSS:"))
import facilitator
where = facilitator.__file__
if op == "export":
    from facilitator.cli import main
    code = main(["--data-dir", data_dir, "export", slug, "--out", out])
    assert code == 0, code
    marks = {"s": time.perf_counter() - T0, "mib": peak()}
else:
    from pathlib import Path
    from facilitator.usecases.session import open_workshop
    with open_workshop(Path(data_dir), slug, readonly=True) as store:
        before = rss()
        t0 = time.perf_counter()
        data = store.snapshot()
        took = time.perf_counter() - t0
    assert len(data.statements) > 0
    marks = {"s": took, "mib": rss() - before, "n": len(data.statements)}
marks["where"] = where
print(json.dumps(marks))
"""

REPORT = r"""
import json, sys, time
T0 = float(sys.argv[1]); OUT = sys.argv[2]
from pathlib import Path
from textual.app import App
marks = {}
state = {}
_display = App._display
def display(self, screen, renderable):
    _display(self, screen, renderable)
    if renderable is None or self._batch_count:
        return
    name = type(screen).__name__
    if name == "HomeScreen" and "asked" not in state:
        state["asked"] = time.perf_counter()
        self.call_later(lambda: self.open_report(sys.argv[4]))
    elif name == "ReportScreen" and "frame" not in marks and screen.query_one("#findings-table").row_count:
        marks["frame"] = time.perf_counter() - state["asked"]
        with open("/proc/self/status") as fh:
            marks["mib"] = next(int(l.split()[1]) / 1024 for l in fh if l.startswith("VmHWM:"))
        import facilitator
        marks["where"] = facilitator.__file__
        with open(OUT, "w") as fh:
            json.dump(marks, fh)
        self.exit()
App._display = display
from facilitator.tui.app import FacilitatorApp
FacilitatorApp(Path(sys.argv[3]), None, None, "nl").run()
"""


def build_store(data_dir: Path, n: int) -> str:
    """A workshop of `n` statements over SESSIONS sessions (part 1's records), as an import leaves it."""
    from facilitator.store.workshop import WorkshopStore

    global STATEMENTS
    STATEMENTS, saved = n, STATEMENTS
    try:
        data = workshop()
    finally:
        STATEMENTS = saved
    text = PLAN_FILE.read_text(encoding="utf-8")
    slug = data.plan.slug
    WorkshopStore.create(data_dir, data.plan, text).close()
    with WorkshopStore.open(data_dir, slug) as store:
        for number in range(1, SESSIONS + 1):
            records = [s.model_copy(update={"id": None}) for s in data.statements if s.session == number]
            records += [a.model_copy(update={"id": None}) for a in data.actions if a.session == number]
            store.import_records(number, records, attendance=data.attendance[number])
            store.save_clock(data.clocks[number])
        for f in data.findings:
            store.save_finding(f.model_copy(update={"id": None}))
        store.save_report_text(data.report)
    return slug


def baseline_tree(rev: str, into: Path) -> Path:
    """The package as it is at `rev` (git archive), to import instead of this tree's."""
    out = into / "baseline"
    out.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "facilitator"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(out)], input=archive.stdout, check=True)
    return out


def child(tree: Path, op: str, data_dir: Path, slug: str, out: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CHILD, op, str(data_dir), slug, str(out)], capture_output=True,
                          text=True, cwd=tree, env=env, timeout=600)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{op} ({tree}): {proc.stderr[-2000:]}")
    marks = json.loads(proc.stdout.strip().splitlines()[-1])
    assert Path(marks["where"]).is_relative_to(tree), marks["where"]  # the tree asked for, not the installed one
    marks["wall"] = wall
    return marks


def report_frame(tree: Path, data_dir: Path, slug: str) -> dict:
    import pty
    import struct
    import termios
    import threading
    from fcntl import ioctl

    master, slave = pty.openpty()
    ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))

    def drain() -> None:
        try:
            while os.read(master, 65536):
                pass
        except OSError:
            pass

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        out = fh.name
    try:
        env = {"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin", "TERM": "xterm-256color",
               "HOME": os.environ.get("HOME", "/"), "XDG_CONFIG_HOME": str(data_dir.parent / "config")}
        proc = subprocess.Popen([sys.executable, "-c", REPORT, repr(time.perf_counter()), out, str(data_dir), slug],
                                stdin=slave, stdout=slave, stderr=slave, cwd=tree, env=env, start_new_session=True)
        os.close(slave)
        proc.wait(timeout=600)
        text = Path(out).read_text()
        if not text:
            raise SystemExit(f"report child wrote nothing (exit {proc.returncode})")
        marks = json.loads(text)
        assert Path(marks["where"]).is_relative_to(tree), marks["where"]
        return marks
    finally:
        os.unlink(out)
        reader.join(timeout=5)
        os.close(master)


def store_main(sizes: list[int], runs: int, rev: str) -> int:
    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        base = Path(tmp)
        trees = {"baseline": baseline_tree(rev, base), "ours": ROOT}
        rows = []
        for n in sizes:
            data_dir = base / f"data-{n}"
            t0 = time.perf_counter()
            slug = build_store(data_dir, n)
            print(f"built {n:,} statements in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
            got: dict[str, dict[str, list[float]]] = {k: {} for k in trees}
            for i in range(runs):
                for name, tree in trees.items():  # alternating: the machine's load hits both alike
                    res = got[name]
                    m = child(tree, "export", data_dir, slug, base / f"out-{name}-{n}-{i}")
                    res.setdefault("export", []).append(m["s"])
                    res.setdefault("export_wall", []).append(m["wall"])
                    res.setdefault("export_mib", []).append(m["mib"])
                    m = child(tree, "read", data_dir, slug, base / "unused")
                    res.setdefault("read", []).append(m["s"])
                    res.setdefault("read_mib", []).append(m["mib"])
                    m = report_frame(tree, data_dir, slug)
                    res.setdefault("report", []).append(m["frame"])
                    res.setdefault("report_mib", []).append(m["mib"])
            same = all((base / f"out-baseline-{n}-0" / f.name).read_bytes() == f.read_bytes()
                       for f in (base / f"out-ours-{n}-0").iterdir())
            rows.append((n, {k: {m: statistics.median(v) for m, v in r.items()} for k, r in got.items()},
                         {k: {m: max(v) for m, v in r.items()} for k, r in got.items()}, same))
        print(f"\nbaseline: {rev} ({subprocess.run(['git', '-C', str(ROOT), 'rev-parse', '--short', rev], capture_output=True, text=True).stdout.strip()}); "
              f"median of {runs} runs (max in brackets), each measure its own process")
        head = ("statements", "", "export s", "export MiB", "read s", "read +MiB", "report frame s", "report MiB")
        print(" | ".join(head))
        print("|".join("---" for _ in head))
        for n, med, mx, same in rows:
            for name in ("baseline", "ours"):
                a, b = med[name], mx[name]
                print(f"{n:,} | {name} | {a['export']:.2f} ({b['export']:.2f}) | {a['export_mib']:.0f} | "
                      f"{a['read']:.2f} ({b['read']:.2f}) | {a['read_mib']:.0f} | {a['report']:.2f} ({b['report']:.2f}) | "
                      f"{a['report_mib']:.0f}")
            o, bl = med["ours"], med["baseline"]
            print(f"{n:,} | ratio | {o['export'] / bl['export']:.2f} | {o['export_mib'] / bl['export_mib']:.2f} | "
                  f"{o['read'] / bl['read']:.2f} | {o['read_mib'] / max(bl['read_mib'], 1):.2f} | "
                  f"{o['report'] / bl['report']:.2f} | {o['report_mib'] / bl['report_mib']:.2f}")
            print(f"{n:,}: exported files byte-identical to the baseline's: {'yes' if same else 'NO'}")
        n, med, _mx, _same = rows[-1]
        o = med["ours"]
        print(f"goals at {n:,}: export <= {EXPORT_GOAL} s: {'met' if o['export'] <= EXPORT_GOAL else 'NOT met'} "
              f"({o['export']:.2f}); <= {MEMORY_GOAL:.0f} MiB: {'met' if o['export_mib'] <= MEMORY_GOAL else 'NOT met'} "
              f"({o['export_mib']:.0f}); report frame <= {REPORT_GOAL} s: "
              f"{'met' if o['report'] <= REPORT_GOAL else 'NOT met'} ({o['report']:.2f})")
    return 0


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", action="store_true", help="part 2: a workshop on disk, in child processes")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", default="main", help="the git revision measured as the baseline")
    args = parser.parse_args()
    if args.store:
        return store_main([int(x) for x in args.sizes.split(",")], args.runs, args.baseline)
    return render_main()


if __name__ == "__main__":
    raise SystemExit(main())
