"""Every test runs without the developer's own config file or FACILITATOR_* variables."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _no_user_settings(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    for name in list(os.environ):
        if name.startswith("FACILITATOR_") and name != "FACILITATOR_CONFIG":
            monkeypatch.delenv(name)
    monkeypatch.setenv("FACILITATOR_CONFIG", str(Path(tmp_path_factory.getbasetemp()) / "no-config.toml"))
