"""Headless helpers for the live screen: capture context, labels, names.

No Textual here: thin adapters from the screen's state to the domain's
parser, privacy and attendance functions.
"""

from __future__ import annotations

from typing import Iterable

from facilitator.domain.capture import Context, context_for
from facilitator.domain.plan import Plan, Session
from facilitator.domain.records import Statement


def make_context(plan: Plan, theme_keys: Iterable[str], session: Session,
                 speaker: str | None, step: int | None) -> Context:
    return context_for(plan, list(theme_keys), session.number, speaker, step)


def format_line(st: Statement) -> str:
    """A statement as the capture line that would make it (for editing)."""
    from facilitator.domain.capture import StatementLine, format_statement

    line = StatementLine(speaker=st.speaker, kind=st.kind, text=st.text, themes=tuple(st.themes), key=st.key,
                         elements=tuple(st.elements),
                         explicit_speaker=st.speaker is not None)
    return format_statement(line)


def names_in(text: str, plan: Plan) -> list[str]:
    """Participant names that occur in `text` (never to be exported)."""
    from facilitator.domain.privacy import find_names

    names = plan.names()
    if not names:
        return []
    return list(dict.fromkeys(text[start:end] for start, end, _key in find_names(text, names)))


def merge_attendance(plan: Plan, current: Iterable[str], declared: Iterable[str]) -> list[str]:
    """The attendance after an `aanwezig:` line: seats added, persons per role the maximum."""
    from facilitator.domain.attendance import merge_declaration

    return list(merge_declaration(list(current), list(declared), plan.speaker_roles()))


def role_label(plan: Plan, speaker: str | None, unknown: str) -> str:
    role = plan.role_of(speaker)
    return role.label if role else unknown
