"""The countdown for the room: the time left in the step in large digits, the step's
title and guiding question beside it, a colour and a notice at the warning
threshold, the overrun counting up once over time. On a small terminal (narrower
than COMPACT_WIDTH or lower than COMPACT_HEIGHT) it is one line; with the class
`-digits`, only the digits (the live screen puts its question panel beside them).

It renders a `facilitator.domain.schedule.Countdown`; it holds no state of the session.
Styles: styles/room.tcss.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Digits, Static

from facilitator.tui.i18n import tr

if TYPE_CHECKING:
    from facilitator.domain.schedule import Countdown as CountdownView

COMPACT_WIDTH = 50
COMPACT_HEIGHT = 14

TEXT = {
    "nl": {
        "step": "Stap {n}/{total}", "idle": "nog niet begonnen", "paused": "gepauzeerd", "done": "afgelopen",
        "warning": "Nog {left}", "over": "Tijd is om: {over} over tijd", "left": "nog {left}",
        "over.short": "{over} over tijd", "no_question": "",
        "min": "{n} min", "sec": "{n} s",
    },
    "en": {
        "step": "Step {n}/{total}", "idle": "not started yet", "paused": "paused", "done": "ended",
        "warning": "{left} left", "over": "Time is up: {over} over", "left": "{left} left",
        "over.short": "{over} over", "no_question": "",
        "min": "{n} min", "sec": "{n} s",
    },
}


def _words(seconds: float, lang: str) -> str:
    """"3 min" (rounded up) or "40 s" under a minute."""
    seconds = max(0, int(-(-seconds // 1)))
    if seconds < 60:
        return tr(TEXT, lang, "sec", n=seconds)
    return tr(TEXT, lang, "min", n=-(-seconds // 60))


class Countdown(Widget):
    """Call `show(view)` as often as you like (every tick): only what changed is redrawn.
    The screen's size is checked on resize and on every show. With the class `-digits`
    it shows the digits alone (the live screen has the title and question beside it)."""

    class Crossed(Message):
        """The countdown reached the warning threshold or went over time (once per step and level)."""

        def __init__(self, countdown: Countdown, step: int, level: str, text: str):
            super().__init__()
            self.countdown = countdown
            self.step = step
            self.level = level
            self.text = text

    def __init__(self, lang: str, **kwargs: object):
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lang = lang
        self.view: CountdownView | None = None
        self._shown: tuple | None = None
        self._crossed: set[tuple[int, str]] = set()

    def t(self, key: str, /, **values: object) -> str:
        return tr(TEXT, self.lang, key, **values)

    def compose(self) -> ComposeResult:
        with Horizontal(id="cd-big"):
            yield Digits("", id="cd-digits")
            with Vertical(id="cd-text"):
                yield Static("", id="cd-step")
                yield Static("", id="cd-question")
                yield Static("", id="cd-notice")
        yield Static("", id="cd-line")

    # -- what is shown ---------------------------------------------------------------

    @property
    def digits(self) -> str:
        return self.query_one("#cd-digits", Digits).value

    @property
    def compact(self) -> bool:
        return self.has_class("-compact")

    def line_text(self) -> str:
        return str(self.query_one("#cd-line", Static).render())

    def show(self, view: CountdownView) -> None:
        from facilitator.domain.schedule import clock_text

        self.view = view
        digits = clock_text(view.left)
        notice = self._notice(view)
        self._fit()
        shown = (digits, view.level, view.state, view.step, view.position, view.count, view.title, view.prompt, notice,
                 self.size.width)
        if shown == self._shown:
            return
        self._shown = shown
        for level in ("warning", "over"):
            self.set_class(view.level == level, f"-{level}")
        self.set_class(view.state == "paused", "-paused")
        self.set_class(view.state in ("idle", "done"), "-idle")
        self.query_one("#cd-digits", Digits).update(digits)
        step = Text(self.t("step", n=view.position, total=view.count) + "  ", style="bold")
        step.append(view.title, style="bold")
        self.query_one("#cd-step", Static).update(step)
        self.query_one("#cd-question", Static).update(Text(view.prompt or "", style="italic"))
        self.query_one("#cd-notice", Static).update(Text(notice, style="bold"))
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(digits + "  ", style="bold")
        if notice:  # before the title: the title is what an ellipsis may cut
            line.append(notice + " · ", style="bold")
        line.append(self.t("step", n=view.position, total=view.count) + " " + view.title)
        if self.size.width > 0:  # one line: a Static would wrap it
            line.truncate(self.size.width, overflow="ellipsis")
        self.query_one("#cd-line", Static).update(line)
        if view.level in ("warning", "over") and view.state == "running" and (view.step, view.level) not in self._crossed:
            self._crossed.add((view.step, view.level))
            self.post_message(self.Crossed(self, view.step, view.level, notice))

    def _notice(self, view: CountdownView) -> str:
        from facilitator.domain.schedule import clock_text

        if view.state == "idle":
            return self.t("idle")
        if view.state == "done":
            return self.t("done")
        if view.level == "over":
            text = self.t("over", over=clock_text(view.left).lstrip("+"))
        elif view.level == "warning":
            text = self.t("warning", left=_words(view.left, self.lang))
        else:
            text = ""
        if view.state == "paused":
            text = self.t("paused") + (" · " + text if text else "")
        return text

    # -- size ----------------------------------------------------------------------------

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Compact on a small screen (the screen's size, not the widget's: beside another
        panel the digits alone are narrow)."""
        if not self.is_mounted:
            return
        size = self.screen.size if self.screen.is_mounted else self.app.size
        self.set_class(size.width < COMPACT_WIDTH or size.height < COMPACT_HEIGHT, "-compact")
