"""`facilitator new`, `new --update`, `list`."""

from __future__ import annotations

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


def test_shared_example_plan(run):
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
