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

def other_seat(node: Any, action: str) -> str | None:
    """Two seats (`facilitator run SLUG --seat …`): the seat that owns `action` (a binding's
    action on `node`) when it is not the seat of `node`'s screen; None when this seat may use
    it, and in a one-seat session. A component names the actions each seat owns in
    `SEAT_ACTIONS` ({seat: action names}); its screen's `seat` is the seat it writes as."""
    try:
        seat = getattr(node.screen, "seat", None)
    except Exception:  # noqa: BLE001 - not on a screen (yet): nothing is refused
        return None
    if seat is None:
        return None
    name = action.partition("(")[0]  # "extend(5)" -> "extend"
    for owner, names in getattr(node, "SEAT_ACTIONS", {}).items():
        if owner != seat and name in names:
            return owner
    return None


def seat_check(node: Any, action: str) -> bool | None:
    """For a component's `check_action`: None (shown disabled: dim in the key bar, marked in the
    palette and F1) for an action of the other seat, else True. Pressed, such a key still says
    whose it is (the live screen's `on_key`): a key that silently did nothing would be worse."""
    return None if other_seat(node, action) is not None else True


class SeatKeys:
    """Mixed into a widget whose `SEAT_ACTIONS` belong to one seat: on the other seat they show disabled."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return seat_check(self, action)
