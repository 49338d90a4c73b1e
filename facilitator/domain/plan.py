"""The plan of a workshop series (../shared/spec/plan-format.md).

Pure: `parse_plan` takes the TOML text, never a path, and every error it raises
is a `PlanError` whose lines read `FILE: place: message`.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from facilitator.domain.codes import session_code

ROLE_KEY = r"^[a-z][a-z0-9]*$"
THEME_KEY = r"^[a-z][a-z0-9-]*$"
SLUG = r"^[a-z0-9-]+$"


class PlanError(ValueError):
    """A plan that cannot be used. `lines` are one-line messages a person can act on."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        super().__init__("\n".join(lines))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


NonEmpty = Annotated[str, Field(min_length=1)]


class Workshop(_Model):
    title: NonEmpty
    slug: Annotated[str, Field(pattern=SLUG)] | None = None
    subtitle: str | None = None
    code_prefix: str = "OWP"
    language: Literal["nl", "en"] = "nl"
    organisation: str | None = None
    location: str | None = None
    commissioners: list[str] = []
    facilitator: str | None = None
    researcher: str | None = None
    introduction: str | None = None


class Role(_Model):
    key: Annotated[str, Field(pattern=ROLE_KEY)]
    label: NonEmpty
    plural: NonEmpty | None = None
    organisation: str | None = None

    @property
    def plural_label(self) -> str:
        return self.plural or self.label + "s"


class Participant(_Model):
    key: Annotated[str, Field(pattern=ROLE_KEY)]
    role: str
    name: str | None = None


class Theme(_Model):
    key: Annotated[str, Field(pattern=THEME_KEY)]
    label: NonEmpty
    description: str | None = None


class AgendaStep(_Model):
    title: NonEmpty
    minutes: Annotated[int, Field(ge=1, le=600)]
    prompt: str | None = None
    method: str | None = None


class Session(_Model):
    number: Annotated[int, Field(ge=1)]
    date: dt.date
    start: dt.time | None = None
    title: str | None = None
    location: str | None = None
    kind: Literal["bijeenkomst", "evaluatie"] = "bijeenkomst"
    code: NonEmpty | None = None
    agenda: Annotated[list[AgendaStep], Field(min_length=1)]

    @field_validator("date", mode="wrap")
    @classmethod
    def _plain_date(cls, value: Any, handler: Any) -> dt.date:
        # A TOML datetime is a date subclass: reject it, a session has a day.
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise ValueError("expected a TOML date such as 2026-03-03 (no quotes, no time)")
        return handler(value)

    @field_validator("start", mode="wrap")
    @classmethod
    def _local_time(cls, value: Any, handler: Any) -> dt.time | None:
        if value is not None and (not isinstance(value, dt.time) or value.tzinfo is not None):
            raise ValueError("expected a TOML local time such as 13:30:00 (no quotes)")
        return handler(value)


class Plan(_Model):
    workshop: Workshop
    roles: Annotated[list[Role], Field(min_length=1)]
    participants: list[Participant] = []
    themes: list[Theme] = []
    sessions: Annotated[list[Session], Field(min_length=1)]

    @model_validator(mode="after")
    def _cross_checks(self) -> Plan:
        errors: list[tuple[str, str]] = []
        seen: dict[str, str] = {}
        for i, role in enumerate(self.roles):
            if role.key in seen:
                errors.append((f"roles[{i}].key", f"duplicate key {role.key!r} (also {seen[role.key]})"))
            seen.setdefault(role.key, f"roles[{i}]")
        role_keys = {r.key for r in self.roles}
        for i, p in enumerate(self.participants):
            if p.key in seen:
                errors.append((f"participants[{i}].key", f"duplicate key {p.key!r} (also {seen[p.key]})"))
            seen.setdefault(p.key, f"participants[{i}]")
            if p.role not in role_keys:
                errors.append(
                    (f"participants[{i}].role", f"unknown role {p.role!r}; known roles: {', '.join(sorted(role_keys))}")
                )
        theme_seen: dict[str, int] = {}
        for i, t in enumerate(self.themes):
            if t.key in theme_seen:
                errors.append((f"themes[{i}].key", f"duplicate theme key {t.key!r} (also themes[{theme_seen[t.key]}])"))
            theme_seen.setdefault(t.key, i)
        numbers: dict[int, int] = {}
        codes: dict[str, int] = {}
        for i, s in enumerate(self.sessions):
            if s.number in numbers:
                errors.append((f"sessions[{i}].number", f"duplicate session number {s.number} (also sessions[{numbers[s.number]}])"))
            numbers.setdefault(s.number, i)
            code = self.code_of(s)
            if code in codes:
                errors.append((f"sessions[{i}].code", f"session code {code!r} is also the code of sessions[{codes[code]}]"))
            codes.setdefault(code, i)
        if errors:
            raise ValueError(_CrossErrors(errors))
        return self

    # -- lookups -------------------------------------------------------------

    @property
    def slug(self) -> str | None:
        return self.workshop.slug

    def role(self, key: str) -> Role | None:
        for r in self.roles:
            if r.key == key:
                return r
        return None

    def participant(self, key: str) -> Participant | None:
        for p in self.participants:
            if p.key == key:
                return p
        return None

    def role_of(self, speaker: str | None) -> Role | None:
        """The role a speaker key (role or participant key) speaks in; None if unknown."""
        if speaker is None:
            return None
        role = self.role(speaker)
        if role is not None:
            return role
        p = self.participant(speaker)
        return self.role(p.role) if p else None

    def speaker_roles(self) -> dict[str, str]:
        """Every key the note-taker can type as a speaker, mapped to its role key."""
        keys = {r.key: r.key for r in self.roles}
        keys.update({p.key: p.role for p in self.participants})
        return keys

    def theme(self, key: str) -> Theme | None:
        for t in self.themes:
            if t.key == key:
                return t
        return None

    def session(self, number: int) -> Session | None:
        for s in self.sessions:
            if s.number == number:
                return s
        return None

    def code_of(self, session: Session) -> str:
        return session.code or session_code(self.workshop.code_prefix, session.number, session.date)

    def names(self) -> dict[str, str]:
        """Participant key -> local name, for the seats that have one. Never exported."""
        return {p.key: p.name for p in self.participants if p.name}


class _CrossErrors(list):
    """Carries (place, message) pairs through pydantic's ValueError wrapping."""


def _place(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


_TYPE_WORDS = {
    "string_type": "expected a string",
    "int_type": "expected an integer",
    "list_type": "expected a list",
    "bool_type": "expected true or false",
    "model_type": "expected a table",
    "dict_type": "expected a table",
}


def _message(err: dict[str, Any]) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return "unknown key (not in the plan format; check the spelling)"
    if kind == "missing":
        return "required key is missing"
    if kind in _TYPE_WORDS:
        return f"{_TYPE_WORDS[kind]}, got {_describe(err.get('input'))}"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"must be one of {expected}, got {_describe(err.get('input'))}"
    if kind == "string_pattern_mismatch":
        pattern = err.get("ctx", {}).get("pattern", "")
        hint = {ROLE_KEY: "lower-case letters and digits, starting with a letter",
                THEME_KEY: "lower-case letters, digits and '-', starting with a letter",
                SLUG: "lower-case letters, digits and '-'"}.get(pattern, pattern)
        return f"invalid value {_describe(err.get('input'))}: use {hint}"
    msg = str(err.get("msg", "invalid value"))
    return msg.removeprefix("Value error, ")


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {shown!r}"
    if isinstance(value, dt.datetime):
        return "a date-time"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, dt.time):
        return "a time"
    return type(value).__name__ if not isinstance(value, (int, float)) else f"{value!r}"


def parse_plan(text: str, filename: str = "plan.toml", default_slug: str | None = None) -> Plan:
    """Parse and validate a plan. Raises PlanError with `FILE: place: message` lines."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlanError([f"{filename}: TOML syntax: {_one_line(str(exc))}"]) from None
    return plan_from_data(data, filename, default_slug)


def plan_from_data(data: dict[str, Any], filename: str = "plan.toml", default_slug: str | None = None) -> Plan:
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        lines: list[str] = []
        for err in exc.errors():
            ctx_error = err.get("ctx", {}).get("error")
            cross = getattr(ctx_error, "args", (None,))[:1]
            if cross and isinstance(cross[0], _CrossErrors):
                lines.extend(f"{filename}: {place}: {msg}" for place, msg in cross[0])
                continue
            lines.append(f"{filename}: {_place(err['loc'])}: {_message(err)}")
        raise PlanError(_dedupe(lines)) from None
    if plan.workshop.slug is None:
        slug = default_slug or ""
        if not re.fullmatch(SLUG, slug):
            raise PlanError([f"{filename}: workshop.slug: no slug given and the file name {slug!r} "
                             "is not one (use lower-case letters, digits and '-')"])
        plan = plan.model_copy(update={"workshop": plan.workshop.model_copy(update={"slug": slug})})
    return plan


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _dedupe(lines: list[str]) -> list[str]:
    return list(dict.fromkeys(lines))
