"""Where workshops live: the data directory and a workshop's store file.

Only the standard library, so the command line can find a workshop without
loading the store (start-up time of `facilitator run`).
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DATA_DIR = "sessions"
ENV_DATA_DIR = "FACILITATOR_DATA_DIR"
STORE_NAME = "store.db"


def resolve_data_dir(arg: str | os.PathLike[str] | None = None) -> Path:
    """--data-dir, else $FACILITATOR_DATA_DIR, else the config file's, else ./sessions."""
    from facilitator.config import quick_data_dir

    return quick_data_dir(arg)


def list_workshops(data_dir: Path) -> list[str]:
    """Slugs of the workshops in a data directory, sorted."""
    if not data_dir.is_dir():
        return []
    return sorted(p.parent.name for p in data_dir.glob(f"*/{STORE_NAME}"))


def workshop_exists(data_dir: Path, slug: str) -> bool:
    return (data_dir / slug / STORE_NAME).is_file()
