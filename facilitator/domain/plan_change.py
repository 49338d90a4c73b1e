"""Re-applying an edited plan to a workshop that already has records.

Pure. `orphans` lists every change in the new plan that would leave a record
pointing at nothing; an update goes ahead only when it is empty. Themes are
the exception: a plan theme that records use and the new plan drops is kept as
a created theme (`kept_themes`), so removing it from the plan loses nothing.
"""

from __future__ import annotations

from collections import Counter

from facilitator.domain.plan import Plan, Theme
from facilitator.domain.workshop import WorkshopData


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _sessions(numbers: set[int]) -> str:
    ordered = sorted(numbers)
    return ("session " if len(ordered) == 1 else "sessions ") + ", ".join(str(n) for n in ordered)


def orphans(data: WorkshopData, new_plan: Plan) -> list[str]:
    """One line per change that would orphan records; empty when the update is safe."""
    problems: list[str] = []
    speakers = new_plan.speaker_roles()

    # Speakers: statements, action owners, attendance.
    said: Counter[str] = Counter(s.speaker for s in data.statements if s.speaker)
    owns: Counter[str] = Counter(a.owner for a in data.actions if a.owner)
    present: dict[str, set[int]] = {}
    for number, keys in data.attendance.items():
        for key in keys:
            present.setdefault(key, set()).add(number)
    old = data.plan
    for key in sorted(set(said) | set(owns) | set(present)):
        if key in speakers:
            continue
        what = "role" if old.role(key) is not None else ("participant" if old.participant(key) else "speaker")
        uses = []
        if said[key]:
            uses.append(_count(said[key], "statement"))
        if owns[key]:
            uses.append(_count(owns[key], "action") + " (owner)")
        if key in present:
            uses.append(f"attendance in {_sessions(present[key])}")
        problems.append(f"{what} {key!r} is removed but has {', '.join(uses)}; keep it in the plan")

    # Framework elements tagged on statements.
    tagged: Counter[str] = Counter(e for st in data.statements for e in dict.fromkeys(st.elements))
    for ref in sorted(tagged):
        if new_plan.element(ref) is None:
            problems.append(f"framework element {ref!r} is removed but tags {_count(tagged[ref], 'statement')}; "
                            "keep it in the plan")

    # Sessions and agenda steps.
    for number in sorted({s.number for s in old.sessions} | set(data.clocks) | set(data.attendance)):
        records = [r for r in (*data.statements, *data.actions) if r.session == number]
        clock = data.clocks.get(number)
        new_session = new_plan.session(number)
        if new_session is None:
            uses = []
            if records:
                uses.append(_count(len(records), "record"))
            if data.attendance.get(number):
                uses.append("attendance")
            if clock is not None and clock.started_at is not None:
                uses.append("a started clock")
            if uses:
                problems.append(f"session {number} is removed but has {', '.join(uses)}; keep it in the plan")
            continue
        steps = len(new_session.agenda)
        used = {r.step for r in records if r.step is not None}
        if clock is not None:
            used |= {i for i, t in clock.steps.items() if t.start is not None}
        beyond = sorted(i for i in used if i >= steps)
        if beyond:
            problems.append(
                f"session {number}: the agenda is shortened to {_count(steps, 'step')} but step "
                f"{beyond[-1] + 1} has records or timing; keep at least {beyond[-1] + 1} steps")
    return problems


def kept_themes(data: WorkshopData, new_plan: Plan) -> list[Theme]:
    """Plan themes that records use and the new plan drops: keep them as created themes."""
    used = {key for r in (*data.statements, *data.actions) for key in r.themes}
    created_keys = {t.key for t in data.themes} - {t.key for t in data.plan.themes}
    return [t for t in data.plan.themes
            if t.key in used and new_plan.theme(t.key) is None and t.key not in created_keys]
