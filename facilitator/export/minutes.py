"""The minutes of one session (verslag van een bijeenkomst).

Layout (docs/report-format.md, section 1):

    # Verslag bijeenkomst {n}: {title}     ("Verslag evaluatiebijeenkomst {n}")
    {long date} · {location} · code {code}
    Aanwezig: {persons per role}
    ## Agenda          planned and actual minutes per step (and the adjusted
                       minutes, when the schedule was changed during the session)
    ## Verloop         per agenda step, in the order recorded: a quote as a
                       block quote with role phrase and code, a note as a
                       paragraph with the role phrase; a key statement (`!`)
                       carries "(kernuitspraak)", a key note
                       "(een x; kernuitspraak)". A step without records says
                       "(geen aantekeningen)"; records outside the agenda come last.
    ## Afspraken       numbered actions with the owner's role phrase
    ## Thema's         statements and key statements per theme, then per
                       element of each plan framework tagged in the session,
                       then statements per theme and role
"""

from __future__ import annotations

from facilitator.domain.overview import theme_role_counts
from facilitator.domain.plan import Session
from facilitator.domain.records import SessionClock, Statement
from facilitator.domain.workshop import WorkshopData
from facilitator.export.common import Context, table_fits, Shared, finish


def minutes(data: WorkshopData, number: int, shared: Shared | None = None, page: bool = False):
    from facilitator.export import Document

    session = data.plan.session(number)
    if session is None:
        raise ValueError(f"no session {number} in the plan")
    ctx = Context(data, shared, places=True)
    ctx.page = page  # type: ignore[attr-defined]  # a page of fixed width: tables laid out to fit
    w = ctx.w
    code = ctx.code(number)
    kind = "minutes_evaluation_title" if session.kind == "evaluatie" else "minutes_title"
    title = w[kind].format(n=number) + (f": {ctx.plain(session.title)}" if session.title else "")
    place = session.location or data.plan.workshop.location
    meta = " · ".join([ctx.date(session)] + ([ctx.plain(place)] if place else []) + [w["code"].format(code=code)])
    blocks = [f"# {title}", meta, f"{w['present']}: {ctx.attendance_phrase(number)}"]
    blocks += [f"## {w['agenda']}", "\n".join(_agenda(ctx, session, data.clocks.get(number)))]
    blocks += [f"## {w['proceedings']}", *_proceedings(ctx, session, data.session_statements(number))]
    blocks += [f"## {w['agreements']}", _agreements(ctx, number)]
    blocks += [f"## {w['themes']}", *_themes(ctx, number)]
    slug = data.plan.workshop.slug or "workshop"
    return ctx.document(f"{slug}-{data.plan.code_of(session)}.md", finish(blocks))


def _agenda(ctx: Context, session: Session, clock: SessionClock | None) -> list[str]:
    """Planned and actual minutes per step. When the schedule was changed during the
    session (+5/-5, a step skipped or moved), an `adjusted` column too, the rows in the
    order the steps were held (numbered as in the plan) and a line listing the changes."""
    w = ctx.w
    changed = clock is not None and bool(clock.changes)
    if not changed:
        rows = [w["agenda_head"], "|---:|---|---:|---:|"]
        for i, step in enumerate(session.agenda):
            rows.append(f"| {i + 1} | {ctx.plain(step.title)} | {w['min'].format(n=step.minutes)} | "
                        f"{_actual(ctx, clock, i)} |")
        return rows
    from facilitator.domain import schedule as sch

    assert clock is not None
    skip = sch.skipped(clock)
    rows = [w["agenda_head_adjusted"], "|---:|---|---:|---:|---:|"]
    for i in sch.order(session, clock):
        step = session.agenda[i]
        adjusted = w["min"].format(n=sch.minutes(session, clock, i))
        actual = w["skipped"] if i in skip and step_minutes(clock, i) is None else _actual(ctx, clock, i)
        rows.append(f"| {i + 1} | {ctx.plain(step.title)} | {w['min'].format(n=step.minutes)} | {adjusted} | {actual} |")
    said = []
    for change in clock.changes:
        said.append(w[f"change_{change.kind}"].format(n=change.step + 1, minutes=change.minutes))
    return rows + ["", w["schedule_note"].format(changes="; ".join(said))]


def _actual(ctx: Context, clock: SessionClock | None, index: int) -> str:
    spent = step_minutes(clock, index)
    if clock is None:
        return ctx.w["not_timed"]
    if spent is None:
        return ctx.w["not_reached"]
    return ctx.w["min"].format(n=spent)


def step_minutes(clock: SessionClock | None, index: int) -> int | None:
    """The actual minutes of agenda step `index` (rounded), None if not timed or not reached."""
    timing = clock.steps.get(index) if clock else None
    if timing is None or timing.start is None:
        return None
    return int(timing.elapsed(_last_moment(clock)) / 60 + 0.5)


def _last_moment(clock: SessionClock | None) -> float:
    """The latest moment the clock knows of: the end of a step still running.

    Pure and repeatable: never the time of the export run.
    """
    moments = [0.0]
    if clock:
        for t in clock.steps.values():
            moments += [m for m in (t.start, t.end, t.paused_at) if m is not None]
    return max(moments)


def _proceedings(ctx: Context, session: Session, statements: list[Statement]) -> list[str]:
    steps = len(session.agenda)
    by_step: dict[int | None, list[Statement]] = {}
    for st in statements:
        key = st.step if st.step is not None and 0 <= st.step < steps else None
        by_step.setdefault(key, []).append(st)
    blocks: list[str] = []
    for i, step in enumerate(session.agenda):
        blocks.append(f"### {i + 1}. {ctx.plain(step.title)}")
        records = by_step.get(i, [])
        blocks += [_record(ctx, st) for st in records] or [ctx.w["no_notes"]]
    if None in by_step:
        blocks.append(f"### {ctx.w['other_step']}")
        blocks += [_record(ctx, st) for st in by_step[None]]
    return blocks


def _record(ctx: Context, st: Statement) -> str:
    mark = f" ({ctx.w['key_mark']})" if st.key else ""
    if st.kind == "quote":
        # The backslash is a hard break: the attribution is a line of its own.
        return f"> “{ctx.text(st.text, '> ')}”\\\n> — {ctx.phrase(st.speaker)}, {ctx.code(st.session)}{mark}"
    key = f"; {ctx.w['key_mark']}" if st.key else ""
    return f"{ctx.text(st.text)} ({ctx.phrase(st.speaker)}{key})"


def _agreements(ctx: Context, number: int) -> str:
    actions = ctx.data.session_actions(number)
    if not actions:
        return ctx.w["no_agreements"]
    items = []
    for i, action in enumerate(actions, 1):
        marker = f"{i}. "
        owner = f" ({ctx.phrase(action.owner)})" if action.owner else ""
        items.append(marker + ctx.text(action.text, " " * len(marker)) + owner)
    return "\n".join(items)


def _themes(ctx: Context, number: int) -> list[str]:
    counts = theme_role_counts(ctx.data, number)
    if not counts.total:
        return [ctx.w["no_statements"]]
    rows = [ctx.w["themes_head"], "|---|---:|---:|"]
    for theme in counts.used_themes():
        rows.append(f"| {ctx.theme_cell(theme)} | {counts.theme_totals.get(theme, 0)} | "
                    f"{counts.key_totals.get(theme, 0)} |")
    from facilitator.export.analysis import session_framework_tables

    table = ctx.overview_table(counts)
    if getattr(ctx, "page", False) and not table_fits(table):  # a page of fixed width: role keys, a legend
        return ["\n".join(rows), *session_framework_tables(ctx, number), ctx.w["by_role"],
                "\n".join(ctx.overview_table(counts, keys=True)), ctx.overview_legend(counts)]
    return ["\n".join(rows), *session_framework_tables(ctx, number), ctx.w["by_role"], "\n".join(table)]
