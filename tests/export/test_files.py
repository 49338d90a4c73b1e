"""write_documents: atomic files, private mode, loud failures that keep the old file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from facilitator.export import Document
from facilitator.export.files import write_documents


def test_writes_each_document_creating_the_directory(tmp_path: Path) -> None:
    out = tmp_path / "a" / "exports"
    paths = write_documents([Document("x.md", "één\n", 0), Document("y.md", "y\n", 0)], out)
    assert paths == [out / "x.md", out / "y.md"]
    assert (out / "x.md").read_bytes() == "één\n".encode("utf-8")
    assert sorted(p.name for p in out.iterdir()) == ["x.md", "y.md"]  # no temporary files left


def test_mode_is_0600_by_default_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        write_documents([Document("x.md", "x\n", 0)], tmp_path)
        write_documents([Document("y.md", "y\n", 0)], tmp_path, mode=0o644)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "x.md").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "y.md").stat().st_mode) == 0o644


def test_replaces_an_existing_file(tmp_path: Path) -> None:
    (tmp_path / "x.md").write_text("old\n")
    write_documents([Document("x.md", "new\n", 0)], tmp_path)
    assert (tmp_path / "x.md").read_text() == "new\n"


def test_a_failed_write_raises_and_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "x.md").write_text("old\n")

    def no_space(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(OSError, match="No space"):
        write_documents([Document("x.md", "new\n", 0)], tmp_path)
    assert (tmp_path / "x.md").read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["x.md"]


def test_a_write_cut_short_by_the_file_size_limit_keeps_the_old_file(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "x.md").write_text("old\n")
    code = ("import resource, signal, sys; from pathlib import Path; "
            "signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
            "resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000)); "
            "from facilitator.export import Document; from facilitator.export.files import write_documents; "
            "write_documents([Document('x.md', 'y' * 5000, 0)], Path(sys.argv[1]))")
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=root, capture_output=True, text=True)
    assert proc.returncode != 0 and "File too large" in proc.stderr
    assert (tmp_path / "x.md").read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["x.md"]


@pytest.mark.parametrize("name", ["", "../x.md", "a/b.md", ".", ".."])
def test_refuses_anything_but_a_plain_file_name(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError):
        write_documents([Document(name, "x\n", 0)], tmp_path / "out")


@pytest.mark.parametrize("bad", ["", ".", "..", "a/b.md", "../x.md", "a|b.md", "a*b.md", "a:b.md", "a\\b.md",
                                 "x.md.", " x.md", "a\x00b.md", 'a"b.md'])
def test_every_name_is_checked_before_any_file_is_written(tmp_path: Path, bad: str) -> None:
    out = tmp_path / "exports"
    with pytest.raises(ValueError, match="file name"):
        write_documents([Document("good.md", "x\n", 0), Document(bad, "y\n", 0)], out)
    assert not out.exists()  # nothing written, not even the directory


def test_two_documents_for_one_file_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="same file"):
        write_documents([Document("a.md", "x\n", 0), Document("A.md", "y\n", 0)], tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_plan_code_with_a_slash_never_reaches_the_exporter() -> None:
    from facilitator.domain.plan import PlanError
    from tests.export.fixture import PLAN_FILE, example_plan
    from facilitator.domain.plan import parse_plan

    text = PLAN_FILE.read_text(encoding="utf-8").replace("[[sessions]]\nnumber = 1\n",
                                                        "[[sessions]]\nnumber = 1\ncode = \"OWP1/2026\"\n", 1)
    assert 'code = "OWP1/2026"' in text
    with pytest.raises(PlanError, match=r"sessions\[0\]\.code: invalid value 'OWP1/2026'"):
        parse_plan(text, PLAN_FILE.name)
    assert example_plan().sessions[0].code is None


def test_a_temp_file_left_by_a_killed_export_is_cleaned_up(tmp_path: Path) -> None:
    """A kill -9 mid-write leaves `.NAME.xxxx.tmp`; the next export removes it."""
    stale = tmp_path / ".report.md.1234.tmp"
    stale.write_text("half")
    write_documents([Document("report.md", "# Rapport\n", 0)], tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]


def test_never_writes_through_a_planted_link(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    out = tmp_path / "out"
    out.mkdir()
    import facilitator.export.files as files

    monkeypatch.setattr(files.secrets, "token_hex", lambda n: "fixed")
    (out / ".report.md.fixed.tmp").symlink_to(victim)  # planted after the stale sweep would see it
    monkeypatch.setattr(files.Path, "glob", lambda self, pattern: iter(()))
    with pytest.raises(FileExistsError):
        write_documents([Document("report.md", "x\n", 0)], out)
    assert victim.read_text() == "keep me"


@pytest.mark.parametrize("mode, dir_mode", [(0o600, 0o700), (0o644, 0o755), (0o640, 0o750)])
def test_a_new_export_directory_is_as_private_as_its_files(tmp_path: Path, mode: int, dir_mode: int) -> None:
    old = os.umask(0)
    try:
        write_documents([Document("x.md", "x\n", 0)], tmp_path / "out", mode)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == dir_mode
