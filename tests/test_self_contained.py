"""A clone anywhere works: nothing reads the folder laid beside this checkout, the demo is built from its source,
and what the app writes at run time is ignored by git."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from facilitator.cli.commands import _demo_on_first_run
from facilitator.demo import SLUG
from facilitator.store.paths import list_workshops

ROOT = Path(__file__).resolve().parents[1]


def _tracked() -> list[Path]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [ROOT / p for p in out.decode().split("\0") if p]


def test_nothing_in_the_repository_reads_the_folder_beside_the_checkout() -> None:
    pattern = re.compile(r"\.\./shared|parents\[\d\]\.parent|[\"']shared[\"']")
    offenders = []
    for path in _tracked():
        if path.suffix in {".py", ".md", ".toml", ".cfg", ".ini"} or path.name == "run":
            if path.is_file() and pattern.search(path.read_text(encoding="utf-8", errors="replace")):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == [] or offenders == ["tests/test_self_contained.py"], offenders


def test_no_workshop_store_or_export_is_tracked() -> None:
    tracked = [p.relative_to(ROOT).as_posix() for p in _tracked()]
    assert [p for p in tracked if p.startswith("sessions/") and p != "sessions/README.md"] == []
    assert [p for p in tracked if p.startswith("exports/") and p != "exports/README.md"] == []


@pytest.mark.parametrize("path", ["sessions/holtenbroek-2025/store.db", "sessions/x/backups/store-1.db",
                                  "sessions/facilitator.log", "sessions/rescue-1.txt", "exports/x.md",
                                  "exports/x.docx", "sessions/x/store.lock"])
def test_what_the_app_writes_is_ignored(path: str) -> None:
    _tracked()
    r = subprocess.run(["git", "check-ignore", "-q", "--no-index", path], cwd=ROOT)
    assert r.returncode == 0, f"{path} is not ignored by git"


def test_first_run_on_the_default_data_directory_builds_the_demo(tmp_path: Path) -> None:
    data = tmp_path / "sessions"
    _demo_on_first_run(data, None, "en", default_dir=True)
    assert list_workshops(data) == [SLUG]
    before = (data / SLUG / "store.db").read_bytes()
    _demo_on_first_run(data, None, "en", default_dir=True)  # present: left alone
    assert (data / SLUG / "store.db").read_bytes() == before


def test_a_chosen_data_directory_gets_no_demo_unless_asked(tmp_path: Path) -> None:
    _demo_on_first_run(tmp_path / "mine", None, "en", default_dir=False)
    assert list_workshops(tmp_path / "mine") == []
    _demo_on_first_run(tmp_path / "mine", SLUG, "en", default_dir=False)  # `run holtenbroek-2025`
    assert list_workshops(tmp_path / "mine") == [SLUG]
