"""Key bindings in the interface language.

Bindings are declared with an `id`; `localise` replaces each description with
the string `key.<id>` of the component's TEXT table, when there is one.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Mapping

from facilitator.tui.i18n import tr


def localise(node: Any, table: Mapping[str, Mapping[str, str]], lang: str) -> None:
    bindings = node._bindings  # the node's own BindingsMap, built from BINDINGS
    for key, items in bindings.key_to_bindings.items():
        new = []
        for b in items:
            name = f"key.{b.id}" if b.id else None
            if name and name in table.get("nl", {}):
                b = dataclasses.replace(b, description=tr(table, lang, name))
            new.append(b)
        bindings.key_to_bindings[key] = new
