"""kill -9 at random points during an import, a compaction, a migration and a backup:
all-or-nothing, the store opens, and no temp file is left once it has been opened.

Each round starts a child that does the operation in a loop, telling the parent
what was acknowledged only after the call returned; the parent kills it (SIGKILL)
at a random moment and checks the store. The quick run does a few rounds of each;
the slow one 135 in all. "import-compacted": every import is followed by a compaction
(the statements go to the snapshot's lazy lines and index), so kills land in it too.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from facilitator.store import db as dbmod
from facilitator.store.workshop import WorkshopStore

ROOT = Path(__file__).parents[2]
FIXTURE = Path(__file__).parent / "fixtures" / "v1-holtenbroek.db"
BATCH = 400

CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    from facilitator.domain.records import Statement
    from facilitator.store import db as dbmod
    from facilitator.store.workshop import WorkshopStore
    data_dir, slug, kind, round_no = Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
    if kind == "compaction":
        dbmod.COMPACT_SLACK = 3  # compact every few saves
    if kind == "import-compacted":
        dbmod.COMPACT_SLACK = 100  # every import is compacted right after its commit (lazy lines + index)
    print("READY", flush=True)
    store = WorkshopStore.open(data_dir, slug)
    print("OPENED", flush=True)
    i = 0
    while True:
        if kind.startswith("import"):
            store.import_records(1, [Statement(session=1, text=f"r{round_no}-b{i}-{k} " + "x" * 40)
                                     for k in range(%d)])
            print("ACK", f"r{round_no}-b{i}", flush=True)
        elif kind == "compaction":
            saved = store.add_statement(Statement(session=1, text=f"r{round_no}-{i}"))
            print("ACK", saved.text, flush=True)
            if i %% 2:
                store.delete_statement(saved.id)
                print("DEL", saved.text, flush=True)
        elif kind == "backup":
            print("ACK", store.backup().name, flush=True)
        elif kind == "migration":
            print("ACK migrated", flush=True)
            store.close()
            break
        i += 1
""" % BATCH)


def run_round(data_dir: Path, slug: str, kind: str, round_no: int, rng: random.Random) -> list[str]:
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(data_dir), slug, kind, str(round_no)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == b"READY", proc.stderr.read() if proc.stderr else b""
    time.sleep(rng.uniform(0.0, 0.25 if kind == "migration" else 0.6))  # a random moment, not a sync point
    proc.send_signal(signal.SIGKILL)
    out, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err, err.decode()
    # The kill can come in the middle of the child's report: a last line without its newline
    # is torn, and what it would have said is in doubt (neither acknowledged nor deleted).
    text = out.decode(errors="replace")
    lines = text.split("\n")
    complete = lines[:-1]  # the part after the last newline is empty, or torn
    return [line for line in complete if line and line not in ("READY", "OPENED")]


def no_temp_files(path: Path) -> None:
    left = [p.name for p in path.rglob("*") if dbmod.TMP_INFIX in p.name]
    assert left == [], left


def check_import(data_dir: Path, acked: set[str], round_no: int) -> None:
    with WorkshopStore.open(data_dir, "proef") as s:
        batches: dict[str, int] = {}
        for st in s.statements():
            batch = st.text.rsplit("-", 1)[0]
            batches[batch] = batches.get(batch, 0) + 1
        assert all(n == BATCH for n in batches.values()), "an import is all or nothing"
        assert acked <= set(batches), "every acknowledged import is there"
    no_temp_files(data_dir / "proef")


def kill_rounds(data_dir: Path, plan_store: WorkshopStore, kind: str, rounds: int, seed: int) -> None:
    rng = random.Random(seed)
    if kind == "migration":
        for round_no in range(rounds):
            folder = data_dir / f"oud{round_no}"
            folder.mkdir()
            shutil.copyfile(FIXTURE, folder / "store.db")
            with WorkshopStore.open(data_dir, folder.name, readonly=True) as original:
                want = original.snapshot()
            run_round(data_dir, folder.name, kind, round_no, rng)
            with WorkshopStore.open(data_dir, folder.name) as s:
                assert s.snapshot() == want
                assert not any("damaged" in str(r) for r in s.recovery), s.recovery
            no_temp_files(folder)
            backups = list((folder / "backups").glob("*before-migration*"))
            assert all(b.read_bytes() == FIXTURE.read_bytes() for b in backups)
        return
    acked: set[str] = set()
    deleted: set[str] = set()
    for round_no in range(rounds):
        in_doubt: set[str] = set()  # a delete that was under way when the kill came may be durable
        for line in run_round(data_dir, "proef", kind, round_no, rng):
            if " " not in line:
                continue  # a report the kill cut short: in doubt, so neither acknowledged nor deleted
            word, what = line.split(" ", 1)
            (acked if word == "ACK" else deleted).add(what)
            in_doubt = {what} if word == "ACK" and kind == "compaction" and int(what.rsplit("-", 1)[1]) % 2 else set()
        if kind.startswith("import"):
            check_import(data_dir, acked, round_no)
        elif kind == "compaction":
            with WorkshopStore.open(data_dir, "proef") as s:
                texts = {st.text for st in s.statements()}
                assert acked - deleted - in_doubt <= texts, "an acknowledged statement was lost"
                assert not (texts & deleted), "an acknowledged delete came back"
                deleted |= in_doubt - texts
            no_temp_files(data_dir / "proef")
        elif kind == "backup":
            with WorkshopStore.open(data_dir, "proef"):
                pass
            no_temp_files(data_dir / "proef")
            for backup in (data_dir / "proef" / "backups").iterdir():
                rep = dbmod.replay(backup.read_bytes())
                assert rep.header and not rep.bad and not rep.torn_tail, backup.name  # whole or absent


@pytest.mark.parametrize("kind", ["import", "import-compacted", "compaction", "migration", "backup"])
def test_kill_during_each_operation_quick(store, data_dir, kind):
    store.close()
    kill_rounds(data_dir, store, kind, 3, seed=hash(kind) & 0xFFFF)


@pytest.mark.slow
@pytest.mark.parametrize("kind,rounds", [("import", 35), ("import-compacted", 25), ("compaction", 30), ("migration", 20),
                                         ("backup", 25)])
def test_kill_during_each_operation_many_rounds(store, data_dir, kind, rounds):
    store.close()
    kill_rounds(data_dir, store, kind, rounds, seed=20261202 + rounds)



def test_a_lock_note_left_by_a_killed_writer_is_removed(tmp_path):
    """A kill while the note-taker's lock note was written left
    `store.notes.lock.info.tmp-…` (seen in the kill rounds: the workshop's own lock
    removed its note's temp files on acquiring, the seat's lock did not)."""
    from facilitator import fileio
    from facilitator.domain.plan import parse_plan

    from .conftest import PLAN_TEXT

    WorkshopStore.create(tmp_path, parse_plan(PLAN_TEXT), PLAN_TEXT).close()
    folder = tmp_path / "proef"
    left = [folder / f"store.notes.lock.info{fileio.TMP_INFIX}4242-abcd1234",
            folder / f"store.lock.info{fileio.TMP_INFIX}4242-abcd1234"]
    for tmp in left:
        tmp.write_text("{}")
    WorkshopStore.open(tmp_path, "proef").close()  # takes both locks
    assert not [p.name for p in left if p.exists()]
