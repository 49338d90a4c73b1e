"""`facilitator new`, `new --update`, `list`."""

from __future__ import annotations

import errno
import os
import shutil
import stat

from facilitator.store.workshop import WorkshopStore
from tests.cli.conftest import EXAMPLE, MINIMAL


def test_new_creates_the_workshop_and_prints_codes(run, plan_file):
    code, out, err = run("new", str(plan_file))
    assert (code, err) == (0, "")
    assert "created workshop 'wijk'" in out and "OWP1-4nov2014, OWP2-2dec2014" in out
    with WorkshopStore.open(run.data_dir, "wijk", readonly=True) as store:
        assert store.plan.workshop.title == "Werkplaats in de wijk"


def test_slug_defaults_to_file_name(run, tmp_path):
    path = tmp_path / "buurt-oost.toml"
    path.write_text(MINIMAL.replace('slug = "wijk"\n', ""), encoding="utf-8")
    assert run("new", str(path))[0] == 0
    with WorkshopStore.open(run.data_dir, "buurt-oost", readonly=True):
        pass


def test_new_twice_is_a_one_line_error(run, plan_file):
    assert run("new", str(plan_file))[0] == 0
    code, out, err = run("new", str(plan_file))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "already exists" in err and "--update" in err


def test_bad_plan_lists_every_problem_and_creates_nothing(run, tmp_path):
    path = tmp_path / "wijk.toml"
    path.write_text(MINIMAL.replace("minutes = 40", "minutes = 0").replace('role = "sm"', 'role = "xx"'))
    code, out, err = run("new", str(path))
    assert code == 2
    assert err.splitlines() == [
        f"{path}: sessions[0].agenda[1].minutes: must be between 1 and 600, got 0",
        f"{path}: participants[0].role: unknown role 'xx'; known roles: bj, sm",
    ]
    assert not (run.data_dir / "wijk").exists()


def test_missing_and_non_utf8_plan_files(run, tmp_path):
    code, _, err = run("new", str(tmp_path / "nope.toml"))
    assert code == 2 and err.strip() == f"{tmp_path / 'nope.toml'}: no such file"
    path = tmp_path / "latin.toml"
    path.write_bytes(MINIMAL.replace("Werkplaats", "Caf\xe9").encode("latin-1"))
    code, _, err = run("new", str(path))
    assert code == 2 and err.count("\n") == 1 and "not UTF-8" in err and f"{path}:3:" in err


def test_example_plan(run):
    code, out, _ = run("new", str(EXAMPLE))
    assert code == 0 and "OWP1-3mrt2026" in out and "OWP4-12mei2026" in out


def _records(data_dir, notes):
    with WorkshopStore.open(data_dir, "wijk") as store:
        store.import_records(1, notes, attendance=["sm1", "bj"], themes=["nieuw"])


def test_update_keeps_records_and_keeps_dropped_theme(run, plan_file):
    from facilitator.domain.records import Statement

    run("new", str(plan_file))
    _records(run.data_dir, [Statement(session=1, step=1, speaker="sm1", kind="quote", text="Ja.", themes=["regels"])])
    plan_file.write_text(MINIMAL.replace('title = "Werkplaats in de wijk"', 'title = "Nieuwe titel"')
                         .replace('[[themes]]\nkey = "regels"\nlabel = "Regels"\n', ""))
    code, out, err = run("new", "--update", str(plan_file))
    assert (code, err) == (0, "")
    assert "kept as created themes: regels" in out
    with WorkshopStore.open(run.data_dir, "wijk", readonly=True) as store:
        data = store.snapshot()
    assert data.plan.workshop.title == "Nieuwe titel"
    assert [s.text for s in data.statements] == ["Ja."]
    assert {t.key: t.label for t in data.themes} == {"nieuw": "nieuw", "regels": "Regels"}
    code, out, _ = run("new", "--update", str(plan_file))
    assert code == 0 and "unchanged" in out


def test_update_refuses_orphans_with_one_line_per_problem(run, plan_file):
    from facilitator.domain.records import Action, Statement

    run("new", str(plan_file))
    _records(run.data_dir, [Statement(session=1, step=1, speaker="sm1", text="Iets."),
                            Action(session=2, step=0, text="Bellen", owner="bj")])
    edited = (MINIMAL.replace('[[participants]]\nkey = "sm1"\nrole = "sm"\nname = "Anouk"\n', "")
              .replace('[[roles]]\nkey = "bj"\nlabel = "buurtteam jeugd"\n', "")
              .replace('[[sessions.agenda]]\ntitle = "Casus"\nminutes = 40\n', "")
              .split("[[sessions]]\nnumber = 2")[0])
    plan_file.write_text(edited)
    code, out, err = run("new", "--update", str(plan_file))
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert lines == [
        f"{plan_file}: role 'bj' is removed but has 1 action (owner), attendance in session 1; keep it in the plan",
        f"{plan_file}: participant 'sm1' is removed but has 1 statement, attendance in session 1; keep it in the plan",
        f"{plan_file}: session 1: the agenda is shortened to 1 step but step 2 has records or timing; keep at least 2 steps",
        f"{plan_file}: session 2 is removed but has 1 record; keep it in the plan",
        f"{plan_file}: not applied: the workshop 'wijk' is unchanged",
    ]
    with WorkshopStore.open(run.data_dir, "wijk", readonly=True) as store:
        assert store.plan.role("bj") is not None and len(store.plan.sessions) == 2


def test_update_of_unknown_workshop(run, plan_file):
    code, _, err = run("new", "--update", str(plan_file))
    assert code == 2 and "no workshop 'wijk'" in err and err.count("\n") == 1


def test_list_shows_sessions_codes_and_counts(run, plan_file):
    from facilitator.domain.records import Statement

    code, out, _ = run("list")
    assert code == 0 and "no workshops" in out
    run("new", str(plan_file))
    _records(run.data_dir, [Statement(session=1, speaker="sm", kind="quote", text="Ja.", key=True),
                            Statement(session=1, speaker="sm", text="Nee.")])
    code, out, err = run("list")
    assert (code, err) == (0, "")
    assert "wijk: Werkplaats in de wijk" in out
    row1 = next(line for line in out.splitlines() if "OWP1-4nov2014" in line)
    assert row1.split()[-5:] == ["yes", "2", "1", "1", "0"]
    row2 = next(line for line in out.splitlines() if "OWP2-2dec2014" in line)
    assert "2014-12-02" in row2 and "bijeenkomst" in row2 and row2.split()[-4:] == ["0", "0", "0", "0"]


def test_update_is_one_atomic_save(run, plan_file, monkeypatch):
    """A disk that fills at any fsync of the update leaves all of it or none: never a new
    plan without the themes its records still use."""
    from facilitator.domain.records import Statement
    from facilitator.store import db as dbmod

    run("new", str(plan_file))
    _records(run.data_dir, [Statement(session=1, step=1, speaker="sm1", text="Ja.", themes=["regels"])])
    store_file = run.data_dir / "wijk" / "store.db"
    before = store_file.read_bytes()
    plan_file.write_text(MINIMAL.replace('title = "Werkplaats in de wijk"', 'title = "Nieuwe titel"')
                         .replace('[[themes]]\nkey = "regels"\nlabel = "Regels"\n', ""))
    real_fsync = os.fsync
    outcomes = set()
    for n in range(1, 6):
        store_file.write_bytes(before)
        # the backups of the round before were taken from the longer journal: putting the older
        # copy back would (rightly) be reported as "saves may be missing"
        shutil.rmtree(store_file.parent / "backups", ignore_errors=True)
        calls = {"n": 0}

        def fsync(fd, n=n, calls=calls):
            calls["n"] += 1
            if calls["n"] == n:
                raise OSError(errno.ENOSPC, "No space left on device")
            return real_fsync(fd)

        monkeypatch.setattr(dbmod.os, "fsync", fsync)
        code, out, err = run("new", "--update", str(plan_file))
        monkeypatch.setattr(dbmod.os, "fsync", real_fsync)
        with WorkshopStore.open(run.data_dir, "wijk", readonly=True) as store:
            title = store.plan.workshop.title
            labels = {t.key: t.label for t in store.themes()}
        if code == 0:
            assert (title, labels.get("regels")) == ("Nieuwe titel", "Regels")
            outcomes.add("applied")
        else:
            assert code == 2 and "No space left" in err and err.count("\n") == 1
            assert (title, labels.get("regels")) == ("Werkplaats in de wijk", "Regels")
            outcomes.add("refused")
    assert outcomes == {"applied", "refused"}


def test_list_shows_titles_literally_and_survives_a_bad_store(run, tmp_path):
    plan = tmp_path / "haak.toml"
    plan.write_text(MINIMAL.replace('title = "Werkplaats in de wijk"', 'title = "Werkplaats [/] [bold]test"'))
    assert run("new", str(plan))[0] == 0
    bad = run.data_dir / "aaa"
    bad.mkdir(mode=0o700)
    (bad / "store.db").write_bytes(b"garbage that is no store\n")
    code, out, err = run("list")
    assert code == 2
    assert "Werkplaats [/] [bold]test" in out
    assert err.startswith("facilitator: aaa: ") and "not a facilitator store" in err


def test_commands_tell_what_was_recovered_from_a_damaged_store(run, plan_file, tmp_path):
    from facilitator.domain.records import Statement

    run("new", str(plan_file))
    _records(run.data_dir, [Statement(session=1, step=0, speaker="sm1", text=f"regel {i}") for i in range(3)])
    with WorkshopStore.open(run.data_dir, "wijk") as store:
        store.add_statement(Statement(session=1, step=0, speaker="sm1", text="los"))
    path = run.data_dir / "wijk" / "store.db"
    data = bytearray(path.read_bytes())
    data[-10] ^= 0x01  # a bit flip in the last entry
    path.write_bytes(bytes(data))
    code, out, err = run("export", "wijk", "--out", str(tmp_path / "out"))
    assert code == 0
    assert "facilitator: wijk: " in err and "damaged" in err and "facilitator doctor wijk" in err
    code, out, err = run("import", "wijk", str(_notes(tmp_path, "sm1: nog een\n")), "--session", "1")
    assert code == 0 and "damaged" in err and "kept as" in err


def test_a_writable_open_makes_the_workshop_private_again(run, plan_file):
    run("new", str(plan_file))
    folder = run.data_dir / "wijk"
    os.chmod(folder, 0o755)
    os.chmod(folder / "store.db", 0o644)
    with WorkshopStore.open(run.data_dir, "wijk", readonly=True):
        pass
    assert stat.S_IMODE((folder / "store.db").stat().st_mode) == 0o644  # a viewer changes nothing
    with WorkshopStore.open(run.data_dir, "wijk"):
        pass
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "store.db").stat().st_mode) == 0o600


def _notes(tmp_path, text):
    path = tmp_path / "notes.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_update_replaces_a_stored_plan_that_no_longer_parses(run, plan_file):
    """A store whose plan a newer version validates more strictly is not a dead end."""
    run("new", str(plan_file))
    with WorkshopStore.open(run.data_dir, "wijk") as store:  # as an older version could have stored it
        store._db.table("meta").update({"plan_text": MINIMAL + "\nbogus = 1\n"}, doc_ids=[1])
    code, out, err = run("export", "wijk", "--out", str(plan_file.parent / "out"))
    assert code == 2 and "stored plan is invalid" in err and "new --update" in err
    code, out, err = run("new", "--update", str(plan_file))
    assert code == 0 and "updated workshop 'wijk'" in out and "stored plan was invalid" in err
    with WorkshopStore.open(run.data_dir, "wijk", readonly=True) as store:
        assert store.plan_text == plan_file.read_text()
