"""The open session (code · title), then the guiding question of the clock's
current step, large enough to read at a glance."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from facilitator.tui.i18n import tr
from facilitator.i18n import section

TEXT = section("tui.widgets.prompt")


class PromptPanel(Static):
    def __init__(self, lang: str, **kwargs: object):
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self.lang = lang
        self._shown: tuple[str, str, str | None, str | None] | None = None

    def show(self, title: str, prompt: str | None, method: str | None, session: str = "") -> None:
        """Show a step's question under the session's name; called every second, so
        unchanged text is left alone (an update lays out the whole screen)."""
        if self._shown == (session, title, prompt, method):
            return
        self._shown = (session, title, prompt, method)
        text = Text()
        if session:
            code, _, rest = session.partition(" · ")
            text.append(code, style="bold")
            if rest:
                text.append(" · " + rest)
            text.append("\n")
        text.append(title, style="bold")
        if method:
            text.append("  · " + tr(TEXT, self.lang, "method", method=method), style="italic")
        text.append("\n")
        if prompt:
            text.append(prompt, style="bold reverse")
        else:
            text.append(tr(TEXT, self.lang, "none"), style="dim")
        self.update(text)
