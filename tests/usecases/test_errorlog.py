"""The error log: the data directory, else the user's own state directory, never a shared folder."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

import pytest

from facilitator.usecases import errorlog
from facilitator.usecases.errorlog import LOG_NAME, log_unexpected, summary


def boom() -> RuntimeError:
    try:
        raise RuntimeError("kapot")
    except RuntimeError as exc:
        return exc


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "home" / "state" / "facilitator"
    monkeypatch.setattr(errorlog, "state_dir", lambda: path)
    return path


@pytest.fixture
def unwritable(tmp_path: Path) -> str:
    """A data directory that cannot be made (its parent is a file; chmod does not stop root)."""
    (tmp_path / "file").write_text("x")
    return str(tmp_path / "file" / "data")


def test_the_data_directory_first(tmp_path: Path, state: Path) -> None:
    path = log_unexpected(str(tmp_path / "data"), ["list"], boom())
    assert path == tmp_path / "data" / LOG_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and "RuntimeError: (message withheld: 5 characters)" in path.read_text()
    assert not state.exists()


def test_unwritable_data_directory_falls_back_to_the_own_state_dir(unwritable: str, state: Path) -> None:
    path = log_unexpected(unwritable, ["list"], boom())
    assert path == state / LOG_NAME and "RuntimeError: (message withheld: 5 characters)" in path.read_text()
    assert stat.S_IMODE(state.stat().st_mode) == 0o700 and stat.S_IMODE(path.stat().st_mode) == 0o600


def test_never_the_shared_temp_folder_someone_else_prepared(tmp_path: Path, unwritable: str, state: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The old fallback, /tmp/facilitator-UID, could be a folder of another user holding
    a symlink (or a 0666 file) that then received the traceback."""
    shared = tmp_path / "tmp"
    trap = shared / f"facilitator-{os.getuid()}"
    trap.mkdir(parents=True)
    target = tmp_path / "attacker-reads-this"
    target.write_text("")
    (trap / LOG_NAME).symlink_to(target)
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(shared))
    monkeypatch.setenv("TMPDIR", str(shared))
    path = log_unexpected(unwritable, ["list"], boom())
    assert path == state / LOG_NAME
    assert target.read_text() == ""


def test_a_symlinked_state_dir_or_log_is_refused(tmp_path: Path, unwritable: str, state: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    state.parent.mkdir(parents=True)
    state.symlink_to(elsewhere)
    assert log_unexpected(unwritable, ["list"], boom()) is None
    assert list(elsewhere.iterdir()) == []
    state.unlink()
    state.mkdir(mode=0o755)
    (state / LOG_NAME).symlink_to(elsewhere / "log")
    assert log_unexpected(unwritable, ["list"], boom()) is None
    assert not (elsewhere / "log").exists()
    data = tmp_path / "data"
    data.mkdir()
    (data / LOG_NAME).symlink_to(elsewhere / "log")  # in the data directory too: never followed
    (state / LOG_NAME).unlink()
    assert log_unexpected(str(data), ["list"], boom()) == state / LOG_NAME
    assert not (elsewhere / "log").exists() and stat.S_IMODE(state.stat().st_mode) == 0o700


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to chown")
def test_a_log_file_of_another_user_is_refused(tmp_path: Path, state: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    planted = data / LOG_NAME
    planted.write_text("")
    os.chmod(planted, 0o666)
    os.chown(planted, 65534, 65534)
    assert log_unexpected(str(data), ["list"], boom()) == state / LOG_NAME
    assert planted.read_text() == ""


def test_nowhere_to_log_the_cli_prints_a_one_line_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    from facilitator.cli import commands, main

    def cmd_list(*args):  # type: ignore[no-untyped-def]
        raise RuntimeError("kapot")

    def refuse(*args):  # type: ignore[no-untyped-def]
        raise OSError("read-only file system")

    monkeypatch.setattr(commands, "cmd_list", cmd_list)
    monkeypatch.setattr(errorlog, "_append", refuse)
    assert main(["--data-dir", str(tmp_path), "--lang", "en", "list"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("facilitator: unexpected error (no log could be written: RuntimeError: (message withheld: 5 characters) (at ")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert summary(boom()).startswith("RuntimeError: (message withheld: 5 characters) (at test_errorlog.py:")
