from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from facilitator.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "tests" / "fixtures" / "plan-example.toml"

MINIMAL = """\
[workshop]
slug = "wijk"
title = "Werkplaats in de wijk"

[[roles]]
key = "sm"
label = "sociaal makelaar"

[[roles]]
key = "bj"
label = "buurtteam jeugd"

[[participants]]
key = "sm1"
role = "sm"
name = "Anouk"

[[themes]]
key = "regels"
label = "Regels"

[[sessions]]
number = 1
date = 2014-11-04

[[sessions.agenda]]
title = "Opening"
minutes = 10

[[sessions.agenda]]
title = "Casus"
minutes = 40

[[sessions]]
number = 2
date = 2014-12-02

[[sessions.agenda]]
title = "Terugblik"
minutes = 20
"""


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI speaks Dutch unless told otherwise; these tests read its English
    (FACILITATOR_LANG reaches the subprocesses too). tests/cli/test_language.py
    checks the Dutch default and --lang."""
    monkeypatch.setenv("FACILITATOR_LANG", "en")


class Run:
    """Runs the CLI in-process and keeps exit code, stdout and stderr."""

    def __init__(self, data_dir: Path, capsys: pytest.CaptureFixture[str]):
        self.data_dir = data_dir
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        code = main(["--data-dir", str(self.data_dir), *args])
        out, err = self.capsys.readouterr()
        return code, out, err


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setenv("FACILITATOR_LANG", "en")  # as `_english`, for the tests elsewhere that use this fixture
    return Run(tmp_path / "data", capsys)


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "wijk.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    return path


def run_subprocess(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "facilitator", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=60)
