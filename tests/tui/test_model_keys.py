"""Model-based (hypothesis stateful) test of the live screen, driving the real app with Pilot.

Random sequences of printable keys, lines and Enter, pastes (bracketed and not), F2/F3/F4/F8,
arrows, Esc, F9, F10, F12, Ctrl+Z and Ctrl+Q (answered "wait"). Every line typed carries a
unique token. After every step:

- every token typed is in the capture line, a pending line, the draft of an edit, or the
  store, unless its statement was deleted by an explicit delete (F12);
- every statement the store held at the previous step is still there, exactly once, unless
  the step was F12 (then at most one went);
- the attendance never changes (nothing here toggles it explicitly).

At the end Ctrl+Q is answered "quit anyway": every token not in the store is in the rescue file.

The app runs in a thread of its own with its own event loop (Pilot needs one running loop;
hypothesis' state machine calls the rules synchronously).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from .helpers import make_app, make_workshop

EXAMPLES = int(os.environ.get("FACILITATOR_MODEL_EXAMPLES", "5"))
STEPS = int(os.environ.get("FACILITATOR_MODEL_STEPS", "15"))
NAMES = {" ": "space", "+": "plus", "-": "minus", ":": "colon", ".": "full_stop"}


def keys(text: str) -> list[str]:
    return [NAMES.get(c, c) for c in text]


class AppThread:
    """The app under Pilot, in a thread; `run(coro)` runs a coroutine there and waits."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._thread, daemon=True)
        self.thread.start()
        assert self.ready.wait(30), self.error

    def _thread(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._main())
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc
            self.ready.set()

    async def _main(self) -> None:
        self.app = make_app(self.data_dir)
        async with self.app.run_test(size=(120, 40)) as pilot:
            self.pilot = pilot
            self.stop = asyncio.Event()
            await pilot.pause()
            self.ready.set()
            await self.stop.wait()

    def run(self, coro: Any) -> Any:
        async def in_app() -> Any:
            from textual._context import active_app

            active_app.set(self.app)  # a task made from another thread starts without the app's context
            return await coro

        return asyncio.run_coroutine_threadsafe(in_app(), self.loop).result(60)

    def close(self) -> None:
        if hasattr(self, "stop"):
            self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(30)


class LiveScreenModel(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="model-keys-"))
        make_workshop(self.tmp)
        self.term = AppThread(self.tmp)
        self.app = self.term.app
        self.tokens: list[str] = []  # every token typed, in order
        self.deleted: set[str] = set()  # tokens of statements removed by F12
        self.acked: dict[int, str] = {}  # store id -> text, as of the last check
        self.last = ""  # the last rule's key
        self.n = 0

    # -- driving ------------------------------------------------------------------------

    @property
    def screen(self) -> Any:
        return self.app.screen

    @property
    def live(self) -> Any:
        return self.app.screen.live

    def press(self, *names: str) -> None:
        async def go() -> None:
            await self.term.pilot.press(*names)
            await self._settle()

        self.term.run(go())

    async def _settle(self) -> None:
        pilot = self.term.pilot
        await pilot.pause()
        live = getattr(self.app.screen, "live", None)
        if live is not None and live.writer is not None:
            await asyncio.to_thread(live.writer.wait_idle, 5.0)
        await pilot.pause()
        await pilot.pause()

    def token(self) -> str:
        self.n += 1
        token = f"t{self.n}q"
        self.tokens.append(token)
        return token

    def line(self, form: int) -> str:
        token = self.token()
        return (f"wt1: {token} x+ -", f"xyz: {token}", f"{token} ab", f"jw: zeg {token}")[form]

    def editing(self) -> bool:
        return type(self.screen).__name__ == "LiveScreen" and self.live.editing is not None

    # -- rules ----------------------------------------------------------------------------

    @precondition(lambda self: not self.editing())
    @rule(form=st.integers(0, 3), enter=st.booleans())
    def type_a_line(self, form: int, enter: bool) -> None:
        self.last = "type"
        self.press(*keys(self.line(form)), *(["enter"] if enter else []))

    @rule(text=st.text(alphabet=" x+-ab", min_size=1, max_size=4))
    def type_characters(self, text: str) -> None:
        self.last = "chars"
        self.press(*keys(text))

    @rule()
    def enter(self) -> None:
        self.last = "enter"
        self.press("enter")

    @precondition(lambda self: not self.editing())
    @rule(forms=st.lists(st.integers(0, 3), min_size=1, max_size=4), bracketed=st.booleans())
    def paste(self, forms: list[int], bracketed: bool) -> None:
        self.last = "paste"
        lines = [self.line(f) for f in forms]
        if bracketed:
            from textual import events

            async def go() -> None:
                self.app._driver.send_message(events.Paste("\n".join(lines)))
                await self._settle()

            self.term.run(go())
        else:  # a terminal without bracketed paste: the lines arrive as keys and Enters
            names: list[str] = []
            for line in lines:
                names += [*keys(line), "enter"]
            self.press(*names)

    @rule(key=st.sampled_from(["f2", "f3", "f4", "f8", "up", "down", "pageup", "pagedown", "escape", "f9", "f12",
                               "ctrl+z", "f10"]))
    def other_key(self, key: str) -> None:
        self.last = key
        self.press(key)

    @precondition(lambda self: type(self.screen).__name__ == "LiveScreen" and self.live.rejected is not None
                  and self.live.rejected.line.startswith("xyz: ")
                  and not self.screen.query_one("#capture").value and not self.editing())
    @rule()
    def fix_the_rejected_line(self) -> None:
        self.last = "fix"
        # "xyz: " off (only those five characters: deleting more would drop typed text on purpose)
        self.press("f10", "home", *["delete"] * 5, "enter")

    @precondition(lambda self: type(self.screen).__name__ == "LiveScreen" and (
        self.live.pending or self.screen.query_one("#capture").value.strip() or self.live.editing))
    @rule()
    def quit_then_wait(self) -> None:
        """Ctrl+Q with something not saved: the question, answered "wait" (with nothing
        unsaved Ctrl+Q quits, which ends the run)."""
        self.last = "quit"
        self.press("ctrl+q")
        assert type(self.screen).__name__ == "ConfirmQuit" and self.app.is_running
        self.press("escape")

    # -- checks -----------------------------------------------------------------------------

    def store_statements(self) -> list[Any]:
        return self.live.store.statements(1)

    @invariant()
    def nothing_typed_is_lost(self) -> None:
        assert type(self.screen).__name__ == "LiveScreen", type(self.screen).__name__
        live = self.live
        statements = self.store_statements()
        texts = [s.text for s in statements] + [a.text for a in live.store.actions(1)]
        # exactly once, unless deleted explicitly
        ids = [s.id for s in statements]
        assert len(ids) == len(set(ids))
        now = {s.id: s.text for s in statements}
        gone = [i for i in self.acked if i not in now]
        if self.last == "f12":
            assert len(gone) <= 1, gone
            self.deleted |= {t for i in gone for t in self.tokens if t in self.acked[i]}
        else:
            assert not gone, (self.last, gone)
        back = {t for t in self.deleted if any(t in text for text in now.values())}
        self.deleted -= back  # an undone delete
        self.acked = now
        held = [self.screen.query_one("#capture").value, live.draft] + [p.line for p in live.pending] + texts
        for token in self.tokens:
            if token in self.deleted:
                continue
            found = sum(token in h for h in held)
            assert found >= 1, (token, self.last, held)
            assert sum(token in t for t in texts) <= 1, (token, texts)  # never stored twice

    @invariant()
    def attendance_changes_only_by_an_explicit_toggle(self) -> None:
        assert self.live.attendance == [] and self.live.store.attendance(1) == []

    def teardown(self) -> None:
        try:
            if type(self.screen).__name__ == "LiveScreen" and self.term.error is None:
                saved_texts = [s.text for s in self.store_statements()] + [a.text for a in self.live.store.actions(1)]

                async def quit_anyway() -> None:
                    await self.term.pilot.press("escape")
                    await self.term.pilot.press("ctrl+q")
                    await self.term.pilot.pause()
                    await self.term.pilot.pause()
                    if type(self.app.screen).__name__ == "ConfirmQuit":
                        await self.term.pilot.press("f2")
                        await self.term.pilot.pause()

                self.term.run(quit_anyway())
                rescue = "\n".join(p.read_text(encoding="utf-8") for p in self.tmp.glob("rescue-*.txt"))
                for token in self.tokens:
                    if token not in self.deleted:
                        assert any(token in t for t in saved_texts) or token in rescue, (token, rescue)
        finally:
            self.term.close()


LiveScreenModel.TestCase.settings = settings(
    max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
TestLiveScreenModel = pytest.mark.slow(LiveScreenModel.TestCase)
