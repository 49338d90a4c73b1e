"""The tab line over the live screen's side panel: labels and an underline.

Two lines of text in one widget, drawn like Textual's Tabs (which mounts a
widget per tab, an underline widget and a content switcher). The panels
themselves belong to the screen; a click on a label posts `SideTabs.Selected`.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget


class SideTabs(Widget, can_focus=False):
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"side-tabs--tab", "side-tabs--active", "side-tabs--bar", "side-tabs--bar-active"}
    DEFAULT_CSS = """
    SideTabs {
        height: 2;
        & > .side-tabs--tab { color: $foreground 50%; }
        & > .side-tabs--active { color: $foreground; }
        & > .side-tabs--bar { color: $foreground 10%; }
        & > .side-tabs--bar-active { color: $block-cursor-background; }
    }
    """

    class Selected(Message):
        def __init__(self, name: str):
            super().__init__()
            self.name = name

    def __init__(self, tabs: list[tuple[str, str]], active: str, **kwargs: object):
        """`tabs`: (name, label) pairs, in order."""
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.tabs = list(tabs)
        self.active = active

    def show(self, name: str) -> None:
        if name != self.active:
            self.active = name
            self.refresh()

    def spans(self) -> list[tuple[int, int, str]]:
        out, x = [], 0
        for name, label in self.tabs:
            width = Text(label).cell_len + 2
            out.append((x, x + width, name))
            x += width
        return out

    def render(self) -> Text:
        width = max(1, self.size.width)
        labels = Text(no_wrap=True, overflow="ellipsis")
        for name, label in self.tabs:
            style = "side-tabs--active" if name == self.active else "side-tabs--tab"
            labels.append(f" {label} ", self.get_component_rich_style(style))
        labels.truncate(width, overflow="ellipsis")
        # Under the active label a highlighted bar, its ends half cells, as Textual's Underline draws it.
        start, end = next(((a + 1, b - 1) for a, b, n in self.spans() if n == self.active), (0, 0))
        start, end = min(start, width), min(end, width)
        back = self.get_component_rich_style("side-tabs--bar")
        bar = Text(no_wrap=True, end="")
        bar.append("━" * max(0, start - 1) + ("╸" if start else ""), back)
        bar.append("━" * (end - start), self.get_component_rich_style("side-tabs--bar-active"))
        bar.append(("╺" if end < width else "") + "━" * max(0, width - end - 1), back)
        labels.append("\n")
        labels.append_text(bar)
        return labels

    def on_click(self, event: events.Click) -> None:
        if event.y != 0:
            return
        for start, end, name in self.spans():
            if start <= event.x < end:
                self.post_message(self.Selected(name))
                return
