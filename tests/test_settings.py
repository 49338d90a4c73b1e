"""Typed settings: options over environment over the config file over defaults, and the
quick path read before the first frame always agrees with the full load."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from facilitator.config import quick_data_dir, quick_lang
from facilitator.settings import SettingsError, Threshold, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in ("DATA_DIR", "EXPORT_DIR", "LANG", "READONLY_REFRESH", "BELL", "WARN_LEFT"):
        monkeypatch.delenv(f"FACILITATOR_{name}", raising=False)
    config = tmp_path / "config.toml"
    monkeypatch.setenv("FACILITATOR_CONFIG", str(config))
    return config


def test_defaults_without_a_config_file() -> None:
    s = load_settings()
    assert (s.data_dir, s.export_dir, s.lang, s.readonly_refresh, s.bell, s.warn_left) == (
        Path("sessions"), Path("exports"), "nl", 2.0, True, "20%")


def test_option_over_environment_over_file(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clean_env.write_text('data_dir = "/from/file"\nlang = "en"\nbell = false\nreadonly_refresh = 5\n')
    s = load_settings()
    assert (s.data_dir, s.lang, s.bell, s.readonly_refresh) == (Path("/from/file"), "en", False, 5.0)
    monkeypatch.setenv("FACILITATOR_DATA_DIR", "/from/env")
    assert load_settings().data_dir == Path("/from/env")
    assert load_settings(data_dir="/from/option").data_dir == Path("/from/option")


def test_a_bad_value_names_where_it_came_from(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clean_env.write_text('readonly_refresh = 0\n')
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert info.value.lines[0].startswith(f"{clean_env}: readonly_refresh: ")
    monkeypatch.setenv("FACILITATOR_WARN_LEFT", "soon")
    clean_env.write_text("")
    with pytest.raises(SettingsError) as info:
        load_settings()  # in the interface language: Dutch unless told otherwise
    assert info.value.lines == ["$FACILITATOR_WARN_LEFT: schrijf de minuten die over zijn ('5', '5m') "
                                "of een deel van de stap ('20%')"]
    with pytest.raises(SettingsError) as info:
        load_settings(lang="en")
    assert info.value.lines == ["$FACILITATOR_WARN_LEFT: write minutes left ('5', '5m') or a share of the step left ('20%')"]


def test_an_unknown_key_or_bad_toml_in_the_config_file_is_one_line(clean_env: Path) -> None:
    clean_env.write_text('data-dir = "x"\n')
    with pytest.raises(SettingsError) as info:
        load_settings(lang="en")
    assert len(info.value.lines) == 1 and "unknown setting 'data-dir'" in info.value.lines[0]
    clean_env.write_text('data-dir = "x"\nlang = "nl"\n')  # the file's own lang says how to tell it
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert info.value.lines[0].startswith(f"{clean_env}: onbekende instelling 'data-dir' (bekend: data_dir, ")
    clean_env.write_text('data_dir = \n')
    with pytest.raises(SettingsError) as info:
        load_settings(lang="en")
    assert info.value.lines[0].startswith(f"{clean_env}: not a valid TOML config file")
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert info.value.lines[0].startswith(f"{clean_env}: geen geldig TOML-configuratiebestand")


def test_threshold_in_minutes_or_percent() -> None:
    assert Threshold("20%").warns(left_seconds=60, planned_seconds=600)
    assert not Threshold("20%").warns(left_seconds=121, planned_seconds=600)
    assert Threshold("5").warns(300, 3600) and not Threshold("5m").warns(301, 3600)


values = st.one_of(st.none(), st.sampled_from(["nl", "en", "EN ", "fr", ""]))
# (an empty variable counts as not set, in both)
dirs = st.one_of(st.none(), st.sampled_from(["a", "/b/c", "~/d"]))


@hsettings(max_examples=60, deadline=None)
@given(opt_dir=dirs, env_dir=dirs, file_dir=dirs, opt_lang=st.one_of(st.none(), st.sampled_from(["nl", "en"])),
       env_lang=values, file_lang=values)
def test_the_quick_path_agrees_with_the_full_load(opt_dir, env_dir, file_dir, opt_lang, env_lang, file_lang,
                                                  ) -> None:  # type: ignore[no-untyped-def]
    import os
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "config.toml"
        lines = [f'data_dir = "{file_dir}"' if file_dir else "", f'lang = "{file_lang}"' if file_lang is not None else ""]
        config.write_text("\n".join(lines) + "\n")
        old = dict(os.environ)
        try:
            os.environ["FACILITATOR_CONFIG"] = str(config)
            for name, value in (("FACILITATOR_DATA_DIR", env_dir), ("FACILITATOR_LANG", env_lang)):
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            full = load_settings(data_dir=opt_dir, lang=opt_lang)
            assert quick_lang(opt_lang) == full.lang
            assert quick_data_dir(opt_dir) == full.data_dir
        finally:
            os.environ.clear()
            os.environ.update(old)


def test_the_documented_config_file_loads(clean_env: Path) -> None:
    import re

    doc = (Path(__file__).resolve().parents[1] / "docs" / "settings.md").read_text(encoding="utf-8")
    clean_env.write_text(re.search(r"```toml\n(.*?)```", doc, re.S).group(1))  # type: ignore[union-attr]
    s = load_settings()
    assert (s.lang, s.bell, s.threshold.percent, s.data_dir) == ("en", False, False, Path("~/werkplaatsen").expanduser())
    names = set(re.findall(r"^\| `([a-z_]+)` \|", doc, re.M))
    assert names == set(type(s).model_fields), "docs/settings.md lists every setting"


def test_two_loads_with_different_config_files_do_not_leak(tmp_path: Path) -> None:
    """The config file's values reach the settings per call, not through module state:
    loads of two files at the same time (threads) each see their own file only, and
    `Settings()` on its own reads none."""
    from concurrent.futures import ThreadPoolExecutor

    from facilitator.settings import Settings

    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text('lang = "en"\nreadonly_refresh = 7\n')
    b.write_text('bell = false\n')

    def load(path: Path) -> tuple[str, float, bool]:
        s = load_settings(config=path)
        return s.lang, s.readonly_refresh, s.bell

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(load, [a, b] * 100))
    assert set(results[0::2]) == {("en", 7.0, True)}
    assert set(results[1::2]) == {("nl", 2.0, False)}
    plain = Settings()
    assert (plain.lang, plain.readonly_refresh, plain.bell) == ("nl", 2.0, True)
