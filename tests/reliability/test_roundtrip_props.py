"""Random text through capture, store and export: stored and read back exactly
(from disk, by a fresh reader), or refused with a CaptureError before anything is
written. Participant names never reach an export."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from facilitator.domain.capture import CaptureError, StatementLine, format_statement, parse_line
from facilitator.domain.plan import parse_plan
from facilitator.domain.records import Statement
from facilitator.export import render_all
from facilitator.store.workshop import WorkshopStore

from .conftest import PLAN, SLUG

ANY_TEXT = st.text(st.characters(codec=None, blacklist_categories=()), min_size=1, max_size=80)
WORDS = st.text(st.characters(whitelist_categories=("L", "N", "Zs"), max_codepoint=0x2FFFF), min_size=1, max_size=60)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    data_dir = tmp_path_factory.mktemp("props")
    text = PLAN.read_text(encoding="utf-8")
    s = WorkshopStore.create(data_dir, parse_plan(text), text)
    yield s
    s.close()


def reread(store: WorkshopStore, statement_id: int) -> Statement:
    with WorkshopStore.open(store.path.parent, SLUG, readonly=True) as fresh:
        (found,) = [s for s in fresh.statements() if s.id == statement_id]
        return found


def capture(store: WorkshopStore, text: str, kind: str = "note") -> Statement | None:
    """What the live screen does with one typed line: parse, then save. None if refused."""
    line = format_statement(StatementLine(speaker="wt", kind=kind, text=text, themes=(), key=False,  # type: ignore[arg-type]
                                          explicit_speaker=True))
    ctx = __import__("facilitator.tui.session", fromlist=["make_context"]).make_context(
        store.plan, [t.key for t in store.themes()], store.plan.session(1), None, 0)
    try:
        parsed = parse_line(line, ctx)
    except CaptureError as exc:
        assert exc.message and "\n" not in exc.message  # one clear line
        return None
    assert isinstance(parsed, StatementLine) and parsed.text == text and parsed.kind == kind
    return store.add_statement(Statement(session=1, step=0, speaker=parsed.speaker, kind=parsed.kind,
                                         text=parsed.text, themes=list(parsed.themes), key=parsed.key))


@SETTINGS
@given(text=ANY_TEXT, kind=st.sampled_from(["note", "quote"]))
def test_any_text_is_stored_exactly_or_refused_before_writing(store, text: str, kind: str) -> None:
    assume(text.strip() == text and text)  # the capture line trims its edges by design
    size = (store.path / "store.db").stat().st_size
    saved = capture(store, text, kind)
    if saved is None:
        assert (store.path / "store.db").stat().st_size == size  # refused: nothing written
        return
    assert reread(store, saved.id).text == text  # type: ignore[arg-type]


@SETTINGS
@given(words=WORDS)
def test_plain_words_reach_the_export_verbatim_and_names_never_do(store, words: str) -> None:
    words = " ".join(words.split())
    assume(words and not any(name.lower() in words.lower() for name in store.plan.names().values()))
    name = next(iter(store.plan.names().values()))
    saved = capture(store, f"{words} zei {name} gisteren")
    assert saved is not None
    docs = render_all(store.snapshot(), 1)
    minutes = "\n".join(d.text for d in docs)
    assert name not in minutes
    assert any(d.redactions for d in docs)
    assert f"{words} zei [" in minutes or f"{words} zei \\[" in minutes
    assert (store.path / "store.db").read_bytes().count(name.encode()) >= 1  # the name stays local


def test_names_mapping_is_not_empty(store) -> None:
    assert store.plan.names()
