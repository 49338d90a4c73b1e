"""The live preview warns for an almost-quote and a near-miss theme before Enter (issue 11)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import make_app, make_workshop, type_line


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    make_workshop(tmp_path)
    return tmp_path


@pytest.mark.parametrize("line, words", [
    ("wt: “Dat is het antwoord op”.", "bijna een citaat"),
    ("wt: “Dat is het antwoord op", "niet gesloten"),
    ("wt: iets over de aanpak #werkwjze", "#werkwijze"),
])
async def test_preview_warns(data_dir: Path, line: str, words: str) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_line(pilot, line, enter=False)
        preview = app.screen.query_one("#preview")
        assert preview.has_class("-warning") and words in str(preview.render())
