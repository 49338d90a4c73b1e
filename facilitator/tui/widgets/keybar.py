"""The key bar at the bottom of the live screen: one widget, one line.

It shows what Textual's Footer shows (the screen's active bindings, one per
action, disabled ones dim, the command palette key on the right) but renders
as a single line of text: Textual's Footer mounts a widget per key and
re-mounts them all whenever the bindings change, which made up a good part of
the live screen's start-up. A click on a key presses it.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widget import Widget


class KeyBar(Widget, can_focus=False):
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"keybar--key", "keybar--description", "keybar--palette"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .keybar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .keybar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .keybar--palette {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self, **kwargs: object):
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.spans: list[tuple[int, int, str]] = []  # (start, end, key) of each key shown, for clicks

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: object) -> None:
        self.refresh()

    def keys(self) -> list[tuple[str, str, str, bool]]:
        """(key, display, description, enabled) of each binding shown, first per action, in order."""
        seen: set[str] = set()
        out = []
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            out.append((binding.key, self.app.get_key_display(binding), binding.description, enabled))
        return out

    def palette(self) -> tuple[str, str, str, bool] | None:
        if not self.app.ENABLE_COMMAND_PALETTE:
            return None
        found = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        if found is None:
            return None
        _node, binding, enabled, _tooltip = found
        return binding.key, self.app.get_key_display(binding), binding.description, enabled

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key")
        text_style = self.get_component_rich_style("keybar--description")
        width = self.size.width
        spans: list[tuple[int, int, str]] = []
        right = Text(no_wrap=True, end="")
        palette = self.palette()
        if palette is not None:
            key, display, description, enabled = palette
            right.append("▏", self.get_component_rich_style("keybar--palette"))
            right.append(display, key_style)
            right.append(f" {description} ", text_style)
            if not enabled:
                right.stylize("dim")
        left = Text(no_wrap=True, end="")
        for key, display, description, enabled in self.keys():
            start = left.cell_len
            piece = Text.assemble((f" {display} ", key_style), (f"{description} " if description else "", text_style))
            if not enabled:
                piece.stylize("dim")
            left.append_text(piece)
            spans.append((start, left.cell_len, key))
        room = max(0, width - right.cell_len)
        left.truncate(room, pad=True)
        self.spans = [(a, min(b, room), k) for a, b, k in spans if a < room]
        if palette is not None:
            self.spans.append((room, room + right.cell_len, palette[0]))
        left.append_text(right)
        return left

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self.spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return
