"""Importing a notes file written in capture syntax (docs/capture-syntax.md).

`parse_notes` is pure: it parses every line first, keeping the parser's context
up to date as the live capture line would (sticky speaker, current step from
`## STEP`, new themes known after their first use), and returns either the
records or every bad line as `FILE:LINE: message`. `import_notes` then writes
all records in one atomic store call, or raises `NotesError` listing every bad
line. `facilitator import` and the demo builder both use it.
`import_notes` holds no list of records: it reads the file once (line by line
from disk for a `NotesFile`), streaming each record into the store's import while
checking every line; a bad line or a duplicate fails the import at the end, which
then saves nothing (all-or-nothing there), so memory does not grow with the file.

Records before the first `## STEP` line belong to the first agenda step
(index 0), as on the live capture line, which always has a current step.
A line without a speaker before any speaker in the file is the session's last
speaker so far (the spec's sticky speaker: "the last speaker used in this
session"), so a second notes file, or notes after live capture, go on where the
session was.
Lines are split on "\n" only (a "\r" before it is dropped), so FILE:LINE is the
line number an editor shows: `str.splitlines` would also split on U+2028,
U+2029, form feed and \x1c-\x1e, which are characters inside a line here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Union

from facilitator.domain import capture
from facilitator.domain.attendance import merge_declaration
from facilitator.domain.plan import Plan
from facilitator.domain.records import Action, Statement
from facilitator.i18n import text as tr
from facilitator.usecases.errors import NotesError, UseCaseError


@dataclass
class ParsedNotes:
    records: list[Statement | Action] = field(default_factory=list)
    declarations: list[tuple[str, ...]] = field(default_factory=list)  # each `aanwezig:` line's keys
    new_themes: list[str] = field(default_factory=list)  # created while tagging, in first-use order
    errors: list[str] = field(default_factory=list)  # `FILE:LINE: message`
    counts: dict[str, int] = field(default_factory=lambda: {"statements": 0, "quotes": 0, "key": 0, "actions": 0})
    notices: list[str] = field(default_factory=list)  # `FILE:LINE: ...`: invisible characters removed
    warnings: list[str] = field(default_factory=list)  # `FILE:LINE: warning: ...` (imported anyway)


@dataclass(frozen=True)
class NotesFile:
    """A notes file on disk, read line by line each time its lines are asked for (an
    import reads it twice and never holds it whole: memory does not grow with it)."""

    path: Path
    lang: str = "en"  # of its errors

    def lines(self) -> Iterator[str]:
        try:
            with open(self.path, "rb") as fh:
                for number, raw in enumerate(fh, start=1):
                    if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                        raw = raw[3:]
                    try:
                        line = raw.decode("utf-8")
                    except UnicodeDecodeError as exc:
                        raise _not_utf8(self.path, number, raw[exc.start], self.lang) from None
                    yield line.removesuffix("\n").removesuffix("\r")
        except OSError as exc:
            raise _unreadable(self.path, exc, self.lang) from None


Notes = Union[str, NotesFile]


def open_notes(path: Path, lang: str = "en") -> NotesFile:
    """A notes file to import, checked to be there and readable (a one-line UseCaseError
    in `lang` otherwise, as `read_text`); its lines are read when imported."""
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise _unreadable(path, exc, lang) from None
    return NotesFile(Path(path), lang)


def _unreadable(path: Path, exc: OSError, lang: str) -> UseCaseError:
    """The one-line error for a file the user named that cannot be opened or read."""
    if isinstance(exc, FileNotFoundError):
        return UseCaseError(tr("usecase.no_such_file", lang, path=path), plain=True)
    if isinstance(exc, IsADirectoryError):
        return UseCaseError(tr("usecase.is_a_directory", lang, path=path), plain=True)
    return UseCaseError(tr("usecase.cannot_read", lang, path=path, reason=exc.strerror), plain=True)


def _not_utf8(path: Path, line: int, byte: int, lang: str) -> UseCaseError:
    return UseCaseError(tr("usecase.not_utf8", lang, path=path, line=line, byte=f"{byte:02x}"), plain=True)


def parse_notes(text: str, filename: str, plan: Plan, theme_keys: list[str], session: int,
                current_speaker: str | None = None, lang: str = "en", keep: bool = True) -> ParsedNotes:
    """Parse a whole notes file. Nothing is written; check `.errors` first (in `lang`).
    `current_speaker`: the session's last speaker so far (sticky across files).
    `keep=False`: only count the records (see `.counts`), keep none."""
    out = ParsedNotes()
    for rec in iter_notes(text, filename, plan, theme_keys, session, current_speaker, out, lang):
        _count(out.counts, rec)
        if keep:
            out.records.append(rec)
    return out


def _count(counts: dict[str, int], rec: Statement | Action) -> None:
    if isinstance(rec, Statement):
        counts["statements"] += 1
        counts["quotes"] += rec.kind == "quote"
        counts["key"] += bool(rec.key)
    else:
        counts["actions"] += 1


def iter_notes(text: Notes, filename: str, plan: Plan, theme_keys: list[str], session: int,
               current_speaker: str | None = None, out: ParsedNotes | None = None,
               lang: str = "en") -> Iterator[Statement | Action]:
    """The records of a notes file, one at a time; errors, declarations and new themes go to `out`."""
    if plan.session(session) is None:
        known = ", ".join(str(s.number) for s in plan.sessions)
        raise NotesError(tr("import.no_session", lang, file=filename, session=session, known=known))
    out = out if out is not None else ParsedNotes()
    ctx = capture.context_for(plan, theme_keys, session, current_speaker, None)
    if ctx.current_step is None and ctx.steps:
        ctx = dataclasses.replace(ctx, current_step=0)  # before any `## STEP`: the first step
    known = set(ctx.themes)
    from facilitator.domain.recode import line_warnings

    parse, invisible_prefix = capture.parse_line, capture.invisible_prefix
    statement_line, action_line = capture.StatementLine, capture.ActionLine
    errors, warnings = out.errors, out.warnings
    for number, line in enumerate(text.lines() if isinstance(text, NotesFile) else _lines(text), start=1):
        if not line.isascii():
            invisible = invisible_prefix(line)
            if invisible:  # the parser removes them; say so, with the line
                what = capture.describe_invisible(invisible)
                out.notices.append(f"{filename}:{number}: {tr('notes.invisible_removed', lang, what=what)}")
        try:
            parsed: Any = parse(line, ctx)
        except capture.CaptureError as exc:
            errors.append(f"{filename}:{number}: {exc.render(lang)}")
            continue
        kind = type(parsed)
        if kind is statement_line:
            for warning in line_warnings(parsed.kind, parsed.text, parsed.new_themes, known, lang):
                warnings.append(tr("import.warning", lang, where=f"{filename}:{number}", warning=warning))
            yield Statement(session=session, step=ctx.current_step, speaker=parsed.speaker,
                            kind=parsed.kind, text=parsed.text, themes=list(parsed.themes),
                            elements=list(parsed.elements), key=parsed.key)
            if parsed.speaker != ctx.current_speaker or parsed.new_themes:
                update: dict[str, Any] = {}
                if parsed.speaker != ctx.current_speaker:
                    update["current_speaker"] = parsed.speaker
                ctx = _learn(ctx, parsed.themes, known, out.new_themes, update)
        elif kind is action_line:
            yield Action(session=session, step=ctx.current_step, text=parsed.text,
                         owner=parsed.owner, themes=list(parsed.themes))
            if parsed.new_themes:
                ctx = _learn(ctx, parsed.themes, known, out.new_themes, {})
        elif isinstance(parsed, capture.StepLine):
            ctx = dataclasses.replace(ctx, current_step=parsed.step)
        elif isinstance(parsed, capture.AttendanceLine):
            out.declarations.append(parsed.keys)


def _lines(text: str) -> Iterator[str]:
    """Lines split on "\n" only, a "\r" before it dropped; no empty line after a final newline."""
    start = 0
    n = len(text)
    while start < n:
        end = text.find("\n", start)
        if end < 0:
            yield text[start:].removesuffix("\r")
            return
        yield text[start:end].removesuffix("\r")
        start = end + 1


def _learn(ctx: capture.Context, themes: tuple[str, ...], known: set[str], new: list[str],
           update: dict[str, Any]) -> capture.Context:
    fresh = [t for t in themes if t not in known]
    if fresh:
        known.update(fresh)
        new.extend(fresh)
        update["themes"] = frozenset(known)
    return dataclasses.replace(ctx, **update) if update else ctx


def read_text(path: Path, lang: str = "en") -> str:
    """A UTF-8 text file (a BOM is dropped), or a one-line UseCaseError in `lang`
    (the notes and the plan files the user names are read with it)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, exc, lang) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _not_utf8(path, data.count(b"\n", 0, exc.start) + 1, data[exc.start], lang) from None


def merged_attendance(existing: list[str], declarations: list[tuple[str, ...]],
                      speakers: dict[str, str]) -> list[str]:
    """Each `aanwezig:` line merged, in order, into the session's existing declaration."""
    merged = list(existing)
    for keys in declarations:
        merged = merge_declaration(merged, keys, speakers)
    return merged


def import_notes(store: Any, session: int, text: Notes, filename: str,
                 duplicates: bool = False, lang: str = "en") -> tuple[ParsedNotes, int]:
    """Parse, then write everything in one atomic call. Raises NotesError listing every bad line,
    or (unless `duplicates`) when statements of the file are already in the session: importing
    the same notes (or a rescue file) twice must not double the record.
    `text`: the notes, or a NotesFile (`open_notes`), read from disk line by line."""
    so_far = store.statements(session)
    themes = [t.key for t in store.themes()]
    speaker = so_far[-1].speaker if so_far else None
    parsed = ParsedNotes()
    present = {(s.speaker, s.kind, s.text) for s in so_far} if not duplicates else set()
    del so_far
    again = 0

    def checked() -> Iterator[Statement | Action]:
        """One pass over the file, streamed into the import; a bad line or a duplicate
        makes it raise at the end, inside the import's transaction: nothing is saved."""
        nonlocal again
        for rec in iter_notes(text, filename, store.plan, themes, session, speaker, parsed, lang):
            _count(parsed.counts, rec)
            if present and isinstance(rec, Statement) and (rec.speaker, rec.kind, rec.text) in present:
                again += 1
            if not parsed.errors and not again:
                yield rec  # once the import is bound to fail, the rest is only checked
        if parsed.errors:
            n = len(parsed.errors)
            raise NotesError(*parsed.errors, tr("import.bad_lines" if n != 1 else "import.bad_line", lang,
                                                file=filename, n=n),
                             plain=True)
        if again:
            raise NotesError(tr("import.already", lang, file=filename, again=again,
                                total=parsed.counts["statements"], session=session))

    def attendance() -> list[str] | None:
        if not parsed.declarations:
            return None
        return merged_attendance(store.attendance(session), parsed.declarations, store.plan.speaker_roles())

    count = store.import_records(session, checked(), attendance=attendance, themes=lambda: parsed.new_themes,
                                 source={"file": filename, "lines": line_count(text)})
    return parsed, count


def line_count(text: Notes) -> int:
    """The lines of the notes (a file on disk is counted in binary, without decoding it)."""
    if isinstance(text, str):
        return text.count("\n") + (bool(text) and not text.endswith("\n"))
    n, last = 0, b"\n"
    try:
        with open(text.path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                n += chunk.count(b"\n")
                last = chunk[-1:]
    except OSError:
        return 0  # the import itself says why it cannot read the file
    return n + (last != b"\n")


def summary(parsed: ParsedNotes, slug: str, code: str, session: int, lang: str = "en") -> str:
    """What an import did, one line in `lang`."""
    def n(count: int, word: str) -> str:
        return tr(f"import.{word}_{'one' if count == 1 else 'many'}", lang, n=count)

    c = parsed.counts
    parts = [tr("import.summary", lang, statements=n(c["statements"], "statement"), quotes=n(c["quotes"], "quote"),
                key=n(c["key"], "key"), actions=n(c["actions"], "action"), slug=slug, session=session, code=code)]
    if parsed.declarations:
        keys = sorted({k for line in parsed.declarations for k in line})
        parts.append(tr("import.attendance", lang, keys=" ".join(keys)))
    if parsed.new_themes:
        parts.append(tr("import.new_themes", lang, themes=", ".join(parsed.new_themes)))
    return "; ".join(parts)
