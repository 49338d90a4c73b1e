"""The seats a browser can open, and the command each one runs.

Each seat is an ordinary `facilitator` command run as its own process (textual-serve
drives it through its web driver). The facilitator seat is `facilitator run SLUG --seat
facilitator` (clock, agenda, schedule; facilitator.store.seats): the note-taker keeps
typing in a terminal with `--seat notes`.
"""

from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Seat", "SEATS", "FACILITATOR_SEAT_ARGS", "seat_argv", "seat_command"]

# Extra arguments of `facilitator run` for the facilitator seat (see the module docstring).
FACILITATOR_SEAT_ARGS: tuple[str, ...] = ("--seat", "facilitator")


@dataclass(frozen=True)
class Seat:
    name: str       # the path in the browser: /projector, /facilitator
    command: str    # the facilitator command it runs
    extra: tuple[str, ...] = ()


SEATS: dict[str, Seat] = {
    "projector": Seat("projector", "show"),
    "facilitator": Seat("facilitator", "run", FACILITATOR_SEAT_ARGS),
}


def seat_argv(seat: str, *, data_dir: Path, slug: str, session: int | None, lang: str,
              warn: str | None = None, python: str | None = None) -> list[str]:
    """The argv of the process behind `seat` (the same Python that runs the server)."""
    spec = SEATS[seat]
    argv = [python or sys.executable, "-m", "facilitator", "--data-dir", str(Path(data_dir).resolve()),
            "--lang", lang, spec.command, slug]
    if session is not None:
        argv += ["--session", str(session)]
    if spec.command == "show" and warn:
        argv += ["--warn", warn]
    return argv + list(spec.extra)


def seat_command(seat: str, **kw: object) -> str:
    """`seat_argv` as one shell line: textual-serve starts its command through the shell,
    and `exec` makes the seat's process the one the server holds (and stops, or kills)."""
    return "exec " + shlex.join(seat_argv(seat, **kw))  # type: ignore[arg-type]
