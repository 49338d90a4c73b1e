"""A schema-1 store (the demo's as committed before store v2) opens, migrates after a
backup, and exports byte-identically to before."""

from __future__ import annotations

import shutil
from pathlib import Path

from facilitator.export import render_all
from facilitator.store import db as dbmod
from facilitator.store.workshop import SCHEMA_VERSION, WorkshopStore

FIXTURE = Path(__file__).parent / "fixtures" / "v1-holtenbroek.db"
SLUG = "holtenbroek-2025"


def v1_data_dir(tmp_path: Path) -> Path:
    data_dir = tmp_path / "data"
    (data_dir / SLUG).mkdir(parents=True)
    shutil.copyfile(FIXTURE, data_dir / SLUG / "store.db")
    return data_dir


def exported(store: WorkshopStore) -> dict[str, str]:
    return {doc.filename: doc.text for doc in render_all(store.snapshot())}


def test_fixture_is_schema_1_in_format_1():
    rep = dbmod.replay(FIXTURE.read_bytes())
    assert rep.format == 1 and rep.tables["meta"]["1"]["schema_version"] == 1


def test_v1_store_migrates_after_a_backup_and_exports_the_same(tmp_path):
    data_dir = v1_data_dir(tmp_path)
    path = data_dir / SLUG / "store.db"
    with WorkshopStore.open(data_dir, SLUG, readonly=True) as old:  # read-only: read as it is, not migrated
        before = exported(old)
        assert old.recovery == []
    assert path.read_bytes() == FIXTURE.read_bytes()
    assert len(before) >= 3 and all(before.values())
    with WorkshopStore.open(data_dir, SLUG) as store:
        assert any("migrated to store schema 2" in r for r in store.recovery), store.recovery
        assert exported(store) == before
    (backup,) = (data_dir / SLUG / "backups").glob("store-*-before-migration.db")
    assert backup.read_bytes() == FIXTURE.read_bytes(), "the original, byte for byte"
    rep = dbmod.replay(path.read_bytes())
    assert rep.format == dbmod.FORMAT and rep.tables["meta"]["1"]["schema_version"] == SCHEMA_VERSION
    assert (data_dir / SLUG / "plan.toml").read_text(encoding="utf-8") == rep.tables["meta"]["1"]["plan_text"]
    with WorkshopStore.open(data_dir, SLUG) as again:
        assert again.recovery == [] and exported(again) == before
    with WorkshopStore.open(data_dir, SLUG, readonly=True) as ro:
        assert exported(ro) == before


def test_migration_keeps_its_backup_through_rotation(tmp_path):
    data_dir = v1_data_dir(tmp_path)
    with WorkshopStore.open(data_dir, SLUG) as store:
        for _ in range(12):
            store.backup()
    names = [p.name for p in (data_dir / SLUG / "backups").iterdir()]
    assert len(names) == 11 and sum("before-migration" in n for n in names) == 1


def test_newer_schema_is_still_refused(tmp_path):
    import pytest

    from facilitator.store.workshop import StoreNewer

    data_dir = v1_data_dir(tmp_path)
    path = data_dir / SLUG / "store.db"
    data = path.read_bytes().replace(b'"schema_version":1', b'"schema_version":3')
    # the meta line's checksum must match for it to count: rewrite that one line
    lines = data.split(b"\n")
    lines[1] = dbmod.encode(__import__("json").loads(lines[1][9:])).rstrip(b"\n")
    path.write_bytes(b"\n".join(lines))
    before = path.read_bytes()
    for readonly in (True, False):
        with pytest.raises(StoreNewer, match="schema 3 > 2"):
            WorkshopStore.open(data_dir, SLUG, readonly=readonly)
    assert path.read_bytes() == before and not (data_dir / SLUG / "backups").exists()


def test_a_kill_while_the_migration_backup_is_written_leaves_no_partial_backup(tmp_path):
    """The backup before a migration was written in place: a kill -9 halfway left a
    partial file named like a backup (seen in the kill rounds). Now it is a temp file
    until complete, which the next writable open removes."""
    import os
    import signal

    from facilitator import fileio

    folder = tmp_path / "oud"
    folder.mkdir()
    shutil.copyfile(FIXTURE, folder / "store.db")
    pid = os.fork()
    if pid == 0:  # the child: dies by SIGKILL halfway through writing the backup
        real = fileio.write_all

        original = FIXTURE.read_bytes()

        def half_then_die(fd, data):
            if bytes(data) != original:
                return real(fd, data)
            real(fd, data[: len(data) // 2])
            os.kill(os.getpid(), signal.SIGKILL)

        fileio.write_all = half_then_die
        try:
            WorkshopStore.open(tmp_path, "oud")
        finally:
            os._exit(3)  # not reached when the kill came
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    named = list((folder / "backups").glob("*before-migration*.db"))
    assert all(b.read_bytes() == FIXTURE.read_bytes() for b in named), [b.name for b in named]
    with WorkshopStore.open(tmp_path, "oud") as s:  # opens, migrates, cleans the temp file up
        assert s.statements()
    assert not [p for p in folder.rglob("*") if fileio.TMP_INFIX in p.name]
    assert all(b.read_bytes() == FIXTURE.read_bytes() for b in (folder / "backups").glob("*before-migration*.db"))
