"""Key bindings in the interface language.

Bindings are declared with an `id`; `localise` replaces each description with
the string `key.<id>` of the component's TEXT table, when there is one.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Mapping

from facilitator.tui.i18n import tr


def localise(node: Any, table: Mapping[str, Mapping[str, str]], lang: str) -> None:
    """Give `node`'s bindings the description `key.<binding id>` of `table` in `lang`,
    and a binding in a group the group's `group.<binding id>`: bindings are declared
    once with an id, their labels come from the catalog (facilitator/messages.toml)."""
    from textual.binding import Binding, BindingsMap

    keys: dict[str, list[Any]] = {}
    for key, b in node._bindings:
        if b.id and f"key.{b.id}" in table.get("nl", {}):
            b = dataclasses.replace(b, description=tr(table, lang, f"key.{b.id}"))
        if b.id and b.group and f"group.{b.id}" in table.get("nl", {}):
            b = dataclasses.replace(b, group=Binding.Group(tr(table, lang, f"group.{b.id}"), compact=b.group.compact))
        keys.setdefault(key, []).append(b)
    node._bindings = BindingsMap.from_keys(keys)