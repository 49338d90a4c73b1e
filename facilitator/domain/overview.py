"""Statement counts per theme and role, for a session or the whole series.

Pure: takes a WorkshopData, returns numbers. The exports print them as tables,
the report screen draws them as bars. A statement tagged with two themes counts
once in each theme's row; row and column totals count distinct statements.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from facilitator.domain.records import Statement
from facilitator.domain.workshop import WorkshopData

Cell = tuple[str | None, str | None]  # (theme key or None: untagged, role key or None: unknown speaker)


@dataclass(frozen=True)
class ThemeRoleCounts:
    # Known themes (data.themes order), then keys only seen on statements (first
    # seen), then None for untagged statements if there are any.
    themes: tuple[str | None, ...]
    # Roles that made a statement, in plan order; None (unknown speaker) last.
    roles: tuple[str | None, ...]
    cells: dict[Cell, int] = field(default_factory=dict)
    theme_totals: dict[str | None, int] = field(default_factory=dict)  # statements per theme
    key_totals: dict[str | None, int] = field(default_factory=dict)  # key statements per theme
    role_totals: dict[str | None, int] = field(default_factory=dict)  # distinct statements per role
    total: int = 0  # distinct statements
    key_total: int = 0

    def count(self, theme: str | None, role: str | None) -> int:
        return self.cells.get((theme, role), 0)

    def used_themes(self) -> list[str | None]:
        """The themes that have at least one statement, in order."""
        return [t for t in self.themes if self.theme_totals.get(t, 0)]


def role_key_of(data: WorkshopData) -> dict[str, str]:
    """Speaker key (role or participant) -> role key."""
    return data.plan.speaker_roles()


def theme_role_counts(data: WorkshopData, session: int | None = None) -> ThemeRoleCounts:
    """Counts over one session's statements, or over the series when session is None."""
    statements = data.statements if session is None else [s for s in data.statements if s.session == session]
    return count_statements(data, statements)


def count_statements(data: WorkshopData, statements: list[Statement]) -> ThemeRoleCounts:
    speaker_role = role_key_of(data)
    cells: dict[Cell, int] = {}
    theme_totals: dict[str | None, int] = {}
    key_totals: dict[str | None, int] = {}
    role_totals: dict[str | None, int] = {}
    extra: dict[str, None] = {}
    known = {t.key for t in data.themes}
    key_total = 0
    for st in statements:
        role = speaker_role.get(st.speaker) if st.speaker is not None else None
        role_totals[role] = role_totals.get(role, 0) + 1
        key_total += st.key
        tags: list[str | None] = list(dict.fromkeys(st.themes)) or [None]
        for theme in tags:
            if theme is not None and theme not in known:
                extra.setdefault(theme)
            cells[(theme, role)] = cells.get((theme, role), 0) + 1
            theme_totals[theme] = theme_totals.get(theme, 0) + 1
            if st.key:
                key_totals[theme] = key_totals.get(theme, 0) + 1
    themes: list[str | None] = [t.key for t in data.themes] + list(extra)
    if None in theme_totals:
        themes.append(None)
    roles: list[str | None] = [r.key for r in data.plan.roles if r.key in role_totals]
    if None in role_totals:
        roles.append(None)
    return ThemeRoleCounts(
        themes=tuple(themes), roles=tuple(roles), cells=cells, theme_totals=theme_totals,
        key_totals=key_totals, role_totals=role_totals, total=len(statements), key_total=key_total,
    )


def session_counts(data: WorkshopData) -> dict[int, ThemeRoleCounts]:
    """Counts per held session, by session number."""
    return {n: theme_role_counts(data, n) for n in data.held_sessions()}


def stage_counts(data: WorkshopData, stages: list[str] | None = None) -> list[tuple[str, int]]:
    """(theme key, statements tagged with it) for each stage of the report's framework, in order."""
    keys = data.report.stages if stages is None else stages
    counts = dict.fromkeys(keys, 0)
    for st in data.statements:
        for theme in set(st.themes):
            if theme in counts:
                counts[theme] += 1
    return [(k, counts[k]) for k in keys]


@dataclass(frozen=True)
class ElementCounts:
    """Statements per element of one framework, per role and per held session.
    A statement tagged with two elements counts once in each element's row."""

    framework: str
    elements: tuple[str, ...]  # "framework.element", in the framework's order
    roles: tuple[str | None, ...]  # roles with a tagged statement, in plan order; None (unknown) last
    sessions: tuple[int, ...]  # held sessions, by number
    by_role: dict[tuple[str, str | None], int] = field(default_factory=dict)
    by_session: dict[tuple[str, int], int] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    key_totals: dict[str, int] = field(default_factory=dict)
    role_totals: dict[str | None, int] = field(default_factory=dict)  # distinct tagged statements per role
    session_totals: dict[int, int] = field(default_factory=dict)  # distinct tagged statements per session
    total: int = 0  # distinct statements tagged with an element of this framework

    def count(self, element: str, role: str | None) -> int:
        return self.by_role.get((element, role), 0)

    def in_session(self, element: str, session: int) -> int:
        return self.by_session.get((element, session), 0)


def element_counts(data: WorkshopData, framework: str, session: int | None = None) -> ElementCounts | None:
    """Counts for a plan framework, over one session's statements or (None) the series;
    None if the plan has no framework of that key."""
    fw = data.plan.framework(framework)
    if fw is None:
        return None
    refs = tuple(f"{fw.key}.{e.key}" for e in fw.elements)
    known = set(refs)
    speaker_role = role_key_of(data)
    by_role: dict[tuple[str, str | None], int] = {}
    by_session: dict[tuple[str, int], int] = {}
    totals: dict[str, int] = {}
    key_totals: dict[str, int] = {}
    role_totals: dict[str | None, int] = {}
    session_totals: dict[int, int] = {}
    total = 0
    for st in data.statements if session is None else data.session_statements(session):
        tags = [e for e in dict.fromkeys(st.elements) if e in known]
        if not tags:
            continue
        role = speaker_role.get(st.speaker) if st.speaker is not None else None
        total += 1
        role_totals[role] = role_totals.get(role, 0) + 1
        session_totals[st.session] = session_totals.get(st.session, 0) + 1
        for ref in tags:
            by_role[(ref, role)] = by_role.get((ref, role), 0) + 1
            by_session[(ref, st.session)] = by_session.get((ref, st.session), 0) + 1
            totals[ref] = totals.get(ref, 0) + 1
            if st.key:
                key_totals[ref] = key_totals.get(ref, 0) + 1
    roles: list[str | None] = [r.key for r in data.plan.roles if r.key in role_totals]
    if None in role_totals:
        roles.append(None)
    return ElementCounts(
        framework=fw.key, elements=refs, roles=tuple(roles), sessions=tuple(data.held_sessions()),
        by_role=by_role, by_session=by_session, totals=totals, key_totals=key_totals,
        role_totals=role_totals, session_totals=session_totals, total=total,
    )
