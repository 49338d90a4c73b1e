"""LiveSession on its own (no Textual): lines, the pending queue, edit/delete/undo,
attendance, the clock, and the rescue lines."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from facilitator.live import rescue
from facilitator.live.session import LiveSession
from facilitator.live.writer import Writer
from facilitator.store.workshop import StoreWriteError, WorkshopStore
from tests.tui.helpers import SLUG, FakeClock, make_workshop


@pytest.fixture
def opened(tmp_path: Path):  # type: ignore[no-untyped-def]
    make_workshop(tmp_path)
    store = WorkshopStore.open(tmp_path, SLUG)
    clock = FakeClock()
    live = LiveSession(store, 1, clock)
    reports: list = []
    live.writer = Writer(store, reports.append)
    live.reports = reports  # type: ignore[attr-defined]
    yield live, clock, tmp_path
    live.writer.stop()
    store.close()


def sync(live: LiveSession) -> None:
    """Wait for the writer, then hand its reports to the session (the screen does this on its thread)."""
    live.writer.wait_idle(5.0)
    reports = live.reports  # type: ignore[attr-defined]
    while reports:
        live.job_changed(reports.pop(0))


def texts(live: LiveSession) -> list[str]:
    sync(live)
    return [s.text for s in live.store.statements(1)]


def test_lines_are_recorded_in_order(opened) -> None:  # type: ignore[no-untyped-def]
    live, _clock, _ = opened
    assert live.enter("wt1: een").ok and live.enter("twee").ok
    assert texts(live) == ["een", "twee"]
    assert [e.statement.speaker for e in live.entries.values()] == ["wt1", "wt1"]


def test_a_rejected_line_waits_and_the_lines_after_it_wait_behind_it(opened) -> None:  # type: ignore[no-untyped-def]
    live, _clock, _ = opened
    change = live.enter("wv1: seat typo")
    assert not change.ok and change.error and "wv1" in change.error and change.line is None
    live.enter("wt: de volgende uitspraak")
    live.paste(["## 2", "jw: in stap twee"])
    assert [p.line for p in live.pending] == ["wv1: seat typo", "wt: de volgende uitspraak", "## 2",
                                             "jw: in stap twee"]
    assert texts(live) == []
    fixed = live.fix()
    assert fixed.line == "wv1: seat typo" and live.fixing is not None
    live.enter("wt1: seat typo")
    assert live.pending == [] and live.fixing is None
    statements = live.store.statements(1) if live.writer.wait_idle(5.0) else []
    assert [(s.text, s.step) for s in statements] == [("seat typo", 0), ("de volgende uitspraak", 0),
                                                      ("in stap twee", 1)]


def test_the_queue_stops_again_at_the_next_bad_line(opened) -> None:  # type: ignore[no-untyped-def]
    live, _clock, _ = opened
    live.paste(["xyz: een", "wt: twee", "abc: drie", "vier"])
    live.fix()
    live.enter("wt: een")
    assert [p.line for p in live.pending] == ["abc: drie", "vier"] and live.rejected is not None
    assert texts(live) == ["een", "twee"]
    live.fix()
    live.cancel_fix("abc: drie (bijna)")  # Esc: back at the head, as corrected so far
    assert [p.line for p in live.pending] == ["abc: drie (bijna)", "vier"]


def test_step_by_a_word_of_its_title(opened) -> None:  # type: ignore[no-untyped-def]
    live, _clock, _ = opened
    titles = [s.title for s in live.session.agenda]
    word = titles[2].split()[-1].lower()
    live.enter(f"## {word}")
    assert live.capture_step == 2


def test_edit_delete_undo_and_attendance_undo(opened) -> None:  # type: ignore[no-untyped-def]
    live, _clock, _ = opened
    live.enter("wt1: eerst")
    sync(live)
    uid = next(iter(live.entries))
    assert live.entries[uid].statement.id is not None
    begin = live.begin_edit(uid, "half getypt")
    assert begin.line == "wt1: eerst"
    done = live.enter("wt1: daarna")
    assert done.line == "half getypt" and texts(live) == ["daarna"]
    live.delete(uid)
    assert texts(live) == []
    live.undo()
    assert texts(live) == ["daarna"]
    live.undo()
    assert texts(live) == ["eerst"]
    live.toggle_present("wt1")
    live.add_person("bib", 1)
    live.add_person("bib", 1)
    assert sorted(live.attendance) == ["bib", "bib", "wt1"]
    live.undo()
    assert sorted(live.attendance) == ["bib", "wt1"]
    live.writer.wait_idle(5.0)
    assert sorted(live.store.attendance(1)) == ["bib", "wt1"]


def test_clock_seen_at_quit_counts_the_running_step(opened) -> None:  # type: ignore[no-untyped-def]
    from facilitator.export.minutes import step_minutes

    live, clock, _ = opened
    live.toggle_clock()
    clock.advance(120)
    live.next_step()
    clock.advance(4 * 60 + 10)
    live.stop_for_quit()
    live.writer.wait_idle(5.0)
    saved = live.store.clock(1)
    assert step_minutes(saved, 0) == 2 and step_minutes(saved, 1) == 4  # not 0 for the running step


def test_a_checkpoint_every_half_minute_while_running(opened) -> None:  # type: ignore[no-untyped-def]
    from facilitator.export.minutes import step_minutes

    live, clock, _ = opened
    live.toggle_clock()
    for _ in range(5 * 60):  # five minutes of ticks; a kill -9 now loses at most 30 s
        clock.advance(1)
        live.tick()
    live.writer.wait_idle(5.0)
    assert step_minutes(live.store.clock(1), 0) == 5


def test_end_session_ends_the_step_and_stops_the_clock(opened) -> None:  # type: ignore[no-untyped-def]
    from facilitator.export.minutes import step_minutes
    from facilitator.live import clock as clockctl

    live, clock, _ = opened
    live.toggle_clock()
    clock.advance(7 * 60)
    change = live.end_session()
    assert change.ok and clockctl.state(live.clock) == "done"
    clock.advance(600)
    live.writer.wait_idle(5.0)
    saved = live.store.clock(1)
    assert step_minutes(saved, 0) == 7 and saved.steps[0].end is not None
    assert live.store.snapshot().is_held(1)


def test_clock_keys_in_a_read_only_session_say_why(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    with WorkshopStore.open(tmp_path, SLUG, readonly=True) as store:
        live = LiveSession(store, 1, FakeClock())
        for change in (live.toggle_clock(), live.next_step(), live.enter("wt: x"), live.end_session()):
            assert not change.ok and change.notices[0].key == "is_readonly"


def test_rescue_lines_hold_everything_unsaved_under_its_step(opened, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    live, _clock, data_dir = opened
    live.enter("wt1: bewaard")
    sync(live)
    first = next(iter(live.entries.values()))
    real = live.store.add_statement

    def full(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise StoreWriteError("No space left on device")

    monkeypatch.setattr(live.store, "add_statement", full)
    monkeypatch.setattr(live.store, "update_statement", full)
    monkeypatch.setattr(live.store, "delete_statement", full)
    monkeypatch.setattr(live.store, "set_attendance", full)
    live.enter("## 2")
    live.enter("jw: onder stap twee")
    live.begin_edit(first.uid, "")
    live.enter("wt1: bewaard, maar anders")
    live.toggle_present("wt1")
    live.enter("xyz: fout")
    live.enter("## 3")
    live.enter("bib: in drie")
    live.writer.wait_idle(1.0)
    lines = live.rescue_lines("half getyp")
    assert lines == [
        "## 2", "jw: onder stap twee",
        "// edit of statement 1: wt1: bewaard, maar anders",
        "aanwezig: wt1",
        "xyz: fout",
        "## 3", "bib: in drie", "half getyp",
    ], lines
    assert rescue.count(lines) == 6
    old = os.umask(0o022)
    try:
        path = rescue.write(data_dir, SLUG, 1, lines)
    finally:
        os.umask(old)
    assert path is not None and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert rescue.count(path.read_text(encoding="utf-8").splitlines()) == 6
    monkeypatch.setattr(live.store, "add_statement", real)


def test_a_failed_save_is_reported_in_the_interface_language(opened, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Issue 10: the notice's reason is the store's Message; the screen renders it in its language."""
    import errno

    from facilitator.store.db import write_error
    from facilitator.tui.i18n import tr

    live, _clock, _ = opened

    def full(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise write_error(live.store.path / "store.db", OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))

    monkeypatch.setattr(live.store, "add_statement", full)
    live.enter("wt1: een")
    live.writer.wait_idle(1.0)
    reports = live.reports  # type: ignore[attr-defined]
    notices = [n for r in list(reports) for n in live.job_changed(r).notices if n.key == "failed"]
    reports.clear()
    assert notices, "the failed save is reported"
    table = {"nl": {"failed": "opslaan mislukt: {error}"}, "en": {"failed": "saving failed: {error}"}}
    reason = os.strerror(errno.ENOSPC)
    assert tr(table, "nl", "failed", **notices[0].values) == (
        f"opslaan mislukt: kon de workshop niet opslaan ({SLUG}): {reason} (er is niets veranderd)")
    assert tr(table, "en", "failed", **notices[0].values) == (
        f"saving failed: could not save the workshop ({SLUG}): {reason} (nothing was changed)")


def test_the_waiting_count_is_the_lines_that_wait(opened) -> None:  # type: ignore[no-untyped-def]
    """Acceptance (issue 8, 3c): "+N wachten" was one more than the lines pending. A rejected
    line taken back to fix (F10), cleared and put back (Esc) waited as an empty line: counted
    in "+N", in no rescue file; a rejected `## 9` waited, counted in "+N" but not by the quit
    question, which then let the app quit without writing it."""
    live, _clock, _ = opened
    live.enter("xyz: fout")
    live.enter("wt: a")
    assert live.waiting == 2
    live.fix()
    live.cancel_fix("")  # cleared, then Esc
    sync(live)
    assert live.waiting == rescue.count(live.rescue_lines("")) == 0
    assert [s.text for s in live.store.statements(1)] == ["a"]  # the line behind it went on
    live.enter("## 9")
    assert live.waiting == 1 and live.rejected is not None
    lines = live.rescue_lines("")
    assert rescue.count(lines) == live.waiting and "## 9" in lines
