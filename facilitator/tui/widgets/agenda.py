"""The session's agenda in the running order: each step's clock time (when the current
one started, when the others are expected), its minutes (planned, or planned→adjusted after +5/-5), the
current step, done steps with actual minutes, skipped steps struck through."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from facilitator.domain.plan import Session
    from facilitator.domain.records import SessionClock
from facilitator.tui import clockctl


class AgendaList(OptionList):
    """Redrawn every second by the clock: only lines that changed are replaced,
    so a tick repaints one line and never lays out the screen."""

    _shown: list[Text] | None = None
    _steps: list[int] | None = None  # agenda index of each line

    def step_at(self, line: int) -> int:
        return self._steps[line] if self._steps and 0 <= line < len(self._steps) else line

    def highlight_step(self, step: int) -> None:
        if self._steps and step in self._steps:
            self.highlighted = self._steps.index(step)

    _args: tuple | None = None

    def on_resize(self) -> None:
        if self._args is not None:  # one line per step at the new width
            self.show(*self._args)

    def show(self, session: Session, clock: SessionClock, now: float, capture_step: int) -> None:
        from facilitator.domain import schedule as sch

        self._args = (session, clock, now, capture_step)
        plan = sch.schedule(session, clock, now)
        width = self.scrollable_content_region.width
        items = []
        for slot in plan.slots:
            i = slot.step
            current = slot.status == "current"
            done = slot.status == "done"
            mark = {"current": "▶", "done": "✓", "skipped": "⤼"}.get(slot.status, " ")
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append(f"{mark} {i + 1}. ", style="bold" if current else "")
            if slot.start is not None and not done:  # when it starts (or started); done steps: their minutes
                line.append(f"{sch.hhmm(slot.start)} ", style="dim")
            minutes = f"{slot.planned_minutes}→{slot.minutes}m" if slot.adjusted else f"{slot.minutes}m"
            line.append(f"{minutes} ", style="bold" if slot.adjusted else "dim")
            if slot.actual is not None:
                line.append(f"{clockctl.mmss(slot.actual)} ", style="italic")
            style = "bold" if current else ("dim" if done else ("dim strike" if slot.status == "skipped" else ""))
            line.append(slot.title, style=style)
            if i == capture_step and capture_step != clock.current_step:
                line.append(" ✎", style="bold")
            if width > 0:  # one line per step: the option list would wrap it
                line.truncate(width, overflow="ellipsis")
            items.append(line)
        self._steps = [slot.step for slot in plan.slots]
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
