"""export, run, doctor, demo, argument errors and the unexpected-error log."""

from __future__ import annotations

import os
import stat
import sys
import types

import pytest

from facilitator.store.workshop import WorkshopStore
from tests.cli.conftest import run_subprocess


@pytest.fixture
def demo(run):
    code, out, err = run("demo")
    assert (code, err) == (0, "")
    assert out == (f"built the demo workshop 'holtenbroek-2025' in {run.data_dir}; "
                   f"try: facilitator --data-dir {run.data_dir} run holtenbroek-2025\n")  # a command to paste
    return "holtenbroek-2025"


def test_export_prints_paths_writes_0600_and_counts_redactions(run, demo, tmp_path):
    out_dir = tmp_path / "exports"
    code, out, err = run("export", demo, "--out", str(out_dir))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    paths = [line for line in lines if not line.startswith("note:")]
    assert paths[0] == str(out_dir / "holtenbroek-2025.md")
    assert len(paths) == 4  # report + minutes of the three held sessions
    for p in paths:
        assert stat.S_IMODE(os.stat(p).st_mode) == 0o600
    text = "".join(open(p, encoding="utf-8").read() for p in paths)
    assert "Joke" not in text and "Samira" not in text and "Henk" not in text
    assert lines[-1].startswith("note: ") and "replaced by a role" in lines[-1]
    review = out_dir / "holtenbroek-2025-names-review.txt"
    assert str(review) in lines[-1] and stat.S_IMODE(os.stat(review).st_mode) == 0o600


def test_export_one_session_with_mode(run, demo, tmp_path):
    code, out, _ = run("export", demo, "--session", "2", "--out", str(tmp_path), "--mode", "644")
    assert code == 0
    path = out.splitlines()[0]
    assert path.endswith("OWP2-7okt2025.md") and stat.S_IMODE(os.stat(path).st_mode) == 0o644
    code, _, err = run("export", demo, "--session", "9", "--out", str(tmp_path))
    assert code == 2 and "no session 9" in err
    code, _, err = run("export", demo, "--mode", "rw", "--out", str(tmp_path))
    assert code == 2 and "--mode" in err and err.count("\n") == 1


def test_demo_is_deterministic_and_refuses_to_overwrite(run, demo, tmp_path):
    with WorkshopStore.open(run.data_dir, demo, readonly=True) as store:
        first = store.snapshot()
    code, _, err = run("demo")
    assert code == 2 and "--force" in err and err.count("\n") == 1
    assert run("demo", "--force")[0] == 0
    with WorkshopStore.open(run.data_dir, demo, readonly=True) as store:
        again = store.snapshot()
    assert again == first
    assert first.held_sessions() == [1, 2, 3]
    assert len(first.findings) == 4 and all(f.statements for f in first.findings)
    known = {s.id for s in first.statements}
    assert all(set(f.statements) <= known for f in first.findings)
    kinds = [b.kind for f in first.findings for b in f.blocks]  # the demo shows every kind of block
    assert {"paragraph", "quote", "excerpt", "heading"} <= set(kinds)
    assert first.report.stages == ["signaleren", "doorgeven", "samen-oppakken"]
    assert [t.key for t in first.themes][-2:] == ["wonen", "mantelzorg"]  # created while tagging
    for n, clock in first.clocks.items():
        planned = [s.minutes for s in first.plan.session(n).agenda]
        actual = [round(t.elapsed(0) / 60) for t in clock.steps.values()]
        assert len(actual) == len(planned) and actual != planned
    assert 25 <= len(first.session_statements(1)) + len(first.session_actions(1)) + 2 <= 40


@pytest.fixture
def fake_tui(monkeypatch):
    calls = []
    module = types.ModuleType("facilitator.tui.app")
    module.run_app = lambda data_dir, slug, session, lang: calls.append((data_dir, slug, session, lang)) or 0
    monkeypatch.setitem(sys.modules, "facilitator.tui.app", module)
    return calls


def test_run_hands_the_workshop_to_the_app_without_reading_it(run, demo, fake_tui, monkeypatch):
    """The app picks the next session not held (and refuses one not in the plan) after
    its first frame; the CLI only checks that the workshop exists."""
    monkeypatch.delenv("FACILITATOR_LANG")  # the default language is handed on too
    assert run("--lang", "en", "run", demo)[0] == 0
    assert run("run", demo, "--session", "2")[0] == 0
    assert run()[0] == 0
    assert fake_tui == [(run.data_dir, demo, None, "en"), (run.data_dir, demo, 2, "nl"), (run.data_dir, None, None, "nl")]
    code, _, err = run("--lang", "en", "run", "nope")
    assert code == 2 and "no workshop 'nope'" in err and demo in err
    code, _, err = run("--lang", "en", "run", "--session", "2")
    assert code == 2 and "--session needs a workshop" in err


def test_run_imports_neither_the_store_nor_pydantic_before_the_app(tmp_path):
    import subprocess

    code = ("import sys, facilitator.cli.commands as c, facilitator.store.paths\n"
            "print(','.join(m for m in ('pydantic', 'tinydb', 'facilitator.store.workshop') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_doctor(run, demo):
    code, out, err = run("doctor", demo)
    assert (code, err) == (0, "") and "holtenbroek-2025: ok" in out
    code, out, _ = run("doctor", "nope")
    assert code == 2 and "no workshop 'nope'" in out


def test_usage_errors_are_one_line(run):
    code, out, err = run("import", "x")
    assert code == 2 and out == "" and err.count("\n") == 1 and "required" in err
    code, _, err = run("bogus")
    assert code == 2 and err.count("\n") == 1


def test_unexpected_error_goes_to_a_0600_log(run, plan_file, monkeypatch):
    from facilitator.cli import commands

    said = "".join(["Fat", "ima zei het al"])  # (the log shows source lines: keep the text out of them)

    def boom(*args):
        try:
            {}[said]
        except KeyError as exc:
            raise RuntimeError("kap" + "ot: " + said) from exc

    monkeypatch.setattr(commands, "cmd_list", boom)
    run.data_dir.mkdir()
    code, out, err = run("list")
    log = run.data_dir / "facilitator.log"
    assert code == 1 and out == ""
    assert err == f"facilitator: unexpected error (details in {log})\n"
    assert stat.S_IMODE(os.stat(log).st_mode) == 0o600
    text = log.read_text()
    assert "Traceback" in text and "in boom" in text
    # No statement text in the log: the messages (which carried it) are withheld, the types stay.
    assert "builtins.KeyError: (message withheld" in text and "builtins.RuntimeError: (message withheld" in text
    assert "Fatima" not in text and "kapot" not in text


# -- a few in a real subprocess ------------------------------------------------------


def test_subprocess_new_list_import_export(tmp_path, plan_file):
    data = str(tmp_path / "data")
    r = run_subprocess("--data-dir", data, "new", str(plan_file), cwd=tmp_path)
    assert r.returncode == 0 and r.stderr == ""
    r = run_subprocess("--data-dir", data, "new", str(plan_file), cwd=tmp_path)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    notes = tmp_path / "n.txt"
    notes.write_text("sm1: “Goed zo.” #regels\nzz: fout\n## 9\n", encoding="utf-8")
    r = run_subprocess("--data-dir", data, "import", "wijk", str(notes), "--session", "1", cwd=tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert [line.split(": ")[0] for line in r.stderr.splitlines()] == [f"{notes}:2", f"{notes}:3", str(notes)]
    notes.write_text("sm1: “Anouk zei: goed zo.” #regels\n", encoding="utf-8")
    r = run_subprocess("--data-dir", data, "import", "wijk", str(notes), "--session", "1", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r = run_subprocess("list", cwd=tmp_path, env={"FACILITATOR_DATA_DIR": data})
    assert r.returncode == 0 and "OWP1-4nov2014" in r.stdout
    r = run_subprocess("--data-dir", data, "export", "wijk", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    written = [line for line in r.stdout.splitlines() if not line.startswith("note:")]
    assert written and all(stat.S_IMODE(os.stat(tmp_path / p).st_mode) == 0o600 for p in written)
    assert all(p.startswith("exports") for p in written)


def test_subprocess_data_dir_that_is_a_file(tmp_path):
    bogus = tmp_path / "file"
    bogus.write_text("x")
    r = run_subprocess("--data-dir", str(bogus), "demo", cwd=tmp_path)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "not a directory" in r.stderr


def test_subprocess_unexpected_error_is_logged(tmp_path):
    # The TUI module raising at import is unexpected: one line, the traceback in the log.
    shim = tmp_path / "shim"
    (shim / "facilitator" / "tui").mkdir(parents=True)
    (shim / "sitecustomize.py").write_text(
        "import sys, types\n"
        "class Boom(types.ModuleType):\n"
        "    def __getattr__(self, name):\n"
        "        raise RuntimeError('broken on purpose')\n"
        "sys.modules['facilitator.tui.app'] = Boom('facilitator.tui.app')\n")
    data = tmp_path / "data"
    data.mkdir()
    from tests.cli.conftest import ROOT

    r = run_subprocess("--data-dir", str(data), "run", cwd=tmp_path, env={"PYTHONPATH": f"{shim}:{ROOT}"})
    log = data / "facilitator.log"
    assert r.returncode == 1 and r.stderr == f"facilitator: unexpected error (details in {log})\n"
    assert "RuntimeError: (message withheld: 17 characters)" in log.read_text()
    assert stat.S_IMODE(os.stat(log).st_mode) == 0o600


def test_demo_makes_a_private_data_directory(tmp_path, capsys):
    from facilitator.cli import main

    data_dir = tmp_path / "nieuw" / "data"
    assert main(["--data-dir", str(data_dir), "demo"]) == 0
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((data_dir / "holtenbroek-2025").stat().st_mode) == 0o700


@pytest.mark.parametrize("env, argv, expected", [
    ({}, [], "nl"),
    ({"FACILITATOR_LANG": "en"}, [], "en"),
    ({"FACILITATOR_LANG": "EN "}, [], "en"),
    ({"FACILITATOR_LANG": "fr"}, [], "nl"),
    ({"FACILITATOR_LANG": "en"}, ["--lang", "nl"], "nl"),
])
def test_interface_language_setting(monkeypatch, tmp_path, env, argv, expected):
    from facilitator.cli import build_parser
    from facilitator.config import quick_lang

    monkeypatch.delenv("FACILITATOR_LANG", raising=False)
    monkeypatch.setenv("FACILITATOR_CONFIG", str(tmp_path / "none.toml"))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert quick_lang(build_parser().parse_args([*argv, "list"]).lang) == expected
