"""Who was present at a session, and how many persons per role.

Pure. A declaration is a list of keys (`aanwezig: wt1 wt2 jw jw`): a
participant key is a seat (one known person), a role key is one person of that
role without a seat, repeated once per person. `speakers` maps every typed key
to its role key (`Plan.speaker_roles()`); a role key maps to itself.

Decisions:

- A later `aanwezig:` line ADDS to the declaration (`merge_declaration`): seats
  are a set (union); per role key the number of persons is the MAX of the old
  and the new declaration, so restating `aanwezig: jw jw` does not count four.
  The attendance panel of the TUI replaces the declaration instead
  (`toggle_seat`, `set_role_persons`).
- A declaration is kept in canonical order: seats in the mapping's order (the
  plan's order), then keys no longer in the plan (sorted; kept, never dropped),
  then role keys in the mapping's order, each repeated once per person.
- The session's attendance (`attendance_counts`) is what was declared plus
  every seat that spoke: persons per role = seats of that role declared or that
  spoke (each seat once) + persons declared by role key; a role that spoke only
  through its role key counts at least one person. Unknown speakers (None) do
  not count; neither do keys not in the plan.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Mapping, Sequence


def is_role_key(key: str, speakers: Mapping[str, str]) -> bool:
    """A role key maps to itself; a participant (seat) key maps to its role."""
    return speakers.get(key) == key


def _split(keys: Iterable[str], speakers: Mapping[str, str]) -> tuple[set[str], Counter[str]]:
    seats: set[str] = set()
    roles: Counter[str] = Counter()
    for k in keys:
        if is_role_key(k, speakers):
            roles[k] += 1
        else:
            seats.add(k)
    return seats, roles


def _canonical(seats: set[str], roles: Mapping[str, int], speakers: Mapping[str, str]) -> list[str]:
    out = [k for k in speakers if k in seats and not is_role_key(k, speakers)]
    out += sorted(k for k in seats if k not in speakers)
    for k in speakers:
        if is_role_key(k, speakers):
            out += [k] * roles.get(k, 0)
    return out


def canonical(declared: Iterable[str], speakers: Mapping[str, str]) -> list[str]:
    """The declaration in canonical order, each seat once, role keys repeated per person."""
    seats, roles = _split(declared, speakers)
    return _canonical(seats, roles, speakers)


def merge_declaration(old: Sequence[str], new: Sequence[str], speakers: Mapping[str, str]) -> list[str]:
    """The declaration after a further `aanwezig:` line: seats united, persons per role the maximum."""
    old_seats, old_roles = _split(old, speakers)
    new_seats, new_roles = _split(new, speakers)
    roles = {r: max(old_roles[r], new_roles[r]) for r in old_roles.keys() | new_roles.keys()}
    return _canonical(old_seats | new_seats, roles, speakers)


def toggle_seat(declared: Sequence[str], seat: str, speakers: Mapping[str, str]) -> list[str]:
    """Tick a seat on (declared present) or off (no longer declared)."""
    seats, roles = _split(declared, speakers)
    seats ^= {seat}
    return _canonical(seats, roles, speakers)


def role_persons(declared: Sequence[str], role: str) -> int:
    """Persons declared by the role key alone (without a seat)."""
    return sum(1 for k in declared if k == role)


def set_role_persons(declared: Sequence[str], role: str, count: int, speakers: Mapping[str, str]) -> list[str]:
    """Set the number of persons declared by role key (the +/- of the attendance panel); never below 0."""
    if not is_role_key(role, speakers):
        raise ValueError(f"{role!r} is not a role key")
    seats, roles = _split(declared, speakers)
    roles[role] = max(0, count)
    return _canonical(seats, roles, speakers)


def present_seats(declared: Sequence[str], spoken: Iterable[str | None], speakers: Mapping[str, str]) -> list[str]:
    """Seats present: declared or spoken, each once, in the plan's order."""
    seats, _ = _split(declared, speakers)
    seats &= speakers.keys()
    seats |= {k for k in spoken if k is not None and k in speakers and not is_role_key(k, speakers)}
    return [k for k in speakers if k in seats]


def attendance_counts(
    declared: Sequence[str],
    spoken: Iterable[str | None],
    speakers: Mapping[str, str],
    role_order: Sequence[str],
) -> dict[str, int]:
    """Persons per role key, in `role_order` (roles not in it after, in the plan's order); zero roles omitted."""
    spoken_keys = set(spoken)
    counts: Counter[str] = Counter()
    for seat in present_seats(declared, spoken_keys, speakers):
        counts[speakers[seat]] += 1
    for k in declared:
        if is_role_key(k, speakers):
            counts[k] += 1
    for k in spoken_keys:
        if k is not None and is_role_key(k, speakers) and counts[k] == 0:
            counts[k] = 1
    order = list(dict.fromkeys([*role_order, *speakers.values()]))
    return {r: counts[r] for r in order if counts[r] > 0}
