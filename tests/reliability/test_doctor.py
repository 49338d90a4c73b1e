"""`facilitator doctor` on real damage: flipped bytes, a cut-off file, a foreign
file, a store of a newer schema or format. Driven through the CLI in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from facilitator.store.db import encode

from .conftest import SLUG, cli, no_traceback, statements

@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the CLI's English (it speaks Dutch by default; the subprocesses
    inherit the environment). tests/cli/test_language.py checks doctor's Dutch."""
    monkeypatch.setenv("FACILITATOR_LANG", "en")


LINES = ["wt: eerste uitspraak", "jw: “tweede, letterlijk” #taal", "bib: derde uitspraak"]


@pytest.fixture
def filled(data_dir: Path, tmp_path: Path) -> Path:
    """Two imports (two journal entries) of three statements each."""
    notes = tmp_path / "notes.txt"
    for i in (1, 2):
        notes.write_text("\n".join(f"{line} {i}" if "“" not in line else line.replace("letterlijk", f"letterlijk {i}")
                                   for line in LINES) + "\n", encoding="utf-8")
        assert cli(data_dir, "import", SLUG, str(notes), "--session", "1").returncode == 0
    return data_dir


def store_file(data_dir: Path) -> Path:
    return data_dir / SLUG / "store.db"


def doctor(data_dir: Path, *args: str):  # type: ignore[no-untyped-def]
    proc = cli(data_dir, "doctor", "--lang", "en", *args)  # the assertions below read the English lines
    no_traceback(proc)
    return proc


def kept_aside(data_dir: Path) -> list[Path]:
    return sorted((data_dir / SLUG).glob("store.db.damaged-*"))


def test_healthy_store_is_left_as_it_is(filled: Path) -> None:
    before = store_file(filled).read_bytes()
    proc = doctor(filled)
    assert proc.returncode == 0 and f"{SLUG}: ok: store is healthy" in proc.stdout
    assert store_file(filled).read_bytes() == before and kept_aside(filled) == []


def test_flipped_bytes_in_an_import_lose_only_that_record(filled: Path) -> None:
    path = store_file(filled)
    original = path.read_bytes()
    data = bytearray(original)
    at = data.index("eerste uitspraak 1".encode())
    data[at] ^= 0x20  # one bit, inside the first import
    for backup in (filled / SLUG / "backups").iterdir():
        backup.unlink()  # first without a second copy
    path.write_bytes(bytes(data))
    proc = doctor(filled, SLUG)
    assert proc.returncode == 2, proc.stdout
    assert "fixed: store.db was damaged" in proc.stdout and "original kept as store.db.damaged-" in proc.stdout
    assert "not recovered: line " in proc.stdout and "statement 1 of session 1" in proc.stdout
    (aside,) = kept_aside(filled)
    assert aside.read_bytes() == bytes(data)  # the damaged original, byte for byte
    # the rest of the first import and all of the second survive; the flipped record is the only loss
    assert statements(filled) == ["tweede, letterlijk 1", "derde uitspraak 1",
                                  "eerste uitspraak 2", "tweede, letterlijk 2", "derde uitspraak 2"]
    again = doctor(filled, SLUG)
    assert again.returncode == 0 and "ok: store is healthy" in again.stdout
    assert cli(filled, "list").returncode == 0


def test_flipped_bytes_with_a_backup_lose_nothing(filled: Path) -> None:
    path = store_file(filled)
    data = bytearray(path.read_bytes())
    data[data.index("eerste uitspraak 1".encode())] ^= 0x20
    path.write_bytes(bytes(data))
    proc = doctor(filled, SLUG)
    assert proc.returncode == 0, proc.stdout
    assert "from backup store-" in proc.stdout and "not recovered" not in proc.stdout
    assert len(statements(filled)) == 6 and "eerste uitspraak 1" in statements(filled)


def test_truncated_store_drops_only_the_unfinished_last_save(filled: Path) -> None:
    path = store_file(filled)
    data = path.read_bytes()
    torn = b'12345678 ["o",99,"statements",7,{"text":"half'
    with open(path, "ab") as fh:
        fh.write(torn)  # a save cut short, as by a crash mid-write
    proc = doctor(filled)
    assert proc.returncode == 0 and "unfinished last save" in proc.stdout, proc.stdout
    assert "problem" not in proc.stdout and "kept aside after a repair" not in proc.stdout, proc.stdout
    assert len(statements(filled)) == 6
    # never acknowledged, so no damage: only its own bytes are kept, the journal is cut back
    assert kept_aside(filled) == [] and path.read_bytes() == data
    dropped = sorted((filled / SLUG).glob("store.db.unfinished-*"))
    assert len(dropped) == 1 and dropped[0].read_bytes() == torn
    assert f"note: {dropped[0].name}: the {len(torn)} bytes of an unfinished save" in proc.stdout, proc.stdout


def test_store_cut_to_nothing_is_restored_from_the_newest_backup(filled: Path) -> None:
    store_file(filled).write_bytes(b"")
    proc = doctor(filled, SLUG)
    assert proc.returncode == 0, proc.stdout
    assert "restored from backup store-" in proc.stdout
    assert len(statements(filled)) == 6
    assert cli(filled, "list").returncode == 0


def test_store_cut_to_nothing_without_backups_keeps_the_plan(filled: Path) -> None:
    import shutil as _sh

    _sh.rmtree(filled / SLUG / "backups")
    store_file(filled).write_bytes(b"")
    proc = doctor(filled, SLUG)
    assert proc.returncode == 2 and "restored from plan.toml" in proc.stdout, proc.stdout
    assert "missing: session 1: 6 statements fewer than when last closed" in proc.stdout
    assert statements(filled) == [] and cli(filled, "list").returncode == 0


def test_foreign_file_is_never_destroyed(filled: Path) -> None:
    foreign = b"SQLite format 3\x00" + bytes(range(256)) * 8
    store_file(filled).write_bytes(foreign)
    proc = doctor(filled)
    assert proc.returncode == 2 and "problem" in proc.stdout
    assert any(p.read_bytes() == foreign for p in kept_aside(filled)) or store_file(filled).read_bytes() == foreign
    for command in (("list",), ("export", SLUG), ("run", SLUG)):
        out = cli(filled, *command, "--data-dir", str(filled))
        assert out.returncode == 2, command
        no_traceback(out)
        if command[0] == "run":  # the app paints first and opens the store behind it: its last line says why
            assert "not a facilitator store" in " ".join(out.stderr[-400:].split()), out.stderr[-400:]
        else:
            assert out.stderr.count("\n") == 1, out.stderr


def test_non_store_entries_in_the_data_dir_are_left_alone(filled: Path) -> None:
    (filled / "notes").mkdir()
    (filled / "notes" / "store.txt").write_text("not a store")
    (filled / "stray.txt").write_text("hello")
    proc = doctor(filled)
    assert proc.returncode == 0
    assert "notes: a directory that is not a workshop store; left alone" in proc.stdout
    assert (filled / "stray.txt").read_text() == "hello"


@pytest.mark.parametrize("kind", ["schema", "format"])
def test_newer_store_is_refused_and_untouched(filled: Path, kind: str) -> None:
    path = store_file(filled)
    data = path.read_bytes()
    if kind == "schema":
        meta = json.loads(data.split(b"\n")[1][9:])[3]  # the meta record written by `new`
        assert meta["slug"] == SLUG
        data += encode([["meta", 1, {**meta, "schema_version": 99}]])
    else:
        header, rest = data.split(b"\n", 1)
        data = encode({"facilitator-store": 7, "next": {}}) + rest
    path.write_bytes(data)
    path.chmod(0o644)  # something doctor would normally tighten: not even that is touched
    proc = doctor(filled, SLUG)
    assert proc.returncode == 2 and "newer facilitator" in proc.stdout and "left untouched" in proc.stdout
    assert path.read_bytes() == data and (path.stat().st_mode & 0o777) == 0o644 and kept_aside(filled) == []
    for command in (("list",), ("run", SLUG), ("import", SLUG, str(path), "--session", "1")):
        out = cli(filled, *command)
        assert out.returncode == 2 and "newer facilitator" in out.stderr, (command, out.stderr)
        no_traceback(out)
    assert path.read_bytes() == data


def test_doctor_leaves_a_workshop_in_use_alone(filled: Path) -> None:
    from facilitator.store.workshop import WorkshopStore

    path = store_file(filled)
    with WorkshopStore.open(filled, SLUG):
        with open(path, "ab") as fh:
            fh.write(b"0000 half a line")  # damage the holder itself would repair
        before = path.read_bytes()
        proc = doctor(filled, SLUG)
        assert proc.returncode == 2 and "not repaired" in proc.stdout and "another process" in proc.stdout
        assert path.read_bytes() == before and kept_aside(filled) == []
