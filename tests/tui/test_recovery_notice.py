"""The app's notice of what opening a damaged workshop repaired speaks the interface's
language: the notes in it were English under a Dutch heading."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitator.domain.records import Statement
from facilitator.store.workshop import WorkshopStore

from .helpers import SLUG, make_app, make_workshop, until


def _damaged(data_dir: Path) -> None:
    make_workshop(data_dir)
    with WorkshopStore.open(data_dir, SLUG) as store:
        for text in ("eerste", "tweede", "derde"):
            store.add_statement(Statement(session=1, step=0, speaker="wt", kind="note", text=text))
    for backup in (data_dir / SLUG / "backups").iterdir():
        backup.unlink()
    path = data_dir / SLUG / "store.db"
    data = bytearray(path.read_bytes())
    data[data.index(b'"text":"tweede"') + 9] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("lang,heading,words", [
    ("nl", "Bij het openen hersteld:", ("store.db was beschadigd (1 onleesbare record(s) overgeslagen: regel ",
                                         "uitspraak 2 van sessie 1", "niet teruggehaald: regel ")),
    ("en", "Recovered on opening:", ("store.db was damaged (1 unreadable record(s) skipped: line ",
                                     "statement 2 of session 1", "not recovered: line ")),
])
async def test_the_repair_notice_is_in_the_interface_language(tmp_path: Path, lang: str, heading: str,
                                                              words: tuple[str, ...]) -> None:
    _damaged(tmp_path)
    app = make_app(tmp_path, lang=lang)
    async with app.run_test(size=(160, 45)) as pilot:
        assert await until(pilot, lambda: any(heading in str(n.message) for n in app._notifications))
        said = next(str(n.message) for n in app._notifications if heading in str(n.message))
        for part in words:
            assert part in said, said
        other = "damaged (" if lang == "nl" else "beschadigd"
        assert other not in said, said


def test_damage_found_while_reading_is_told_in_the_interface_language() -> None:
    """A lazy store that finds a damaged line while the record is shown adds a note; the live
    session passes the new notes on (Joined), the screen renders them in its language."""
    from facilitator.i18n import Joined, Message, Note, section
    from facilitator.store.db import record_name
    from facilitator.tui.i18n import tr

    note = Note(Message("store.recovery.unreadable_record", what=record_name("statements", 7), session=1,
                        name="store.db", at=Message("store.recovery.at_byte", offset=99), slug=SLUG))
    table = section("tui.screens.live")
    nl = tr(table, "nl", "damaged_read", lines=Joined([note], "\n"))
    en = tr(table, "en", "damaged_read", lines=Joined([note], "\n"))
    assert "uitspraak 7 van sessie 1 kon niet worden gelezen (de regel ervan in store.db op byte 99" in nl, nl
    assert str(note) in en and "statement 7 of session 1 could not be read" in en, en
