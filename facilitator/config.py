"""Where the settings come from, readable with the standard library alone.

The settings themselves are typed in `facilitator.settings` (pydantic-settings).
This module knows their sources, so that the two values needed before the app's
first frame (the data directory and the language) can be read without importing
pydantic, which would double the start-up time:

1. command-line options (`--data-dir`, `--lang`), then
2. environment variables `FACILITATOR_<NAME>` (`FACILITATOR_DATA_DIR`, `FACILITATOR_LANG`…), then
3. the config file: `$FACILITATOR_CONFIG`, else `config.toml` in the user's config
   directory (`~/.config/facilitator/` on Linux), then
4. the defaults.

`tests/test_settings.py` checks that this and `facilitator.settings.load_settings`
always agree.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

ENV_PREFIX = "FACILITATOR_"
ENV_CONFIG = "FACILITATOR_CONFIG"
APP_NAME = "facilitator"
DEFAULT_DATA_DIR = "sessions"
DEFAULT_EXPORT_DIR = "exports"
DEFAULT_LANG = "nl"
LANGUAGES = ("nl", "en")


class ConfigError(ValueError):
    """The config file cannot be used; the message is one line naming it (English;
    `facilitator.settings` says it in the interface language: `msg_id`, `values`)."""

    def __init__(self, msg_id: str, english: str, **values: object):
        super().__init__(english)
        self.msg_id = msg_id
        self.values = values


def config_path() -> Path:
    """The config file (it need not exist)."""
    explicit = os.environ.get(ENV_CONFIG)
    if explicit:
        return Path(explicit)
    from platformdirs import user_config_dir  # small, pure Python

    return Path(user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def read_config_file(path: Path | None = None) -> dict[str, Any]:
    """The config file's table, {} when there is none. Raises ConfigError."""
    path = config_path() if path is None else path
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError("settings.unreadable", f"{path}: cannot read the config file: {exc.strerror}",
                          path=path, reason=exc.strerror) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        detail = " ".join(str(exc).split())
        raise ConfigError("settings.not_toml", f"{path}: not a valid TOML config file: {detail}",
                          path=path, detail=detail) from None
    return data


def _value(name: str, cli: object, file: dict[str, Any], default: str) -> str:
    if cli:
        return str(cli)
    env = os.environ.get(ENV_PREFIX + name.upper())
    if env:
        return env
    value = file.get(name)
    return str(value) if isinstance(value, (str, os.PathLike)) and str(value) else default


def quick_data_dir(cli: str | os.PathLike[str] | None = None) -> Path:
    """--data-dir, else $FACILITATOR_DATA_DIR, else the config file's data_dir, else ./sessions."""
    try:
        file = read_config_file()
    except ConfigError:
        file = {}  # the full settings load reports it
    return Path(_value("data_dir", cli, file, DEFAULT_DATA_DIR)).expanduser()


def quick_lang(cli: str | None = None) -> str:
    """--lang, else $FACILITATOR_LANG, else the config file's lang, else nl (an unknown value: nl)."""
    try:
        file = read_config_file()
    except ConfigError:
        file = {}
    value = _value("lang", cli, file, DEFAULT_LANG).strip().lower()
    return value if value in LANGUAGES else DEFAULT_LANG


def data_dir_is_default(cli: str | os.PathLike[str] | None = None) -> bool:
    """No option, variable or config file chose the data directory."""
    if cli or os.environ.get(ENV_PREFIX + "DATA_DIR"):
        return False
    try:
        return not read_config_file().get("data_dir")
    except ConfigError:
        return False
