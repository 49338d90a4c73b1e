"""`facilitator doctor`: check every workshop store in a data directory (or one).

For each store: readable, valid (records validate, meta present, plan parses),
no orphans (records pointing at sessions, agenda steps or speakers the plan does
not have; findings citing deleted statements), permissions, stale temp files,
and its backups (listed). Directories that are not stores are reported and left
alone; stores written by a newer facilitator are reported and never touched.
Every workshop is checked, also when one of them is in use or cannot be read.

With repair=True (and the workshop lock free) it repairs what is safe: tightens
permissions of workshop folders and their files (0600 files, 0700 directories;
the data directory itself is only reported), removes stale temp files and what
a killed `demo --force` left (.demo-build-* folders), recovers a damaged journal
from its readable records plus the newest backup (the original is kept aside,
never deleted, and what could not be recovered is named), restores the plan's
record from plan.toml, and drops dangling statement references from findings.
Everything else is reported.

Exit status rule (`exit_status`): 0 when no line is a "problem", else 1.
"""

from __future__ import annotations

import os
import shutil
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from facilitator.domain.plan import Plan, PlanError, Theme, parse_plan
from facilitator.domain.records import Action, Finding, ReportText, SessionClock, Statement
from facilitator.i18n import Message, Note, message_of
from facilitator.store.db import (
    DAMAGED_INFIX,
    DIR_MODE,
    UNFINISHED_INFIX,
    FILE_MODE,
    TMP_INFIX,
    StoreError,
    StoreLocked,
    StoreForeign,
    StoreNewer,
    is_foreign,
    open_db,
    read_unfinished,
    replay,
)
from facilitator.store.lock import WorkshopLock
from facilitator.store.recover import acknowledged_cut, amend_from_backup, behind_backup
from facilitator.store.workshop import (
    BACKUP_DIR,
    BACKUPS_KEPT,
    PLAN_NAME,
    SCHEMA_VERSION,
    STORE_NAME,
    _read_plan,
    check_schema,
    list_backups,
    migration_backup,
)

Level = Literal["ok", "fixed", "note", "problem"]
MAX_LINES_PER_KIND = 10
DEMO_BUILD_PREFIX = ".demo-build-"
LEFTOVER_AGE = 600  # seconds: a .demo-build-* folder older than this belongs to no running build


@dataclass(frozen=True)
class DoctorLine:
    level: Level  # ok: healthy; fixed: repaired now; note: worth knowing; problem: left for a person
    slug: str | None  # None: the data directory itself
    text: str  # English (logs, tests); a Message (or a store's recovery Note) passed here is kept on
    # `message`, for the interface
    message: Message | Note | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.text, (Message, Note)):
            object.__setattr__(self, "message", self.text)
            object.__setattr__(self, "text", str(self.text))

    def __str__(self) -> str:
        return f"{self.slug or '(data dir)'}: {self.level}: {self.text}"


def exit_status(lines: list[DoctorLine]) -> int:
    """0 when nothing is left for a person to fix, else 1."""
    return 1 if any(line.level == "problem" for line in lines) else 0


def check(data_dir: Path, slug: str | None = None, repair: bool = True) -> tuple[list[str], bool]:
    """`doctor` for the CLI: printable lines, and whether no problem is left."""
    lines = doctor(data_dir, slug, repair)
    return [str(line) for line in lines], exit_status(lines) == 0


def doctor(data_dir: Path, slug: str | None = None, repair: bool = True) -> list[DoctorLine]:
    """Check (and with repair=True, safely repair) every store in `data_dir`, or only `slug`."""
    out: list[DoctorLine] = []
    if not data_dir.is_dir():
        return [DoctorLine("problem", None, Message("doctor.not_dir", path=data_dir))]
    if slug is not None:
        if not (data_dir / slug / STORE_NAME).is_file():
            return [DoctorLine("problem", slug, Message("doctor.no_workshop", slug=repr(slug), data_dir=data_dir))]
        return _check_store_safely(data_dir / slug, repair)
    _note_mode(data_dir, out)
    for entry in sorted(data_dir.iterdir()):
        if entry.name.startswith(DEMO_BUILD_PREFIX) and entry.is_dir():
            _leftover_build(entry, repair, out)
        elif entry.is_dir() and (entry / STORE_NAME).is_file():
            out.extend(_check_store_safely(entry, repair))
        elif not entry.name.startswith("."):
            kind = "dir" if entry.is_dir() else "file"
            out.append(DoctorLine("note", None, Message(f"doctor.not_a_store_{kind}", name=entry.name)))
    if not out:
        out.append(DoctorLine("ok", None, Message("doctor.no_workshops", data_dir=data_dir)))
    return out


def _note_mode(data_dir: Path, out: list[DoctorLine]) -> None:
    """The data directory may be shared (1777, 0755): reported, never changed."""
    try:
        current = stat.S_IMODE(data_dir.stat().st_mode)
    except OSError:
        return
    if current & 0o077:
        out.append(DoctorLine("note", None, Message("doctor.data_dir_mode", path=data_dir, mode=f"{current:04o}")))


def _leftover_build(entry: Path, repair: bool, out: list[DoctorLine]) -> None:
    try:
        age = time.time() - entry.stat().st_mtime
    except OSError:
        return
    if age < LEFTOVER_AGE:
        out.append(DoctorLine("note", None, Message("doctor.demo_building", name=entry.name)))
    elif repair:
        shutil.rmtree(entry, ignore_errors=True)
        if entry.exists():
            out.append(DoctorLine("problem", None, Message("doctor.demo_not_removed", name=entry.name)))
        else:
            out.append(DoctorLine("fixed", None, Message("doctor.demo_removed", name=entry.name)))
    else:
        out.append(DoctorLine("problem", None, Message("doctor.demo_left", name=entry.name)))


def _check_store_safely(path: Path, repair: bool) -> list[DoctorLine]:
    """One workshop; whatever goes wrong there is reported and the next one is checked."""
    from facilitator.store.lazy import paused_gc

    try:
        with paused_gc():  # every record of the workshop is read and validated
            return _check_store(path, repair)
    except Exception as exc:  # noqa: BLE001 - one bad workshop must not hide the others
        reason = getattr(exc, "strerror", None) or message_of(exc)
        return [DoctorLine("problem", path.name, Message("doctor.not_checked", reason=reason))]


def _check_store(path: Path, repair: bool) -> list[DoctorLine]:
    slug = path.name
    out: list[DoctorLine] = []

    def say(level: Level, text: str | Message) -> None:
        out.append(DoctorLine(level, slug, text))

    store = path / STORE_NAME
    try:
        data = store.read_bytes()
    except OSError as exc:
        say("problem", Message("doctor.unreadable", name=STORE_NAME, reason=exc.strerror or exc))
        return out
    try:
        rep = replay(data, store)
        if is_foreign(data, rep):
            raise StoreForeign(Message("doctor.not_a_store", name=STORE_NAME, slug=slug))
        check_schema(store)(rep.tables)
    except (StoreNewer, StoreForeign) as exc:
        say("problem", Message("doctor.untouched", reason=message_of(exc)))
        return out

    lock: WorkshopLock | None = None
    in_use = False
    if repair:
        try:
            lock = WorkshopLock(path).acquire()
        except StoreLocked as exc:
            say("problem", Message("doctor.not_repaired", reason=message_of(exc)))
            repair, in_use = False, True
        except StoreError as exc:
            say("problem", Message("doctor.not_repaired", reason=message_of(exc)))
            repair = False
    try:
        _check_files(path, repair, in_use, say)
        if repair:
            try:
                # recovers from the readable records and the newest backup, keeping the original aside
                db, notes = open_db(store, verify=check_schema(store), before_migration=migration_backup(path, []),
                                    amend=lambda r: amend_from_backup(path, r),
                                    behind=lambda r, size: behind_backup(path, r, size),
                                    covered=lambda r, size: acknowledged_cut(path, store, r, size))
            except StoreLocked as exc:  # the store file itself is held (its store.lock was deleted)
                say("problem", Message("doctor.not_repaired", reason=message_of(exc)))
                repair, in_use = False, True
                db, _notes = open_db(store, readonly=True)
                notes = []
            for note in notes:
                say("problem" if note.startswith(("not recovered", "missing")) else "fixed", note)
        else:
            db, _notes = open_db(store, readonly=True)
            if rep.unfinished and acknowledged_cut(path, store, rep, rep.unfinished_at) is None:  # type: ignore[arg-type]
                say("note", Message("doctor.unfinished_pending", name=STORE_NAME))  # perhaps a save in progress
            elif rep.damaged or rep.torn or rep.legacy:
                say("problem", Message("doctor.needs_repair", name=STORE_NAME, damage=_describe(rep)))
        try:
            from facilitator.store.seats import merged_tables

            _check_records(merged_tables(path, db.storage.read()), db if repair else None, say, path)
        finally:
            db.close()
    except StoreError as exc:
        say("problem", message_of(exc))
    finally:
        if lock is not None:
            lock.release()
    for aside in (sorted(path.glob(f"{STORE_NAME}{DAMAGED_INFIX}*")) + sorted(path.glob(f"{STORE_NAME}.old-format-*"))
                  + sorted(path.glob(f"{STORE_NAME}.displaced-*"))):
        say("note", Message("doctor.kept_aside", name=aside.name))
    from facilitator.store.seats import NOTES_JOURNAL, doctor_notes

    for name in (STORE_NAME, NOTES_JOURNAL):
        for kept in sorted(path.glob(f"{name}{UNFINISHED_INFIX}*")):
            _unfinished_kept(kept, say)
    doctor_notes(path, repair, say)  # the note-taker's seat's journal (two seats)
    _list_backups(path, say)
    if not any(line.level in ("problem", "fixed") for line in out):
        out.insert(0, DoctorLine("ok", slug, Message("doctor.healthy")))
    return out


def _unfinished_kept(kept: Path, say: Any) -> None:
    """A sidecar of an unfinished last save that an open dropped: information, not a problem
    (nothing in it was ever acknowledged; an import's own file still has its lines)."""
    try:
        st = kept.stat()
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(st.st_mtime))
        rep = read_unfinished(kept)
    except (OSError, StoreError):
        return
    marker = rep.unfinished_import
    if marker is not None and isinstance(marker.get("file"), str):
        lines = marker.get("lines")
        say("note", Message("doctor.unfinished_import_kept", name=kept.name, file=marker["file"],
                            lines=lines if type(lines) is int else "?", when=when, records=rep.unfinished_records))
    else:
        say("note", Message("doctor.unfinished_save_kept", name=kept.name, when=when, size=st.st_size))


def _list_backups(path: Path, say: Any) -> None:
    backups = list_backups(path)
    if not backups:
        say("note", Message("doctor.no_backups", dir=BACKUP_DIR))
        return
    newest = backups[-1]
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(newest.stat().st_mtime))
    say("note", Message("doctor.backups", count=len(backups), dir=BACKUP_DIR, name=newest.name, when=when,
                        kept=BACKUPS_KEPT))


def _describe(rep: Any) -> Message | Note:
    from facilitator.store.db import describe_damage

    return Message("store.damage.old_format") if rep.legacy else describe_damage(rep)


def _check_files(path: Path, repair: bool, in_use: bool, say: Any) -> None:
    temps = sorted(path.glob(f"*{TMP_INFIX}*")) + sorted((path / BACKUP_DIR).glob(f"*{TMP_INFIX}*"))
    for tmp in temps:
        if in_use:
            say("note", Message("doctor.temp_in_use", name=tmp.name))
        elif repair:
            try:
                tmp.unlink()
                say("fixed", Message("doctor.temp_removed", name=tmp.name))
            except OSError as exc:
                say("problem", Message("doctor.temp_not_removed", name=tmp.name, reason=exc.strerror or exc))
        else:
            say("problem", Message("doctor.temp_stale", name=tmp.name))
    lines: list[Any] = []
    _fix_mode(path, DIR_MODE, repair, path.name, lines)
    backups = path / BACKUP_DIR
    if backups.is_dir():
        _fix_mode(backups, DIR_MODE, repair, path.name, lines)
        for f in sorted(backups.iterdir()):
            _fix_mode(f, FILE_MODE, repair, path.name, lines, rel=f"{BACKUP_DIR}/{f.name}")
    for f in sorted(path.iterdir()):
        if f.is_file():
            _fix_mode(f, FILE_MODE, repair, path.name, lines)
    for line in lines:
        say(line.level, line.message or line.text)


def _fix_mode(target: Path, mode: int, repair: bool, slug: str | None, out: list[DoctorLine],
              rel: str | None = None) -> None:
    try:
        current = stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return
    if not current & 0o077:
        return
    name = rel or (target.name if slug is not None else str(target))
    if repair:
        try:
            os.chmod(target, mode)
            out.append(DoctorLine("fixed", slug, Message("doctor.mode_fixed", name=name, old=f"{current:04o}", new=f"{mode:04o}")))
            return
        except OSError as exc:
            out.append(DoctorLine("problem", slug, Message("doctor.mode_not_fixed", name=name, old=f"{current:04o}",
                                                           reason=exc.strerror or exc)))
            return
    out.append(DoctorLine("problem", slug, Message("doctor.mode_too_open", name=name, old=f"{current:04o}", new=f"{mode:04o}")))


_MODELS: dict[str, type[BaseModel]] = {
    "statements": Statement, "actions": Action, "findings": Finding, "clocks": SessionClock, "report": ReportText,
}


def _check_records(tables: dict[str, dict[str, dict]], db: Any, say: Any, path: Path | None = None) -> None:
    """Validate every record against the models and the plan. `db`: repair findings through it."""
    meta = tables.get("meta", {}).get("1")
    plan: Plan | None = None
    plan_copy = _read_plan(path) if path is not None else None
    if (meta is None or not isinstance(meta.get("plan_text"), str)) and plan_copy is not None:
        if db is not None:
            restored = {"schema_version": SCHEMA_VERSION, "slug": path.name, "plan_text": plan_copy}  # type: ignore[union-attr]
            try:
                if meta is None:
                    from tinydb.table import Document

                    db.table("meta").insert(Document(restored, doc_id=1))
                else:
                    db.table("meta").update(restored, doc_ids=[1])
                meta = restored
                say("fixed", Message("doctor.plan_restored", plan=PLAN_NAME))
            except StoreError as exc:
                say("problem", Message("doctor.plan_restore_failed", plan=PLAN_NAME, reason=message_of(exc)))
        else:
            say("problem", Message("doctor.plan_lost_in_use", plan=PLAN_NAME))
            meta = {"schema_version": SCHEMA_VERSION, "plan_text": plan_copy, "slug": path.name}  # type: ignore[union-attr]
    if meta is None:
        say("problem", Message("doctor.no_meta", plan=PLAN_NAME))
    elif meta.get("schema_version") not in (1, SCHEMA_VERSION):
        say("problem", Message("doctor.bad_schema", found=repr(meta.get('schema_version')), expected=SCHEMA_VERSION))
    elif not isinstance(meta.get("plan_text"), str):
        say("problem", Message("doctor.no_plan_text"))
    else:
        try:
            plan = parse_plan(meta["plan_text"], "stored plan", default_slug=meta.get("slug"))
        except PlanError as exc:
            say("problem", Message("doctor.plan_unparsable", error=exc.lines[0]))
        if meta.get("schema_version") == 1:
            if db is None:
                say("note", Message("doctor.schema1_note", version=SCHEMA_VERSION))
            else:
                try:
                    db.table("meta").update({"schema_version": SCHEMA_VERSION}, doc_ids=[1])
                    say("fixed", Message("doctor.schema1_migrated", version=SCHEMA_VERSION, dir=BACKUP_DIR))
                except StoreError as exc:
                    say("problem", Message("doctor.schema1_failed", reason=message_of(exc)))
        if path is not None and db is not None and plan_copy != meta["plan_text"]:
            from facilitator.store.workshop import _write_plan

            try:
                _write_plan(path, meta["plan_text"])
                say("fixed", Message("doctor.plan_copy_written", plan=PLAN_NAME))
            except OSError as exc:
                say("problem", Message("doctor.plan_copy_failed", plan=PLAN_NAME, reason=exc.strerror or exc))

    valid: dict[str, dict[int, Any]] = {}
    for name, model in _MODELS.items():
        good: dict[int, Any] = {}
        bad: list[str] = []
        for doc_id, doc in tables.get(name, {}).items():
            try:
                good[int(doc_id)] = model.model_validate(doc)
            except (ValidationError, ValueError):
                bad.append(doc_id)
        _report_many(say, [Message("doctor.record_invalid", table=name, id=i) for i in bad])
        valid[name] = good
    for doc_id, doc in tables.get("attendance", {}).items():
        if not (isinstance(doc.get("session"), int) and isinstance(doc.get("keys"), list)
                and all(isinstance(k, str) for k in doc["keys"])):
            say("problem", Message("doctor.record_invalid", table="attendance", id=doc_id))
    for doc_id, doc in tables.get("themes", {}).items():
        try:
            Theme(key=doc.get("key"), label=doc.get("label"))
        except (ValidationError, TypeError):
            say("problem", Message("doctor.record_invalid", table="themes", id=doc_id))

    if plan is not None:
        _check_orphans(plan, valid, tables, say)
    _check_findings(valid["findings"], set(valid["statements"]) | _ids(tables, "statements"), db, say)


def _ids(tables: dict[str, dict[str, dict]], name: str) -> set[int]:
    return {int(k) for k in tables.get(name, {})}


def _check_orphans(plan: Plan, valid: dict[str, dict[int, Any]], tables: dict[str, dict[str, dict]], say: Any) -> None:
    speakers = plan.speaker_roles()
    problems: list[Message] = []
    for name, who in (("statements", "speaker"), ("actions", "owner")):
        for rec_id, rec in sorted(valid[name].items()):
            session = plan.session(rec.session)
            label = Message(f"doctor.label_{name}", id=rec_id)
            if session is None:
                problems.append(Message("doctor.orphan_session", label=label, session=rec.session))
                continue
            if rec.step is not None and not 0 <= rec.step < len(session.agenda):
                problems.append(Message("doctor.orphan_step", label=label, step=rec.step, session=rec.session,
                                        steps=len(session.agenda)))
            key = getattr(rec, who)
            if key is not None and key not in speakers:
                problems.append(Message("doctor.orphan_speaker", label=label, who=Message(f"doctor.who_{who}"),
                                        key=repr(key)))
    for doc_id, doc in tables.get("attendance", {}).items():
        unknown = [k for k in doc.get("keys", []) if isinstance(k, str) and k not in speakers]
        if unknown:
            problems.append(Message("doctor.orphan_attendance", session=doc.get('session'), keys=', '.join(unknown)))
    for rec_id, clock in valid["clocks"].items():
        if plan.session(clock.session) is None:
            problems.append(Message("doctor.orphan_session", label=Message("doctor.label_clock", id=rec_id),
                                    session=clock.session))
    _report_many(say, problems)


def _check_findings(findings: dict[int, Finding], statement_ids: set[int], db: Any, say: Any) -> None:
    for fid, finding in sorted(findings.items()):
        dangling = [i for i in finding.statements if i not in statement_ids]
        if not dangling:
            continue
        listed = ", ".join(str(i) for i in dangling)
        if db is None:
            say("problem", Message("doctor.finding_dangling", id=fid, listed=listed))
            continue
        blocks = []
        for block in finding.blocks:  # quotes and excerpts lose the deleted ones (an empty one goes)
            if block.kind in ("quote", "excerpt"):
                ids = [i for i in block.statements if i in statement_ids]
                if not ids:
                    continue
                block = block.model_copy(update={"statements": ids})
            blocks.append(block.model_dump())
        try:
            db.table("findings").update({"blocks": blocks}, doc_ids=[fid])
            say("fixed", Message("doctor.finding_fixed", id=fid, listed=listed))
        except StoreError as exc:
            say("problem", Message("doctor.finding_not_fixed", id=fid, listed=listed, reason=message_of(exc)))


def _report_many(say: Any, problems: list[Any]) -> None:
    for text in problems[:MAX_LINES_PER_KIND]:
        say("problem", text)
    if len(problems) > MAX_LINES_PER_KIND:
        say("problem", Message("doctor.more", count=len(problems) - MAX_LINES_PER_KIND))

