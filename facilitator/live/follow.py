"""Following another process: what it saved, applied to a `LiveSession` one document
at a time (no reopening, no re-reading of the record).

Used by the two seats (the facilitator's seat follows the note-taker's journal, the
note-taker's seat follows store.db for the clock) and by the read-only live view
(it follows every journal). The operations are the merged ones of
`facilitator.store.seats.follow` (table, id, document or None), already applied to
the store; this turns them into a `Change` for the screen. No Textual here.
"""

from __future__ import annotations

from typing import Any

from facilitator.live.session import ActionEntry, Change, LiveSession, _uids


def apply(live: LiveSession, ops: list[list[Any]]) -> Change:
    """Take in what another process saved (see the module docstring)."""
    change = Change()
    actions_by_id: dict[int, str] | None = None
    for name, doc_id, doc in ops:
        if name == "statements":
            _statement(live, doc_id, doc, change)
        elif name == "actions":
            if actions_by_id is None:
                actions_by_id = {a.action.id: uid for uid, a in live.actions.items() if a.action.id is not None}
            _action(live, actions_by_id, doc_id, doc, change)
        elif name == "attendance":
            if isinstance(doc, dict) and doc.get("session") == live.number and isinstance(doc.get("keys"), list):
                if list(doc["keys"]) != live.attendance:
                    live.attendance = [str(k) for k in doc["keys"]]
                    change.attendance = True
        elif name == "clocks":
            _clock(live, doc, change)
        elif name == "themes":
            key = doc.get("key") if isinstance(doc, dict) else None
            if isinstance(key, str) and key not in live.theme_keys:
                live.theme_keys.append(key)
    if change.rebuild:
        change.added, change.changed, change.removed = [], [], []
    return change


def _statement(live: LiveSession, doc_id: int, doc: Any, change: Change) -> None:
    """One statement saved or deleted by the other process: the session's rows take it in
    (`LiveSession.follow_statement`: only rows already made are touched, none is read)."""
    from pydantic import ValidationError

    from facilitator.domain.records import Statement

    st = None
    if isinstance(doc, dict) and doc.get("session") == live.number:
        try:
            st = Statement.model_validate({**doc, "id": doc_id})
        except (ValidationError, TypeError):
            st = None
    live.follow_statement(doc_id, st, change)
    if st is None:
        _forget_speakers(live)


def _forget_speakers(live: LiveSession) -> None:
    """A statement was deleted elsewhere: a speaker no longer seen among the rows made or
    the newest of the session no longer counts as having spoken."""
    live.spoken &= live.speakers_seen()


def _action(live: LiveSession, by_id: dict[int, str], doc_id: int, doc: Any, change: Change) -> None:
    from pydantic import ValidationError

    from facilitator.domain.records import Action

    uid = by_id.get(doc_id)
    action = None
    if isinstance(doc, dict) and doc.get("session") == live.number:
        try:
            action = Action.model_validate({**doc, "id": doc_id})
        except (ValidationError, TypeError):
            action = None
    if action is None:
        if uid is not None and uid in live.actions:
            del live.actions[uid]
            change.actions_removed.append(uid)
        return
    if uid is not None and uid in live.actions:
        if live.actions[uid].action != action:
            live.actions[uid].action = action
            change.actions_changed.append(live.actions[uid])
        return
    entry = ActionEntry(f"a{next(_uids)}", action)
    live.actions[entry.uid] = entry
    by_id[doc_id] = entry.uid
    change.actions_added.append(entry)


def _clock(live: LiveSession, doc: Any, change: Change) -> None:
    from pydantic import ValidationError

    from facilitator.domain.records import SessionClock

    if not isinstance(doc, dict) or doc.get("session") != live.number:
        return
    try:
        clock = SessionClock.model_validate(doc)
    except (ValidationError, TypeError):
        return
    if clock == live.clock:
        return
    moved = clock.current_step != live.clock.current_step
    if moved or live.capture_step == live.clock.current_step:
        live.capture_step = clock.current_step  # filing follows the clock (a `## N` of one's own stays)
    live.clock = clock
    change.clock = True
