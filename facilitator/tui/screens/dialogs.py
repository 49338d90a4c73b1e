"""Small modal questions: a locked workshop, quitting with unsaved records."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from facilitator.tui.i18n import tr
from facilitator.i18n import section

TEXT = section("tui.screens.dialogs")


class _Question(ModalScreen[bool]):
    DEFAULT_CSS = """
    _Question, LockedScreen, ConfirmQuit, ConfirmEnd { align: center middle; }
    #dialog { width: 64; max-width: 95%; height: auto; border: thick $error; background: $surface; padding: 1 2; }
    #buttons { height: auto; margin-top: 1; }
    #buttons Button { margin-right: 2; }
    """
    BINDINGS = [Binding("escape", "answer(False)", show=False)]
    yes_key = "y"

    def __init__(self, message: str, yes: str, no: str):
        super().__init__()
        self.message, self.yes, self.no = message, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.message, id="message")
            with Horizontal(id="buttons"):
                yield Button(self.yes, id="yes", variant="error")
                yield Button(self.no, id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_key(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.key == self.yes_key:
            event.stop()
            self.dismiss(True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class LockedScreen(_Question):
    """Comes up unasked, at start-up, maybe while the note-taker is already typing:
    so no letter and no Enter answers it (F2 read-only, Esc stop), and whatever is
    typed meanwhile is kept (`typed_lines`) for the rescue file."""

    yes_key = "f2"

    def __init__(self, message: str):
        lang = _lang()
        super().__init__(tr(TEXT, lang, "locked", message=message), tr(TEXT, lang, "readonly"),
                         tr(TEXT, lang, "refuse"))
        self.lang = lang
        self.typed: list[str] = []

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield Static("", id="typed")

    def on_mount(self) -> None:
        for button in self.query(Button):
            button.can_focus = False  # Enter must not press one
        self.set_focus(None)

    def on_key(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.key == "escape":
            return  # the binding answers
        event.stop()
        event.prevent_default()  # the base class's handler must not see it too
        if event.key == self.yes_key:
            self.dismiss(True)
            return
        if event.key == "enter":
            self.typed.append("\n")
        elif event.key == "backspace":
            if self.typed:
                self.typed.pop()
        elif event.is_printable and event.character:
            self.typed.append(event.character)
        else:
            return
        count = sum(1 for c in self.typed if c != "\n")
        self.query_one("#typed", Static).update(tr(TEXT, self.lang, "typed", n=count) if self.typed else "")

    def on_paste(self, event) -> None:  # type: ignore[no-untyped-def]
        """A paste while the question is up is kept as typed (never an answer)."""
        event.stop()
        event.prevent_default()
        self.typed.extend(event.text.replace("\r\n", "\n").replace("\r", "\n"))
        if not event.text.endswith("\n"):
            self.typed.append("\n")
        count = sum(1 for c in self.typed if c != "\n")
        self.query_one("#typed", Static).update(tr(TEXT, self.lang, "typed", n=count))

    def typed_lines(self) -> list[str]:
        return [line for line in "".join(self.typed).split("\n") if line.strip()]


class _AskedWhileTyping(_Question):
    """A question over the live screen, where the note-taker may be typing: no letter,
    no Enter answers it (F2 yes, Esc no), and a key typed meanwhile is never lost: the
    first printable key, Enter, Backspace or paste answers "no" and goes, with every key
    after it, to the capture line (`type_key` / `paste_text` of the screen below)."""

    yes_key = "f2"

    def __init__(self, message: str, yes: str, no: str):
        super().__init__(message, yes, no)
        self._below = None
        self._answered = False

    def on_mount(self) -> None:
        for button in self.query(Button):
            button.can_focus = False  # Enter must not press one
        self.set_focus(None)
        stack = self.app.screen_stack
        self._below = stack[-2] if len(stack) > 1 else None

    def _typing(self) -> None:
        if not self._answered:
            self._answered = True
            self.dismiss(False)

    def on_key(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.key == "escape" and not self._answered:
            return  # the binding answers
        event.stop()
        event.prevent_default()
        if event.key == self.yes_key and not self._answered:
            self._answered = True
            self.dismiss(True)
            return
        if (event.is_printable and event.character) or event.key in ("enter", "ctrl+j", "ctrl+m", "backspace"):
            self._typing()
            take = getattr(self._below, "type_key", None)
            if take is not None:
                take(event)

    def on_paste(self, event) -> None:  # type: ignore[no-untyped-def]
        event.stop()
        event.prevent_default()
        self._typing()
        take = getattr(self._below, "paste_text", None)
        if take is not None:
            take(event.text)


class ConfirmQuit(_AskedWhileTyping):
    """Quitting with unsaved lines: F2 quits anyway (everything to the rescue file), Esc waits."""

    def __init__(self, count: int):
        lang = _lang()
        super().__init__(tr(TEXT, lang, "unsaved", n=count), tr(TEXT, lang, "quit"), tr(TEXT, lang, "wait"))


class ConfirmEnd(_AskedWhileTyping):
    """Ending the session: F2 ends it, Esc goes on."""

    def __init__(self, message: str):
        lang = _lang()
        super().__init__(message, tr(TEXT, lang, "end"), tr(TEXT, lang, "keep"))


def _lang() -> str:
    from textual._context import active_app

    try:
        return getattr(active_app.get(), "lang", "nl")
    except LookupError:
        return "nl"
