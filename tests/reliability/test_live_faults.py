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

import pytest

from .conftest import EMPTY_LINE, NO_DAC, SLUG, cli, no_traceback, poll, statements

RUN = ("run", SLUG, "--session", "1")

pytestmark = pytest.mark.slow  # real terminals and real faults: the quick run leaves them out
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
    # (not waiting for the notice's wording: a toast wraps differently with the path's length)
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
    # in the interface language (Dutch by default); the OS's own words stay as it gives them
    assert "store.db niet openen om te schrijven: Permission denied" in message


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
    assert proc.returncode == 2 and "open in een ander proces" in proc.stderr  # Dutch, the default
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
    term.keys("F2")  # quit anyway: the rescue file cannot be written either
    screen = term.wait_for("Reddingsbestand NIET geschreven")
    assert "Traceback" not in screen and "nergens kwijt te raken" in screen, screen
    resource.prlimit(term.pid, resource.RLIMIT_FSIZE, UNLIMITED)
    term.keys("C-s")
    saved(data_dir, ["nergens kwijt te raken"])
    term.keys("C-q")
    assert term.exit_code() == 0


# -- issue 8: no keystroke lost, no printable key a command (real terminal) -------------------


def _attendance(data_dir: Path) -> list[str]:
    from facilitator.store.workshop import WorkshopStore

    with WorkshopStore.open(data_dir, SLUG, readonly=True) as store:
        return list(store.attendance(1))


def test_keys_typed_after_f8_and_in_panels_reach_the_capture_line(data_dir, term_factory):
    """After F8 typing `jw1: dat doen we dan` deleted statements (`d` was Delete); after
    F2/F3/F4 typed text was gone, and in the attendance panel space or `x` toggled a seat."""
    term = term_factory(data_dir, *RUN).start()
    term.wait_for(READY)
    for line in ("wt1: een", "twee", "drie"):
        term.line(line)
    saved(data_dir, ["een", "twee", "drie"])
    term.keys("F8")
    term.type("jw1: dat doen we dan")
    term.wait_for("jw1: dat doen we dan")
    term.keys("Enter")
    saved(data_dir, ["een", "twee", "drie", "dat doen we dan"])
    for panel, line in (("F2", "wt: in de agenda getypt"), ("F3", "wt: x en + en - en spatie"),
                        ("F4", "wt: bij de acties getypt")):
        term.keys(panel)
        term.type(line)
        term.wait_for(line)
        term.keys("Enter")
    term.keys("F3")
    term.wait_for("Aanwezig aan/uit")  # the attendance panel has the focus
    term.keys("Down", "Space", "x", "+")
    term.wait_for(" x+")
    term.keys("C-u", "Escape")
    saved(data_dir, ["een", "twee", "drie", "dat doen we dan", "in de agenda getypt", "x en + en - en spatie",
                     "bij de acties getypt"])
    assert _attendance(data_dir) == []
    term.keys("C-q")
    assert term.exit_code() == 0


def test_lines_after_a_rejected_one_are_never_glued_to_it(data_dir, term_factory):
    """A line typed at speed after a rejected one was appended to it; with an unbracketed
    paste the three lines after a bad one became one note, losing a speaker and an action."""
    term = term_factory(data_dir, *RUN).start()
    term.wait_for(READY)
    term.keys("w", "v", "1", ":", "Space", *"typo", "Enter", *"wt:", "Space", *"volgende", "Enter")  # a burst
    term.wait_for("+2 wachten")
    # an unbracketed paste: lines and Enters as keys, one of them bad
    term.tmux("send-keys", "-t", "app", "-l", "jw: een")
    term.keys("Enter")
    term.tmux("send-keys", "-t", "app", "-l", "actie: bellen @jw")
    term.keys("Enter")
    term.wait_for("+4 wachten")
    assert statements(data_dir) == []
    term.keys("F10")
    term.wait_for("wv1: typo")
    term.keys("Home", "Delete", "Delete", "Delete")
    term.type("wt1")
    term.keys("Enter")
    saved(data_dir, ["typo", "volgende", "een"])
    from facilitator.store.workshop import WorkshopStore

    with WorkshopStore.open(data_dir, SLUG, readonly=True) as store:
        assert [(s.speaker, s.text) for s in store.statements(1)] == [("wt1", "typo"), ("wt", "volgende"),
                                                                     ("jw", "een")]
        assert [a.text for a in store.actions(1)] == ["bellen"]
    term.keys("C-q")
    assert term.exit_code() == 0


def test_ctrl_u_clears_the_whole_line_and_ctrl_q_asks_about_a_half_typed_one(data_dir, term_factory):
    """Ctrl+U deleted only left of the cursor; a half-typed line was lost on Ctrl+Q; the rescue
    file was 0644 under umask 022."""
    term = term_factory(data_dir, *RUN).start()
    term.wait_for(READY)
    term.type("wt: links en rechts")
    term.wait_for("links en rechts")
    term.keys("Left", "Left", "Left", "C-u")
    term.wait_for(EMPTY_LINE)
    term.keys("C-z")
    term.wait_for("wt: links en rechts")
    term.keys("C-q")
    screen = term.wait_for("Toch stoppen")
    assert "1 regel(s)" in screen
    term.keys("F2")
    assert term.exit_code() == 0
    [path] = list(data_dir.glob("rescue-*.txt"))
    assert path.read_text(encoding="utf-8").splitlines()[1:] == ["## 1", "wt: links en rechts"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_read_only_view_says_why_a_line_is_not_taken(data_dir, term_factory):
    """In the read-only view a typed line vanished silently and 'f5 Start/pauze' was offered."""
    first = term_factory(data_dir, *RUN).start()
    first.wait_for(READY)
    second = term_factory(data_dir, *RUN).start()
    second.wait_for("al geopend")
    second.keys("F2")
    second.wait_for("alleen lezen")
    second.type("wt: gaat dit verloren")
    screen = second.wait_for("Alleen lezen: er wordt niets opgeslagen")
    second.keys("F5")
    second.wait_for("Alleen lezen")
    assert _clock(data_dir).started_at is None
    second.keys("C-q")
    assert second.exit_code() == 0
    first.keys("C-q")
    assert first.exit_code() == 0


def test_quitting_with_the_clock_running_saves_the_moment(data_dir, term_factory):
    """Quitting while the clock ran exported the last step as 0 or 1 min: the step's last
    moment is saved at quit (and every 30 s: a kill -9 loses at most that)."""
    import time

    term = term_factory(data_dir, *RUN).start()
    term.wait_for(READY)
    term.keys("F5")
    term.wait_for("loopt")
    poll(lambda: _clock(data_dir).started_at is not None, what="the clock on disk")
    time.sleep(1.2)  # the step has run a moment (measured, not synchronised on)
    before = time.time()
    term.keys("C-q")
    assert term.exit_code() == 0
    clock = _clock(data_dir)
    timing = clock.steps[0]
    assert timing.end is None and timing.seen is not None and timing.seen >= before - 0.5
    assert timing.elapsed(timing.seen) >= 1.0


def test_the_first_seconds_keep_every_key(data_dir, term_factory, tmp_path):
    """While the workshop opened, F6/F7 ended the app ('LiveScreen' object has no attribute
    'clock'), a line typed and entered before the first frame was lost, and a line being typed
    when the store finished opening was cut ('s een langzame regel')."""
    gate = tmp_path / "open-now"
    term = term_factory(data_dir, *RUN, prefix=["env", f"FACILITATOR_TEST_OPEN_GATE={gate}"]).start()
    term.type("wt1: voor het eerste beeld")  # sent as soon as the process runs: before the first frame
    term.keys("Enter")
    term.wait_for("De workshop wordt geopend")
    term.keys("F5", "F7")
    term.type("wt1: dit is een langzame")
    term.wait_for("dit is een langzame")
    gate.touch()
    term.wait_for("Stap 2/4")
    term.type(" regel")
    term.wait_for("langzame regel")
    term.keys("Enter")
    saved(data_dir, ["voor het eerste beeld", "dit is een langzame regel"])
    from facilitator.store.workshop import WorkshopStore

    with WorkshopStore.open(data_dir, SLUG, readonly=True) as store:
        assert [(s.speaker, s.step) for s in store.statements(1)] == [("wt1", 0), ("wt1", 1)]  # entered before F7
    assert "unexpected error" not in term.screen()
    term.keys("C-q")
    assert term.exit_code() == 0


def test_rescue_file_holds_what_the_question_counts_with_step_markers(data_dir, term_factory):
    """With saves failing the dialog said 6 lines and the file held 3, and lines typed under
    `## 2` came back under step 1 on re-import."""
    from facilitator.live import rescue

    term = term_factory(data_dir, *RUN).start()
    term.wait_for(READY)
    term.line("wt1: bewaard")
    saved(data_dir, ["bewaard"])
    size = (data_dir / SLUG / "store.db").stat().st_size
    resource.prlimit(term.pid, resource.RLIMIT_FSIZE, (size, resource.RLIM_INFINITY))  # the store cannot grow
    term.line("## 2")
    term.line("jw: onder stap twee")
    term.wait_for("NIET OPGESLAGEN")
    term.line("aanwezig: wt1 jw1")
    term.line("actie: bellen @jw")
    term.type("bib: half")
    term.wait_for("bib: half")
    term.keys("C-q")
    screen = term.wait_for("Toch stoppen")
    term.keys("F2")
    assert term.exit_code() == 0
    [path] = list(data_dir.glob("rescue-*.txt"))
    lines = path.read_text(encoding="utf-8").splitlines()
    n = rescue.count(lines)
    assert n == 4 and f"{n} regel(s)" in " ".join(screen.split()), (lines, screen)
    assert lines[1:3] == ["## 2", "jw: onder stap twee"] and lines[-1] == "bib: half"
    proc = cli(data_dir, "import", SLUG, str(path), "--session", "1")
    assert proc.returncode == 0, proc.stderr + proc.stdout
    from facilitator.store.workshop import WorkshopStore

    with WorkshopStore.open(data_dir, SLUG, readonly=True) as store:
        steps = {s.text: s.step for s in store.statements(1)}
    assert steps == {"bewaard": 0, "onder stap twee": 1, "half": 1}
