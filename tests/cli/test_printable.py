"""Text from a plan or a file name cannot drive the terminal when the CLI prints it."""

from __future__ import annotations

from pathlib import Path

from facilitator.cli.printable import printable
from tests.cli.conftest import MINIMAL


def test_printable_escapes_controls_and_bidi_overrides_only() -> None:
    assert printable("a\x1b[2Jb\u202ec\x07\n") == "a\\x1b[2Jb\\u202ec\\x07\\x0a"
    assert printable("Zoë „citaat” 🙂 עברית") == "Zoë „citaat” 🙂 עברית"


def test_a_title_with_an_escape_sequence_is_shown_escaped(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plan = tmp_path / "wijk.toml"
    plan.write_text(MINIMAL.replace('title = "Werkplaats in de wijk"',
                                    'title = "Werk\\u001b[2Jplaats\\u202e"'), encoding="utf-8")
    code, out, err = run("new", str(plan))
    assert code == 0, err
    code, out, err = run("list")
    assert code == 0 and "\x1b" not in out and "\u202e" not in out
    assert "Werk\\x1b[2Jplaats\\u202e" in out


def test_a_file_name_with_controls_is_escaped_in_an_error(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run("new", str(tmp_path / "x\x1b]0;pwned\x07.toml"))
    assert code == 2 and "\x1b" not in err and "\x07" not in err and "\\x1b]0;pwned\\x07" in err
