"""The app's settings, typed (pydantic-settings).

Sources, strongest first: command-line options, environment variables
`FACILITATOR_<NAME>`, the config file (see `facilitator.config`), the defaults.
Every setting is documented in docs/settings.md. Import this lazily: pydantic is
not needed before the app's first frame (`facilitator.config` reads what is).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from facilitator.config import (DEFAULT_DATA_DIR, DEFAULT_EXPORT_DIR, DEFAULT_LANG, ENV_PREFIX, LANGUAGES, ConfigError,
                                config_path, read_config_file)

_THRESHOLD = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(%|m|min)?\s*$")


class _ThresholdError(ValueError):
    """A warning threshold that does not read (its message is `settings.threshold`)."""


def _threshold(value: str) -> str:
    if not _THRESHOLD.match(value):
        raise _ThresholdError("write minutes left ('5', '5m') or a share of the step left ('20%')")
    return value.strip()


def _language(value: Any) -> Any:
    """As the quick path reads it: letter case and spaces aside; an unknown one is nl."""
    if isinstance(value, str):
        value = value.strip().lower()
        return value if value in LANGUAGES else DEFAULT_LANG
    return value


class Threshold:
    """When the clock warns: a number of minutes left in the step, or a percentage of it."""

    def __init__(self, text: str):
        m = _THRESHOLD.match(text)
        if m is None:
            raise ValueError(text)
        self.value = float(m.group(1))
        self.percent = m.group(2) == "%"

    def warns(self, left_seconds: float, planned_seconds: float) -> bool:
        """True when a step with `left_seconds` of `planned_seconds` left should warn."""
        if self.percent:
            return planned_seconds > 0 and left_seconds <= planned_seconds * self.value / 100
        return left_seconds <= self.value * 60


class _FileSource(PydanticBaseSettingsSource):
    """The config file's values (read with `facilitator.config`, so both agree)."""

    def __init__(self, settings_cls: type[BaseSettings], data: dict[str, Any]):
        super().__init__(settings_cls)
        self._data = data

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:  # pragma: no cover - unused
        return self._data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return {k: v for k, v in self._data.items() if k in self.settings_cls.model_fields}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid", frozen=True, env_ignore_empty=True)

    data_dir: Annotated[Path, AfterValidator(Path.expanduser)] = Field(
        default=Path(DEFAULT_DATA_DIR), description="where workshops are kept")
    export_dir: Annotated[Path, AfterValidator(Path.expanduser)] = Field(
        default=Path(DEFAULT_EXPORT_DIR), description="where exports are written")
    lang: Annotated[Literal["nl", "en"], BeforeValidator(_language)] = Field(default=DEFAULT_LANG, description="the interface language")
    readonly_refresh: float = Field(default=2.0, ge=0.2, le=60,
                                    description="seconds between checks for changes in the read-only view")
    bell: bool = Field(default=True, description="ring the terminal bell on a failed save and at the end of a step")
    warn_left: Annotated[str, AfterValidator(_threshold)] = Field(
        default="20%", description="when the clock turns to its warning colour: minutes ('5') or share ('20%') left")

    @property
    def threshold(self) -> Threshold:
        return Threshold(self.warn_left)

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Options, then the environment; `Settings()` alone reads no config file
        (`load_settings` adds the file's values, per call, through `_with_file`)."""
        return (init_settings, env_settings)


def _with_file(data: dict[str, Any]) -> type[Settings]:
    """`Settings` with the config file's `data` as its weakest source. A class per call
    keeps the data out of module state: two loads (threads, tests, a second config file)
    never see each other's file."""

    class FileSettings(Settings):
        @classmethod
        def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                       env_settings: PydanticBaseSettingsSource, **other: PydanticBaseSettingsSource,
                                       ) -> tuple[PydanticBaseSettingsSource, ...]:
            return (init_settings, env_settings, _FileSource(settings_cls, data))

    FileSettings.__name__ = FileSettings.__qualname__ = "Settings"
    return FileSettings


class SettingsError(ValueError):
    """Settings that cannot be used: one line per problem, naming where it came from."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        super().__init__("\n".join(lines))


def load_settings(*, config: Path | None = None, **options: Any) -> Settings:
    """The settings, with command-line `options` (None: not given) on top. Raises SettingsError.
    `config`: this config file instead of `facilitator.config.config_path()`."""
    from facilitator.i18n import text

    given = {k: v for k, v in options.items() if v is not None}
    path = config_path() if config is None else Path(config)
    lang = _language(given.get("lang") or _env("lang") or "")  # the errors' language, as far as known
    try:
        data = read_config_file(path)
    except ConfigError as exc:
        raise SettingsError([text(exc.msg_id, lang, **exc.values)]) from None
    lang = _language(given.get("lang") or _env("lang") or data.get("lang") or "")
    unknown = sorted(set(data) - set(Settings.model_fields))
    if unknown:
        raise SettingsError([text("settings.unknown", lang, path=path, name=repr(name),
                                  known=", ".join(Settings.model_fields)) for name in unknown])
    try:
        return _with_file(data)(**given)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            name = ".".join(str(p) for p in err["loc"])
            where = ("--" + name.replace("_", "-") if name in given else
                     f"${ENV_PREFIX}{name.upper()}" if _from_env(name) else f"{path}: {name}")
            ours = isinstance(err.get("ctx", {}).get("error"), _ThresholdError)
            message = text("settings.threshold", lang) if ours else err["msg"].removeprefix("Value error, ")
            lines.append(f"{where}: {message}")
        raise SettingsError(lines) from None


def _env(name: str) -> str | None:
    import os

    return os.environ.get(ENV_PREFIX + name.upper()) or None


def _from_env(name: str) -> bool:
    import os

    return (ENV_PREFIX + name.upper()) in os.environ
