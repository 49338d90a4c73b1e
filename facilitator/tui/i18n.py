"""Interface language: Dutch (default) and English.

Each screen or widget keeps its own strings next to it, as
``TEXT = {"nl": {...}, "en": {...}}``, and looks them up with `tr`.
"""

from __future__ import annotations

from typing import Mapping

from facilitator.i18n import rendered

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"


def tr(table: Mapping[str, Mapping[str, str]], lang: str, key: str, **values: object) -> str:
    """The string `key` in `lang` (falling back to Dutch), formatted with `values`."""
    text = table.get(lang, {}).get(key) or table[DEFAULT_LANGUAGE][key]
    values = rendered(values, lang)  # a store error's message, a recovery note: in `lang` too
    return text.format(**values) if values else text
