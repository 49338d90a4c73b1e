"""Headless helpers for the live session: capture context, labels, names.

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
    """Every form of a participant's name that occurs in `text` (first name alone,
    lower case, without diacritics, possessive, hidden by a soft hyphen...), as
    written, once each: the live preview warns before Enter (docs/privacy.md)."""
    from facilitator.domain.privacy import find_names

    return list(dict.fromkeys(m.form for m in find_names(text, plan)))


def merge_attendance(plan: Plan, current: Iterable[str], declared: Iterable[str]) -> list[str]:
    """The attendance after an `aanwezig:` line: seats added, persons per role the maximum."""
    from facilitator.domain.attendance import merge_declaration

    return list(merge_declaration(list(current), list(declared), plan.speaker_roles()))


def role_label(plan: Plan, speaker: str | None, unknown: str) -> str:
    """The speaker as the record shows it (the group speaker as typed, "allen")."""
    return plan.speaker_label(speaker, unknown, group=speaker or unknown)