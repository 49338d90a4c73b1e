"""Command palette: every key-bound action of the current screen, by its description."""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from facilitator.tui.i18n import tr

TEXT = {
    "nl": {"report.export": "Rapport exporteren", "report.save": "Rapport opslaan",
           "report.tab.findings": "Rapport: bevindingen", "report.tab.texts": "Rapport: teksten",
           "report.tab.overview": "Rapport: overzicht", "report.tab.preview": "Rapport: voorbeeld",
           "report.new": "Nieuwe bevinding", "report.attach": "Citaat toevoegen",
           "report.excerpt": "Fragment toevoegen", "report.themes": "Thema's hernoemen of samenvoegen"},
    "en": {"report.export": "Export report", "report.save": "Save report",
           "report.tab.findings": "Report: findings", "report.tab.texts": "Report: texts",
           "report.tab.overview": "Report: overview", "report.tab.preview": "Report: preview",
           "report.new": "New finding", "report.attach": "Add a quote",
           "report.excerpt": "Add an excerpt", "report.themes": "Rename or merge themes"},
}

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


def screen_actions(screen: Any) -> list[tuple[str, str, Any, str]]:
    """(description, key, namespace, action) of every binding active on `screen`,
    and the screen's extra commands."""
    out: dict[str, tuple[str, str, Any, str]] = {}
    for command in extra_commands(screen):
        out[command[0]] = command
    bound = {(id(node), action) for _d, _k, node, action in out.values()}
    for key, active in screen.active_bindings.items():
        b = active.binding
        if not b.id or not b.description:
            continue  # only the app's own actions (all declared with an id)
        if (id(active.node), b.action) in bound:
            continue  # listed already under its command name
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
