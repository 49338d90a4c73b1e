"""WorkshopStore: the one object the rest of the app uses to read and write a
workshop. Every mutator returns only once the change is durable on disk
("acknowledged"); on failure it raises StoreWriteError and the in-memory state
is unchanged.

Layout of a workshop in the data directory::

    {data_dir}/{slug}/store.db      the TinyDB store (see facilitator.store.db)
    {data_dir}/{slug}/store.lock    OS lock: one writer at a time
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable

from facilitator.domain.plan import Plan, Theme, parse_plan
from facilitator.domain.records import Action, Finding, ReportText, SessionClock, Statement
from facilitator.domain.workshop import WorkshopData
from facilitator.store.db import open_db

SCHEMA_VERSION = 1
DEFAULT_DATA_DIR = "sessions"
ENV_DATA_DIR = "FACILITATOR_DATA_DIR"


class StoreError(Exception):
    """A store problem the user can act on; the message is one line."""


class StoreNotFound(StoreError):
    pass


class StoreExists(StoreError):
    pass


class StoreLocked(StoreError):
    """Another process holds the workshop; the message names the holder."""


class StoreWriteError(StoreError):
    """A save failed (disk full, read-only, I/O error). Nothing was changed."""


def resolve_data_dir(arg: str | os.PathLike[str] | None = None) -> Path:
    """--data-dir, else $FACILITATOR_DATA_DIR, else ./sessions."""
    return Path(arg or os.environ.get(ENV_DATA_DIR) or DEFAULT_DATA_DIR)


def list_workshops(data_dir: Path) -> list[str]:
    """Slugs of the workshops in a data directory, sorted."""
    if not data_dir.is_dir():
        return []
    return sorted(p.parent.name for p in data_dir.glob("*/store.db"))


class WorkshopStore:
    """A workshop's plan and records. Open with `create` or `open`, then `close`."""

    def __init__(self, path: Path, db: Any, plan: Plan, plan_text: str, readonly: bool, recovery: list[str]):
        self.path = path  # the workshop's directory
        self._db = db
        self.plan = plan
        self.plan_text = plan_text
        self.readonly = readonly
        self.recovery = recovery  # what was recovered when opening, for the user

    # -- opening ---------------------------------------------------------------

    @classmethod
    def create(cls, data_dir: Path, plan: Plan, plan_text: str) -> WorkshopStore:
        slug = plan.workshop.slug
        assert slug, "a plan has a slug once parsed"
        path = data_dir / slug
        if (path / "store.db").exists():
            raise StoreExists(f"workshop {slug!r} already exists in {data_dir} (use --update to re-apply the plan)")
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        db, recovery = open_db(path / "store.db")
        db.table("meta").insert({"schema_version": SCHEMA_VERSION, "slug": slug, "plan_text": plan_text})
        return cls(path, db, plan, plan_text, False, recovery)

    @classmethod
    def open(cls, data_dir: Path, slug: str, *, readonly: bool = False) -> WorkshopStore:
        path = data_dir / slug
        if not (path / "store.db").exists():
            known = ", ".join(list_workshops(data_dir)) or "none"
            raise StoreNotFound(f"no workshop {slug!r} in {data_dir} (workshops: {known})")
        db, recovery = open_db(path / "store.db", readonly=readonly)
        meta = db.table("meta").get(doc_id=1)
        if meta is None:
            raise StoreError(f"{path / 'store.db'}: no metadata; run 'facilitator doctor {slug}'")
        if meta.get("schema_version", 0) > SCHEMA_VERSION:
            raise StoreError(f"{path / 'store.db'}: written by a newer facilitator (schema "
                             f"{meta['schema_version']} > {SCHEMA_VERSION}); upgrade the app")
        plan = parse_plan(meta["plan_text"], f"{slug} (stored plan)", default_slug=slug)
        return cls(path, db, plan, meta["plan_text"], readonly, recovery)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> WorkshopStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def slug(self) -> str:
        return self.path.name

    # -- plan and themes ---------------------------------------------------------

    def update_plan(self, plan: Plan, plan_text: str) -> None:
        self._db.table("meta").update({"plan_text": plan_text}, doc_ids=[1])
        self.plan = plan
        self.plan_text = plan_text

    def themes(self) -> list[Theme]:
        """The plan's themes, then those created while tagging, in creation order."""
        created = [Theme(key=d["key"], label=d["label"]) for d in self._db.table("themes").all()]
        known = {t.key for t in self.plan.themes}
        return list(self.plan.themes) + [t for t in created if t.key not in known]

    def add_theme(self, key: str, label: str | None = None) -> Theme:
        theme = Theme(key=key, label=label or key)
        self._db.table("themes").insert({"key": theme.key, "label": theme.label})
        return theme

    # -- statements ----------------------------------------------------------------

    def add_statement(self, st: Statement) -> Statement:
        st = st.model_copy(update={"seq": self._next_seq("statements", st.session)})
        doc_id = self._db.table("statements").insert(st.model_dump(exclude={"id"}))
        return st.model_copy(update={"id": doc_id})

    def update_statement(self, st: Statement) -> None:
        assert st.id is not None
        self._db.table("statements").update(st.model_dump(exclude={"id"}), doc_ids=[st.id])

    def delete_statement(self, statement_id: int) -> Statement:
        table = self._db.table("statements")
        doc = table.get(doc_id=statement_id)
        if doc is None:
            raise StoreError(f"no statement {statement_id}")
        table.remove(doc_ids=[statement_id])
        return Statement(id=statement_id, **doc)

    def restore_statement(self, st: Statement) -> None:
        """Put a deleted statement back under its own id (undo)."""
        from tinydb.table import Document

        assert st.id is not None
        self._db.table("statements").insert(Document(st.model_dump(exclude={"id"}), doc_id=st.id))

    def statements(self, session: int | None = None) -> list[Statement]:
        return self._records("statements", Statement, session)

    # -- actions -------------------------------------------------------------------

    def add_action(self, action: Action) -> Action:
        action = action.model_copy(update={"seq": self._next_seq("actions", action.session)})
        doc_id = self._db.table("actions").insert(action.model_dump(exclude={"id"}))
        return action.model_copy(update={"id": doc_id})

    def update_action(self, action: Action) -> None:
        assert action.id is not None
        self._db.table("actions").update(action.model_dump(exclude={"id"}), doc_ids=[action.id])

    def delete_action(self, action_id: int) -> None:
        self._db.table("actions").remove(doc_ids=[action_id])

    def actions(self, session: int | None = None) -> list[Action]:
        return self._records("actions", Action, session)

    # -- attendance and clock ------------------------------------------------------------

    def attendance(self, session: int) -> list[str]:
        doc = self._by_session("attendance", session)
        return list(doc["keys"]) if doc else []

    def set_attendance(self, session: int, keys: list[str]) -> None:
        self._upsert_session("attendance", session, {"session": session, "keys": list(keys)})

    def clock(self, session: int) -> SessionClock:
        doc = self._by_session("clocks", session)
        return SessionClock.model_validate(doc) if doc else SessionClock(session=session)

    def save_clock(self, clock: SessionClock) -> None:
        self._upsert_session("clocks", clock.session, clock.model_dump(mode="json"))

    # -- the researcher's report -----------------------------------------------------------

    def findings(self) -> list[Finding]:
        docs = [Finding(id=d.doc_id, **d) for d in self._db.table("findings").all()]
        return sorted(docs, key=lambda f: (f.position, f.id or 0))

    def save_finding(self, finding: Finding) -> Finding:
        table = self._db.table("findings")
        data = finding.model_dump(exclude={"id"})
        if finding.id is None:
            return finding.model_copy(update={"id": table.insert(data)})
        table.update(data, doc_ids=[finding.id])
        return finding

    def delete_finding(self, finding_id: int) -> None:
        self._db.table("findings").remove(doc_ids=[finding_id])

    def report_text(self) -> ReportText:
        doc = self._db.table("report").get(doc_id=1)
        return ReportText.model_validate(doc) if doc else ReportText()

    def save_report_text(self, text: ReportText) -> None:
        table = self._db.table("report")
        if table.get(doc_id=1) is None:
            table.insert(text.model_dump())
        else:
            table.update(text.model_dump(), doc_ids=[1])

    # -- everything at once ------------------------------------------------------------

    def snapshot(self) -> WorkshopData:
        """All records as one pure value, for exports and overviews."""
        numbers = [s.number for s in self.plan.sessions]
        attendance = {n: keys for n in numbers if (keys := self.attendance(n))}
        clocks = {n: c for n in numbers if (c := self.clock(n)).started_at is not None}
        return WorkshopData(
            plan=self.plan, themes=self.themes(), statements=self.statements(), actions=self.actions(),
            attendance=attendance, clocks=clocks, findings=self.findings(), report=self.report_text(),
        )

    # -- import --------------------------------------------------------------------

    def import_records(self, session: int, records: Iterable[Statement | Action],
                       attendance: list[str] | None = None, themes: Iterable[str] = ()) -> int:
        """Add many records atomically: all of them are saved, or none. Returns the count."""
        from facilitator.store.db import transaction

        count = 0
        with transaction(self._db):
            for key in themes:
                self.add_theme(key)
            for rec in records:
                if isinstance(rec, Statement):
                    self.add_statement(rec)
                else:
                    self.add_action(rec)
                count += 1
            if attendance is not None:
                self.set_attendance(session, attendance)
        return count

    # -- helpers ---------------------------------------------------------------------

    def _records(self, table: str, model: Any, session: int | None) -> list[Any]:
        docs = self._db.table(table).all()
        items = [model(id=d.doc_id, **d) for d in docs if session is None or d["session"] == session]
        return sorted(items, key=lambda r: (r.session, r.seq, r.id))

    def _next_seq(self, table: str, session: int) -> int:
        seqs = [d["seq"] for d in self._db.table(table).all() if d["session"] == session]
        return max(seqs, default=0) + 1

    def _by_session(self, table: str, session: int) -> dict[str, Any] | None:
        for doc in self._db.table(table).all():
            if doc["session"] == session:
                return doc
        return None

    def _upsert_session(self, table_name: str, session: int, data: dict[str, Any]) -> None:
        table = self._db.table(table_name)
        doc = self._by_session(table_name, session)
        if doc is None:
            table.insert(data)
        else:
            table.update(data, doc_ids=[doc.doc_id])  # type: ignore[attr-defined]
