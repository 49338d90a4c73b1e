"""Command palette: every key-bound action of the current screen, by its description."""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from facilitator.tui.i18n import tr
from facilitator.i18n import section

TEXT = section("tui.commands")

# The report screen's commands (its author's list): name, key shown, where it runs, action.
REPORT_COMMANDS = (
    ("report.export", "ctrl+o", "", "export"), ("report.save", "ctrl+s", "", "save"),
    ("report.tab.findings", "f2", "", "tab('findings')"), ("report.tab.texts", "f3", "", "tab('texts')"),
    ("report.tab.overview", "f4", "", "tab('overview')"), ("report.tab.preview", "f5", "", "tab('preview')"),
    ("report.new", "ctrl+n", "findings_pane", "new"),
    ("report.attach", "ctrl+k", "findings_pane", "add_statements('quote')"),
    ("report.excerpt", "ctrl+x", "findings_pane", "add_statements('excerpt')"),
    ("report.themes", "f6", "", "themes"),
)


def extra_commands(screen: Any) -> list[tuple[str, str, Any, str]]:
    """Commands of a screen that are not (always) bound to a key on it: the report screen's."""
    if type(screen).__name__ != "ReportScreen":
        return []
    lang = getattr(screen.app, "lang", "nl")
    out = []
    for name, key, where, action in REPORT_COMMANDS:
        try:
            node = getattr(screen, where) if where else screen
        except Exception:  # noqa: BLE001 - a pane not mounted (yet): leave its commands out
            continue
        out.append((tr(TEXT, lang, name), key, node, action))
    return out


def key_mark(screen: Any, node: Any, action: str, enabled: bool = True) -> str | None:
    """A few words beside a command that does nothing on `screen` now (shown disabled: the
    other seat's, read-only), for the palette and F1; None when it works."""
    mark = getattr(screen, "key_mark", None)
    said = mark(node, action) if mark is not None else None
    if said is None and not enabled:
        return tr(TEXT, getattr(screen.app, "lang", "nl"), "disabled")
    return said


def screen_actions(screen: Any) -> list[tuple[str, str, Any, str, str | None]]:
    """(description, key, namespace, action, mark) of every binding active on `screen`, and
    the screen's extra commands; `mark` says why a binding shown disabled does nothing (else None)."""
    out: dict[str, tuple[str, str, Any, str, str | None]] = {}
    for command in extra_commands(screen):
        out[command[0]] = (*command, None)
    bound = {(id(node), action) for _d, _k, node, action, _m in out.values()}
    for key, active in screen.active_bindings.items():
        b = active.binding
        if not b.id or not b.description:
            continue  # only the app's own actions (all declared with an id)
        if (id(active.node), b.action) in bound:
            continue  # listed already under its command name
        name = f"{b.description}"
        if name not in out:
            mark = None if active.enabled else key_mark(screen, active.node, b.action, enabled=False)
            out[name] = (b.description, b.key_display or screen.app.get_key_display(b), active.node, b.action, mark)
    return list(out.values())


class ActionsProvider(Provider):
    """Every command of the screen; one shown disabled is dim, with why beside its key, and
    chosen says why it does nothing (as its key does)."""

    def _commands(self) -> list[tuple[str, str, Any, str, str | None]]:
        return screen_actions(self.screen)

    def _run(self, node: Any, action: str, mark: str | None) -> None:
        refuse = getattr(self.screen, "refuse_key", None)
        if mark is not None and refuse is not None:
            self.app.call_later(refuse, node, action)
            return
        self.app.call_later(self.app.run_action, action, node)

    @staticmethod
    def _shown(prompt: str | Content, key: str, mark: str | None) -> tuple[str | Content, str]:
        if mark is None:
            return prompt, key
        prompt = Content(prompt) if isinstance(prompt, str) else prompt
        return prompt.stylize_before("dim"), f"{key} · {mark}"

    async def discover(self) -> Hits:
        for description, key, node, action, mark in self._commands():
            prompt, help_text = self._shown(description, key, mark)
            yield DiscoveryHit(prompt, partial(self._run, node, action, mark), text=description, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for description, key, node, action, mark in self._commands():
            score = matcher.match(description)
            if score > 0:
                prompt, help_text = self._shown(matcher.highlight(description), key, mark)
                yield Hit(score, prompt, partial(self._run, node, action, mark), text=description, help=help_text)
