"""live.follow.apply: what the other seat saved, taken into a LiveSession one document at
a time, and the seats' refusals (each seat changes only what it owns)."""

from __future__ import annotations

import time
from pathlib import Path

from facilitator.domain.records import Action, SessionClock, StepTiming, Statement
from facilitator.live import follow
from facilitator.live.session import LiveSession
from facilitator.live.writer import Writer
from facilitator.store import seats
from tests.tui.helpers import SLUG, FakeClock, make_workshop


def _st(text: str, step: int = 0) -> Statement:
    return Statement(session=1, step=step, speaker="wt", kind="note", text=text)


def test_the_facilitator_seat_takes_in_the_notes_one_by_one(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    fac = seats.open_seat(tmp_path, SLUG, "facilitator")
    notes = seats.open_seat(tmp_path, SLUG, "notes")
    try:
        live = LiveSession(fac, 1, FakeClock())
        a = notes.add_statement(_st("een"))
        b = notes.add_statement(_st("twee"))
        notes.add_action(Action(session=1, step=0, text="bellen", owner="wt"))
        notes.set_attendance(1, ["wt"])
        notes.add_theme("nieuw")
        change = follow.apply(live, seats.follow(fac).ops)
        assert [e.statement.text for e in change.added] == ["een", "twee"] and not change.rebuild
        assert [x.action.text for x in change.actions_added] == ["bellen"]
        assert change.attendance and live.attendance == ["wt"] and "nieuw" in live.theme_keys
        notes.update_statement(a.model_copy(update={"text": "één"}))
        change = follow.apply(live, seats.follow(fac).ops)
        assert [e.statement.text for e in change.changed] == ["één"]
        notes.delete_statement(a.id)
        change = follow.apply(live, seats.follow(fac).ops)
        assert len(change.removed) == 1 and [e.statement.text for e in live.entries.values()] == ["twee"]
        notes.restore_statement(a.model_copy(update={"text": "één"}))  # undone: back before "twee"
        change = follow.apply(live, seats.follow(fac).ops)
        assert change.rebuild and [e.statement.text for e in live.entries.values()] == ["één", "twee"]
        assert b.id is not None
        # the facilitator's seat takes no notes; the note-taker's seat does not run the clock
        assert not live.enter("wt: hier getypt").ok and live.enter("wt: x").notices[0].key == "seat.notes"
        nlive = LiveSession(notes, 1, FakeClock())
        assert nlive.toggle_clock().notices[0].key == "seat.facilitator"
        assert nlive.goto(1).notices[0].key == "seat.facilitator"
    finally:
        notes.close()
        fac.close()


def test_the_notes_seat_files_under_the_step_the_facilitator_moved_to(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    fac = seats.open_seat(tmp_path, SLUG, "facilitator")
    notes = seats.open_seat(tmp_path, SLUG, "notes")
    try:
        live = LiveSession(notes, 1, FakeClock())
        reports: list = []
        live.writer = Writer(notes, reports.append)
        now = time.time()
        fac.save_clock(SessionClock(session=1, started_at=now, steps={0: StepTiming(start=now)}))
        follow.apply(live, seats.follow(notes).ops)
        assert live.clock.started_at == now and live.capture_step == 0
        live.enter("## 3")  # the note-taker files ahead: kept while the step does not move
        fac.save_clock(SessionClock(session=1, started_at=now, steps={0: StepTiming(start=now, seen=now + 30)}))
        assert follow.apply(live, seats.follow(notes).ops).clock and live.capture_step == 2  # a checkpoint only
        clock = fac.clock(1).model_copy(update={"current_step": 1})
        fac.save_clock(clock)
        change = follow.apply(live, seats.follow(notes).ops)
        assert change.clock and live.clock.current_step == 1 and live.capture_step == 1
        live.enter("wt: na de stap")
        live.writer.wait_idle(5.0)
        live.writer.stop()
        assert [(s.text, s.step) for s in notes.statements(1)] == [("na de stap", 1)]
        assert b'"clocks"' not in (tmp_path / SLUG / "store.notes.db").read_bytes()
    finally:
        notes.close()
        fac.close()


def test_a_failed_save_at_the_notes_seat_is_kept_and_saved_later(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """Disk full at the note-taker's seat: the line stays unsaved (failed, in the rescue
    lines), nothing half-written is seen by the other seat, and the retry saves it once."""
    import errno

    from facilitator.store import db as dbmod

    make_workshop(tmp_path)
    fac = seats.open_seat(tmp_path, SLUG, "facilitator")
    notes = seats.open_seat(tmp_path, SLUG, "notes")
    try:
        live = LiveSession(notes, 1, FakeClock())
        reports: list = []
        live.writer = Writer(notes, reports.append)
        real = dbmod.write_all

        def full(fd, data):  # noqa: ANN001, ANN202
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(dbmod, "write_all", full)
        live.enter("wt: bewaard ondanks een volle schijf")
        live.writer.wait_idle(5.0)
        assert live.writer.failed and any(r.state == "failed" for r in reports)
        assert "wt: bewaard ondanks een volle schijf" in "\n".join(live.rescue_lines())
        assert notes.statements(1) == [] and seats.follow(fac).ops == []
        monkeypatch.setattr(dbmod, "write_all", real)
        live.writer.retry()
        assert live.writer.wait_idle(5.0)
        seats.follow(fac)
        assert [s.text for s in fac.statements(1)] == ["bewaard ondanks een volle schijf"]
        live.writer.stop()
    finally:
        notes.close()
        fac.close()
