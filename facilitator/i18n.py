"""One catalog of the interface's messages, in Dutch (the default) and English.

The messages live in `facilitator/messages.toml`, one table per message id, each with
an `nl` and an `en` text using the same `{placeholders}`:

    [capture.unknown_speaker]
    nl = "onbekende spreker {word}; bekende sleutels: {keys}"
    en = "unknown speaker {word}; known keys: {keys}"

Headless code (the capture parser, the CLI, the use cases) raises or returns a
`Message` (an id and its values) and the caller renders it in the user's language.
Standard library only, read once on first use.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any, Mapping

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"


@cache
def catalog() -> Mapping[str, Mapping[str, str]]:
    """{message id: {language: text}}, ids dotted as in the TOML file."""
    raw = tomllib.loads(resources.files("facilitator").joinpath("messages.toml").read_text(encoding="utf-8"))
    out: dict[str, dict[str, str]] = {}

    def walk(prefix: str, table: Mapping[str, Any]) -> None:
        if any(isinstance(v, str) for v in table.values()):
            out[prefix] = {k: v for k, v in table.items() if isinstance(v, str)}
        for key, value in table.items():
            if isinstance(value, dict):
                walk(f"{prefix}.{key}" if prefix else key, value)

    walk("", raw)
    return out


def text(msg_id: str, lang: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """The message `msg_id` in `lang` (Dutch when `lang` is unknown), formatted with `values`."""
    entry = catalog()[msg_id]
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


class Message:
    """A message id with its values, rendered when the language is known.
    `str()` gives the English text (logs, tracebacks and tests read that)."""

    __slots__ = ("id", "values")

    def __init__(self, msg_id: str, /, **values: object):
        if msg_id not in catalog():
            raise KeyError(f"no message {msg_id!r} in facilitator/messages.toml")
        self.id = msg_id
        self.values = values

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        values = {k: (v.render(lang) if isinstance(v, Message) else v) for k, v in self.values.items()}
        return text(self.id, lang, **values)

    def __str__(self) -> str:
        return self.render("en")

    def __repr__(self) -> str:
        return f"Message({self.id!r}, {self.values!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and (self.id, self.values) == (other.id, other.values)

    def __hash__(self) -> int:
        return hash(self.id)
