"""The app as its screens see it, typed: `app_of(node)` instead of `getattr(self.app, …)`.

Screens and widgets reach the app's services (interface language, settings, the
data directory, the clock, the bell, opening and closing sessions) through this one
accessor, so a missing attribute is a type error, not a silent default.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:  # pragma: no cover
    from facilitator.tui.app import FacilitatorApp


def app_of(node: Any) -> "FacilitatorApp":
    """The facilitator app that `node` (a screen or widget) runs in."""
    return cast("FacilitatorApp", node.app)
