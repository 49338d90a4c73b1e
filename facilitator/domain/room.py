"""What the room may see: the plan's texts as a projected screen shows them.

Pure. A projector view shows the session's title, its steps and their guiding
questions, never a statement, a name or a seat key. Those texts come from the plan,
which the facilitator wrote and which may still name someone ("Casus Fatima"): every
participant name and every seat key in them is replaced by the role's label, as the
exports do with names.
"""

from __future__ import annotations

import re
from functools import lru_cache

from facilitator.domain.plan import Plan
from facilitator.domain.privacy import redact_names


@lru_cache(maxsize=8)
def _seat_pattern(keys: tuple[str, ...]) -> re.Pattern[str] | None:
    if not keys:
        return None
    body = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    return re.compile(rf"(?<![\w@#])(?:{body})(?!\w)", re.IGNORECASE)


def public(plan: Plan, text: str | None) -> str:
    """`text` with participant names and seat keys replaced by their role's label."""
    if not text:
        return ""

    def label(key: str | None) -> str:
        role = plan.role_of(key) if key else None
        return role.label if role else ("participant" if plan.workshop.language == "en" else "deelnemer")

    out, _ = redact_names(text, plan, label)  # every form of a name and alias (docs/privacy.md)
    pattern = _seat_pattern(tuple(p.key for p in plan.participants))
    if pattern is not None:
        keys = {p.key.casefold(): p.key for p in plan.participants}
        out = pattern.sub(lambda m: f"[{label(keys[m.group(0).casefold()])}]", out)
    return out
