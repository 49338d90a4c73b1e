"""LiveSession reads only the rows it is asked for (issue 8, point 7): opening a big
session touches the newest statements only; a row's entry is made when shown; a
delete or an undone delete among the rows read at open keeps every row right."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from facilitator.domain.records import Statement
from facilitator.live.session import LiveSession
from facilitator.live.writer import Writer
from facilitator.store.workshop import WorkshopStore
from tests.tui.helpers import SLUG, FakeClock, make_workshop

N = 3000
SPEAKERS = ("wt1", "jw1", None, "bib")


class CountingView(Sequence):  # type: ignore[type-arg]
    """The store's view, counting the statements handed out (a lazy store parses only those)."""

    def __init__(self, inner: Sequence[Statement]):
        self.inner = inner
        self.read = 0

    def __len__(self) -> int:
        return len(self.inner)

    def __getitem__(self, i):  # type: ignore[no-untyped-def]
        got = self.inner[i]
        self.read += len(got) if isinstance(i, slice) else 1
        return got


@pytest.fixture
def big(tmp_path: Path):  # type: ignore[no-untyped-def]
    make_workshop(tmp_path)
    with WorkshopStore.open(tmp_path, SLUG) as store:
        store.import_records(1, [Statement(session=1, step=0, speaker=SPEAKERS[i % 4], kind="note",
                                           text=f"regel {i}") for i in range(N)])
    store = WorkshopStore.open(tmp_path, SLUG)
    views: list[CountingView] = []
    real = store.statement_view

    def counting(session: int) -> CountingView:
        views.append(CountingView(real(session)))
        return views[-1]

    store.statement_view = counting  # type: ignore[method-assign]
    live = LiveSession(store, 1, FakeClock())
    reports: list = []
    live.writer = Writer(store, reports.append)
    yield live, views[0], reports
    live.writer.stop()
    store.close()


def sync(live: LiveSession, reports: list) -> None:
    live.writer.wait_idle(5.0)
    while reports:
        live.job_changed(reports.pop(0))


def shown(live: LiveSession) -> list[str]:
    return [live.row(i).statement.text for i in range(live.row_count)]


def test_opening_reads_only_the_newest_statements(big) -> None:  # type: ignore[no-untyped-def]
    live, view, _reports = big
    assert live.row_count == N
    assert view.read <= 64, view.read  # the sticky speaker, from the newest rows
    assert live.speaker == "bib"  # the newest statement with a speaker (the last one has none)
    assert len(live.entries.known) == 0  # no row made until it is asked for
    assert live.row(N - 1).statement.text == f"regel {N - 1}"
    assert len(live.entries.known) == 1 and view.read <= 65


def test_the_same_row_is_the_same_entry_and_its_uid_finds_it(big) -> None:  # type: ignore[no-untyped-def]
    live, _view, _reports = big
    entry = live.row(10)
    assert live.row(10) is entry and live.entries[entry.uid] is entry and live.row_of(entry.uid) == 10


def test_a_delete_far_up_keeps_every_row_right_and_undo_puts_it_back(big) -> None:  # type: ignore[no-untyped-def]
    live, _view, reports = big
    live.row(N - 1)  # shown before the delete: the same entry after it
    newest = live.row(N - 1)
    uid = live.row(100).uid
    assert live.delete(uid).ok
    sync(live, reports)
    expected = [f"regel {i}" for i in range(N) if i != 100]
    assert live.row_count == N - 1 and shown(live) == expected
    assert live.row(N - 2) is newest and live.row_of(newest.uid) == N - 2
    assert [s.text for s in live.store.statements(1)] == expected
    live.enter("wt1: nieuw")
    sync(live, reports)
    assert live.undo().ok
    sync(live, reports)
    assert shown(live) == [f"regel {i}" for i in range(N)] + ["nieuw"]
    assert [s.text for s in live.store.statements(1)] == shown(live)


def test_an_added_line_is_the_newest_row(big) -> None:  # type: ignore[no-untyped-def]
    live, view, reports = big
    live.enter("wt1: erbij")
    sync(live, reports)
    assert live.row_count == N + 1 and live.row(N).statement.text == "erbij" and live.row(N).state == "saved"
    assert view.read <= 64


def test_who_spoke_is_found_a_slice_at_a_time(big) -> None:  # type: ignore[no-untyped-def]
    live, view, _reports = big
    assert not live.spoken_scanned
    rounds = 0
    while not live.scan_spoken(500):
        rounds += 1
    assert {"wt1", "jw1", "bib"} <= live.spoken
    assert rounds == N // 500 - 1  # wt2 never spoke: every slice looked at, once


class DamagedView(Sequence):  # type: ignore[type-arg]
    """A view whose record at `bad` turns out damaged when first read: it leaves the view
    (as the lazy store does) and the next one is returned in its place."""

    def __init__(self, inner: Sequence[Statement], bad: int):
        self.items = list(inner)
        self.bad = self.items[bad]

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i):  # type: ignore[no-untyped-def]
        got = self.items[i]
        if got is self.bad or (isinstance(got, list) and any(x is self.bad for x in got)):
            self.items.remove(self.bad)
            return self.items[i]
        return got


def test_a_record_found_damaged_when_shown_leaves_the_record_without_a_crash(tmp_path: Path) -> None:
    make_workshop(tmp_path)
    with WorkshopStore.open(tmp_path, SLUG) as store:
        store.import_records(1, [Statement(session=1, step=0, speaker="wt1", kind="note", text=f"regel {i}")
                                 for i in range(200)])
    store = WorkshopStore.open(tmp_path, SLUG)
    real = store.statement_view
    store.statement_view = lambda session: DamagedView(real(session), 20)  # type: ignore[method-assign]
    try:
        live = LiveSession(store, 1, FakeClock())
        assert live.row_count == 200
        newest = live.row(199)
        rows = [live.row(i).statement.text for i in range(live.row_count)]  # row 20 is read: damaged
        rows = [live.row(i).statement.text for i in range(live.row_count)]
        assert live.row_count == 199
        assert rows == [f"regel {i}" for i in range(200) if i != 20]
        assert live.row(198).statement.text == newest.statement.text == "regel 199"
    finally:
        store.close()


def test_who_spoke_looks_at_the_newest_statements_only(big, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Reading every statement of a huge session would make the store parse and keep them all."""
    from facilitator.live import session as live_session

    live, view, _reports = big
    monkeypatch.setattr(live_session, "SPOKEN_LOOKBACK", 1000)
    before = view.read
    while not live.scan_spoken(300):
        pass
    assert view.read - before == 1000
    assert {"wt1", "jw1", "bib"} <= live.spoken


def test_statements_saved_elsewhere_are_taken_in_without_reading_the_record(big) -> None:  # type: ignore[no-untyped-def]
    """The follow path (another seat's saves, already in the view): an added statement is the
    newest row, an edit of a row not shown yet costs nothing, a delete of a shown row moves
    the rows after it up; no pass over the rows."""
    from facilitator.live.session import Change

    live, view, _reports = big
    store = live.store
    shown_row = live.row(N - 2)
    added = store.add_statement(Statement(session=1, step=0, speaker="jw1", kind="note", text="van de ander"))
    change = Change()
    before = view.read
    live.follow_statement(added.id, added, change)
    assert [e.statement.text for e in change.added] == ["van de ander"] and live.row_count == N + 1
    edited = store.statements(1)[5].model_copy(update={"text": "anders"})
    store.update_statement(edited)
    change = Change()
    live.follow_statement(edited.id, edited, change)
    assert not change.added and not change.changed and live.row(5).statement.text == "anders"
    store.delete_statement(shown_row.statement.id)
    change = Change()
    live.follow_statement(shown_row.statement.id, None, change)
    assert change.removed == [shown_row.uid] and live.row_count == N
    assert [live.row(i).statement.text for i in (N - 3, N - 2, N - 1)] == [f"regel {N - 3}", f"regel {N - 1}",
                                                                         "van de ander"]
    assert view.read - before < 100


def test_damage_met_when_an_old_row_is_shown_is_told(tmp_path: Path) -> None:
    """A statement the lazy store finds damaged when its row is first shown left the
    view without a word (the app told only what opening found). The session's tick
    now says so, once."""
    make_workshop(tmp_path)
    with WorkshopStore.open(tmp_path, SLUG) as store:
        store.import_records(1, [Statement(session=1, step=0, speaker="wt1", kind="note",
                                           text=f"regel {i}") for i in range(N)])
    path = tmp_path / SLUG / "store.db"
    data = bytearray(path.read_bytes())
    at = data.index(b'"regel 500"')
    data[at + 3] ^= 0x01
    path.write_bytes(bytes(data))
    with WorkshopStore.open(tmp_path, SLUG, readonly=True) as store:
        live = LiveSession(store, 1, FakeClock())
        assert not [n for n in live.tick().notices if n.key == "damaged_read"]  # nothing read yet
        texts = [live.row(i).statement.text for i in range(400, 600)]
        assert "regel 500" not in texts
        told = [n for n in live.tick().notices if n.key == "damaged_read"]
        assert len(told) == 1 and "damaged" in told[0].values["lines"], told
        assert not [n for n in live.tick().notices if n.key == "damaged_read"]  # once
