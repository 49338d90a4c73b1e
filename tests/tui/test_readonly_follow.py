"""The read-only live view follows the copy that writes by reading only what was appended
(facilitator.store.seats.follow + facilitator.live.follow), never reopening the workshop.

The defect this guards: the view once missed a line. It used to note the files' size and
time when it started and reopen the workshop when they changed; a save made between
opening the store and that note was never shown (nothing changed after it)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from facilitator.domain.records import Statement
from facilitator.store.workshop import WorkshopStore

from .helpers import SLUG, make_app, make_workshop, until

ROOT = Path(__file__).resolve().parents[2]


def _st(text: str) -> Statement:
    return Statement(session=1, step=0, speaker="wt", kind="note", text=text)


async def _until(pilot, condition, seconds: float = 10.0) -> bool:
    return await until(pilot, condition, seconds)


def _shown(screen) -> list[str]:
    """The statements of the record, in the record's order."""
    from facilitator.tui.widgets.record import RecordTable

    record = screen.query_one(RecordTable)
    return [e.statement.text for e in screen.live.entries.values()] if record.row_count == len(screen.live.entries) \
        else ["(record and session differ)"]


async def test_a_save_right_after_opening_is_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_workshop(tmp_path)
    from facilitator.usecases import session as usecase

    with WorkshopStore.open(tmp_path, SLUG) as writer:
        writer.add_statement(_st("eerste"))
        real = usecase.open_workshop

        def open_then_save(*args, **kwargs):  # noqa: ANN002, ANN003
            store = real(*args, **kwargs)
            writer.add_statement(_st("tussendoor"))  # saved after the view read the store
            return store

        monkeypatch.setattr(usecase, "open_workshop", open_then_save)
        app = make_app(tmp_path, readonly=True)
        app.readonly_poll = 0.05
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.screen
            assert await _until(pilot, lambda: getattr(screen, "ready", False))
            assert await _until(pilot, lambda: _shown(screen) == ["eerste", "tussendoor"]), _shown(screen)


WRITER = textwrap.dedent("""
    import random, sys, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[3])
    from facilitator.store.workshop import WorkshopStore
    from facilitator.domain.records import Statement
    gate = Path(sys.argv[5])
    with WorkshopStore.open(Path(sys.argv[1]), sys.argv[2]) as store:
        print("ready", flush=True)
        while not gate.exists():
            time.sleep(0.005)
        for n in range(int(sys.argv[4])):
            store.add_statement(Statement(session=1, step=0, speaker="wt", kind="note", text=f"regel {n}"))
            if random.random() < 0.3:
                time.sleep(random.random() * 0.02)
    print("done", flush=True)
""")


async def test_the_view_shows_every_save_of_another_process(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    count = 400
    gate = tmp_path / "go"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), SLUG, str(ROOT), str(count), str(gate)],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        app = make_app(tmp_path, readonly=True)
        app.readonly_poll = 0.05
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.screen
            gate.write_text("")  # saves start while the view opens and follows
            assert await _until(pilot, lambda: getattr(screen, "ready", False))
            expected = [f"regel {n}" for n in range(count)]
            assert await _until(pilot, lambda: proc.poll() is not None, 60)
            assert await _until(pilot, lambda: _shown(screen) == expected, 10), _shown(screen)[-5:]
            assert screen.store.readonly
    finally:
        proc.kill()
        proc.wait()
