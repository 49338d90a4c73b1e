"""The command line speaks the interface's language: Dutch by default, English with
--lang en (or FACILITATOR_LANG, or the config file's lang), its errors included."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitator.i18n import text
from tests.cli.conftest import run_subprocess


@pytest.fixture
def workshop(run, plan_file) -> str:  # type: ignore[no-untyped-def]
    assert run("new", str(plan_file))[0] == 0
    return "wijk"


@pytest.fixture
def dutch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FACILITATOR_LANG")  # tests/cli speaks English unless a test says otherwise


def test_a_bad_capture_line_and_an_unknown_slug_are_dutch_by_default(run, workshop, tmp_path, dutch):
    notes = tmp_path / "notes.txt"
    notes.write_text("xx: wie is dit\n", encoding="utf-8")
    code, out, err = run("import", "wijk", str(notes), "--session", "1")
    assert code == 2 and out == ""
    assert err.splitlines() == [f"{notes}:1: onbekende spreker 'xx'; bekende sleutels: sm, bj, sm1 "
                                "(schrijf \\: voor een dubbele punt)",
                                f"{notes}: 1 foute regel; er is niets geïmporteerd"]
    code, _, err = run("import", "nope", str(notes), "--session", "1")
    assert code == 2 and err == f"facilitator: geen workshop 'nope' in {run.data_dir} (workshops: wijk)\n"
    code, _, err = run("--lang", "en", "import", "nope", str(notes), "--session", "1")
    assert code == 2 and err == f"facilitator: no workshop 'nope' in {run.data_dir} (workshops: wijk)\n"
    code, _, err = run("import", "wijk", str(notes), "--session", "1", "--lang", "en")  # after the command too
    assert code == 2 and "unknown speaker 'xx'; known keys: sm, bj, sm1" in err and "1 bad line; nothing" in err


def test_the_environment_and_the_config_file_choose_it_too(run, workshop, tmp_path, monkeypatch, dutch):
    notes = tmp_path / "missing.txt"
    code, _, err = run("import", "wijk", str(notes), "--session", "1")
    assert err.strip() == f"{notes}: bestand bestaat niet"
    monkeypatch.setenv("FACILITATOR_LANG", "en")
    code, _, err = run("import", "wijk", str(notes), "--session", "1")
    assert err.strip() == f"{notes}: no such file"
    monkeypatch.delenv("FACILITATOR_LANG")
    config = tmp_path / "config.toml"
    config.write_text('lang = "en"\n', encoding="utf-8")
    monkeypatch.setenv("FACILITATOR_CONFIG", str(config))
    code, _, err = run("import", "wijk", str(notes), "--session", "1")
    assert err.strip() == f"{notes}: no such file"
    code, _, err = run("--lang", "nl", "import", "wijk", str(notes), "--session", "1")  # the option wins
    assert err.strip() == f"{notes}: bestand bestaat niet"


def test_confirmations_and_list_headings_follow_the_language(run, workshop, tmp_path, dutch):
    notes = tmp_path / "notes.txt"
    notes.write_text("sm: “Kom langs.”\nbj: ok #nieuw\n", encoding="utf-8")
    code, out, _ = run("import", "wijk", str(notes), "--session", "1")
    assert code == 0
    assert out.strip() == ("2 uitspraken (1 citaat, 0 kernuitspraken) en 0 acties geïmporteerd in wijk sessie 1 "
                           "(OWP1-4nov2014); nieuwe thema's aangemaakt: nieuw")
    code, out, _ = run("list")
    assert code == 0 and "uitspraken" in out and "datum" in out and "statements" not in out
    code, out, _ = run("--lang", "en", "list")
    assert code == 0 and "statements" in out and "date" in out and "uitspraken" not in out


def test_help_and_usage_errors_follow_the_language(tmp_path: Path) -> None:
    env = {"FACILITATOR_LANG": "", "FACILITATOR_CONFIG": str(tmp_path / "none.toml")}
    nl = run_subprocess("--help", cwd=tmp_path, env=env)
    assert nl.returncode == 0 and nl.stdout.startswith("gebruik: facilitator")
    assert text("cli.help_export", "nl") in " ".join(nl.stdout.split())
    en = run_subprocess("--lang", "en", "--help", cwd=tmp_path, env=env)
    assert en.returncode == 0 and en.stdout.startswith("usage: facilitator")
    assert text("cli.help_export", "en") in " ".join(en.stdout.split())
    bad = run_subprocess("export", cwd=tmp_path, env=env)
    assert bad.returncode == 2 and "(zie 'facilitator export --help')" in bad.stderr
    bad = run_subprocess("--lang=en", "export", cwd=tmp_path, env=env)
    assert bad.returncode == 2 and "(see 'facilitator export --help')" in bad.stderr
    bad = run_subprocess("exprot", cwd=tmp_path, env=env)  # the metavar in argparse's own message
    assert bad.returncode == 2 and bad.stderr.startswith("facilitator: argument OPDRACHT: invalid choice: 'exprot'")
    bad = run_subprocess("--lang", "en", "exprot", cwd=tmp_path, env=env)
    assert bad.returncode == 2 and bad.stderr.startswith("facilitator: argument COMMAND: invalid choice: 'exprot'")


def test_every_cli_message_is_in_the_catalog() -> None:
    """No `say("...")` in facilitator/cli/ names a message the catalog lacks."""
    import ast

    from facilitator.i18n import catalog

    root = Path(__file__).resolve().parents[2] / "facilitator" / "cli"
    used = []
    for path in root.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("say", "message", "h")
                    and node.args and isinstance(node.args[0], ast.Constant)):
                prefix = "cli.help_" if node.func.id == "h" else "cli."  # type: ignore[attr-defined]
                used.append(prefix + node.args[0].value)
    assert len(used) > 40
    assert [i for i in used if i not in catalog()] == []


def test_export_errors_follow_the_language(run, workshop, tmp_path, dutch):
    out = tmp_path / "out"
    code, _, err = run("export", "wijk", "--session", "9", "--out", str(out))
    assert code == 2 and err == "facilitator: geen sessie 9 in 'wijk' (sessies: 1, 2)\n"
    code, _, err = run("--lang", "en", "export", "wijk", "--format", "rtf", "--out", str(out))
    assert code == 2 and err.startswith("facilitator: unknown export format rtf (formats: ")
    code, _, err = run("export", "wijk", "--format", "qdpx", "--session", "1", "--out", str(out))
    assert code == 2 and "een QDA-project bevat de hele reeks" in err


def test_parsing_a_command_line_reads_no_catalog() -> None:
    """`facilitator run` must stay quick: the parser's help texts are ids until printed,
    so a command line that parses reads nothing of messages.toml."""
    import subprocess
    import sys

    code = ("import sys\n"
            "from facilitator.cli import build_parser\n"
            "build_parser('nl').parse_args(['run', 'x', '--session', '2', '--lang', 'en'])\n"
            "i18n = sys.modules.get('facilitator.i18n')\n"
            "print(0 if i18n is None else i18n._blocks.cache_info().currsize)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


def test_a_settings_error_follows_the_language(run, tmp_path, monkeypatch, dutch):
    monkeypatch.setenv("FACILITATOR_WARN_LEFT", "later")
    run("demo")
    code, _, err = run("show", "holtenbroek-2025")
    assert code == 2 and "$FACILITATOR_WARN_LEFT: schrijf de minuten die over zijn" in err
    code, _, err = run("--lang", "en", "show", "holtenbroek-2025")
    assert code == 2 and "$FACILITATOR_WARN_LEFT: write minutes left" in err


def test_plan_errors_follow_the_language(run, tmp_path, dutch):
    """The domain's errors too: `facilitator new` on a plan with mistakes."""
    from tests.cli.conftest import MINIMAL

    bad = tmp_path / "wijk.toml"
    bad.write_text(MINIMAL.replace("minutes = 10", "minutes = 0").replace('role = "sm"', 'role = "xx"')
                   .replace("[workshop]", "[workshop]\ntitel = 'x'"), encoding="utf-8")
    code, _, err = run("new", str(bad))
    assert code == 2
    assert err.splitlines() == [
        f"{bad}: workshop.titel: onbekende sleutel (niet in het planformaat; controleer de spelling)",
        f"{bad}: sessions[0].agenda[0].minutes: moet tussen 1 en 600 liggen, gekregen: 0",
        f"{bad}: participants[0].role: onbekende rol 'xx'; bekende rollen: bj, sm"]
    code, _, err = run("--lang", "en", "new", str(bad))
    assert code == 2 and err.splitlines() == [
        f"{bad}: workshop.titel: unknown key (not in the plan format; check the spelling)",
        f"{bad}: sessions[0].agenda[0].minutes: must be between 1 and 600, got 0",
        f"{bad}: participants[0].role: unknown role 'xx'; known roles: bj, sm"]
    bad.write_text("[workshop\n", encoding="utf-8")
    code, _, err = run("new", str(bad))
    assert code == 2 and err.startswith(f"{bad}: line 1, column 10: TOML-syntaxfout: ")


def test_a_warning_threshold_error_follows_the_language(run, dutch):
    run("demo")
    code, _, err = run("show", "holtenbroek-2025", "--warn", "straks")
    assert code == 2 and err == ("facilitator: --warn: verwacht minuten of een percentage dat over is, "
                                 "zoals '2 min' of '20%', gekregen: 'straks'\n")
    code, _, err = run("--lang", "en", "show", "holtenbroek-2025", "--warn", "150%")
    assert code == 2 and err == "facilitator: --warn: a percentage left must be between 0 and 100, got '150%'\n"
