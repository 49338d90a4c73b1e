"""Attendance: tick the seats present, and count persons of roles without a seat.

No printable key does anything here (a letter typed goes to the capture line):
Ctrl+T ticks or unticks the highlighted seat (a role: none or one person),
Ctrl+→/Ctrl+← add or remove a person (Ctrl+↑/↓ are the schedule's +5/-5). The panel only asks (`Toggle`); the live
session changes the attendance, saves it, tells what it did and can undo it.

Stored as the list of keys the capture syntax uses: a seat key once, a role
key once per person present without a seat. A seat that spoke this session
counts as present (facilitator.domain.attendance.present_seats) and shows so,
marked "(sprak)" when it was not ticked.
"""

from __future__ import annotations

from collections import Counter

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from facilitator.domain.plan import Plan
from facilitator.tui.i18n import tr
from facilitator.i18n import section
from facilitator.tui.keys import SeatKeys, bind

TEXT = section("tui.widgets.attendance")


class AttendancePanel(SeatKeys, DataTable):
    BINDINGS = [
        bind("ctrl+t", "toggle", "att.toggle"),
        bind("ctrl+right", "plus", "att.plus"),
        bind("ctrl+left", "minus", "att.minus"),
    ]
    SEAT_ACTIONS = {"notes": frozenset({"toggle", "plus", "minus"})}  # two seats: the note-taker's (keys.seat_check)

    class Toggle(Message):
        """Asked for: `delta` 0 ticks/unticks `key`, +1/-1 adds/removes a person."""

        def __init__(self, key: str, delta: int):
            super().__init__()
            self.key = key
            self.delta = delta

    def __init__(self, plan: Plan | None, lang: str, keys: list[str], **kwargs: object):
        super().__init__(cursor_type="row", **kwargs)  # type: ignore[arg-type]
        self.plan = plan
        self.lang = lang
        self.counts: Counter[str] = Counter(keys)
        self.spoken: set[str] = set()  # speaker keys of this session's statements
        from facilitator.tui.keys import localise

        localise(self, TEXT, lang)

    def on_mount(self) -> None:
        self.add_column(tr(TEXT, self.lang, "who"), key="who", width=8)
        self.add_column(tr(TEXT, self.lang, "role"), key="role")
        self.add_column(tr(TEXT, self.lang, "name"), key="name")
        if self.plan is not None:
            self._fill()

    def set_plan(self, plan: Plan, keys: list[str], spoken: set[str] | None = None) -> None:
        """The plan arrives after the first frame (the store opens in the background)."""
        self.plan = plan
        self.counts = Counter(keys)
        self.spoken = set(spoken or ())
        if self.is_mounted:
            self._fill()

    def add_spoken(self, speaker: str | None) -> None:
        """A statement of `speaker` was recorded: a seat that spoke shows as present."""
        if speaker is None or speaker in self.spoken:
            return
        self.spoken.add(speaker)
        if self.plan is not None and self.is_mounted and self._is_seat(speaker) and speaker in self.rows:
            self._update(speaker)

    def _spoke_only(self, key: str) -> bool:
        """A seat not ticked that counts as present because it spoke."""
        if self.counts.get(key) or key not in self.spoken or not self._is_seat(key):
            return False
        from facilitator.domain.attendance import present_seats

        return key in present_seats([], [key], self.plan.speaker_roles())

    def _label(self, key: str) -> Text:
        p = self.plan.participant(key)
        if p is not None:
            role = self.plan.role(p.role)
            label = Text(p.key + " ")
            if self._spoke_only(key):  # next to the key: the side panel is narrow
                label.append(tr(TEXT, self.lang, "spoke") + " ", style="italic")
            label.append(role.label if role else p.role)
            return label
        r = self.plan.role(key)
        return Text(f"{key} {r.plural_label if r else ''}")

    def _update(self, key: str) -> None:
        self.update_cell(key, "who", self._mark(key))
        if self._is_seat(key):
            self.update_cell(key, "role", self._label(key))

    def _fill(self) -> None:
        assert self.plan is not None
        for p in self.plan.participants:
            self.add_row(self._mark(p.key), self._label(p.key), Text(p.name or ""), key=p.key)
        for r in self.plan.roles:
            self.add_row(self._mark(r.key), Text(f"{r.key} {r.plural_label}"), Text(""), key=r.key)

    def _is_seat(self, key: str) -> bool:
        return self.plan.participant(key) is not None

    def _mark(self, key: str) -> Text:
        n = self.counts.get(key, 0)
        if self._is_seat(key):
            if not n and self._spoke_only(key):
                return Text("[x]", style="italic")
            return Text("[x]" if n else "[ ]", style="bold" if n else "dim")
        return Text(f"{n}×" if n else "-", style="bold" if n else "dim")

    def keys(self) -> list[str]:
        out: list[str] = [p.key for p in self.plan.participants if self.counts.get(p.key)]
        for r in self.plan.roles:
            out += [r.key] * self.counts.get(r.key, 0)
        known = {p.key for p in self.plan.participants} | {r.key for r in self.plan.roles}
        for key, n in self.counts.items():  # keys no longer in the plan are kept
            if key not in known:
                out += [key] * n
        return out

    def set_keys(self, keys: list[str]) -> None:
        self.counts = Counter(keys)
        for key in list(self.rows):
            self._update(key.value or "")

    def _current(self) -> str | None:
        if self.row_count == 0:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def action_toggle(self) -> None:
        key = self._current()
        if key is not None:
            self.post_message(self.Toggle(key, 0))

    def action_plus(self) -> None:
        key = self._current()
        if key is not None:
            self.post_message(self.Toggle(key, 1))

    def action_minus(self) -> None:
        key = self._current()
        if key is not None:
            self.post_message(self.Toggle(key, -1))
