"""The session's agenda: planned minutes, the current step, done steps with actual minutes."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from facilitator.domain.plan import Session
    from facilitator.domain.records import SessionClock
from facilitator.live import clock as clockctl


class AgendaList(OptionList):
    """Redrawn every second by the clock: only lines that changed are replaced,
    so a tick repaints one line and never lays out the screen."""

    _shown: list[Text] | None = None

    def show(self, session: Session, clock: SessionClock, now: float, capture_step: int) -> None:
        items = []
        for i, step in enumerate(session.agenda):
            timing = clock.steps.get(i)
            done = timing is not None and timing.end is not None
            current = i == clock.current_step
            mark = "▶" if current else ("✓" if done else " ")
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append(f"{mark} {i + 1}. ", style="bold" if current else "")
            line.append(f"{step.minutes:>3}m ", style="dim")
            if timing is not None and timing.start is not None:
                actual = clockctl.step_elapsed(clock, i, now)
                line.append(f"{clockctl.mmss(actual)} ", style="italic")
            line.append(step.title, style="bold" if current else ("dim" if done else ""))
            if i == capture_step and capture_step != clock.current_step:
                line.append(" ✎", style="bold")
            items.append(line)
        shown = self._shown
        if shown is not None and len(shown) == len(items) == self.option_count:
            for i, (old, new) in enumerate(zip(shown, items)):
                if old != new:
                    self.replace_option_prompt_at_index(i, new)
            self._shown = items
            return
        self._shown = items
        highlighted = self.highlighted
        self.set_options(items)
        if highlighted is not None and highlighted < len(items):
            self.highlighted = highlighted
