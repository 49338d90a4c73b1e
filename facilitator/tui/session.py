"""Headless helpers for the live screen: capture context, labels, fallbacks.

No Textual here. The parser engineer's helpers (`context_for`,
`format_statement`, `find_names`, `merge_declaration`) are used when present;
the small fallbacks below keep the screen usable until they land.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from facilitator.domain.capture import Context
from facilitator.domain.plan import Plan, Session, Theme
from facilitator.domain.records import Statement


def make_context(plan: Plan, theme_keys: Iterable[str], session: Session,
                 speaker: str | None, step: int | None) -> Context:
    theme_keys = list(theme_keys)
    try:
        from facilitator.domain.capture import context_for
    except ImportError:  # pragma: no cover - the parser engineer's helper
        return Context(speakers=plan.speaker_roles(), themes=frozenset(theme_keys),
                       steps=[s.title for s in session.agenda], current_speaker=speaker, current_step=step)
    return context_for(plan, theme_keys, session.number, speaker, step)


def format_line(st: Statement) -> str:
    """A statement as the capture line that would make it (for editing)."""
    from facilitator.domain.capture import StatementLine, format_statement

    line = StatementLine(speaker=st.speaker, kind=st.kind, text=st.text, themes=tuple(st.themes), key=st.key,
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


def pick_session(plan: Plan, held: Iterable[int]) -> int:
    """The first session (by number) not yet held; the last one if all were."""
    held = set(held)
    numbers = sorted(s.number for s in plan.sessions)
    for n in numbers:
        if n not in held:
            return n
    return numbers[-1]
