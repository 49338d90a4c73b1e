"""The commands behind `facilitator COMMAND`: `cmd_<name>(args, data_dir) -> exit code`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from facilitator.cli import UserError, say
from facilitator.cli.printable import printable


def _say(line: str) -> None:
    print(printable(line), flush=True)


class _Opened:
    """A workshop opened for a command: closing it prints what went wrong after the data
    was durable (a failed backup, an error closing the file) as warnings, never as a failure."""

    def __init__(self, store, lang: str):  # type: ignore[no-untyped-def]
        self.store = store
        self.lang = lang
        self.told = len(store.recovery)  # the notes printed at open

    def __enter__(self):  # type: ignore[no-untyped-def]
        return self.store

    def __exit__(self, *exc: object) -> None:
        # A lazy store reads a record when it is asked for: damage found while the
        # command read (an export's snapshot) is told as loudly as damage found at open.
        later = list(self.store.recovery[self.told:])
        self.store.close()
        if later:
            from facilitator.usecases.session import recovery_lines

            for note in recovery_lines(later, self.store.slug, self.lang, missing=True):
                print("facilitator: " + printable(note), file=sys.stderr, flush=True)
        for warning in self.store.warnings:
            print("facilitator: " + printable(say("warning", self.lang, slug=self.store.slug, warning=warning)),
                  file=sys.stderr, flush=True)


def _in_language(exc: Exception, lang: str) -> str:
    """An error raised with a catalog `Message` (the domain's), in `lang`; any other as it reads."""
    why = exc.args[0] if exc.args else exc
    return why.render(lang) if hasattr(why, "render") else str(why)


def _private(plan, text: str) -> str:  # type: ignore[no-untyped-def]
    """What the CLI prints about a workshop, with participants' names replaced by role."""
    from facilitator.domain.privacy import redact_plain

    return redact_plain(text, plan)


def _open(data_dir: Path, slug: str, lang: str, *, readonly: bool = False,
          fallback_plan=None):  # type: ignore[no-untyped-def]
    """Open a workshop and tell (on stderr) what was recovered from a damaged store."""
    from facilitator.store.workshop import StoreNotFound
    from facilitator.usecases.session import open_workshop, recovery_notes

    try:
        store = open_workshop(data_dir, slug, readonly=readonly, fallback_plan=fallback_plan)
    except StoreNotFound:  # said here, in the user's language
        raise _no_workshop(data_dir, slug, lang) from None
    for note in recovery_notes(store, slug, lang):
        print("facilitator: " + printable(note), file=sys.stderr, flush=True)
    return _Opened(store, lang)


def _no_workshop(data_dir: Path, slug: str, lang: str) -> UserError:
    from facilitator.store.paths import list_workshops

    known = ", ".join(list_workshops(data_dir)) or say("none", lang)
    return UserError(say("no_workshop", lang, slug=repr(slug), data_dir=data_dir, known=known))


def cmd_new(args: argparse.Namespace, data_dir: Path) -> int:
    from facilitator.usecases.notes import read_text
    from facilitator.domain.plan import parse_plan
    from facilitator.store.workshop import WorkshopStore

    path = Path(args.plan)
    text = read_text(path, args.lang)
    plan = parse_plan(text, str(path), default_slug=path.name.removesuffix(".toml"), lang=args.lang)
    if getattr(args, "codebook", None):
        text, plan = _with_codebook(text, plan, path, Path(args.codebook), args.lang)
    if args.update:
        return _update(data_dir, plan, text, path, args.lang)
    store = WorkshopStore.create(data_dir, plan, text)
    with store:
        codes = ", ".join(plan.code_of(s) for s in sorted(plan.sessions, key=lambda s: s.number))
        _say(say("created", args.lang, slug=repr(plan.slug), data_dir=data_dir, n=len(plan.sessions), codes=codes))
    return 0


def _with_codebook(text: str, plan, path: Path, book_path: Path, lang: str):  # type: ignore[no-untyped-def]
    """The plan with a codebook's themes, groups and frameworks added (docs/qda.md)."""
    from facilitator.domain.codebook import CodebookError, merge_into_plan, parse_codebook
    from facilitator.domain.plan import parse_plan

    try:
        book = parse_codebook(book_path.read_bytes(), str(book_path), plan)
    except CodebookError as exc:
        raise UserError(_in_language(exc, lang)) from None
    merged, skipped = merge_into_plan(text, plan, book, book_path.name)
    plan = parse_plan(merged, f"{path} + {book_path}", default_slug=path.name.removesuffix(".toml"), lang=lang)
    if skipped:
        _say(say("codebook_kept", lang, book=book_path, keys=", ".join(skipped)))
    _say(say("codebook_read", lang, book=book_path, themes=len(book.themes), groups=len(book.groups),
             frameworks=len(book.frameworks)))
    return merged, plan


def _update(data_dir: Path, plan, text: str, path: Path, lang: str) -> int:  # type: ignore[no-untyped-def]
    from facilitator.domain.plan_change import kept_themes, orphans

    with _open(data_dir, plan.slug, lang, fallback_plan=(plan, text)) as store:
        if store.plan_text == text:
            _say(say("plan_unchanged", lang, slug=repr(plan.slug)))
            return 0
        data = store.snapshot()
        problems = orphans(data, plan)
        if problems:
            raise UserError(*(f"{path}: {p}" for p in problems),
                            say("plan_not_applied", lang, path=path, slug=repr(plan.slug)), plain=True)
        kept = kept_themes(data, plan)  # dropped plan themes that records use live on as created themes
        store.update_plan(plan, text, keep_themes=kept)
    note = say("plan_kept_themes", lang, themes=_private(plan, ", ".join(t.key for t in kept))) if kept else ""
    _say(say("plan_updated", lang, slug=repr(plan.slug), path=path, note=note))
    return 0


def cmd_list(args: argparse.Namespace, data_dir: Path) -> int:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from facilitator.store.workshop import list_workshops

    slugs = list_workshops(data_dir)
    if not slugs:
        _say(say("no_workshops", args.lang, data_dir=data_dir))
        return 0
    console = Console(width=None if sys.stdout.isatty() else 200, highlight=False)
    problems = 0
    for slug in slugs:
        summary = _summary(data_dir, slug, args.lang)
        if summary is None:
            problems += 1
            continue
        title, rows = summary
        table = Table(title=Text(printable(f"{slug}: {title}")), title_justify="left", box=box.SIMPLE_HEAD)
        for col, justify in (("number", "right"), ("code", "left"), ("date", "left"), ("kind", "left"),
                             ("title", "left"), ("held", "left"), ("statements", "right"),
                             ("quotes", "right"), ("key", "right"), ("actions", "right")):
            table.add_column(say("list_" + col, args.lang), justify=justify)  # type: ignore[arg-type]
        for row in rows:
            table.add_row(*(Text(printable(cell)) if i in (1, 4) else cell for i, cell in enumerate(row)))
        console.print(table)
    return 2 if problems else 0


def _summary(data_dir: Path, slug: str, lang: str) -> tuple[str, list[list[str]]] | None:
    """`list`'s rows for one workshop: from its summary.json when that describes the store
    as it is (no record is read), else by opening it read-only. None: reported on stderr."""
    from facilitator.domain.plan import PlanError, parse_plan
    from facilitator.store.workshop import StoreError, read_summary

    counts = read_summary(data_dir, slug)
    plan = None
    if counts is not None:
        try:
            plan = parse_plan((data_dir / slug / "plan.toml").read_text(encoding="utf-8"), slug, default_slug=slug)
        except (OSError, UnicodeDecodeError, PlanError):
            counts = None
    if counts is None or plan is None:
        try:
            with _open(data_dir, slug, lang, readonly=True) as store:
                counts, plan = store.summary(), store.plan
        except StoreError as exc:  # one unreadable store must not hide the others
            print(printable(f"facilitator: {slug}: {exc}"), file=sys.stderr, flush=True)
            return None
    rows = []
    for s in sorted(plan.sessions, key=lambda s: s.number):
        c = counts["sessions"].get(str(s.number), {})
        rows.append([str(s.number), plan.code_of(s), s.date.isoformat(), s.kind, _private(plan, s.title or ""),
                     say("list_yes", lang) if c.get("held") else "", str(c.get("statements", 0)), str(c.get("quotes", 0)),
                     str(c.get("key", 0)), str(c.get("actions", 0))])
    return _private(plan, plan.workshop.title), rows


def cmd_import(args: argparse.Namespace, data_dir: Path) -> int:
    from facilitator.usecases.notes import import_notes, open_notes, summary

    path = Path(args.notes)
    text = open_notes(path, args.lang)  # read line by line while importing: never whole in memory
    from facilitator.usecases.errors import NotesError

    with _open(data_dir, args.slug, args.lang) as store:
        plan = store.plan
        try:
            parsed, _ = import_notes(store, args.session, text, str(path), duplicates=args.duplicates,
                                     lang=args.lang)
        except NotesError as exc:  # an error can quote what was typed: names replaced
            name = str(path)  # the file name is the user's own: kept, so the line can be found
            raise NotesError(*(name + _private(plan, line[len(name):]) if line.startswith(name)
                               else _private(plan, line) for line in exc.lines), plain=exc.plain) from None
        session = plan.session(args.session)
        code = plan.code_of(session)  # type: ignore[arg-type]
    for notice in parsed.notices:
        print(printable(notice), file=sys.stderr, flush=True)
    for warning in parsed.warnings:  # imported as written; the researcher can re-code on the report screen
        print(printable(_private(plan, warning)), file=sys.stderr, flush=True)
    _say(_private(plan, summary(parsed, args.slug, code, args.session, args.lang)))
    return 0


def cmd_export(args: argparse.Namespace, data_dir: Path) -> int:
    try:
        mode = int(args.mode, 8)
    except ValueError:
        mode = -1
    if not 0 <= mode <= 0o777:
        raise UserError(say("mode_bad", args.lang, mode=repr(args.mode)))
    from facilitator.usecases.export import export_workshop, names_notice

    with _open(data_dir, args.slug, args.lang, readonly=True) as store:
        data = store.snapshot()
    if args.out:
        out_dir = Path(args.out)
    else:
        from facilitator.settings import load_settings

        out_dir = load_settings(lang=args.lang).export_dir
    formats = [f.strip().lower().lstrip(".") for f in str(getattr(args, "format", "md")).split(",") if f.strip()]
    result = export_workshop(data, out_dir, session=args.session, mode=mode, formats=formats, lang=args.lang)
    for p in result.paths:
        _say(str(p))
    _say(names_notice(result.names_replaced, result.review_path, result.ordinary_words, args.lang))
    return 0


def cmd_run(args: argparse.Namespace, data_dir: Path) -> int:
    """Open the app. The store is not read here: the live screen paints first and opens
    the workshop behind it, picking the next session not yet held when none is given
    (a session not in the plan ends the app with exit 2 and a one-line message)."""
    from facilitator.store.paths import workshop_exists

    slug = getattr(args, "slug", None)
    session = getattr(args, "session", None)
    from facilitator.config import data_dir_is_default

    _demo_on_first_run(data_dir, slug, args.lang, default_dir=data_dir_is_default(args.data_dir))
    if slug is not None and not workshop_exists(data_dir, slug):
        raise _no_workshop(data_dir, slug, args.lang)
    if slug is None and session is not None:
        raise UserError(say("session_needs_workshop", args.lang))
    seat = getattr(args, "seat", None)
    if slug is None and seat is not None:
        raise UserError(say("seat_needs_slug", args.lang, seat=seat))
    from facilitator.tui.app import run_app

    if seat is None:
        return int(run_app(data_dir, slug, session, args.lang) or 0)
    return int(run_app(data_dir, slug, session, args.lang, seat=seat) or 0)


def cmd_show(args: argparse.Namespace, data_dir: Path) -> int:
    """The projector view. Checks what it can before the screen opens: the workshop exists,
    the session is in the plan, --warn and the warn_left setting read."""
    _check_show(args, data_dir)
    from facilitator.tui.app import run_projector

    return run_projector(data_dir, args.slug, args.session, args.lang, args.warn)


def _check_show(args: argparse.Namespace, data_dir: Path) -> None:
    """What `show` and `serve` check before anything opens."""
    from facilitator.domain.schedule import parse_threshold
    from facilitator.settings import SettingsError, load_settings
    from facilitator.store.paths import workshop_exists

    if not workshop_exists(data_dir, args.slug):
        raise _no_workshop(data_dir, args.slug, args.lang)
    try:
        settings = load_settings(lang=args.lang)
    except SettingsError as exc:
        raise UserError(*exc.lines) from None
    checks = [("--warn", args.warn)]
    if "warn_left" in settings.model_fields_set:
        checks.append(("warn_left", settings.warn_left))
    for name, value in checks:
        if value is not None and value.strip():
            try:
                parse_threshold(value)
            except ValueError as exc:
                raise UserError(f"{name}: {_in_language(exc, args.lang)}") from None
    if args.session is not None:
        with _open(data_dir, args.slug, args.lang, readonly=True) as store:
            if store.plan.session(args.session) is None:
                known = ", ".join(str(s.number) for s in store.plan.sessions)
                raise UserError(say("no_session", args.lang, session=args.session, slug=repr(args.slug),
                                    known=known))


SERVE_EXTRA = "pip install 'facilitator[serve]'"


def cmd_serve(args: argparse.Namespace, data_dir: Path) -> int:
    """`facilitator serve`: the seats in a browser (facilitator.tui.web). Loopback by default;
    another --host gets a one-time token that every browser must give first."""
    import importlib.util

    if any(importlib.util.find_spec(m) is None for m in ("textual_serve", "aiohttp", "aiohttp_jinja2")):
        raise UserError(say("serve_extra", args.lang, extra=SERVE_EXTRA))
    if not 0 <= args.port <= 65535:
        raise UserError(say("port_bad", args.lang, port=args.port))
    _check_show(args, data_dir)
    from facilitator.tui.web.access import Policy, is_loopback, new_token
    from facilitator.tui.web.seats import SEATS, seat_command
    from facilitator.tui.web.server import ServeConfig, serve

    local = is_loopback(args.host)
    policy = Policy(require_token=False) if local else Policy(require_token=True, token=new_token())
    commands = {seat: seat_command(seat, data_dir=data_dir, slug=args.slug, session=args.session,
                                   lang=args.lang, warn=args.warn) for seat in SEATS}
    config = ServeConfig(commands, policy, lang=args.lang, title=args.slug)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    address = say("address", args.lang)
    every = args.host in ("0.0.0.0", "::", "")
    if every:
        shown = address  # every address: the one other machines know this one by

    def ready(port: int) -> None:
        base = f"http://{shown}:{port}"
        _say(say("serving", args.lang, slug=args.slug, base=base))
        if every:
            _say(say("every_address", args.lang, host=args.host, address=address))
        if not local:
            _say(say("token", args.lang, token=policy.token))
            _say(say("reachable", args.lang))
        _say(say("stop_hint", args.lang))

    return serve(config, args.host, args.port, ready)


def _demo_on_first_run(data_dir: Path, slug: str | None, lang: str, default_dir: bool) -> None:
    """A first look needs something to look at: on the default data directory without
    any workshop (or when the demo itself is asked for and missing), build the demo from
    its source in `facilitator/demo/`. Nothing of it is kept in the repository. A data
    directory chosen with --data-dir or $FACILITATOR_DATA_DIR is never given a demo
    unasked."""
    from facilitator.demo import SLUG as DEMO
    from facilitator.store.paths import list_workshops, workshop_exists

    if slug is None and (not default_dir or list_workshops(data_dir)):
        return
    if slug is not None and (slug != DEMO or workshop_exists(data_dir, slug)):
        return
    from facilitator.demo import build_demo

    build_demo(data_dir)
    print("facilitator: " + printable(say("demo_built_first_run", lang, slug=repr(DEMO), data_dir=data_dir)),
          file=sys.stderr, flush=True)


def cmd_doctor(args: argparse.Namespace, data_dir: Path) -> int:
    from facilitator.cli.doctor import run_doctor

    return run_doctor(data_dir, args.slug, _say, args.lang)


def cmd_demo(args: argparse.Namespace, data_dir: Path) -> int:
    from facilitator.demo import build_demo

    slug = build_demo(data_dir, force=args.force)
    _say(say("demo_built", args.lang, slug=repr(slug), data_dir=data_dir, name=slug))
    return 0
