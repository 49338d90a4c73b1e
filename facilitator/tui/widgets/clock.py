"""The clock bar: step and session time, and a bar that warns and alarms."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from facilitator.tui import clockctl
from facilitator.tui.i18n import tr

TEXT = {
    "nl": {"idle": "⏹ niet gestart (F5)", "running": "▶ loopt", "paused": "⏸ gepauzeerd", "done": "⏹ afgelopen (F5: verder)",
           "step": "Stap {n}/{total}", "session": "sessie {time}", "over": "over tijd"},
    "en": {"idle": "⏹ not started (F5)", "running": "▶ running", "paused": "⏸ paused", "done": "⏹ ended (F5: resume)",
           "step": "Step {n}/{total}", "session": "session {time}", "over": "over time"},
}


class ClockBar(Widget):
    """Two lines: times and state, then the step's bar."""

    DEFAULT_CSS = "ClockBar { height: 2; }"

    def __init__(self, lang: str, **kwargs: object):
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lang = lang
        self.line = Text()
        self.fraction = 0.0
        self.level = "ok"

    def show(self, *, state: str, step: int, total: int, elapsed: float, planned: int, session: float,
             schedule: str = "") -> None:
        """`planned`: the step's minutes (after +5/-5); `schedule`: "12 min achter · einde ~15:42"."""
        t = lambda key, **v: tr(TEXT, self.lang, key, **v)  # noqa: E731
        planned_s = planned * 60
        shown = (self.fraction, self.level)
        self.level = clockctl.level(elapsed, planned) if state in ("running", "paused") else "ok"
        self.fraction = min(1.0, elapsed / planned_s) if planned_s else 0.0
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(t("step", n=step + 1, total=total) + "  ", style="bold")
        line.append(f"{clockctl.mmss(elapsed)} / {clockctl.mmss(planned_s)}", style="bold")
        if self.level == "over":
            line.append(f"  (+{clockctl.mmss(elapsed - planned_s)} {t('over')})", style="bold")
        line.append("   " + t("session", time=clockctl.mmss(session)))
        line.append("   " + t(state))
        if schedule:
            line.append("   " + schedule)
        if line == self.line and (self.fraction, self.level) == shown:
            return
        self.line = line
        self.set_class(self.level == "warning", "-warning")
        self.set_class(self.level == "over", "-over")
        self.set_class(state == "paused", "-paused")
        self.refresh()

    def render(self) -> Text:
        width = max(1, self.size.width)
        filled = int(round(self.fraction * width))
        bar = Text("█" * filled + "░" * (width - filled), no_wrap=True)
        out = self.line.copy()
        out.append("\n")
        out.append_text(bar)
        return out
