"""The report's analysis by a framework of the plan (`ReportText.framework`).

After the researcher's analysis text: the framework's title and citation, a table
of statements per element and held session (for a cycle with the actors of each
stage), a table per element and role, then per element its definition, its
question and the statements tagged with it, cited as everywhere in the report.
"""

from __future__ import annotations

from facilitator.domain.overview import element_counts
from facilitator.domain.plan import Framework
from facilitator.export.common import Context
from facilitator.export.escape import cell, line

WORDS = {
    "nl": {"element": "element", "stage": "fase", "actors": "dragende actoren", "total": "totaal",
           "question": "Vraag", "none": "Nog geen uitspraken bij dit element.",
           "all": "alle getagde uitspraken", "framework": "Analysekader"},
    "en": {"element": "element", "stage": "stage", "actors": "actors", "total": "total",
           "question": "Question", "none": "No statements tagged with this element yet.",
           "all": "all tagged statements", "framework": "Framework"},
}


def framework_blocks(ctx: Context, fw: Framework) -> list[str]:
    w = WORDS[ctx.lang]
    counts = element_counts(ctx.data, fw.key)
    assert counts is not None
    head = f"{w['framework']}: {ctx.plain(fw.title)}" + (f" ({ctx.plain(fw.citation)})" if fw.citation else "")
    blocks = [head]
    cycle = fw.kind == "cycle"
    codes = [ctx.code(n) for n in counts.sessions]
    columns = [w["stage" if cycle else "element"]] + ([w["actors"]] if cycle else []) + codes + [w["total"]]
    rows = ["| " + " | ".join(columns) + " |", "|---" + ("|---" if cycle else "") + "|---:" * (len(codes) + 1) + "|"]
    for i, el in enumerate(fw.elements, 1):
        ref = f"{fw.key}.{el.key}"
        label = f"{i}. {ctx.redact(el.label)}" if cycle else ctx.redact(el.label)
        row = [cell(label)]
        if cycle:
            actors = [ctx.role_label(r.label) for a in el.actors if (r := ctx.plan.role(a))]
            row.append(cell(", ".join(actors)) if actors else "")
        row += [str(counts.in_session(ref, n)) for n in counts.sessions] + [str(counts.totals.get(ref, 0))]
        rows.append("| " + " | ".join(row) + " |")
    blocks.append("\n".join(rows))
    if counts.roles:
        head_row = [w["stage" if cycle else "element"], *(ctx.role_column(r) for r in counts.roles), w["total"]]
        table = ["| " + " | ".join(head_row) + " |", "|---" + "|---:" * (len(head_row) - 1) + "|"]
        for el in fw.elements:
            ref = f"{fw.key}.{el.key}"
            table.append("| " + " | ".join([cell(ctx.redact(el.label)), *(str(counts.count(ref, r)) for r in counts.roles),
                                             str(counts.totals.get(ref, 0))]) + " |")
        table.append("| " + " | ".join([w["all"], *(str(counts.role_totals.get(r, 0)) for r in counts.roles),
                                         str(counts.total)]) + " |")
        blocks.append("\n".join(table))
    for i, el in enumerate(fw.elements, 1):
        ref = f"{fw.key}.{el.key}"
        blocks.append(f"### {i}. {line(ctx.redact(el.label))}")
        blocks.append(ctx.plain(el.definition))
        if el.question:
            blocks.append(f"{w['question']}: {ctx.plain(el.question)}")
        tagged = [st for st in ctx.data.statements if ref in st.elements]
        if tagged:
            blocks.append("\n".join(f"- {ctx.citation(st, '  ')}" for st in tagged))
        else:
            blocks.append(w["none"])
    return blocks


SESSION_WORDS = {
    "nl": {"head": "| {title} | uitspraken | kernuitspraken |"},
    "en": {"head": "| {title} | statements | key statements |"},
}


def session_framework_tables(ctx: Context, number: int) -> list[str]:
    """For the minutes: per framework with tagged statements in this session, the
    statements and key statements per element (elements without any left out)."""
    blocks = []
    for fw in ctx.plan.frameworks:
        counts = element_counts(ctx.data, fw.key, number)
        if counts is None or not counts.total:
            continue
        rows = [SESSION_WORDS[ctx.lang]["head"].format(title=cell(ctx.redact(fw.title))), "|---|---:|---:|"]
        for el in fw.elements:
            ref = f"{fw.key}.{el.key}"
            if counts.totals.get(ref):
                rows.append(f"| {cell(ctx.redact(el.label))} | {counts.totals[ref]} | {counts.key_totals.get(ref, 0)} |")
        blocks.append("\n".join(rows))
    return blocks
