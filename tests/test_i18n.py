"""One catalog: both languages have every message, with the same placeholders, and every
message id the code raises is in it."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from facilitator.domain.capture import CaptureError, Context, parse_line
from facilitator.i18n import LANGUAGES, Message, catalog, text

ROOT = Path(__file__).resolve().parents[1] / "facilitator"


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_every_message_has_both_languages_with_the_same_placeholders() -> None:
    assert catalog(), "the catalog is not empty"
    for msg_id, entry in catalog().items():
        assert set(entry) == set(LANGUAGES), (msg_id, sorted(entry))
        assert bool(entry["nl"].strip()) == bool(entry["en"].strip()), msg_id  # empty in both, or in neither
        assert _fields(entry["nl"]) == _fields(entry["en"]), msg_id


def _ids_raised_in_code() -> list[tuple[str, str]]:
    """(file, id) for every CaptureError(...) / Message(...) call with a literal id."""
    found = []
    for path in ROOT.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("CaptureError", "Message"):
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Name) and first.id == "msg_id":
                    continue  # the wrapper that passes an id on
                if not isinstance(first, (ast.Constant, ast.IfExp)):
                    continue  # an id from a table of ids: test_every_id_like_string_is_in_the_catalog
                consts = [first] if isinstance(first, ast.Constant) else [first.body, first.orelse]
                found += [(f"{path.name}:{node.lineno}", c.value) for c in consts if isinstance(c, ast.Constant)]
    return found


def test_every_id_the_code_uses_is_in_the_catalog() -> None:
    used = _ids_raised_in_code()
    assert len(used) >= 15
    missing = [(where, i) for where, i in used if i not in catalog()]
    assert missing == []


def test_an_unknown_id_is_refused_at_once() -> None:
    with pytest.raises(KeyError):
        Message("capture.no_such_message")


CTX = Context(speakers={"wt": "wt", "wt1": "wt"}, themes=frozenset(), steps=["Opening", "Casus De Bram"])


@pytest.mark.parametrize("line, nl, en", [
    ("Opmerking: iets", "onbekende spreker 'Opmerking'; bekende sleutels: wt, wt1",
     "unknown speaker 'Opmerking'; known keys: wt, wt1"),
    ("## 9", "geen stap '9'; stappen:", "no step '9'; steps:"),
    ("aanwezig: xx yy", "onbekende sleutels 'xx', 'yy'", "unknown keys 'xx', 'yy'"),
    ("wt: a\x07b", "kolom 6: stuurteken U+0007 is niet toegestaan", "column 6: control character U+0007 is not allowed"),
])
def test_capture_errors_in_the_interface_language(line: str, nl: str, en: str) -> None:
    with pytest.raises(CaptureError) as info:
        parse_line(line, CTX)
    assert info.value.render("nl").startswith(nl)
    assert info.value.render("en").startswith(en)
    assert info.value.message == info.value.render("en")


def test_an_unknown_language_falls_back_to_dutch() -> None:
    assert text("capture.no_text", "fr") == text("capture.no_text", "nl")


def test_the_screens_keep_no_tables_of_their_own() -> None:
    """Every interface text is in the catalog: no module under tui/ builds its own nl/en table."""
    tui = ROOT / "tui"
    for path in tui.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
                assert not {"nl", "en"} <= keys, f"{path}:{node.lineno}: a language table outside messages.toml"


def test_every_binding_label_is_in_the_catalog() -> None:
    """A binding is declared `bind(keys, action, id)`, with no label of its own: the label
    is `key.<id>` in the catalog, written once. No `Binding(...)` with an id repeats it."""
    found = 0
    for path in (ROOT / "tui").rglob("*.py"):
        if path.name == "keys.py":
            continue  # bind() itself
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None)
            if name == "Binding":
                assert not any(k.arg == "id" for k in node.keywords), (
                    f"{path.name}:{node.lineno}: a binding with an id is declared with bind(), its label in the catalog")
            elif name == "bind" and len(node.args) >= 3 and isinstance(node.args[2], ast.Constant):
                found += 1
                binding_id = node.args[2].value
                assert any(i.endswith(f".key.{binding_id}") for i in catalog()), (path.name, binding_id)
    assert found > 80


def test_the_catalog_read_per_section_is_the_whole_file() -> None:
    """`text()` parses one top-level section at a time (the CLI's quick path): together
    the sections hold exactly what the whole file does."""
    import tomllib

    from facilitator.i18n import CATALOG_FILE, _walk

    whole = _walk(tomllib.loads(CATALOG_FILE.read_text(encoding="utf-8")))
    assert dict(catalog()) == whole
    assert "cli" in {i.split(".", 1)[0] for i in whole}


def test_every_literal_id_looked_up_is_in_the_catalog() -> None:
    """`text("usecase.x", lang)` (also imported as `tr` or `message`) with a literal id:
    a typo would only fail when that message is shown, maybe in front of a user."""
    sections = {i.split(".", 1)[0] for i in catalog()}
    used = []
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("text", "tr", "message")
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
                    and node.args[0].value.split(".", 1)[0] in sections):
                used.append((f"{path.name}:{node.lineno}", node.args[0].value))
    assert len(used) > 20
    assert [(where, i) for where, i in used if i not in catalog()] == []


def test_every_id_like_string_is_in_the_catalog() -> None:
    """Ids kept in tables (`_MISSING = {"roles": "plan.missing_roles"}`) or built by the
    code are checked too: every string constant that reads `section.name` for a
    section of the catalog's messages names one."""
    import re

    sections = ("plan", "cli", "usecase", "export", "import", "settings", "capture", "recode", "notes", "schedule", "codebook")
    shape = re.compile(rf"^(?:{'|'.join(sections)})\.[a-z_]+$")
    found = []
    for path in ROOT.rglob("*.py"):
        if "tui" in path.relative_to(ROOT).parts:
            continue  # binding ids there (`plan.back`); the screens' texts are checked above
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and shape.match(node.value)
                    and node.value != "plan.toml"):
                found.append((f"{path.name}:{node.lineno}", node.value))
    assert len(found) > 60
    assert [(where, i) for where, i in found if i not in catalog()] == []
