"""The plan of a workshop series (docs/plan-format.md).

Pure: `parse_plan` takes the TOML text, never a path, and every error it raises
is a `PlanError` whose lines read `FILE: place: message`, in `lang` (the messages
are `plan.*` in facilitator/messages.toml; English by default, as tests and logs read).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from facilitator.domain.codes import session_code
from facilitator.i18n import Message

ROLE_KEY = r"^[a-z][a-z0-9]*$"
RESERVED_KEYS = frozenset({"actie", "action", "aanwezig", "present"})  # capture-syntax keywords
THEME_KEY = r"^[a-z][a-z0-9-]*$"
SLUG = r"^[a-z0-9][a-z0-9-]*$"  # not starting with "-": a slug must never read as an option
# Session codes name the minutes' files: only characters every file system takes.
CODE = r"^[A-Za-z0-9-]+$"
CODE_PREFIX = r"^[A-Za-z0-9-]*$"


class PlanError(ValueError):
    """A plan that cannot be used. `lines` are one-line messages a person can act on."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        super().__init__("\n".join(lines))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError(Message("plan.not_empty"))
    return value


NonEmpty = Annotated[str, AfterValidator(_not_blank)]


class Workshop(_Model):
    title: NonEmpty
    slug: Annotated[str, Field(pattern=SLUG)] | None = None
    subtitle: str | None = None
    code_prefix: Annotated[str, Field(pattern=CODE_PREFIX)] = "OWP"
    language: Literal["nl", "en"] = "nl"
    organisation: str | None = None
    location: str | None = None
    commissioners: list[str] = []
    facilitator: str | None = None
    researcher: str | None = None
    introduction: str | None = None
    # When the countdown warns: minutes left ("2 min") or percent of a step's time left ("20%").
    warn: str | None = None

    @field_validator("warn")
    @classmethod
    def _threshold(cls, value: str | None) -> str | None:
        if value is not None:
            from facilitator.domain.schedule import parse_threshold

            parse_threshold(value)
        return value


class Role(_Model):
    key: Annotated[str, Field(pattern=ROLE_KEY)]
    label: NonEmpty
    plural: NonEmpty | None = None
    organisation: str | None = None
    # A role that stands for a group speaking together ("de bewoners"): quoted as
    # "de {plural}", never counted as persons.
    group: bool = False

    @property
    def plural_label(self) -> str:
        return self.plural or self.label + "s"


# The built-in group speaker: `allen:` / `all:` in a capture line, "de deelnemers" /
# "the participants" in the exports. A plan key of the same name wins.
GROUP_SPEAKERS = ("allen", "all")


def is_group_speaker(speaker: str | None, plan: "Plan") -> bool:
    """The built-in group speaker or a speaker of a role marked `group = true`."""
    if speaker is None:
        return False
    role = plan.role_of(speaker)
    return role.group if role is not None else speaker in GROUP_SPEAKERS


class Participant(_Model):
    key: Annotated[str, Field(pattern=ROLE_KEY)]
    role: str
    name: str | None = None
    # Nicknames and other forms people use for this participant ("Fatje", "Mo"):
    # replaced in every export like the name itself (docs/privacy.md).
    aliases: list[NonEmpty] = []


class Theme(_Model):
    key: Annotated[str, Field(pattern=THEME_KEY)]
    label: NonEmpty
    description: str | None = None
    group: str | None = None  # key of a [[theme_groups]] entry (docs/qda.md)


class ThemeGroup(_Model):
    """A parent of themes: not tagged itself, it groups themes in the codebook."""

    key: Annotated[str, Field(pattern=THEME_KEY)]
    label: NonEmpty
    description: str | None = None


class FrameworkElement(_Model):
    """One element (or stage of a cycle) of an analysis framework: a code like a theme,
    tagged `#FRAMEWORK.ELEMENT` on the capture line (docs/qda.md)."""

    key: Annotated[str, Field(pattern=THEME_KEY)]
    label: NonEmpty
    definition: NonEmpty
    question: str | None = None
    actors: list[str] = []  # role keys carrying this stage (cycles only)


class Framework(_Model):
    """A named analysis framework (`[[frameworks]]`): ordered elements, or the stages of a cycle."""

    key: Annotated[str, Field(pattern=THEME_KEY)]
    title: NonEmpty
    citation: str | None = None
    kind: Literal["elements", "cycle"] = "elements"
    elements: Annotated[list[FrameworkElement], Field(min_length=1)]

    def element(self, key: str) -> FrameworkElement | None:
        for e in self.elements:
            if e.key == key:
                return e
        return None


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
    code: Annotated[str, Field(pattern=CODE)] | None = None
    agenda: Annotated[list[AgendaStep], Field(min_length=1)]

    @field_validator("date", mode="wrap")
    @classmethod
    def _plain_date(cls, value: Any, handler: Any) -> dt.date:
        # A TOML datetime is a date subclass: reject it, a session has a day.
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise ValueError(Message("plan.expected_date", got=_describe(value)))
        return handler(value)

    @field_validator("start", mode="wrap")
    @classmethod
    def _local_time(cls, value: Any, handler: Any) -> dt.time | None:
        if value is not None and (not isinstance(value, dt.time) or value.tzinfo is not None):
            raise ValueError(Message("plan.expected_time", got=_describe(value)))
        return handler(value)


class Plan(_Model):
    workshop: Workshop
    roles: Annotated[list[Role], Field(min_length=1)]
    participants: list[Participant] = []
    themes: list[Theme] = []
    theme_groups: list[ThemeGroup] = []
    frameworks: list[Framework] = []
    sessions: Annotated[list[Session], Field(min_length=1)]

    @model_validator(mode="after")
    def _cross_checks(self) -> Plan:
        errors = cross_check(self.model_dump())
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

    def speaker_label(self, speaker: str | None, unknown: str, group: str) -> str:
        """How a speaker is shown on screen: the role's label (a group role's plural),
        `group` for the built-in group speaker (`allen:`), `unknown` for no known speaker.
        Never a participant's name."""
        role = self.role_of(speaker)
        if role is not None:
            return role.plural_label if role.group else role.label
        return group if speaker in GROUP_SPEAKERS else unknown

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

    def theme_group(self, key: str) -> ThemeGroup | None:
        for g in self.theme_groups:
            if g.key == key:
                return g
        return None

    def framework(self, key: str) -> Framework | None:
        for f in self.frameworks:
            if f.key == key:
                return f
        return None

    def element_refs(self) -> list[str]:
        """Every `FRAMEWORK.ELEMENT` reference, frameworks and elements in plan order."""
        return [f"{f.key}.{e.key}" for f in self.frameworks for e in f.elements]

    def element(self, ref: str) -> tuple[Framework, FrameworkElement] | None:
        """The framework and element of a `FRAMEWORK.ELEMENT` reference."""
        fw_key, _, el_key = ref.partition(".")
        fw = self.framework(fw_key)
        el = fw.element(el_key) if fw else None
        return (fw, el) if fw and el else None

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


def cross_check(data: Any) -> list[tuple[str, Message]]:
    """Checks across entries (unique keys, known roles, unique session numbers
    and codes) on plain plan data. Tolerates malformed data, so it can run even
    when field validation failed, and reports what it can."""
    errors: list[tuple[str, Message]] = []
    if not isinstance(data, dict):
        return errors

    def entries(name: str) -> list[tuple[int, dict[str, Any]]]:
        items = data.get(name)
        return [(i, e) for i, e in enumerate(items) if isinstance(e, dict)] if isinstance(items, list) else []

    seen: dict[str, str] = {}
    role_keys: set[str] = set()
    for kind in ("roles", "participants"):
        for i, entry in entries(kind):
            key = entry.get("key")
            if isinstance(key, str) and key.lower() in RESERVED_KEYS:
                errors.append((f"{kind}[{i}].key", Message("plan.reserved_key", key=repr(key))))
    for i, role in entries("roles"):
        key = role.get("key")
        if not isinstance(key, str):
            continue
        role_keys.add(key)
        if key in seen:
            errors.append((f"roles[{i}].key", Message("plan.duplicate_key", key=repr(key), other=seen[key])))
        seen.setdefault(key, f"roles[{i}]")
    for i, p in entries("participants"):
        key, role = p.get("key"), p.get("role")
        if isinstance(key, str):
            if key in seen:
                errors.append((f"participants[{i}].key", Message("plan.duplicate_key", key=repr(key), other=seen[key])))
            seen.setdefault(key, f"participants[{i}]")
        if isinstance(role, str) and role_keys and role not in role_keys:
            errors.append((f"participants[{i}].role",
                           Message("plan.unknown_role", role=repr(role), known=", ".join(sorted(role_keys)))))
    theme_seen: dict[str, int] = {}
    for i, t in entries("themes"):
        key = t.get("key")
        if isinstance(key, str):
            if key in theme_seen:
                errors.append((f"themes[{i}].key", Message("plan.duplicate_theme", key=repr(key), other=theme_seen[key])))
            theme_seen.setdefault(key, i)
    errors.extend(_framework_checks(entries, role_keys, set(theme_seen)))
    workshop = data.get("workshop") if isinstance(data.get("workshop"), dict) else {}
    prefix = workshop.get("code_prefix", "OWP")
    numbers: dict[int, int] = {}
    codes: dict[str, int] = {}
    seen_codes: set[str] = set()
    for i, s in entries("sessions"):
        number, date, code = s.get("number"), s.get("date"), s.get("code")
        if isinstance(number, int) and not isinstance(number, bool):
            if number in numbers:
                errors.append((f"sessions[{i}].number",
                               Message("plan.duplicate_session", number=number, other=numbers[number])))
            numbers.setdefault(number, i)
            if code is None and isinstance(prefix, str) and type(date) is dt.date:
                code = session_code(prefix, number, date)
        if isinstance(code, str):
            # Codes name the minutes' files: on a case-insensitive file system (macOS,
            # Windows) two codes that differ only in letter case are one file.
            folded = code.casefold()
            if folded in codes:
                case = "" if code in seen_codes else Message("plan.code_case")
                errors.append((f"sessions[{i}].code",
                               Message("plan.duplicate_code", code=repr(code), other=codes[folded], case=case)))
            codes.setdefault(folded, i)
            seen_codes.add(code)
    errors.extend(_names_in_identifiers(data, workshop, entries))
    return errors


def _framework_checks(entries: Any, role_keys: set[str], theme_keys: set[str]) -> list[tuple[str, Message]]:
    """Theme groups and frameworks: unique keys, known groups and actors."""
    errors: list[tuple[str, Message]] = []
    groups: dict[str, int] = {}
    for i, g in entries("theme_groups"):
        key = g.get("key")
        if isinstance(key, str):
            if key in groups:
                errors.append((f"theme_groups[{i}].key", Message("plan.duplicate_group", key=repr(key), other=groups[key])))
            elif key in theme_keys:
                errors.append((f"theme_groups[{i}].key", Message("plan.group_is_theme", key=repr(key))))
            groups.setdefault(key, i)
    for i, t in entries("themes"):
        group = t.get("group")
        if isinstance(group, str) and group not in groups:
            known = ", ".join(groups) or Message("plan.no_groups")
            errors.append((f"themes[{i}].group", Message("plan.unknown_group", group=repr(group), known=known)))
    frameworks: dict[str, int] = {}
    for i, f in entries("frameworks"):
        key = f.get("key")
        if isinstance(key, str):
            if key in frameworks:
                errors.append((f"frameworks[{i}].key",
                               Message("plan.duplicate_framework", key=repr(key), other=frameworks[key])))
            frameworks.setdefault(key, i)
        elements = f.get("elements")
        seen: dict[str, int] = {}
        for j, e in enumerate(elements if isinstance(elements, list) else []):
            if not isinstance(e, dict):
                continue
            place = f"frameworks[{i}].elements[{j}]"
            ekey = e.get("key")
            if isinstance(ekey, str):
                if ekey in seen:
                    errors.append((f"{place}.key", Message("plan.duplicate_element", key=repr(ekey), other=seen[ekey])))
                seen.setdefault(ekey, j)
            actors = e.get("actors")
            if isinstance(actors, list) and actors:
                if f.get("kind", "elements") != "cycle":
                    errors.append((f"{place}.actors", Message("plan.actors_only_cycle")))
                unknown = [a for a in actors if isinstance(a, str) and role_keys and a not in role_keys]
                if unknown:
                    errors.append((f"{place}.actors", Message("plan.unknown_role", role=repr(unknown[0]),
                                                              known=", ".join(sorted(role_keys)))))
    return errors


def _names_in_identifiers(data: dict[str, Any], workshop: dict[str, Any], entries: Any,
                          derived_slug: str | None = None) -> list[tuple[str, Message]]:
    """The slug and the session codes name the exported files and are cited after
    every quote: any form of a participant's name there (docs/privacy.md) would
    leave the machine. A slug taken from the file name is checked like one
    written in the plan."""
    from facilitator.domain.privacy import NameIndex

    people: list[tuple[str, str]] = []
    for i, p in entries("participants"):
        for name in [p.get("name")] + (p.get("aliases") if isinstance(p.get("aliases"), list) else []):
            if isinstance(name, str) and name.strip():
                people.append((str(i), name))
    if not people:
        return []
    index = NameIndex(people)
    places = [("workshop.slug", workshop.get("slug") if derived_slug is None else derived_slug),
              ("workshop.code_prefix", workshop.get("code_prefix"))]
    places += [(f"sessions[{i}].code", s.get("code")) for i, s in entries("sessions")]
    errors = []
    for place, value in places:
        if not isinstance(value, str):
            continue
        # Split camel case too ("OWPRuben" names Ruben): a capital after a small letter starts a word.
        spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", value)
        for i in dict.fromkeys(k for m in index.find(spaced) for k in m.keys):
            errors.append((place, Message("plan.name_in_identifier", i=i)))
    return errors


def _place(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


_TYPE_WORDS = {
    "string_type": "plan.expected_string",
    "int_type": "plan.expected_int",
    "list_type": "plan.expected_list",
    "bool_type": "plan.expected_bool",
    "model_type": "plan.expected_table",
    "dict_type": "plan.expected_table",
}

# What a person should add when a required key is missing, by key name.
_MISSING = {
    "workshop": "plan.missing_workshop",
    "roles": "plan.missing_roles",
    "sessions": "plan.missing_sessions",
    "agenda": "plan.missing_agenda",
    "elements": "plan.missing_elements",
}

_RANGES = {"minutes": (1, 600)}

_KEY_HINTS = {ROLE_KEY: "plan.hint_role_key", THEME_KEY: "plan.hint_theme_key", SLUG: "plan.hint_slug",
              CODE: "plan.hint_code", CODE_PREFIX: "plan.hint_code_prefix"}


def _message(err: dict[str, Any]) -> Message | str:
    kind = err["type"]
    name = err["loc"][-1] if err["loc"] else ""
    got = _describe(err.get("input"))
    ctx = err.get("ctx", {})
    if kind == "extra_forbidden":
        return Message("plan.unknown_key")
    if kind == "missing":
        return Message(_MISSING.get(str(name), "plan.required"))
    if kind in _TYPE_WORDS:
        return Message("plan.wrong_type", expected=Message(_TYPE_WORDS[kind]), got=got)
    if kind == "literal_error":
        return Message("plan.one_of", expected=ctx.get("expected", ""), got=got)
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        hint = Message(_KEY_HINTS[pattern]) if pattern in _KEY_HINTS else pattern
        return Message("plan.invalid_value", value=repr(err.get("input")), hint=hint)
    if kind in ("greater_than_equal", "less_than_equal"):
        if name in _RANGES:
            low, high = _RANGES[str(name)]
            return Message("plan.between", low=low, high=high, got=got)
        if kind == "greater_than_equal":
            return Message("plan.at_least", n=ctx.get("ge"), got=got)
        return Message("plan.at_most", n=ctx.get("le"), got=got)
    if kind == "too_short":
        return Message(_MISSING.get(str(name), "plan.at_least_one"))
    if kind == "string_too_short":
        return Message("plan.not_empty")
    raised = getattr(ctx.get("error"), "args", (None,))[:1]
    if raised and isinstance(raised[0], Message):  # a validator of ours
        return raised[0]
    msg = str(err.get("msg", "invalid value"))
    return msg.removeprefix("Value error, ")


def _describe(value: Any) -> Message | str:
    if isinstance(value, dict):
        return Message("plan.got_table")
    if isinstance(value, list):
        return Message("plan.got_list")
    if isinstance(value, bool):
        return Message("plan.got_bool")
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return Message("plan.got_string", value=repr(shown))
    if isinstance(value, dt.datetime):
        return Message("plan.got_datetime")
    if isinstance(value, dt.date):
        return Message("plan.got_date")
    if isinstance(value, dt.time):
        return Message("plan.got_time")
    return type(value).__name__ if not isinstance(value, (int, float)) else f"{value!r}"


_TOML_WORDS = (
    ("Cannot overwrite a value", "plan.toml_key_twice"),
    ("Cannot declare", "plan.toml_table_twice"),
    ("Illegal character '\\n'", "plan.toml_line_end"),
    ("Invalid date or datetime", "plan.toml_date"),
    ("Invalid value", "plan.toml_value"),
)


def _toml_error(filename: str, exc: tomllib.TOMLDecodeError, lang: str) -> str:
    text = _one_line(str(exc))
    match = re.fullmatch(r"(.*) \(at (line \d+, column \d+|end of document)\)", text)
    message: Message | str
    message, where = (match.group(1), match.group(2)) if match else (text, None)
    for prefix, words in _TOML_WORDS:
        if message.startswith(prefix):
            message = Message(words)
            break
    return f"{filename}: {Message('plan.toml_syntax', where=where or 'TOML', message=message).render(lang)}"


def _entries_of(data: Any) -> Any:
    def entries(name: str) -> list[tuple[int, dict[str, Any]]]:
        items = data.get(name) if isinstance(data, dict) else None
        return [(i, e) for i, e in enumerate(items) if isinstance(e, dict)] if isinstance(items, list) else []
    return entries


# A plan nests tables and arrays a few levels deep and its keys have a few dotted
# parts. Far beyond that, tomllib recurses until it fails or takes quadratic time
# (100,000 levels, or a header of 100,000 dotted parts): refuse such text first.
MAX_NESTING = 32
MAX_DOTTED_PARTS = 32
_STRING_OR_COMMENT = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'[^\'\n]*\'|#[^\n]*')


def _too_deep(text: str) -> Message | None:
    """Why `text` is refused before parsing, or None. Linear in its length."""
    bare = _STRING_OR_COMMENT.sub('""', text)
    depth = deepest = 0
    line = 1
    for number, row in enumerate(bare.split("\n"), 1):
        for c in row:
            if c in "[{":
                depth += 1
                if depth > deepest:
                    deepest, line = depth, number
            elif c in "]}":
                depth = max(0, depth - 1)
        if deepest > MAX_NESTING:
            return Message("plan.too_deep", line=line, n=MAX_NESTING)
        key = row.split("=", 1)[0] if "=" in row else row
        if key.count(".") >= MAX_DOTTED_PARTS:
            return Message("plan.too_many_parts", line=number, n=MAX_DOTTED_PARTS)
    return None


def parse_plan(text: str, filename: str = "plan.toml", default_slug: str | None = None, lang: str = "en") -> Plan:
    """Parse and validate a plan. Raises PlanError with `FILE: place: message` lines in `lang`."""
    refused = _too_deep(text)
    if refused:
        raise PlanError([f"{filename}: {Message('plan.not_a_plan', why=refused).render(lang)}"])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlanError([_toml_error(filename, exc, lang)]) from None
    except RecursionError:
        raise PlanError([f"{filename}: {Message('plan.nested_too_deeply').render(lang)}"]) from None
    return plan_from_data(data, filename, default_slug, lang)


def plan_from_data(data: dict[str, Any], filename: str = "plan.toml", default_slug: str | None = None,
                   lang: str = "en") -> Plan:
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        raise PlanError(_dedupe(_error_lines(exc, data, filename, lang))) from None
    if plan.workshop.slug is None:
        slug = default_slug or ""
        if not re.fullmatch(SLUG, slug):
            raise PlanError([f"{filename}: workshop.slug: "
                             f"{Message('plan.slug_not_a_slug', slug=repr(slug)).render(lang)}"])
        named = [m for place, m in _names_in_identifiers(data, {}, _entries_of(data), derived_slug=slug)
                 if place == "workshop.slug"]
        if named:
            raise PlanError([f"{filename}: workshop.slug: "
                             f"{Message('plan.slug_named', slug=repr(slug), named=named[0]).render(lang)}"])
        plan = plan.model_copy(update={"workshop": plan.workshop.model_copy(update={"slug": slug})})
    return plan


def _error_lines(exc: ValidationError, data: Any, filename: str, lang: str = "en") -> list[str]:
    errors = exc.errors()
    cross_ran = False
    places: list[tuple[str, Message | str]] = []
    # A misspelt key shows up twice (unknown + missing): report it once, with a hint.
    missing = {(e["loc"][:-1], e["loc"][-1]) for e in errors if e["type"] == "missing" and e["loc"]}
    replaced: set[tuple[Any, Any]] = set()
    for err in errors:
        ctx_error = err.get("ctx", {}).get("error")
        cross = getattr(ctx_error, "args", (None,))[:1]
        if cross and isinstance(cross[0], _CrossErrors):
            places.extend(cross[0])
            cross_ran = True
            continue
        if err["type"] == "extra_forbidden" and err["loc"]:
            parent, name = err["loc"][:-1], str(err["loc"][-1])
            close = difflib.get_close_matches(name, [str(m) for p, m in missing if p == parent], n=1)
            if close:
                replaced.add((parent, close[0]))
                places.append((_place(err["loc"]), Message("plan.did_you_mean", name=repr(close[0]))))
                continue
        places.append((_place(err["loc"]), _message(err)))
    lines = [f"{filename}: {place}: {_render(msg, lang)}" for place, msg in places
             if not any(place == _place(p + (m,)) and str(msg).startswith(("required", "the [", "at least", "a session"))
                        for p, m in replaced)]
    if not cross_ran:
        lines.extend(f"{filename}: {place}: {msg.render(lang)}" for place, msg in cross_check(data))
    return lines


def _render(msg: Message | str, lang: str) -> str:
    return msg.render(lang) if isinstance(msg, Message) else msg


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _dedupe(lines: list[str]) -> list[str]:
    return list(dict.fromkeys(lines))
