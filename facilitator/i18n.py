"""One catalog of the interface's messages, in Dutch (the default) and English.

The messages live in `facilitator/messages.toml`, one table per message id, each with
an `nl` and an `en` text using the same `{placeholders}`:

    [capture.unknown_speaker]
    nl = "onbekende spreker {word}; bekende sleutels: {keys}"
    en = "unknown speaker {word}; known keys: {keys}"

Headless code (the capture parser, the CLI, the use cases) raises or returns a
`Message` (an id and its values) and the caller renders it in the user's language.
Standard library only, read once on first use, one top-level section at a time.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any, Mapping

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
CATALOG_FILE = Path(__file__).with_name("messages.toml")
_HEAD = re.compile(r'\[\s*"?([A-Za-z0-9_-]+)')


@cache
def _blocks() -> dict[str, str]:
    """The file's text cut per top-level section (`cli`, `capture`, `tui`...), in file order.
    A command line that prints one message parses its section only, not the whole file."""
    groups: dict[str, list[str]] = {}
    text = CATALOG_FILE.read_text(encoding="utf-8")
    for chunk in ("\n" + text).split("\n["):  # each chunk: one table, from its header on
        m = _HEAD.match("[" + chunk[:80])
        groups.setdefault(m.group(1) if m else "", []).append("[" + chunk if m else chunk)
    return {name: "\n".join(chunks) for name, chunks in groups.items()}


@cache
def _section_entries(name: str) -> Mapping[str, Mapping[str, str]]:
    """{message id: {language: text}} of one top-level section (empty when there is none)."""
    block = _blocks().get(name)
    return _walk(tomllib.loads(block)) if block else {}


def _walk(raw: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}

    def walk(prefix: str, table: Mapping[str, Any]) -> None:
        if any(isinstance(v, str) for v in table.values()):
            out[prefix] = {k: v for k, v in table.items() if isinstance(v, str)}
        for key, value in table.items():
            if isinstance(value, dict):
                walk(f"{prefix}.{key}" if prefix else key, value)

    walk("", raw)
    return out


@cache
def catalog() -> Mapping[str, Mapping[str, str]]:
    """{message id: {language: text}}, ids dotted as in the TOML file (every section)."""
    out: dict[str, Mapping[str, str]] = {}
    for name in _blocks():
        out.update(_section_entries(name))
    return out


def _entry(msg_id: str) -> Mapping[str, str]:
    return _section_entries(msg_id.split(".", 1)[0])[msg_id]


def text(msg_id: str, lang: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """The message `msg_id` in `lang` (Dutch when `lang` is unknown), formatted with `values`."""
    entry = _entry(msg_id)
    template = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return template.format(**values) if values else template


def section(prefix: str) -> dict[str, dict[str, str]]:
    """The messages under `prefix.` as a `{lang: {name: text}}` table (for the TUI's `tr`)."""
    out: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
    for msg_id, entry in catalog().items():
        if msg_id.startswith(prefix + "."):
            for lang in LANGUAGES:
                out[lang][msg_id[len(prefix) + 1:]] = entry[lang]
    return out


class _Rendered:
    """Text rendered when the language is known (`render(lang)`); `str()` gives the English
    (logs, tracebacks and tests read that). Equal when of one kind with the same `_key()`."""

    __slots__ = ()

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        raise NotImplementedError

    def _key(self) -> tuple[object, ...]:
        raise NotImplementedError

    def __str__(self) -> str:
        return self.render("en")

    def __repr__(self) -> str:
        return f"{type(self).__name__}{self._key()!r}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, type(self)) and self._key() == other._key()

    __hash__ = None  # type: ignore[assignment] - each kind says


class Message(_Rendered):
    """A message id with its values, rendered when the language is known.
    `str()` gives the English text (logs, tracebacks and tests read that)."""

    __slots__ = ("id", "values")

    def __init__(self, msg_id: str, /, **values: object):
        if msg_id not in _section_entries(msg_id.split(".", 1)[0]):
            raise KeyError(f"no message {msg_id!r} in facilitator/messages.toml")
        self.id = msg_id
        self.values = values

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return text(self.id, lang, **rendered(self.values, lang))

    def _key(self) -> tuple[object, ...]:
        return self.id, self.values

    def __hash__(self) -> int:
        return hash(self.id)


class Joined(_Rendered):
    """Parts (messages, notes, plain text) rendered one by one and joined by `sep`: a value
    of a `Message` made of a varying number of parts ("2 records skipped; a torn save")."""

    __slots__ = ("parts", "sep")

    def __init__(self, parts: list[object], sep: str = "; "):
        self.parts = list(parts)
        self.sep = sep

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return self.sep.join(in_language(part, lang) for part in self.parts)

    def _key(self) -> tuple[object, ...]:
        return self.parts, self.sep

    def __hash__(self) -> int:
        return hash(self.sep)


class Note(str):
    """A message that is also its English text: the store's recovery notes, which code, logs
    and tests handle as strings (`==`, `in`, `startswith`, `str.join`), and which are shown in
    the user's language where they are shown (`in_language(note, lang)`, `note.render(lang)`)."""

    message: "Message | Joined"

    def __new__(cls, message: "Message | Joined") -> "Note":
        note = super().__new__(cls, str(message))
        note.message = message
        return note

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return self.message.render(lang)


def rendered(values: Mapping[str, object], lang: str) -> dict[str, object]:
    """`values` with every message, note or joined parts among them rendered in `lang`
    (numbers and the rest left as they are, for the format specs of the template)."""
    return {k: (v.render(lang) if isinstance(v, (_Rendered, Note)) else v) for k, v in values.items()}


def message_of(exc: BaseException) -> "Message | str":
    """What an error says: the `Message` it was raised with (rendered later, in the user's
    language), else its English text (an OS error's own wording stays as the OS gives it)."""
    first = exc.args[0] if len(exc.args) == 1 else None
    if isinstance(first, Message):
        return first
    return str(exc) or type(exc).__name__


def in_language(value: object, lang: str = DEFAULT_LANGUAGE) -> str:
    """`value` in `lang`: a `Message`, an error raised with one, or anything else as it reads."""
    if isinstance(value, BaseException):
        value = message_of(value)
    return value.render(lang) if isinstance(value, (_Rendered, Note)) else str(value)
