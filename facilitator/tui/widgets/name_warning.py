"""A line under a text field that names any form of a participant's name as it is
typed (first name alone, lower case, without diacritics…): the export will replace it
by the role, and the researcher sees it before that happens (docs/privacy.md)."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from facilitator.i18n import text as message


class NameWarning(Static):
    DEFAULT_CSS = """
    NameWarning { height: auto; color: $warning; display: none; padding: 0 1; }
    NameWarning.-shown { display: block; }
    """

    def __init__(self, lang: str = "nl", **kwargs: Any):
        super().__init__("", **kwargs)
        self.lang = lang
        self.names: list[str] = []

    def check(self, text: str, plan: Any) -> list[str]:
        """Show (or hide) the warning for `text`; the forms found, once each."""
        from facilitator.tui.session import names_in

        names = names_in(text, plan) if text else []
        if names != self.names:
            self.names = names
            self.update(message("tui.name_warning.names", self.lang, names=", ".join(names)) if names else "")
            self.set_class(bool(names), "-shown")
        return names
