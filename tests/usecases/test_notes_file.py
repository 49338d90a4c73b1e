"""Importing a notes file read line by line from disk (NotesFile): the same lines as the
text reader, all or nothing, and memory that does not grow with the file."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from facilitator.domain.plan import parse_plan
from facilitator.store.workshop import WorkshopStore
from facilitator.usecases.errors import NotesError, UseCaseError
from facilitator.usecases.notes import NotesFile, _lines, import_notes, open_notes

PLAN = """
[workshop]
slug = "proef"
title = "Proef"
[[roles]]
key = "wt"
label = "wijkteammedewerker"
[[themes]]
key = "taal"
label = "Taal"
[[sessions]]
number = 1
date = 2026-03-03
[[sessions.agenda]]
title = "Opening"
minutes = 15
"""


def test_lines_from_disk_are_the_lines_of_the_text(tmp_path):
    text = "wt: een\r\nwt: twee\u2028nog\n\nactie: doen\nwt: laatste zonder einde"
    path = tmp_path / "n.txt"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert list(NotesFile(path).lines()) == list(_lines(text))
    path.write_bytes(b"wt: een\n")
    assert list(NotesFile(path).lines()) == ["wt: een"]


def test_a_line_that_is_not_utf8_is_named(tmp_path):
    path = tmp_path / "n.txt"
    path.write_bytes(b"wt: een\nwt: tw\xe9e\n")
    with pytest.raises(UseCaseError, match=r"n.txt:2: not UTF-8 text \(byte 0xe9\)"):
        list(NotesFile(path).lines())
    with pytest.raises(UseCaseError, match="no such file"):
        open_notes(tmp_path / "weg.txt")


def test_a_bad_line_at_the_end_of_a_file_saves_nothing(tmp_path):
    data_dir = tmp_path / "data"
    WorkshopStore.create(data_dir, parse_plan(PLAN, "p.toml"), PLAN).close()
    path = tmp_path / "n.txt"
    path.write_text("".join(f"wt: uitspraak {i} #taal\n" for i in range(30_000)) + "onbekend: wie?\n",
                    encoding="utf-8")  # more than one chunk is written before the bad line is met
    store_file = data_dir / "proef" / "store.db"
    before = store_file.read_bytes()
    with WorkshopStore.open(data_dir, "proef") as store:
        with pytest.raises(NotesError) as err:
            import_notes(store, 1, open_notes(path), "n.txt")
        assert "n.txt:30001:" in err.value.lines[0]
        assert store.statements(1) == [] and store.attendance(1) == []
    assert store_file.read_bytes() == before
    path.write_text("".join(f"wt: uitspraak {i} #taal\n" for i in range(30_000)), encoding="utf-8")  # mended
    with WorkshopStore.open(data_dir, "proef") as store:
        _parsed, count = import_notes(store, 1, open_notes(path), "n.txt")
        assert count == 30_000 == len(store.statement_view(1))


CHILD = textwrap.dedent("""
    import json, sys, tracemalloc
    from pathlib import Path
    from facilitator.domain.plan import parse_plan
    from facilitator.store.workshop import WorkshopStore
    from facilitator.usecases.notes import import_notes, open_notes
    data_dir, notes, plan = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    WorkshopStore.create(data_dir, parse_plan(plan, "p.toml"), plan).close()
    tracemalloc.start()
    with WorkshopStore.open(data_dir, "proef") as store:
        import_notes(store, 1, open_notes(notes), "n.txt")
    print(json.dumps({"peak": tracemalloc.get_traced_memory()[1]}))
""")


def _peak(tmp_path: Path, n: int) -> int:
    notes = tmp_path / f"n{n}.txt"
    with open(notes, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(f'wt: "Uitspraak {i}: we verwijzen door, maar weten niet wat er gebeurt." #taal\n')
    out = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / f"d{n}"), str(notes), PLAN],
                         capture_output=True, text=True, timeout=900, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])["peak"]


@pytest.mark.slow
def test_import_memory_does_not_follow_the_file(tmp_path):
    """Four times the lines: the peak of what Python allocates grows by a few bytes a
    record (where each line is: about 100 bytes), not by the documents (1 KiB or more
    each as dicts, as before: 60,000 of them would be 60 MiB more)."""
    small, large = _peak(tmp_path, 15_000), _peak(tmp_path, 60_000)
    per_record = (large - small) / 45_000
    assert per_record < 200, (small, large, per_record)
    assert large < 24 * 2**20, (small, large)
