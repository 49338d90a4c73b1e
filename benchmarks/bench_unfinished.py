"""Opening a workshop after `kill -9` in the middle of an import: how long the writable open
takes and what it leaves beside store.db. The workshop holds N statements; a child process
imports a notes file of N more lines and is killed once half of the import's bytes are in
the file (polled). The killed store is copied, then opened two ways in the same run:

- "now": the unfinished import is dropped into a small sidecar (store.db.unfinished-…) and
  the journal is truncated in place;
- "before" (the baseline, what every killed import got until this change): the same tail
  treated as damage, by telling the open that acknowledged data was cut (`covered`): the
  whole file is copied aside as store.db.damaged-… and rewritten.

Run: python3 benchmarks/bench_unfinished.py [N ...]   (default 10000 100000; about a minute)
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from facilitator.domain.plan import parse_plan  # noqa: E402
from facilitator.store.workshop import WorkshopStore  # noqa: E402
from facilitator.usecases.notes import import_notes, open_notes  # noqa: E402

PLAN = (ROOT / "tests" / "store" / "conftest.py").read_text(encoding="utf-8").split('PLAN_TEXT = """', 1)[1] \
    .split('"""', 1)[0]
SLUG = "proef"


def notes(folder: Path, tag: str, n: int) -> Path:
    path = folder / f"{tag}.txt"
    path.write_text("".join(f"wt: {tag} uitspraak {i} over de wijk\n" for i in range(n)), encoding="utf-8")
    return path


def killed_store(folder: Path, n: int) -> Path:
    data = folder / "data"
    with WorkshopStore.create(data, parse_plan(PLAN, "proef.toml"), PLAN) as s:
        import_notes(s, 1, open_notes(notes(folder, "eerst", n)), "eerst.txt")
    journal = data / SLUG / "store.db"
    base = journal.stat().st_size
    second = notes(folder, "tweede", n)
    pid = os.fork()
    if pid == 0:
        try:
            s = WorkshopStore.open(data, SLUG)
            import_notes(s, 1, open_notes(second), str(second))
        finally:
            os._exit(0)
    half = base + n * 105  # about half of the import's journal lines (about 210 bytes each)
    while journal.stat().st_size < half:
        time.sleep(0.0005)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return data


def open_once(data: Path, damage: bool) -> tuple[float, int, int]:
    """Seconds for the writable open; bytes left beside store.db; statements then."""
    if damage:  # the baseline: the tail counts as damage (the path a killed import took before)
        import facilitator.store.recover as recover

        saved = recover.acknowledged_cut
        recover.acknowledged_cut = lambda *a: "cut short: (baseline)"  # type: ignore[assignment]
    try:
        t = time.perf_counter()
        s = WorkshopStore.open(data, SLUG)
        took = time.perf_counter() - t
        count = len(s.statement_view(1))
        s.close()
    finally:
        if damage:
            recover.acknowledged_cut = saved  # type: ignore[assignment]
    left = sum(p.stat().st_size for p in (data / SLUG).iterdir() if ".damaged-" in p.name or ".unfinished-" in p.name)
    return took, left, count


def main(sizes: list[int]) -> None:
    print("| statements | store.db at the kill | open now | left beside it now | open before | left before | ratio open |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            data = killed_store(folder, n)
            size = (data / SLUG / "store.db").stat().st_size
            copy = folder / "copy"
            shutil.copytree(data, copy)
            now, left_now, count_now = open_once(data, damage=False)
            before, left_before, count_before = open_once(copy, damage=True)
            assert count_now == count_before == n, (count_now, count_before)
            print(f"| {n:,} | {size / 1e6:.1f} MB | {now:.2f} s | {left_now / 1e6:.1f} MB | {before:.2f} s "
                  f"| {left_before / 1e6:.1f} MB | {before / now:.1f}x |")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
