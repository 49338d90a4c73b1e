"""`facilitator import`: all or nothing, every bad line reported as FILE:LINE."""

from __future__ import annotations

import pytest

from facilitator.store.workshop import WorkshopStore

NOTES = """\
aanwezig: sm1 bj bj
## casus
sm1: “Voor de bewoner maakt het niet uit wie hij aanspreekt.” #regels !
Ze heeft iemand buiten het postcodegebied geholpen. #nieuwthema
bj: "Ik wil concreet aan de slag." #nieuwthema #regels
// een commentaar

actie: casusoverleg elke maand @sm #plek
"""


@pytest.fixture
def workshop(run, plan_file):
    assert run("new", str(plan_file))[0] == 0
    return "wijk"


def snapshot(run):
    with WorkshopStore.open(run.data_dir, "wijk", readonly=True) as store:
        return store.snapshot()


def test_import_writes_every_record(run, workshop, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text(NOTES, encoding="utf-8")
    code, out, err = run("import", "wijk", str(notes), "--session", "1")
    assert (code, err) == (0, "")
    assert out.count("\n") == 1
    assert "3 statements (2 quotes, 1 key statement) and 1 action" in out and "OWP1-4nov2014" in out
    assert "new themes created: nieuwthema, plek" in out
    data = snapshot(run)
    st = data.statements
    assert [(s.speaker, s.kind, s.step, s.key) for s in st] == [
        ("sm1", "quote", 1, True), ("sm1", "note", 1, False), ("bj", "quote", 1, False)]
    assert st[0].text == "Voor de bewoner maakt het niet uit wie hij aanspreekt."
    assert st[2].themes == ["nieuwthema", "regels"]
    assert [(a.owner, a.text, a.themes) for a in data.actions] == [("sm", "casusoverleg elke maand", ["plek"])]
    assert {t.key for t in data.themes} == {"regels", "nieuwthema", "plek"}
    assert sorted(data.attendance[1]) == ["bj", "bj", "sm1"]


def test_bad_lines_are_all_reported_and_nothing_is_written(run, workshop, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text(NOTES + "xx: wie is dit\n## 7\nactie:\n", encoding="utf-8")
    code, out, err = run("--lang", "nl", "import", "wijk", str(notes), "--session", "1")
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert [line.split(": ")[0] for line in lines] == [f"{notes}:9", f"{notes}:10", f"{notes}:11", str(notes)]
    assert "onbekende spreker 'xx'" in lines[0] and "3 foute regels; er is niets geïmporteerd" in lines[-1]
    code, out, err = run("--lang", "en", "import", "wijk", str(notes), "--session", "1")
    lines = err.splitlines()
    assert code == 2 and "unknown speaker 'xx'" in lines[0] and "3 bad lines; nothing was imported" in lines[-1]
    data = snapshot(run)
    assert data.statements == [] and data.actions == [] and data.attendance == {}
    assert [t.key for t in data.themes] == ["regels"]


def test_unknown_session_file_and_encoding(run, workshop, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text(NOTES, encoding="utf-8")
    code, _, err = run("import", "wijk", str(notes), "--session", "9")
    assert code == 2 and "no session 9" in err and err.count("\n") == 1
    code, _, err = run("import", "nope", str(notes), "--session", "1")
    assert code == 2 and "no workshop 'nope'" in err and err.count("\n") == 1
    bad = tmp_path / "cp1252.txt"
    bad.write_bytes("sm: eerste regel\nsm: “caf\xe9”\n".encode("cp1252"))
    code, _, err = run("import", "wijk", str(bad), "--session", "1")
    assert code == 2 and err.strip().startswith(f"{bad}:2: not UTF-8 text")
    assert snapshot(run).statements == []


def test_import_appends_and_merges_attendance(run, workshop, tmp_path):
    first = tmp_path / "a.txt"
    first.write_text("aanwezig: sm1\nsm1: een\n", encoding="utf-8")
    second = tmp_path / "b.txt"
    second.write_text("aanwezig: bj\ntwee\n", encoding="utf-8")
    assert run("import", "wijk", str(first), "--session", "1")[0] == 0
    assert run("import", "wijk", str(second), "--session", "1")[0] == 0
    data = snapshot(run)
    assert [s.text for s in data.statements] == ["een", "twee"]
    # the sticky speaker is the last one used in this session, also across files
    assert data.statements[1].speaker == "sm1"
    assert sorted(data.attendance[1]) == ["bj", "sm1"]


def test_the_sticky_speaker_is_the_sessions_last_not_another_sessions(run, workshop, tmp_path):
    notes = tmp_path / "a.txt"
    notes.write_text("bj: in sessie 1\n", encoding="utf-8")
    assert run("import", "wijk", str(notes), "--session", "1")[0] == 0
    notes.write_text("zonder spreker\n", encoding="utf-8")
    assert run("import", "wijk", str(notes), "--session", "2")[0] == 0
    assert run("import", "wijk", str(notes), "--session", "1")[0] == 0
    speakers = [(s.session, s.speaker) for s in snapshot(run).statements]
    assert speakers == [(1, "bj"), (1, "bj"), (2, None)]


def test_ten_thousand_lines(run, workshop, tmp_path):
    lines = ["aanwezig: sm1 bj"]
    for i in range(10_000):
        if i % 1000 == 0:
            lines.append(f"## {1 + (i // 1000) % 2}")
        lines.append(f"sm1: opmerking {i} #regels" if i % 2 else f"“citaat {i}” #t{i % 7}")
    notes = tmp_path / "big.txt"
    notes.write_text("\n".join(lines), encoding="utf-8")
    code, out, err = run("import", "wijk", str(notes), "--session", "1")
    assert (code, err) == (0, "")
    assert "10000 statements" in out
    data = snapshot(run)
    assert len(data.statements) == 10_000
    assert data.statements[-1].text == "opmerking 9999"
    assert len({t.key for t in data.themes}) == 8


def _example():
    from pathlib import Path

    from facilitator.domain.plan import parse_plan

    path = Path(__file__).resolve().parents[1] / "fixtures" / "plan-example.toml"
    return parse_plan(path.read_text(encoding="utf-8"), path.name)


def test_records_before_the_first_step_line_belong_to_the_first_step():
    from facilitator.usecases.notes import parse_notes

    plan = _example()
    parsed = parse_notes("wt1: Eerst dit.\nactie: iets doen @jw\n## 2\nwt1: Dan dat.\n", "n.txt", plan, [], 1)
    assert parsed.errors == []
    assert [r.step for r in parsed.records] == [0, 0, 1]


def test_line_numbers_count_newlines_only():
    from facilitator.usecases.notes import parse_notes

    plan = _example()
    # U+2028/U+2029, form feed and \x1c-\x1e are characters inside a line, not line ends.
    text = "wt1: een\u2028twee\u2029drie\r\nwt1: vier\x0cvijf\x1czes\r\nonbekend: x\r\nwt1: laatste"
    parsed = parse_notes(text, "n.txt", plan, [], 1)
    assert [e.split(": ")[0] for e in parsed.errors] == ["n.txt:2", "n.txt:3"]  # as an editor numbers them
    parsed = parse_notes("wt1: een\u2028twee\u2029drie\r\nwt1: laatste\n", "n.txt", plan, [], 1)
    assert parsed.errors == [] and [r.text for r in parsed.records] == ["een\u2028twee\u2029drie", "laatste"]
    assert parse_notes("", "n.txt", plan, [], 1).records == []


def test_importing_the_same_notes_twice_is_refused_unless_asked(run, workshop, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text(NOTES, encoding="utf-8")
    assert run("import", "wijk", str(notes), "--session", "1")[0] == 0
    code, out, err = run("import", "wijk", str(notes), "--session", "1")
    assert code == 2 and out == ""
    assert "3 of 3 statements are already in session 1" in err and "--duplicates" in err and err.count("\n") == 1
    assert len(snapshot(run).statements) == 3
    assert run("import", "wijk", str(notes), "--session", "1", "--duplicates")[0] == 0
    assert len(snapshot(run).session_statements(1)) == 6


def test_a_bom_before_a_speaker_key_is_removed_and_reported_with_its_line(run, workshop, tmp_path):
    """`cat a.txt b.txt`: the second file's BOM sat before its first speaker key, and the
    statement went to the previous speaker without a word."""
    notes = tmp_path / "notes.txt"
    notes.write_text("bj: “Eerste bestand.”\n\ufeffsm1: “Tweede bestand.”\n", encoding="utf-8")
    code, out, err = run("--lang", "nl", "import", "wijk", str(notes), "--session", "1")
    assert code == 0
    assert f"{notes}:2: onzichtbaar teken weggehaald" in err and "U+FEFF" in err
    speakers = [(s.speaker, s.text) for s in snapshot(run).statements]
    assert speakers == [("bj", "Eerste bestand."), ("sm1", "Tweede bestand.")]


def test_what_import_prints_has_no_participant_name(run, workshop, tmp_path):
    """Anything the CLI prints: an error quoting a typed word, the new themes."""
    first = "Anouk"  # seat sm1 of the test plan
    notes = tmp_path / "notes.txt"
    notes.write_text(f"{first.lower()}: hoi\n", encoding="utf-8")
    code, out, err = run("import", "wijk", str(notes), "--session", "1")
    assert code == 2 and f"{notes}:1: " in err and "'[sociaal makelaar]'" in err and first.lower() not in err.lower()
    notes.write_text(f"bj: hoi #{first.lower()}\n", encoding="utf-8")
    code, out, err = run("import", "wijk", str(notes), "--session", "1")
    assert code == 0 and "new themes created: [" in out and first.lower() not in out.lower()


def test_damage_met_while_exporting_a_big_store_is_told(run, workshop, tmp_path):
    """A compacted store reads a statement only when asked for it: a flipped byte in
    one statement was skipped by `export` without a word (exit 0, the quote missing).
    Now the export says what could not be read and points to doctor."""
    import shutil

    notes = tmp_path / "notes.txt"
    notes.write_text("".join(f"sm1: uitspraak nummer {i}\n" for i in range(1500)), encoding="utf-8")
    assert run("import", "wijk", str(notes), "--session", "1")[0] == 0
    path = run.data_dir / "wijk" / "store.db"
    data = bytearray(path.read_bytes())
    at = data.index(b'"uitspraak nummer 700"')
    data[at + 5] ^= 0x01
    path.write_bytes(bytes(data))
    shutil.rmtree(run.data_dir / "wijk" / "backups", ignore_errors=True)
    code, out, err = run("export", "wijk", "--out", str(tmp_path / "out"))
    assert code == 0
    assert "damaged" in err and "facilitator doctor" in err, err
    minutes = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "out").glob("*.md"))
    assert "uitspraak nummer 699" in minutes and "uitspraak nummer 700" not in minutes
