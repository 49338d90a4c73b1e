"""The series report (eindrapport), docs/report-format.md section 2.

    # {title}                    title block: title, subtitle; "**Concept**"
                                 while no findings are written
    ## Colofon                   organisation, commissioners, facilitator,
                                 researcher, period, location
    ## Inleiding                 introduction (researcher's or plan's), then a
                                 generated paragraph: sessions, dates, roles
    ## 1. Samenvatting van resultaten
                                 numbered findings, each followed by its
                                 statements `Een x: “…” (CODE)`; without
                                 findings: key statements per theme, marked
                                 as a draft ("Concept")
    ## 2. {analysis title}       only with analysis text, stages or a framework;
                                 a count per stage, or by the report text's
                                 framework: counts per element and session and
                                 per element and role, then per element its
                                 definition and tagged statements
                                 (facilitator/export/analysis.py)
    ## 3. Conclusie
    ## 4. Hoe nu verder?         numbered next steps, then the agreed actions
    ## Bijlagen                  sessions (date, location, code, agenda with
                                 planned and, where timed, actual minutes); statements
                                 per theme; statements per theme and role

Without an analysis section the later sections are numbered one lower.
Researcher text (findings, introduction, analysis, conclusion, next steps) is
Markdown and passed through, names redacted; all other text is escaped.
"""

from __future__ import annotations

import re

from facilitator.domain.overview import stage_counts, theme_role_counts
from facilitator.domain.records import Statement
from facilitator.domain.workshop import WorkshopData
from facilitator.export.common import Context, Shared, finish, indent_block, table_fits
from facilitator.export.escape import line
from facilitator.export.minutes import step_minutes
from facilitator.export.words import PROCESS_LABELS, join_words, number_word, persons_phrase, took_part


_BREAKS = re.compile(r"\r\n?")


def report(data: WorkshopData, shared: Shared | None = None, page: bool = False):
    """`page`: for a page of fixed width (Word, ODT, PDF): a table too wide for it is
    laid out to fit (the theme × role table headed by role keys, with a legend)."""
    from facilitator.export import Document

    ctx = Context(data, shared, places=True)
    ctx.page = page  # type: ignore[attr-defined]
    blocks: list[str] = []
    blocks += _title(ctx)
    blocks += _colofon(ctx)
    blocks += _introduction(ctx)
    number = 1
    blocks += _summary(ctx, number)
    if data.report.analysis.strip() or data.report.stages or _framework(ctx):
        number += 1
        blocks += _analysis(ctx, number)
    number += 1
    blocks += [f"## {number}. {ctx.w['conclusion']}", _markdown(ctx, data.report.conclusion)]
    number += 1
    blocks += _next(ctx, number)
    blocks += _appendices(ctx)
    slug = data.plan.workshop.slug or "workshop"
    return ctx.document(f"{slug}.md", finish(blocks))


def _researcher(ctx: Context, text: str) -> str:
    """Researcher-written Markdown: passed through, names redacted, line endings made \\n."""
    return ctx.redact(_appendix_refs(ctx, _BREAKS.sub("\n", text).strip("\n")), markdown=True)


def _markdown(ctx: Context, text: str) -> str:
    text = _researcher(ctx, text)
    return text if text.strip() else ctx.w["not_written"]


def _held(ctx: Context) -> list:
    held = set(ctx.data.held_sessions())
    return [s for s in sorted(ctx.plan.sessions, key=lambda s: s.number) if s.number in held]


def _title(ctx: Context) -> list[str]:
    ws = ctx.plan.workshop
    # No findings written: the whole report is a draft, said at the top.
    draft = [ctx.w["draft_title"]] if not ctx.data.findings else []
    return [f"# {ctx.plain(ws.title)}"] + ([ctx.plain(ws.subtitle)] if ws.subtitle else []) + draft


def _colofon(ctx: Context) -> list[str]:
    ws, w = ctx.plan.workshop, ctx.w
    sessions = _held(ctx) or sorted(ctx.plan.sessions, key=lambda s: s.number)
    first, last = ctx.date(sessions[0]), ctx.date(sessions[-1])
    period = first if first == last else f"{first} – {last}"
    rows = [
        (w["organisation"], ws.organisation),
        # "; ": a commissioner's name may hold a comma ("Gemeente Utrecht, afdeling Zorg").
        (w["commissioners"], "; ".join(c.strip() for c in ws.commissioners if c.strip())),
        (w["facilitator"], ws.facilitator),
        (w["researcher"], ws.researcher),
        (w["period"], period),
        (w["location"], ws.location),
    ]
    # Staff are not participants: their fields are printed as written, even when a
    # seat carries the same name (docs/privacy.md); everything else is redacted.
    staff = {w["facilitator"], w["researcher"]}
    items = [f"- {label}: {ctx.verbatim(value) if label in staff else ctx.plain(value)}" for label, value in rows if value]
    note = ctx.data.report.colofon_note
    return [f"## {w['colofon']}", "\n".join(items)] + ([_researcher(ctx, note)] if note.strip() else [])


def _introduction(ctx: Context) -> list[str]:
    w = ctx.w
    own = ctx.data.report.introduction
    text = own if own is not None else (ctx.plan.workshop.introduction or "")
    blocks = [f"## {w['introduction']}"]
    if text.strip():
        blocks.append(_researcher(ctx, text))
    own_sentence = ctx.data.report.held_sentence
    if own_sentence is not None:  # the researcher's own version, or "" to leave it out
        return blocks + ([_researcher(ctx, own_sentence)] if own_sentence.strip() else [])
    return blocks + [held_sentence(ctx)]


def held_sentence(ctx: Context) -> str:
    """The generated paragraph: which sessions were held, when, and who took part.

    Numbers in words up to twelve, like the persons ("drie bijeenkomsten en een
    evaluatiebijeenkomst"). Who took part counts the bijeenkomsten only ("Aan de
    bijeenkomsten namen …"): people who came only to an evaluation are not in it;
    with only evaluations held, those count."""
    w = ctx.w
    held = _held(ctx)
    if not held:
        return w["held_none"]
    meetings = [s for s in held if s.kind == "bijeenkomst"]
    evaluations = len(held) - len(meetings)
    what = []
    if meetings:
        what.append(w["sessions_one"] if len(meetings) == 1 else
                    w["sessions_many"].format(n=number_word(len(meetings), ctx.lang)))
    if evaluations:
        what.append(w["evaluations_one"] if evaluations == 1 else
                    w["evaluations_many"].format(n=number_word(evaluations, ctx.lang)))
    first, last = ctx.date(held[0]), ctx.date(held[-1])
    key = "held_one" if len(held) == 1 else "held_range"
    sentence = w[key].format(what=join_words(what, ctx.lang), first=first, last=last)
    counted = meetings or held
    groups = _participants(ctx, counted)
    sentence += " " + (took_part(ctx.lang, len(counted), groups) if groups else w["took_part_none"])
    return sentence


def _participants(ctx: Context, held: list) -> list[tuple[int, str]]:
    """(persons, phrase) per role that took part, in plan order.

    The number of a role is the most persons of it present at one session (the
    same people usually come back), written in words up to twelve: "twee
    buurtcoaches", one person as the role phrase: "een woonconsulent".
    The roles that run the series are left out: a role whose label is
    "procesbegeleider" or "onderzoeker" ("facilitator", "researcher"), in any
    case; the colofon names those people. (Their role key cannot tell: the plan
    gives no fixed key to the process roles.)
    """
    roles: dict[str, int] = {}
    for s in held:
        for role, n in ctx.attendance(s.number):
            roles[role] = max(roles.get(role, 0), n)
    groups = []
    for r in ctx.plan.roles:
        if r.key in roles and not r.group and r.label.strip().casefold() not in PROCESS_LABELS:
            label, plural = ctx.role_label(r.label), ctx.role_label(r.plural_label)
            groups.append((roles[r.key], line(persons_phrase(roles[r.key], label, plural, ctx.lang))))
    return groups


def _statements_by_id(ctx: Context) -> dict[int, Statement]:
    return {st.id: st for st in ctx.data.statements if st.id is not None}


def _summary(ctx: Context, number: int) -> list[str]:
    w = ctx.w
    blocks = [f"## {number}. {w['summary']}"]
    findings = ctx.data.findings
    if findings:
        by_id = _statements_by_id(ctx)
        for i, finding in enumerate(findings, 1):
            marker = f"{i}. "
            item = _finding_blocks(ctx, finding, by_id, " " * len(marker))
            blocks.append(marker + item)
        return blocks
    blocks.append(w["draft"])
    groups = _by_theme(ctx, [s for s in ctx.data.statements if s.key])
    if not groups:
        return blocks + [w["no_key"]]
    for theme, statements in groups:
        blocks.append(f"### {ctx.theme_title(theme)}")
        blocks.append("\n".join(f"- {ctx.citation(st, '  ')}" for st in statements))
    return blocks


def _finding_blocks(ctx: Context, finding, by_id: dict[int, Statement], pad: str) -> str:  # type: ignore[no-untyped-def]
    """A finding's blocks in order, as the body of its list item (every line after the
    first indented by `pad`): paragraphs, sub-headings (####), a quote per statement,
    an excerpt as one block quote with one code."""
    w = ctx.w
    parts: list[str] = []
    for block in finding.blocks:
        if block.kind == "paragraph":
            text = _paragraph(ctx, block.text, by_id)
            if text.strip():
                parts.append(text)
        elif block.kind == "heading":
            if block.text.strip():
                parts.append("#### " + ctx.plain(block.text))
        elif block.kind == "quote":
            for sid in block.statements[:1]:
                st = by_id.get(sid)
                # A statement deleted after it was cited: a visible marker, so the researcher sees it.
                parts.append("> " + (ctx.citation(st, "> ") if st is not None else line(w["deleted_statement"])))
        elif block.kind == "excerpt":
            found = [by_id[sid] for sid in block.statements if sid in by_id]
            lines = ctx.excerpt(found, "> ")
            if len(found) < len(block.statements):
                lines.append(line(w["deleted_statement"]))
            if lines:
                parts.append("\n>\n".join("> " + ln for ln in lines))
    if not parts:
        return "…"
    return f"\n\n{pad}".join(indent_block(p, pad) for p in parts)


def _paragraph(ctx: Context, text: str, by_id: dict[int, Statement]) -> str:
    """Researcher's Markdown with `[[id]]` inline citations filled in."""
    from facilitator.domain.records import INLINE_CITATION

    pieces = INLINE_CITATION.split(_BREAKS.sub("\n", text).strip("\n"))
    out = []
    for i, piece in enumerate(pieces):
        if i % 2 == 0:
            out.append(ctx.redact(_appendix_refs(ctx, piece), markdown=True))
        else:
            st = by_id.get(int(piece))
            out.append(ctx.inline_citation(st) if st is not None else line(ctx.w["deleted_statement"]))
    return "".join(out)


def _by_theme(ctx: Context, statements: list[Statement]) -> list[tuple[str | None, list[Statement]]]:
    """Statements grouped by theme, themes in the workshop's order, untagged last."""
    groups: dict[str | None, list[Statement]] = {}
    for st in statements:
        for theme in dict.fromkeys(st.themes) or [None]:
            groups.setdefault(theme, []).append(st)
    order = [t.key for t in ctx.data.themes]
    extra = [k for k in groups if k is not None and k not in set(order)]
    keys = [k for k in order if k in groups] + extra + ([None] if None in groups else [])
    return [(k, groups[k]) for k in keys]


def _analysis(ctx: Context, number: int) -> list[str]:
    rep, w = ctx.data.report, ctx.w
    title = ctx.plain(rep.analysis_title) if rep.analysis_title else w["analysis"]
    blocks = [f"## {number}. {title}"]
    if rep.analysis.strip():
        blocks.append(_researcher(ctx, rep.analysis))
    fw = _framework(ctx)
    if fw is not None:  # the framework named in the report text replaces hand-picked stages
        from facilitator.export.analysis import framework_blocks

        blocks += framework_blocks(ctx, fw)
    elif rep.stages:
        rows = [w["stages_head"], "|---|---:|"]
        rows += [f"| {ctx.theme_cell(key)} | {n} |" for key, n in stage_counts(ctx.data)]
        blocks.append("\n".join(rows))
        n = appendix_numbers(ctx).get("overview")
        if n is not None:
            blocks.append(w["stages_see"].format(n=n))
    return blocks


def _framework(ctx: Context):  # type: ignore[no-untyped-def]
    """The plan framework the report text names, if the plan (still) has it."""
    key = ctx.data.report.framework
    return ctx.plan.framework(key) if key else None


def _next(ctx: Context, number: int) -> list[str]:
    w = ctx.w
    blocks = [f"## {number}. {w['next']}"]
    lead = ctx.data.report.next_lead
    if lead.strip():
        blocks.append(_researcher(ctx, lead))
    steps = [s for s in ctx.data.report.next_steps if s.strip()]
    items = []
    for i, step in enumerate(steps, 1):
        marker = f"{i}. "
        items.append(marker + indent_block(_researcher(ctx, step), " " * len(marker)))
    if items:
        blocks.append("\n\n".join(items))
    actions = ctx.data.actions
    if actions:
        lines = []
        for action in actions:
            owner = f"{ctx.phrase(action.owner)}, " if action.owner else ""
            lines.append(f"- {ctx.text(action.text, '  ')} ({owner}{ctx.code(action.session)})")
        blocks += [w["agreed"], "\n".join(lines)]
    if not items and not actions and not lead.strip():
        blocks.append(w["not_written"])
    return blocks


def appendix_numbers(ctx: Context) -> dict[str, int]:
    """The number of each appendix shown: generated ones switched on, in their order,
    then the researcher's own (keys "own1", "own2", … and their titles, case-folded)."""
    from facilitator.domain.records import APPENDICES

    rep = ctx.data.report
    keys = [k for k in APPENDICES if k not in rep.appendices_off]
    numbers = {k: i for i, k in enumerate(keys, 1)}
    for j, own in enumerate(a for a in rep.own_appendices if a.title.strip() or a.text.strip()):
        n = len(keys) + j + 1
        numbers[f"own{j + 1}"] = n
        if own.title.strip():
            numbers.setdefault(own.title.strip().casefold(), n)
    return numbers


_APPENDIX_REF = re.compile(r"\[\[(?:bijlage|appendix):([^\]\n]+)\]\]", re.IGNORECASE)
_REF_ALIASES = {"bijeenkomsten": "sessions", "uitspraken": "statements", "overzicht": "overview"}


def _appendix_refs(ctx: Context, text: str) -> str:
    """`[[bijlage:overzicht]]` → "bijlage 3": a cross-reference that follows the numbering
    (an appendix switched off or unknown: "bijlage ?", visible to the researcher)."""
    if "[[" not in text:
        return text
    numbers = appendix_numbers(ctx)
    word = ctx.w["see_appendix"].split(" ", 1)[1].split(" ")[0]  # "bijlage" / "appendix"

    def ref(m: re.Match[str]) -> str:
        key = m.group(1).strip().casefold()
        n = numbers.get(_REF_ALIASES.get(key, key))
        return f"{word} {n if n is not None else '?'}"

    return _APPENDIX_REF.sub(ref, text)


def _appendices(ctx: Context) -> list[str]:
    w = ctx.w
    numbers = appendix_numbers(ctx)
    if not numbers:
        return []
    blocks = [f"## {w['appendices']}"]

    def head(key: str) -> str:
        return f"### {w['appendix'].format(n=numbers[key], title=w['appendix_title.' + key])}"

    if "sessions" in numbers:
        blocks += [head("sessions")] + _appendix_sessions(ctx)
    if "statements" in numbers:
        blocks.append(head("statements"))
        groups = _by_theme(ctx, ctx.data.statements)
        if not groups:
            blocks.append(w["no_statements"])
        for theme, statements in groups:
            blocks.append(f"#### {ctx.theme_title(theme)}")
            blocks.append("\n".join(f"- {ctx.citation(st, '  ')}" for st in statements))
    if "overview" in numbers:
        blocks.append(head("overview"))
        counts = theme_role_counts(ctx.data)
        if not counts.total:
            blocks.append(w["no_statements"])
        elif getattr(ctx, "page", False) and not table_fits(table := ctx.overview_table(counts)):
            blocks += ["\n".join(ctx.overview_table(counts, keys=True)), ctx.overview_legend(counts)]
        else:
            blocks.append("\n".join(ctx.overview_table(counts)))
    own = [a for a in ctx.data.report.own_appendices if a.title.strip() or a.text.strip()]
    for j, appendix in enumerate(own, 1):
        title = ctx.plain(appendix.title) if appendix.title.strip() else "…"
        blocks.append(f"### {w['appendix'].format(n=numbers[f'own{j}'], title=title)}")
        if appendix.text.strip():
            blocks.append(_researcher(ctx, appendix.text))
    return blocks


def _appendix_sessions(ctx: Context) -> list[str]:
    w = ctx.w
    blocks = []
    if not _held(ctx):
        blocks.append(w["held_none"])
    for s in _held(ctx):
        kind = "evaluation" if s.kind == "evaluatie" else "session"
        head = w[kind].format(n=s.number) + (f": {ctx.plain(s.title)}" if s.title else "")
        blocks.append(f"#### {head}")
        place = s.location or ctx.plan.workshop.location
        blocks.append(" · ".join([ctx.date(s)] + ([ctx.plain(place)] if place else [])
                                 + [w["code"].format(code=ctx.code(s.number))]))
        clock = ctx.data.clocks.get(s.number)
        steps = []
        for i, step in enumerate(s.agenda):
            planned = w["min"].format(n=step.minutes)
            spent = step_minutes(clock, i)
            adjusted = _adjusted(s, clock, i)
            actual = w["skipped"] if spent is None and clock is not None and i in _skipped(clock) else (
                None if spent is None else w["min"].format(n=spent))
            if adjusted is not None and actual is not None:
                when = w["planned_adjusted"].format(planned=planned, adjusted=w["min"].format(n=adjusted), actual=actual)
            elif actual is not None:
                when = w["planned_actual"].format(planned=planned, actual=actual)
            else:
                when = planned
            steps.append(f"{i + 1}. {ctx.plain(step.title)} ({when})")
        blocks.append("\n".join(steps))
    return blocks


def _adjusted(session, clock, index: int) -> int | None:  # type: ignore[no-untyped-def]
    """A step's minutes after +5/-5 during the session; None when it was not changed."""
    if clock is None or not clock.changes:
        return None
    from facilitator.domain import schedule

    minutes = schedule.minutes(session, clock, index)
    return minutes if minutes != session.agenda[index].minutes else None


def _skipped(clock) -> set[int]:  # type: ignore[no-untyped-def]
    from facilitator.domain import schedule

    return schedule.skipped(clock)
