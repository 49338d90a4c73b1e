"""Small helpers shared by the report screen's widgets: translated key
descriptions, role phrases and one-line statement labels."""

from __future__ import annotations

from typing import Mapping


from facilitator.domain.plan import Plan
from facilitator.domain.records import Statement
from facilitator.tui.i18n import tr
from facilitator.i18n import section

TEXT = section("tui.widgets.report_common")


def role_phrase(plan: Plan, speaker: str | None, lang: str) -> str:
    """The role label of a speaker key; never a participant's name."""
    return plan.speaker_label(speaker, tr(TEXT, lang, "anyone"), tr(TEXT, lang, "group"))

def role_key(plan: Plan, speaker: str | None) -> str | None:
    role = plan.role_of(speaker)
    return role.key if role else None


def session_codes(plan: Plan) -> dict[int, str]:
    return {s.number: plan.code_of(s) for s in plan.sessions}


def one_line(text: str, width: int) -> str:
    """`text` on one line, cut to `width` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: max(0, width - 1)] + "…"


def quoted_line(text: str, width: int) -> str:
    """`text` on one line between quotation marks, at most `width` characters:
    both marks always show; the text is cut with an ellipsis only when it does not fit."""
    flat = " ".join(text.split())
    if len(flat) + 2 <= width:
        return f"“{flat}”"
    return "“" + flat[: max(0, width - 3)] + "…”"


def statement_line(st: Statement, width: int = 200) -> str:
    """A statement on one line: `! ` for a key statement, a quote between quotation marks."""
    key = "! " if st.key else ""
    room = width - len(key)
    return key + (quoted_line(st.text, room) if st.kind == "quote" else one_line(st.text, room))
