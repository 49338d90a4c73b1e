"""Key bindings in the interface language.

Bindings are declared with `bind(keys, action, id)`: no label in the code. The
label is the catalog's `key.<id>` in the component's TEXT table
(facilitator/messages.toml), put in by `localise` when the component is made;
until then the description is the id (Textual hides a binding without one).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Mapping

from textual.binding import Binding

from facilitator.tui.i18n import tr


def bind(keys: str, action: str, binding_id: str, **kw: Any) -> Binding:
    """A binding whose label comes from the catalog (`key.<binding_id>`, see `localise`)."""
    return Binding(keys, action, binding_id, id=binding_id, **kw)


def localise(node: Any, table: Mapping[str, Mapping[str, str]], lang: str) -> None:
    """Give `node`'s bindings the description `key.<binding id>` of `table` in `lang`,
    and a binding in a group the group's `group.<binding id>`: bindings are declared
    once with an id, their labels come from the catalog (facilitator/messages.toml)."""
    from textual.binding import BindingsMap

    keys: dict[str, list[Any]] = {}
    for key, b in node._bindings:
        if b.id and f"key.{b.id}" in table.get("nl", {}):
            b = dataclasses.replace(b, description=tr(table, lang, f"key.{b.id}"))
        if b.id and b.group and f"group.{b.id}" in table.get("nl", {}):
            b = dataclasses.replace(b, group=Binding.Group(tr(table, lang, f"group.{b.id}"), compact=b.group.compact))
        keys.setdefault(key, []).append(b)
    node._bindings = BindingsMap.from_keys(keys)