"""The notes a damaged store gives on opening (what was repaired, what could not be read)
speak the interface's language, in the CLI and in `doctor`: they were English only."""

from __future__ import annotations

from pathlib import Path

import pytest



@pytest.fixture
def dutch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FACILITATOR_LANG")  # tests/cli speaks English unless a test says otherwise


def _damaged_workshop(run, plan_file, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """Workshop `wijk` with three statements in session 1, one line of store.db damaged
    (a flipped bit in the second statement) and no backup to take it from."""
    assert run("new", str(plan_file))[0] == 0
    notes = tmp_path / "notes.txt"
    notes.write_text("sm: eerste\nbj: tweede\nsm: derde\n", encoding="utf-8")
    assert run("import", "wijk", str(notes), "--session", "1")[0] == 0
    store = run.data_dir / "wijk"
    for backup in (store / "backups").iterdir():
        backup.unlink()
    path = store / "store.db"
    data = bytearray(path.read_bytes())
    data[data.index(b'"text":"tweede"') + 9] ^= 0x01
    path.write_bytes(bytes(data))
    return store


def _another_notes_file(tmp_path: Path) -> Path:
    notes = tmp_path / "more.txt"
    notes.write_text("sm: vierde\n", encoding="utf-8")
    return notes


def test_the_repair_notes_are_dutch_by_default(run, plan_file, tmp_path, dutch):  # type: ignore[no-untyped-def]
    _damaged_workshop(run, plan_file, tmp_path)
    code, _out, err = run("import", "wijk", str(_another_notes_file(tmp_path)), "--session", "1")
    assert code == 0, err
    said = [line for line in err.splitlines() if line.startswith("facilitator: wijk: ")]
    assert any("store.db was beschadigd (1 onleesbare record(s) overgeslagen: regel " in line
               and ": uitspraak 2 van sessie 1)" in line and "records teruggehaald; het origineel is bewaard als "
               "store.db.damaged-" in line for line in said), err
    assert any("niet teruggehaald: regel " in line for line in said), err
    assert "damaged" not in err.replace("store.db.damaged-", "") and "recovered" not in err, err


def test_the_repair_notes_are_english_with_lang_en(run, plan_file, tmp_path, dutch):  # type: ignore[no-untyped-def]
    _damaged_workshop(run, plan_file, tmp_path)
    code, _out, err = run("--lang", "en", "import", "wijk", str(_another_notes_file(tmp_path)), "--session", "1")
    assert code == 0, err
    assert "store.db was damaged (1 unreadable record(s) skipped: line " in err, err
    assert ": statement 2 of session 1): " in err and "records recovered; original kept as store.db.damaged-" in err
    assert "not recovered: line " in err
    assert "beschadigd" not in err


@pytest.mark.parametrize("lang,fixed,damaged,lost", [
    ("nl", "hersteld", "store.db was beschadigd (1 onleesbare record(s) overgeslagen", "niet teruggehaald: regel"),
    ("en", "fixed", "store.db was damaged (1 unreadable record(s) skipped", "not recovered: line"),
])
def test_doctor_quotes_the_repair_notes_in_the_language(run, plan_file, tmp_path, dutch, lang, fixed, damaged,
                                                         lost):  # type: ignore[no-untyped-def]
    _damaged_workshop(run, plan_file, tmp_path)
    _code, out, _err = run("--lang", lang, "doctor", "wijk")
    assert any(line.startswith(f"wijk: {fixed}: {damaged}") for line in out.splitlines()), out
    assert lost in out, out


@pytest.mark.parametrize("lang,said", [
    ("nl", "store.db is beschadigd: 1 onleesbare record(s) overgeslagen: regel "),
    ("en", "store.db is damaged: 1 unreadable record(s) skipped: line "),
])
def test_a_read_only_open_says_what_it_could_not_read_in_the_language(run, plan_file, tmp_path, dutch, lang,
                                                                       said):  # type: ignore[no-untyped-def]
    """`export` opens read-only: the damage is named, nothing is repaired."""
    _damaged_workshop(run, plan_file, tmp_path)
    code, _out, err = run("--lang", lang, "export", "wijk", "--out", str(tmp_path / "out"))
    assert code == 0, err
    assert said in err, err
    assert ("alleen-lezen, niet hersteld" if lang == "nl" else "read-only, not repaired") in err, err


def test_a_note_is_english_as_a_string_and_renders_in_dutch() -> None:
    """A `Note` is the English text for code, logs and tests (`==`, `in`), and the message."""
    from facilitator.i18n import Joined, Message, Note, in_language
    from facilitator.usecases.session import recovery_lines

    damage = Note(Joined([Message("store.damage.torn"), Message("store.damage.empty")]))
    note = Note(Message("store.recovery.repaired", name="store.db", damage=damage, count=3, aside="x"))
    assert note == "store.db was damaged (an unfinished last save dropped; empty file): 3 records recovered; " \
                   "original kept as x"
    assert "unfinished last save" in note and note.startswith("store.db was damaged")
    assert in_language(note, "nl") == ("store.db was beschadigd (een onvoltooide laatste opslag weggelaten; "
                                       "leeg bestand): 3 records teruggehaald; het origineel is bewaard als x")
    assert recovery_lines([note, "plain text"], "wijk", "nl") == [f"wijk: {in_language(note, 'nl')}", "wijk: plain text"]
    assert recovery_lines([note], "wijk", "en") == [f"wijk: {note}"]
