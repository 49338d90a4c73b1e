"""Command line: `facilitator [--data-dir DIR] [--lang nl|en] [COMMAND] ...`.

Every error is one line on stderr, without a traceback. Exit codes: 0 ok,
2 a problem the user can fix (bad plan, bad notes, unknown workshop, store
locked...), 1 anything unexpected (its traceback goes to `facilitator.log` in
the data directory). Only the standard library is imported here: the commands
import what they need when they run, so `facilitator --help` starts fast.

Every message is `cli.<id>` in facilitator/messages.toml (`say(id, lang)`), in the
language of --lang, else $FACILITATOR_LANG, else the config file's lang, else Dutch.
Help texts stay ids until printed: parsing reads nothing of the catalog.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from facilitator.usecases.errors import UseCaseError

TYPE_CHECKING = False  # typing costs milliseconds at start-up
if TYPE_CHECKING:
    from typing import Callable

__all__ = ["main", "UserError", "say"]


class UserError(UseCaseError):
    """A problem the user can act on, found by the command line itself (a use case
    raises its own `UseCaseError`s). Each of `lines` is printed on its own line,
    prefixed with `facilitator: ` unless `plain` (lines that start `FILE:LINE:`)."""


def say(msg_id: str, lang: str, /, **values: object) -> str:
    """The CLI's message `cli.<msg_id>` in `lang` (facilitator/messages.toml)."""
    from facilitator.i18n import text

    return text("cli." + msg_id, lang, **values)


class _Text(str):
    """A message id standing in for a help text, description, heading or metavar until
    the parser prints one: parsing a command line never reads the catalog. `str()` (and
    `%s`, as in argparse's own error messages) gives the text in `lang`."""

    lang = "nl"

    def __new__(cls, msg_id: str, lang: str = "nl") -> "_Text":
        self = super().__new__(cls, msg_id)
        self.lang = lang
        return self

    def __str__(self) -> str:
        return say(str.__str__(self), self.lang)


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors on one line, headings and help in the CLI's language
    (looked up when printed: `_Text` ids become `cli.<id>` texts)."""

    def __init__(self, *args: object, lang: str = "nl", **kw: object):
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        self.lang = lang
        self._positionals.title = _Text("positionals", lang)
        self._optionals.title = _Text("options", lang)
        for action in self._actions:
            if isinstance(action, argparse._HelpAction):
                action.help = _Text("help", lang)

    def _localise(self) -> None:
        def tr(value: object) -> object:
            return str(value) if isinstance(value, _Text) else value

        self.description, self.epilog = tr(self.description), tr(self.epilog)  # type: ignore[assignment]
        for group in self._action_groups:
            group.title = tr(group.title)  # type: ignore[assignment]
        for action in self._actions:
            action.help, action.metavar = tr(action.help), tr(action.metavar)  # type: ignore[assignment]
            for choice in getattr(action, "_choices_actions", ()):
                choice.help = tr(choice.help)

    def format_usage(self) -> str:
        self._localise()
        formatter = self._get_formatter()
        formatter.add_usage(self.usage, self._actions, self._mutually_exclusive_groups, prefix=say("usage", self.lang))
        return formatter.format_help()

    def format_help(self) -> str:
        self._localise()
        text = super().format_help()
        default = "usage: "
        return say("usage", self.lang) + text.removeprefix(default) if text.startswith(default) else text

    def error(self, message: str) -> None:  # type: ignore[override]
        from facilitator.cli.printable import printable

        self._localise()  # a metavar in argparse's message
        print(printable(say("usage_error", self.lang, prog=self.prog, message=message)), file=sys.stderr)
        raise SystemExit(2)


def _argv_lang(argv: list[str]) -> str | None:
    """`--lang X` / `--lang=X` from the raw arguments (the parser's own texts need it first)."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.removeprefix("--lang=")
    return None


def build_parser(lang: str = "nl") -> argparse.ArgumentParser:
    """The command line's parser, its help in `lang` (read from the catalog only when printed)."""

    def h(name: str) -> str:
        return _Text("help_" + name, lang)

    parser = _Parser(prog="facilitator", description=_Text("description", lang), epilog=_Text("epilog", lang),
                     lang=lang)
    parser.add_argument("--data-dir", metavar="DIR", help=h("data_dir"))
    parser.add_argument("--lang", choices=("nl", "en"), default=None, help=h("lang"))
    # The global options are accepted after the command too (`facilitator list --data-dir X`).
    common = _Parser(add_help=False, lang=lang)
    common.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    common.add_argument("--lang", choices=("nl", "en"), default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar=_Text("command_metavar", lang), title=_Text("commands", lang),
                                parser_class=_Parser)
    _add = sub.add_parser

    def add_parser(name: str, **kw: object) -> argparse.ArgumentParser:
        return _add(name, parents=[common], lang=lang, **kw)  # type: ignore[arg-type]

    sub.add_parser = add_parser  # type: ignore[method-assign]

    p = sub.add_parser("new", help=h("new"))
    p.add_argument("plan", metavar="PLAN.toml")
    p.add_argument("--update", action="store_true", help=h("new_update"))
    p.add_argument("--codebook", metavar="FILE.qdc", help=h("new_codebook"))

    sub.add_parser("list", help=h("list"))

    p = sub.add_parser("import", help=h("import"))
    p.add_argument("slug", metavar="SLUG")
    p.add_argument("notes", metavar="NOTES.txt")
    p.add_argument("--session", type=int, required=True, metavar="N")
    p.add_argument("--duplicates", action="store_true", help=h("import_duplicates"))

    p = sub.add_parser("export", help=h("export"))
    p.add_argument("slug", metavar="SLUG")
    p.add_argument("--format", default="md", metavar="FMT[,FMT]", help=h("export_format"))
    p.add_argument("--session", type=int, metavar="N", help=h("export_session"))
    p.add_argument("--out", default=None, metavar="DIR", help=h("export_out"))
    p.add_argument("--mode", default="600", metavar="OCTAL", help=h("export_mode"))

    _add_run(sub.add_parser("run", help=h("run")), h)

    p = sub.add_parser("show", help=h("show"))
    p.add_argument("slug", metavar="SLUG")
    p.add_argument("--session", type=int, metavar="N", help=h("show_session"))
    p.add_argument("--warn", metavar="WHEN", help=h("show_warn"))

    p = sub.add_parser("serve", help=h("serve"))
    p.add_argument("slug", metavar="SLUG")
    p.add_argument("--session", type=int, metavar="N", help=h("serve_session"))
    p.add_argument("--host", default="127.0.0.1", metavar="H", help=h("serve_host"))
    p.add_argument("--port", type=int, default=8000, metavar="P", help=h("serve_port"))
    p.add_argument("--warn", metavar="WHEN", help=h("serve_warn"))

    p = sub.add_parser("doctor", help=h("doctor"))
    p.add_argument("slug", nargs="?", metavar="SLUG")

    p = sub.add_parser("demo", help=h("demo"))
    p.add_argument("--force", action="store_true", help=h("demo_force"))
    return parser


def _add_run(p: argparse.ArgumentParser, h: Callable[[str], str]) -> None:
    """`facilitator run`'s arguments (one place to add an option: its help is `cli.help_run_<name>`)."""
    p.add_argument("slug", nargs="?", metavar="SLUG")
    p.add_argument("--session", type=int, metavar="N", help=h("run_session"))
    p.add_argument("--seat", choices=("facilitator", "notes"), help=h("run_seat"))


def _data_dir(args: argparse.Namespace) -> Path:
    from facilitator.store.paths import resolve_data_dir

    path = resolve_data_dir(args.data_dir)
    if path.exists() and not path.is_dir():
        raise UserError(say("data_dir_not_dir", args.lang, path=path))
    return path


def main(argv: list[str] | None = None) -> int:
    """Run one command. Its messages are in --lang, else $FACILITATOR_LANG, else the
    config file's lang, else Dutch (`facilitator.config.quick_lang`, no pydantic)."""
    from facilitator.config import quick_lang

    raw_argv = sys.argv[1:] if argv is None else argv
    lang = quick_lang(_argv_lang(raw_argv))
    parser = build_parser(lang)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error argparse already printed
        return int(exc.code or 0)
    raw_dir = args.data_dir
    args.lang = quick_lang(args.lang)
    try:
        from facilitator.cli import commands

        handler = getattr(commands, f"cmd_{(args.command or 'run')}")
        return int(handler(args, _data_dir(args)) or 0)
    except UseCaseError as exc:  # UserError, NotesError, ExportError...
        _print_known(exc.lines, plain=exc.plain)
        return 2
    except KeyboardInterrupt:
        print("facilitator: " + say("interrupted", args.lang), file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a file the user named or the data directory: say which, and why
        if exc.strerror and exc.filename:
            _print_known([f"{exc.filename}: {exc.strerror}"], plain=False)
            return 2
        return _unexpected(raw_dir, argv, args.lang)
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        known = _known_error_lines(exc)
        if known is not None:
            # Plan errors already read `FILE: place: message`.
            _print_known(known, plain=type(exc).__name__ == "PlanError")
            return 2
        return _unexpected(raw_dir, argv, args.lang)


def _unexpected(raw_dir: str | None, argv: list[str] | None, lang: str) -> int:
    from facilitator.usecases.errorlog import log_unexpected, summary, unexpected_message

    path = log_unexpected(raw_dir, argv if argv is not None else sys.argv[1:])
    if path is None:
        print("facilitator: " + unexpected_message(None, summary(), lang), file=sys.stderr)
    else:
        print("facilitator: " + unexpected_message(path, "", lang), file=sys.stderr)
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
