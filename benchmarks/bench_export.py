"""Time of render_all (the series report plus the minutes of every session) for a
workshop of 10,000 statements over 4 sessions. Goal: under 0.5 s for all files.

Run: python3 benchmarks/bench_export.py   (a few seconds)
"""

from __future__ import annotations

import statistics
import sys
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


def main() -> int:
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


if __name__ == "__main__":
    raise SystemExit(main())
