"""Faults while the live screen is open, driven through tmux with real faults.

Each test ends by reading the store from a fresh process and checking that
every acknowledged statement (one the store held before the fault) is there.
"""

from __future__ import annotations

import os
import resource
import signal
import stat
import subprocess
from pathlib import Path

from .conftest import NO_DAC, SLUG, cli, no_traceback, poll, statements

RUN = ("run", SLUG, "--session", "1")
READY = "rol: tekst"  # the capture hint, shown once the live screen is up
UNLIMITED = (resource.RLIM_INFINITY, resource.RLIM_INFINITY)


def saved(data_dir: Path, texts: list[str]) -> None:
    """Wait until the store on disk holds exactly `texts` (the app acknowledged them)."""
    poll(lambda: statements(data_dir) == texts, what=f"the store to hold {texts}")


def test_full_disk_keeps_the_statement_pending_and_saves_it_once_possible(data_dir, term_factory):
    term = term_factory(data_dir, *RUN).start()
    term.wait_for(READY)
    term.line("wt: eerst nog gewoon opgeslagen")
    saved(data_dir, ["eerst nog gewoon opgeslagen"])
    size = (data_dir / SLUG / "store.db").stat().st_size
    resource.prlimit(term.pid, resource.RLIMIT_FSIZE, (size, resource.RLIM_INFINITY))  # the disk is full from now on
    term.line("jw: dit moet wachten op ruimte")
    term.wait_for("NIET OPGESLAGEN dit moet wachten op ruimte")  # the text stays in view, marked
    term.wait_for("File too large")  # and the notice says why
    term.line("wt: en deze komt erachteraan")  # typing is not blocked; order is kept
    term.wait_for("en deze komt erachteraan")
    term.keys("C-s")  # a retry while the disk is still full fails again, nothing is lost
    assert statements(data_dir) == ["eerst nog gewoon opgeslagen"]
    resource.prlimit(term.pid, resource.RLIMIT_FSIZE, UNLIMITED)  # space again
    saved(data_dir, ["eerst nog gewoon opgeslagen", "dit moet wachten op ruimte", "en deze komt erachteraan"])
    term.wait_for("Opgeslagen:")
    term.keys("C-q")
    assert term.exit_code() == 0
    # saved once each, in order, after a restart too
    assert statements(data_dir) == ["eerst nog gewoon opgeslagen", "dit moet wachten op ruimte",
                                    "en deze komt erachteraan"]


def test_read_only_data_directory(data_dir, term_factory):
    """Permission bits enforced (root without DAC capabilities). The open store file
    stays writable, so saves go on; the session backup fails loudly; a save that fails
    while the directory is read-only stays pending and is saved after chmod back."""
    workshop = data_dir / SLUG
    term = term_factory(data_dir, *RUN, prefix=NO_DAC).start()
    term.wait_for(READY)
    term.line("wt: voor het alleen-lezen worden")
    saved(data_dir, ["voor het alleen-lezen worden"])
    os.chmod(workshop, 0o500)
    os.chmod(workshop / "store.db", 0o400)
    if (workshop / "backups").exists():  # made when the workshop was filled (a backup on closing)
        os.chmod(workshop / "backups", 0o500)
    try:
        term.keys("F5")  # the session starts: its backup cannot be written, and says so
        term.wait_for("Reservekopie mislukt")
        term.line("jw: nog opgeslagen via het open bestand")
        saved(data_dir, ["voor het alleen-lezen worden", "nog opgeslagen via het open bestand"])
        # A failed append (full disk) makes the next save rewrite the file, which
        # needs the read-only directory: that save must wait.
        size = (workshop / "store.db").stat().st_size
        resource.prlimit(term.pid, resource.RLIMIT_FSIZE, (size, resource.RLIM_INFINITY))
        term.line("wt: geschreven in een alleen-lezen map")
        term.wait_for("NIET OPGESLAGEN geschreven")
        resource.prlimit(term.pid, resource.RLIMIT_FSIZE, UNLIMITED)
        term.keys("C-s")
        term.line("jw: en nog een erachter")
        term.wait_for("NIET OPGESLAGEN geschreven")
        assert statements(data_dir) == ["voor het alleen-lezen worden", "nog opgeslagen via het open bestand"]
    finally:
        os.chmod(workshop, 0o700)
        os.chmod(workshop / "store.db", 0o600)
        if (workshop / "backups").exists():
            os.chmod(workshop / "backups", 0o700)
    term.keys("C-s")
    saved(data_dir, ["voor het alleen-lezen worden", "nog opgeslagen via het open bestand",
                     "geschreven in een alleen-lezen map", "en nog een erachter"])
    term.keys("C-q")
    assert term.exit_code() == 0


def test_read_only_at_start_is_one_clear_line(data_dir):
    workshop = data_dir / SLUG
    os.chmod(workshop / "store.db", 0o400)
    try:
        proc = subprocess.run([*NO_DAC, *cli_argv(data_dir, *RUN)], capture_output=True, text=True, timeout=30,
                              cwd=Path(__file__).resolve().parents[2], stdin=subprocess.DEVNULL)
    finally:
        os.chmod(workshop / "store.db", 0o600)
    assert proc.returncode != 0
    no_traceback(proc)
    message = proc.stderr.replace("\n", "")  # the app's exit message is wrapped to the terminal
    assert "store.db for writing: Permission denied" in message


def cli_argv(data_dir: Path, *args: str) -> list[str]:
    import sys

    return [sys.executable, "-m", "facilitator", "--data-dir", str(data_dir), *args]


def test_sigkill_mid_step_resumes_clock_step_and_records(data_dir, term_factory):
    term = term_factory(data_dir, *RUN).start()
    term.wait_for(READY)
    term.keys("F5")  # start the session clock (and take the session's backup)
    term.keys("F7")  # step 2
    term.wait_for("Stap 2/4")
    lines = ["wt: een voor de kill", "jw: twee voor de kill", "bib: “drie, letterlijk” #taal"]
    for line in lines:
        term.line(line)
    saved(data_dir, ["een voor de kill", "twee voor de kill", "drie, letterlijk"])
    poll(lambda: _clock(data_dir).current_step == 1, what="the clock at step 2 on disk")
    os.kill(term.pid, signal.SIGKILL)
    assert term.exit_code() == 128 + signal.SIGKILL
    term.start()
    screen = term.wait_for("Stap 2/4")
    assert "twee voor de kill" in screen and "drie, letterlijk" in screen
    assert "niet gestart" not in screen  # the clock runs on
    clock = _clock(data_dir)
    assert clock.started_at is not None and clock.current_step == 1
    backups = list((data_dir / SLUG / "backups").glob("store-*.db"))
    # the one taken when the workshop was filled (closed after changes) and the session's (clock start)
    assert len(backups) == 2 and all(stat.S_IMODE(b.stat().st_mode) == 0o600 for b in backups)
    term.line("wt: na de herstart")
    saved(data_dir, ["een voor de kill", "twee voor de kill", "drie, letterlijk", "na de herstart"])
    term.keys("C-q")
    assert term.exit_code() == 0


def _clock(data_dir: Path):  # type: ignore[no-untyped-def]
    from facilitator.store.workshop import WorkshopStore

    with WorkshopStore.open(data_dir, SLUG, readonly=True) as store:
        return store.clock(1)


def test_second_run_is_refused_or_read_only_never_two_writers(data_dir, term_factory, tmp_path):
    first = term_factory(data_dir, *RUN).start()
    first.wait_for(READY)
    first.line("wt: van de eerste schrijver")
    saved(data_dir, ["van de eerste schrijver"])
    second = term_factory(data_dir, *RUN).start()
    screen = second.wait_for("al geopend")
    assert str(first.pid) in screen  # the holder is named
    second.keys("Escape")  # refuse
    assert second.exit_code() == 1
    third = term_factory(data_dir, *RUN).start()
    third.wait_for("al geopend")
    third.keys("F2")  # open read-only
    third.wait_for("ALLEEN LEZEN")
    third.type("wt: dit mag nergens heen")
    # the other writer's CLI commands are refused with a clear line
    notes = tmp_path / "notes.txt"
    notes.write_text("wt: via import\n", encoding="utf-8")
    proc = cli(data_dir, "import", SLUG, str(notes), "--session", "1")
    assert proc.returncode == 2 and "open in another process" in proc.stderr
    no_traceback(proc)
    first.line("jw: de eerste schrijft gewoon door")
    saved(data_dir, ["van de eerste schrijver", "de eerste schrijft gewoon door"])
    third.keys("C-q")
    assert third.exit_code() == 0
    first.keys("C-q")
    assert first.exit_code() == 0
    assert statements(data_dir) == ["van de eerste schrijver", "de eerste schrijft gewoon door"]


def test_resize_to_40x12_and_back(data_dir, term_factory):
    term = term_factory(data_dir, *RUN).start()
    term.wait_for(READY)
    term.line("wt: voor het verkleinen")
    saved(data_dir, ["voor het verkleinen"])
    term.type("jw: half getypt")
    term.wait_for("half getypt")
    term.resize(40, 12)
    screen = term.wait_for("half getypt")  # the capture line survives at 40x12
    assert len(screen.splitlines()[0]) <= 40
    term.type(" en afgemaakt")
    term.keys("Enter")
    saved(data_dir, ["voor het verkleinen", "half getypt en afgemaakt"])
    term.resize(100, 30)
    screen = term.wait_for("voor het verkleinen", "half getypt en afgemaakt", "f4 Acties")
    assert "Traceback" not in screen
    term.keys("C-q")
    assert term.exit_code() == 0


def test_store_damaged_from_outside_while_open(data_dir, term_factory):
    """Bytes of an acknowledged record are overwritten on disk while the app runs:
    after quitting and restarting, every acknowledged statement is still there."""
    store = data_dir / SLUG / "store.db"
    term = term_factory(data_dir, *RUN).start()
    term.wait_for(READY)
    term.line("wt: beschadigd door een ander programma")
    term.line("jw: de tweede uitspraak")
    saved(data_dir, ["beschadigd door een ander programma", "de tweede uitspraak"])
    data = bytearray(store.read_bytes())
    at = data.index("beschadigd".encode())
    data[at:at + 10] = b"XXXXXXXXXX"
    with open(store, "r+b") as fh:  # in place, like a stray editor or a bad sector
        fh.write(bytes(data))
    term.line("wt: na de beschadiging")
    term.wait_for("na de beschadiging")
    term.keys("C-q")
    assert term.exit_code() == 0
    term.start()
    term.wait_for(READY)
    texts = ["beschadigd door een ander programma", "de tweede uitspraak", "na de beschadiging"]
    assert statements(data_dir) == texts
    term.keys("C-q")
    assert term.exit_code() == 0


def test_quit_anyway_on_a_full_disk_keeps_the_lines_and_never_shows_a_traceback(data_dir, term_factory):
    """The store AND the rescue file cannot be written: the app stays open with the
    line (it used to crash with a traceback showing the text); once there is room the
    line is saved."""
    term = term_factory(data_dir, *RUN).start()
    term.wait_for(READY)
    resource.prlimit(term.pid, resource.RLIMIT_FSIZE, (1, resource.RLIM_INFINITY))  # nothing fits
    term.line("wt: nergens kwijt te raken")
    term.wait_for("NIET OPGESLAGEN nergens")
    term.keys("C-q")
    term.wait_for("Toch stoppen")
    term.keys("s")  # quit anyway: the rescue file cannot be written either
    screen = term.wait_for("Reddingsbestand NIET geschreven")
    assert "Traceback" not in screen and "nergens kwijt te raken" in screen
    resource.prlimit(term.pid, resource.RLIMIT_FSIZE, UNLIMITED)
    term.keys("C-s")
    saved(data_dir, ["nergens kwijt te raken"])
    term.keys("C-q")
    assert term.exit_code() == 0
