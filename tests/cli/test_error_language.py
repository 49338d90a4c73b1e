"""Errors that were English only, whatever the interface language: an empty codebook, a
missing pandoc, a session not in the plan, a record that is not (or already) there, a
change that failed after it was written."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from facilitator.i18n import in_language
from tests.cli.conftest import MINIMAL

THEMES = '[[themes]]\nkey = "regels"\nlabel = "Regels"\n\n'
assert THEMES in MINIMAL
NO_THEMES = MINIMAL.replace(THEMES, "")  # workshop "wijk": roles, sessions 1 and 2, no themes, no frameworks


@pytest.fixture
def dutch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FACILITATOR_LANG")  # tests/cli speaks English unless a test says otherwise


@pytest.mark.parametrize("lang,said", [
    ("nl", "facilitator: wijk: het codeboek is leeg: het plan heeft geen thema's en geen kaders"),
    ("en", "facilitator: wijk: the codebook is empty: the plan has no themes and no frameworks"),
])
def test_an_empty_codebook_is_said_in_the_language(run, tmp_path, dutch, lang, said):  # type: ignore[no-untyped-def]
    plan = tmp_path / "wijk.toml"
    plan.write_text(NO_THEMES, encoding="utf-8")
    assert run("new", str(plan))[0] == 0
    code, _out, err = run("--lang", lang, "export", "wijk", "--format", "qdc", "--out", str(tmp_path / "out"))
    assert code == 2 and err.strip() == said, err


@pytest.mark.parametrize("lang,said", [
    ("nl", "exporteren naar Word/ODT/PDF heeft pandoc nodig: installeer het"),
    ("en", "exporting to Word/ODT/PDF needs pandoc: install it"),
])
def test_a_missing_pandoc_is_said_in_the_language(run, plan_file, tmp_path, dutch, monkeypatch, lang,
                                                  said):  # type: ignore[no-untyped-def]
    import facilitator.export.pandoc as pandoc

    monkeypatch.setattr(pandoc.shutil, "which", lambda name: None)
    monkeypatch.setitem(sys.modules, "pypandoc", None)  # importing it fails: no pypandoc-binary either
    assert run("new", str(plan_file))[0] == 0
    code, _out, err = run("--lang", lang, "export", "wijk", "--format", "docx", "--out", str(tmp_path / "out"))
    assert code == 2 and said in err, err


def test_store_errors_about_records_are_in_the_language(tmp_path: Path) -> None:
    from facilitator.domain.plan import parse_plan
    from facilitator.domain.records import Finding
    from facilitator.store.db import StoreError
    from facilitator.store.workshop import WorkshopStore

    store = WorkshopStore.create(tmp_path, parse_plan(NO_THEMES), NO_THEMES)
    try:
        with pytest.raises(StoreError) as missing:
            store.delete_statement(9)
        assert str(missing.value) == "no statement 9"
        assert in_language(missing.value, "nl") == "uitspraak 9 bestaat niet"
        with pytest.raises(StoreError) as finding:
            store.save_finding(Finding(id=4, title="x"))
        assert in_language(finding.value, "nl") == "bevinding 4 bestaat niet"
        assert in_language(finding.value, "en") == "no finding 4"
    finally:
        store.close()


def test_a_session_not_in_the_plan_is_said_in_the_language(tmp_path: Path) -> None:
    """`facilitator run SLUG --session 7` (the live session) and the projector's reader."""
    from facilitator.domain.plan import parse_plan
    from facilitator.live.session import LiveSession
    from facilitator.store.workshop import WorkshopStore

    store = WorkshopStore.create(tmp_path, parse_plan(NO_THEMES), NO_THEMES)
    try:
        with pytest.raises(LookupError) as exc:
            LiveSession(store, 7, lambda: 0.0)
    finally:
        store.close()
    assert in_language(exc.value, "nl") == "geen sessie 7 in 'wijk' (sessies: 1, 2)"
    assert in_language(exc.value, "en") == str(exc.value) == "no session 7 in 'wijk' (sessions: 1, 2)"
