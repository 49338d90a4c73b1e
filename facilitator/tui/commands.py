"""Command palette: every key-bound action of the current screen, by its description."""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider


def screen_actions(screen: Any) -> list[tuple[str, str, Any, str]]:
    """(description, key, namespace, action) of every binding active on `screen`."""
    out: dict[str, tuple[str, str, Any, str]] = {}
    for key, active in screen.active_bindings.items():
        b = active.binding
        if not b.id or not b.description:
            continue  # only the app's own actions (all declared with an id)
        name = f"{b.description}"
        if name not in out:
            out[name] = (b.description, b.key_display or screen.app.get_key_display(b), active.node, b.action)
    return list(out.values())


class ActionsProvider(Provider):
    def _commands(self) -> list[tuple[str, str, Any, str]]:
        return screen_actions(self.screen)

    def _run(self, node: Any, action: str) -> None:
        self.app.call_later(self.app.run_action, action, node)

    async def discover(self) -> Hits:
        for description, key, node, action in self._commands():
            yield DiscoveryHit(description, partial(self._run, node, action), help=key)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for description, key, node, action in self._commands():
            score = matcher.match(description)
            if score > 0:
                yield Hit(score, matcher.highlight(description), partial(self._run, node, action), help=key)
