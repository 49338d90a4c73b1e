"""The app behind `facilitator show`: the projector view and nothing else.

A separate, small app (not the facilitator's): no command palette, no screen to
type on, so nothing of the session's record can be reached from the projected
screen. Ctrl+Q quits.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Callable

from textual.app import App

from facilitator.i18n import section
from facilitator.tui.i18n import DEFAULT_LANGUAGE
from facilitator.tui.keys import bind

TEXT = section("tui.projector")


class ProjectorApp(App[int]):
    CSS_PATH = "styles/room.tcss"
    ENABLE_COMMAND_PALETTE = False
    TITLE = "Facilitator"
    BINDINGS = [bind("ctrl+q", "quit", "projector.quit", priority=True)]

    def __init__(self, data_dir: Path, slug: str, session: int | None = None, lang: str = DEFAULT_LANGUAGE,
                 warn: str | None = None, now: Callable[[], float] = time.time, tz: dt.tzinfo | None = None,
                 poll: float | None = None):
        super().__init__()
        self.data_dir, self.slug, self.session_number = Path(data_dir), slug, session
        self.lang, self.warn, self.now, self.tz, self.poll = lang, warn, now, tz, poll
        from facilitator.tui.keys import localise

        localise(self, TEXT, lang)

    def on_mount(self) -> None:
        from facilitator.tui.screens.projector import POLL, ProjectorScreen

        self.push_screen(ProjectorScreen(self.data_dir, self.slug, self.session_number, lang=self.lang,
                                         warn=self.warn, now=self.now, tz=self.tz, poll=self.poll or POLL))

