"""Failed saves, quitting with unsaved lines, a locked workshop, recovery notes."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Iterator

import pytest

from facilitator.store.workshop import StoreWriteError, WorkshopStore

from .helpers import SLUG, make_app, make_workshop, screen_text, settle, type_line


@contextlib.contextmanager
def held_open(data_dir: Path) -> Iterator[None]:
    """Another process holds the workshop open (its lock) until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys
            from pathlib import Path
            from facilitator.store.workshop import WorkshopStore
            s = WorkshopStore.open(Path({str(data_dir)!r}), {SLUG!r})
            print("ready", flush=True)
            sys.stdin.read()
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        cwd=Path(__file__).resolve().parents[2])
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        yield
    finally:
        holder.communicate("", timeout=10)


async def until_asked(app, pilot) -> None:  # type: ignore[no-untyped-def]
    """Until the "already open" question is up (bounded; the test asserts what follows)."""
    for _ in range(200):
        if type(app.screen).__name__ == "LockedScreen":
            break
        await pilot.pause(0.02)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    make_workshop(tmp_path)
    return tmp_path


def fail_first(store: WorkshopStore, n: int) -> list[int]:
    """Make the store's add_statement raise StoreWriteError for its first n calls."""
    real = store.add_statement
    calls = [0]

    def add_statement(st):  # type: ignore[no-untyped-def]
        calls[0] += 1
        if calls[0] <= n:
            raise StoreWriteError("No space left on device")
        return real(st)

    store.add_statement = add_statement  # type: ignore[method-assign]
    return calls


async def test_failed_save_is_loud_keeps_text_and_retries(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = app.screen
        calls = fail_first(app.store, 2)
        await type_line(pilot, "wt: “Dit mag niet verloren gaan.” #taal")
        await type_line(pilot, "jw: en dit ook niet")  # queued behind the failed one, order kept
        await settle(pilot)
        assert screen.query_one("#capture").value == ""  # typing was never blocked
        text = screen_text(app)
        assert "NIET OPGESLAGEN “Dit mag" in text
        assert screen.has_class("-failing") and app.rang >= 1
        assert calls[0] == 1 and [j.text for j in screen.unsaved()][:2] == [
            "wt: “Dit mag niet verloren gaan.” #taal", "jw: en dit ook niet"]
        screen.action_retry_saves()  # second failure
        await settle(pilot)
        assert calls[0] == 2 and "NIET OPGESLAGEN" in screen_text(app)
        screen.action_retry_saves()  # the fault is gone
        await settle(pilot)
        assert calls[0] == 4 and screen.unsaved() == []
        assert "NIET OPGESLAGEN" not in screen_text(app) and not screen.has_class("-failing")
    with WorkshopStore.open(data_dir, SLUG, readonly=True) as store:
        assert [s.text for s in store.statements(1)] == ["Dit mag niet verloren gaan.", "en dit ook niet"]


async def test_put_back_returns_the_unsaved_line(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = app.screen
        fail_first(app.store, 1)
        await type_line(pilot, "wt: terug in de invoer")
        await settle(pilot)
        await pilot.press("f10")
        assert screen.query_one("#capture").value == "wt: terug in de invoer"
        assert screen.query_one("#record").row_count == 0 and screen.unsaved() == []
        await pilot.press("enter")  # the fault is gone: saves now
        await settle(pilot)
    with WorkshopStore.open(data_dir, SLUG, readonly=True) as store:
        assert [s.text for s in store.statements(1)] == ["terug in de invoer"]


async def test_quit_with_unsaved_refuses_then_writes_rescue_file(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(160, 45)) as pilot:
        fail_first(app.store, 100)
        await type_line(pilot, "wt: “gered”")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmQuit"  # refused, asking
        await pilot.press("escape")  # wait
        await pilot.pause()
        assert type(app.screen).__name__ == "LiveScreen" and app.is_running
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("f2")  # quit anyway
        await pilot.pause()
    rescue = list(data_dir.glob("rescue-*.txt"))
    assert len(rescue) == 1 and "wt: “gered”" in rescue[0].read_text(encoding="utf-8")


@pytest.mark.parametrize("background", [False, True])
async def test_locked_workshop_offers_read_only(data_dir: Path, background: bool) -> None:
    """Opened from the home screen, or at start-up (`facilitator run`: the live screen is the first screen)."""
    with held_open(data_dir):
        app = make_app(data_dir, background_open=background)
        async with app.run_test(size=(160, 45)) as pilot:
            await until_asked(app, pilot)
            await pilot.pause()
            assert type(app.screen).__name__ == "LockedScreen"
            assert "lombok-2026" in screen_text(app)
            await pilot.press("f2")
            await pilot.pause()
            screen = app.screen
            assert type(screen).__name__ == "LiveScreen" and app.store.readonly
            assert screen.query_one("#capture").disabled and screen.writer is None
            assert "ALLEEN LEZEN" in screen_text(app)
        app = make_app(data_dir, background_open=background)
        async with app.run_test(size=(160, 45)) as pilot:
            await until_asked(app, pilot)
            await pilot.press("escape")  # refuse
            await pilot.pause()
        assert app.return_code == 1


async def test_typing_into_the_lock_question_is_kept_and_never_answers_it(data_dir: Path) -> None:
    """The question comes up unasked while the note-taker may already be typing: letters
    and Enter neither open read-only nor quit, and the typed text goes to a rescue file."""
    with held_open(data_dir):
        app = make_app(data_dir, background_open=True)
        async with app.run_test(size=(120, 36)) as pilot:
            await until_asked(app, pilot)
            assert type(app.screen).__name__ == "LockedScreen"
            await pilot.press(*"wt1: lekker snel getypt", "enter", *"nog een", "enter")
            await pilot.pause()
            assert type(app.screen).__name__ == "LockedScreen" and app.is_running  # no letter, no Enter answered
            assert "reddingsbestand" in screen_text(app)
            await pilot.press("escape")
            await pilot.pause()
        assert app.return_code == 1
        rescue = list(data_dir.glob("rescue-*.txt"))
        assert len(rescue) == 1
        assert rescue[0].read_text(encoding="utf-8") == (
            "// unsaved lines of session 1\n## 1\nwt1: lekker snel getypt\nnog een\n")


async def test_lines_pasted_into_the_lock_question_come_back_under_the_sessions_step(data_dir: Path) -> None:
    """Acceptance (issue 8, 3a): the rescue file written from the "already open" question had
    no `## step` marker, so a re-import filed the lines under step 1 while the session ran step 3."""
    from textual import events

    from facilitator.domain.records import SessionClock, StepTiming
    from facilitator.usecases.notes import import_notes

    with WorkshopStore.open(data_dir, SLUG) as store:
        store.save_clock(SessionClock(session=1, started_at=1_772_544_600.0, current_step=2,
                                      steps={2: StepTiming(start=1_772_544_600.0)}))
    with held_open(data_dir):
        app = make_app(data_dir, background_open=True)
        async with app.run_test(size=(120, 36)) as pilot:
            await until_asked(app, pilot)
            assert type(app.screen).__name__ == "LockedScreen"
            app._driver.send_message(events.Paste("wt1: geplakt tijdens de vraag\njw: nog een"))
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
    (rescue,) = data_dir.glob("rescue-*.txt")
    text = rescue.read_text(encoding="utf-8")
    assert "## 3\n" in text
    with WorkshopStore.open(data_dir, SLUG) as store:
        import_notes(store, 1, text, rescue.name)
        assert [(s.text, s.step) for s in store.statements(1)] == [("geplakt tijdens de vraag", 2), ("nog een", 2)]


async def test_recovery_lines_are_shown(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = WorkshopStore.open.__func__  # type: ignore[attr-defined]

    def open_with_recovery(cls, *args, **kwargs):  # type: ignore[no-untyped-def]
        store = real_open(cls, *args, **kwargs)
        store.recovery = ["store.db: dropped a torn last record"]
        return store

    monkeypatch.setattr(WorkshopStore, "open", classmethod(open_with_recovery))
    app = make_app(data_dir)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert any("dropped a torn last record" in str(n.message) for n in app._notifications)
