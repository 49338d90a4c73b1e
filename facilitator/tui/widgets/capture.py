"""The capture line: an Input with completion, and a preview or error beside it."""

from __future__ import annotations

from typing import Callable, Iterable

from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.reactive import Reactive
from textual.suggester import Suggester
from textual.widgets import Input, Static

from facilitator.tui.keys import bind


class CaptureSuggester(Suggester):
    """Completes the speaker key at the start of the line and `#theme` tokens."""

    def __init__(self, speakers: Callable[[], Iterable[str]], themes: Callable[[], Iterable[str]]):
        super().__init__(use_cache=False, case_sensitive=True)
        self._speakers = speakers
        self._themes = themes

    async def get_suggestion(self, value: str) -> str | None:
        return complete(value, self._speakers(), self._themes())


def complete(value: str, speakers: Iterable[str], themes: Iterable[str]) -> str | None:
    if not value or value.endswith(" "):
        return None
    head, _, last = value.rpartition(" ")
    lower = last.lower()
    if last.startswith("#") and len(last) > 1:
        for key in sorted(themes):
            if key.startswith(lower[1:]) and key != lower[1:]:
                return value + key[len(last) - 1:]
        return None
    if not head and ":" not in last and not last.startswith(("#", "/", '"', "“")):
        for key in sorted(speakers, key=lambda k: (len(k), k)):
            if key.startswith(lower) and key != lower:
                return value + key[len(last):] + ":"
    return None


# Enter, and Enter typed before the app took the terminal: the tty had turned its CR into
# LF (ICRNL), which reads as Ctrl+J once the app reads the keys typed while it started.
ENTER_KEYS = ("enter", "ctrl+j")


class CaptureLine(Input):
    """One line, Enter records it. Never disabled while the screen is writable.

    Input sets `virtual_size` on every change of its value, and in Textual that
    reactive lays out the whole screen: every keystroke and every Enter then
    repainted every widget. The line has a fixed size (its scroll range is read
    from `virtual_size` when needed), so here the change only repaints the line.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
    BINDINGS = [
        bind("ctrl+u", "clear_line", "capture.clear", show=False),
    ]

    def __init__(self, *args: object, on_enter: Callable[[str], object] | None = None,
                 on_paste_lines: Callable[[list[str]], object] | None = None,
                 on_cleared: Callable[[], object] | None = None,
                 on_recall: Callable[[], object] | None = None, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.on_enter = on_enter
        self.on_paste_lines = on_paste_lines
        self.on_cleared = on_cleared
        self.on_recall = on_recall  # ↑ on an empty line: the line that waits with an error
        self.cleared: str | None = None  # what Ctrl+U took, until Ctrl+Z brings it back

    def action_clear_line(self) -> None:
        """Ctrl+U: the whole line (not only left of the cursor); Ctrl+Z brings it back."""
        if not self.value:
            return
        self.cleared = self.value
        self.value = ""
        if self.on_cleared is not None:
            self.on_cleared()

    def restore_line(self) -> bool:
        """Ctrl+Z: the text Ctrl+U cleared comes back (before what was typed since);
        False when nothing was cleared (the screen's undo runs)."""
        if self.cleared is None:
            return False
        text, self.cleared = self.cleared, None
        self.value = text + self.value
        self.cursor_position = len(text)
        return True

    def paste_text(self, text: str) -> None:
        """A paste that arrived elsewhere on the screen: as if pasted here."""
        lines = text.splitlines()
        if len(lines) > 1 and self.on_paste_lines is not None:
            value = self.value[:self.cursor_position] + lines[0] + self.value[self.cursor_position:]
            self.on_paste_lines([value, *lines[1:]])
        elif lines:
            self.insert_text_at_cursor(lines[0])

    async def _on_key(self, event: events.Key) -> None:
        """Enter and the line's editing keys run here, in the line's own key order.

        Input binds Enter, Home, Backspace, ... to actions, and Textual runs
        bindings only once the key has bubbled up to the app: characters typed
        right after them (a burst from the terminal) went into the line first,
        so Enter recorded text typed after it, and Home moved the cursor after
        the text typed behind it. Here Enter hands over the line as it is at
        that moment, and the handler (the screen) clears or keeps it before the
        next key is read."""
        if event.is_printable and not self.has_focus and self.is_attached and not self.disabled:
            # Typed right after a key that moved the focus away (F8 then text, in one burst): the
            # keys were already on their way here; the focus comes back with them.
            self.screen.set_focus(self)
        if event.key in ENTER_KEYS and self.on_enter is not None:
            event.stop()
            event.prevent_default()
            self._restart_blink()
            self.cleared = None
            self.on_enter(self.value)
            return
        if event.key == "ctrl+z" and self.restore_line():
            event.stop()
            event.prevent_default()
            return
        if event.key == "up" and not self.value and self.on_recall is not None:
            event.stop()
            event.prevent_default()
            self.on_recall()
            return
        bindings = None if event.is_printable else self._bindings.key_to_bindings.get(event.key)
        if bindings:
            event.stop()
            event.prevent_default()
            self._restart_blink()
            await self.run_action(bindings[0].action)
            return
        # The screen's keys (F5, F10, Ctrl+Z ...) run here too, before the next key is read:
        # a bound key in a burst acts where it was typed (F10 then Home edits the line F10 filled).
        screen_bindings = None if event.is_printable else self.screen._bindings.key_to_bindings.get(event.key)
        if screen_bindings:
            event.stop()
            event.prevent_default()
            await self.screen.run_action(screen_bindings[0].action)
        # anything else: Input's own handler runs next (Textual dispatches along the MRO)

    def _on_paste(self, event: events.Paste) -> None:
        """Several lines pasted: each one is a line of its own (Input keeps only the first).
        The first goes into the line at the cursor, as one pasted line does."""
        lines = event.text.splitlines()
        if len(lines) > 1 and self.on_paste_lines is not None:
            event.stop()
            event.prevent_default()
            value = self.value[:self.cursor_position] + lines[0] + self.value[self.cursor_position:]
            self.on_paste_lines([value, *lines[1:]])


class Preview(Static):
    """What the line will become, or the error that keeps it.

    One line mostly; a longer text (an error with its hint, a name warning)
    wraps to up to three lines. The screen is laid out again only when the
    number of lines changes, so typing does not move anything otherwise."""

    MAX_LINES = 3
    _height = 1  # as the stylesheet has it

    def show(self, text: Text | str, *, error: bool = False, warning: bool = False) -> None:
        self.set_class(error, "-error")
        self.set_class(warning and not error, "-warning")
        lines = self._lines(text)
        if lines != self._height:
            self._height = lines
            self.styles.height = lines
            self.update(text)
        else:
            self.update(text, layout=False)

    def _lines(self, text: Text | str) -> int:
        width = (self.size.width or self.app.size.width) - 2  # the padding
        if width <= 0:
            return 1
        content = text if isinstance(text, Text) else Text(str(text))
        needed = len(content.wrap(self.app.console, width))
        return max(1, min(self.MAX_LINES, needed))
