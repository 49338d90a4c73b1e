"""Command line: `facilitator [--data-dir DIR] [--lang nl|en] [COMMAND] ...`.

Every error is one line on stderr, without a traceback. Exit codes: 0 ok,
2 a problem the user can fix (bad plan, bad notes, unknown workshop, store
locked...), 1 anything unexpected (its traceback goes to `facilitator.log` in
the data directory). Only the standard library is imported here: the commands
import what they need when they run, so `facilitator --help` starts fast.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from facilitator.usecases.errors import UseCaseError

__all__ = ["main", "UserError"]


class UserError(UseCaseError):
    """A problem the user can act on, found by the command line itself (a use case
    raises its own `UseCaseError`s). Each of `lines` is printed on its own line,
    prefixed with `facilitator: ` unless `plain` (lines that start `FILE:LINE:`)."""


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors on one line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        from facilitator.cli.printable import printable

        print(printable(f"{self.prog}: {message} (see '{self.prog} --help')"), file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="facilitator",
        description="Run participatory workshop series (ontwikkelwerkplaatsen) live and write their report.",
        epilog="Without a command: open the app's home screen.",
    )
    parser.add_argument("--data-dir", metavar="DIR",
                        help="where workshops are kept (default: $FACILITATOR_DATA_DIR, else the config file's "
                             "data_dir, else ./sessions)")
    parser.add_argument("--lang", choices=("nl", "en"), default=None,
                        help="interface language (default: $FACILITATOR_LANG, else the config file's lang, else nl)")
    # The global options are accepted after the command too (`facilitator list --data-dir X`).
    common = _Parser(add_help=False)
    common.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    common.add_argument("--lang", choices=("nl", "en"), default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    _add = sub.add_parser

    def add_parser(name: str, **kw: object) -> argparse.ArgumentParser:
        return _add(name, parents=[common], **kw)  # type: ignore[arg-type]

    sub.add_parser = add_parser  # type: ignore[method-assign]

    p = sub.add_parser("new", help="create a workshop from a plan (or --update it)")
    p.add_argument("plan", metavar="PLAN.toml")
    p.add_argument("--update", action="store_true",
                   help="re-apply an edited plan to the existing workshop, keeping every record")
    p.add_argument("--codebook", metavar="FILE.qdc",
                   help="add the themes, theme groups and frameworks of a REFI-QDA codebook to the plan")

    sub.add_parser("list", help="workshops, their sessions and counts")

    p = sub.add_parser("import", help="import notes in capture syntax into a session (all or nothing)")
    p.add_argument("slug", metavar="SLUG")
    p.add_argument("notes", metavar="NOTES.txt")
    p.add_argument("--session", type=int, required=True, metavar="N")
    p.add_argument("--duplicates", action="store_true",
                   help="import statements even when the session already has them (imported before?)")

    p = sub.add_parser("export", help="write the report and minutes (Markdown, or Word/ODT/PDF), or the series for a QDA tool")
    p.add_argument("slug", metavar="SLUG")
    p.add_argument("--format", default="md", metavar="FMT[,FMT]",
                   help="md: report and minutes (default); docx, odt, pdf: the same through pandoc (on PATH, or "
                        "pip install 'facilitator[docx]'; pdf also needs LibreOffice or LaTeX, docs/report.md); "
                        "qdpx: REFI-QDA project for ATLAS.ti, MAXQDA, NVivo, QualCoder; qdc: the codebook alone "
                        "(docs/qda.md); several: md,docx")
    p.add_argument("--session", type=int, metavar="N", help="only the minutes of this session")
    p.add_argument("--out", default=None, metavar="DIR",
                   help="output directory (default: $FACILITATOR_EXPORT_DIR, else the config file's export_dir, "
                        "else ./exports)")
    p.add_argument("--mode", default="600", metavar="OCTAL", help="file mode of the written files (default 600)")

    p = sub.add_parser("run", help="open the app (on a workshop's next session)")
    p.add_argument("slug", nargs="?", metavar="SLUG")
    p.add_argument("--session", type=int, metavar="N")
    p.add_argument("--seat", choices=("facilitator", "notes"),
                   help="one seat of a two-seat session, each in its own terminal: facilitator (clock, agenda, "
                        "schedule) or notes (statements, actions, attendance); default: one screen for both "
                        "(docs/room.md)")

    p = sub.add_parser("show", help="the projector view: the running session's countdown and schedule, "
                                    "read-only, without statements or names")
    p.add_argument("slug", metavar="SLUG")
    p.add_argument("--session", type=int, metavar="N",
                   help="this session (default: the one running, else the next not yet held)")
    p.add_argument("--warn", metavar="WHEN",
                   help="warn at this much time left: minutes ('2 min') or a percentage ('20%%'); "
                        "default: the plan's workshop.warn, else the warn_left setting, else 20%%")

    p = sub.add_parser("serve", help="the projector view and the facilitator seat in a browser on this machine "
                                     "(needs: pip install 'facilitator[serve]')")
    p.add_argument("slug", metavar="SLUG")
    p.add_argument("--session", type=int, metavar="N",
                   help="this session (default: as for show and run)")
    p.add_argument("--host", default="127.0.0.1", metavar="H",
                   help="address to listen on (default 127.0.0.1: this machine only); any other address "
                        "prints a one-time token that the page asks for")
    p.add_argument("--port", type=int, default=8000, metavar="P", help="port (default 8000; 0: any free port)")
    p.add_argument("--warn", metavar="WHEN", help="the projector view's warning threshold, as for show")

    p = sub.add_parser("doctor", help="check (and repair) workshop stores")
    p.add_argument("slug", nargs="?", metavar="SLUG")

    p = sub.add_parser("demo", help="(re)build the bundled demo workshop in the data directory")
    p.add_argument("--force", action="store_true", help="replace the demo workshop if it exists")
    return parser


def _data_dir(args: argparse.Namespace) -> Path:
    from facilitator.store.paths import resolve_data_dir

    path = resolve_data_dir(args.data_dir)
    if path.exists() and not path.is_dir():
        raise UserError(f"{path}: the data directory is not a directory (--data-dir or $FACILITATOR_DATA_DIR)")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error argparse already printed
        return int(exc.code or 0)
    raw_dir = args.data_dir
    from facilitator.config import quick_lang

    args.lang = quick_lang(args.lang)
    try:
        from facilitator.cli import commands

        handler = getattr(commands, f"cmd_{(args.command or 'run')}")
        return int(handler(args, _data_dir(args)) or 0)
    except UseCaseError as exc:  # UserError, NotesError, ExportError...
        _print_known(exc.lines, plain=exc.plain)
        return 2
    except KeyboardInterrupt:
        print("facilitator: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a file the user named or the data directory: say which, and why
        if exc.strerror and exc.filename:
            _print_known([f"{exc.filename}: {exc.strerror}"], plain=False)
            return 2
        return _unexpected(raw_dir, argv)
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        known = _known_error_lines(exc)
        if known is not None:
            # Plan errors already read `FILE: place: message`.
            _print_known(known, plain=type(exc).__name__ == "PlanError")
            return 2
        return _unexpected(raw_dir, argv)


def _unexpected(raw_dir: str | None, argv: list[str] | None) -> int:
    from facilitator.usecases.errorlog import log_unexpected, summary

    path = log_unexpected(raw_dir, argv if argv is not None else sys.argv[1:])
    if path is None:
        print(f"facilitator: unexpected error (no log could be written: {summary()})", file=sys.stderr)
    else:
        print(f"facilitator: unexpected error (details in {path})", file=sys.stderr)
    return 1


def _known_error_lines(exc: Exception) -> list[str] | None:
    """One-line messages for the errors the user can act on, else None."""
    store_mod = sys.modules.get("facilitator.store.workshop")
    if store_mod is not None and isinstance(exc, store_mod.StoreError):
        return [" ".join(str(exc).split()) or type(exc).__name__]
    settings_mod = sys.modules.get("facilitator.settings")
    if settings_mod is not None and isinstance(exc, settings_mod.SettingsError):
        return list(exc.lines)
    plan_mod = sys.modules.get("facilitator.domain.plan")
    if plan_mod is not None and isinstance(exc, plan_mod.PlanError):
        return list(exc.lines)
    return None


def _print_known(lines: list[str], plain: bool) -> None:
    from facilitator.cli.printable import printable

    for line in lines:
        line = printable(line)  # a title or file name in the message cannot drive the terminal
        print(line if plain else f"facilitator: {line}", file=sys.stderr)
