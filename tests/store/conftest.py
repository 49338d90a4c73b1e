"""Shared fixtures for the store tests: a small plan and a data directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitator.domain.plan import Plan, parse_plan
from facilitator.store.workshop import WorkshopStore

PLAN_TEXT = """
[workshop]
slug = "proef"
title = "Proefwerkplaats"

[[roles]]
key = "wt"
label = "wijkteammedewerker"

[[roles]]
key = "jw"
label = "jongerenwerker"

[[participants]]
key = "wt1"
role = "wt"
name = "Fatima"

[[themes]]
key = "taal"
label = "Begrippen en taal"

[[sessions]]
number = 1
date = 2026-03-03

[[sessions.agenda]]
title = "Opening"
minutes = 15

[[sessions.agenda]]
title = "Casus"
minutes = 45

[[sessions]]
number = 2
date = 2026-03-17

[[sessions.agenda]]
title = "Terugblik"
minutes = 15
"""


@pytest.fixture
def plan() -> Plan:
    return parse_plan(PLAN_TEXT, "proef.toml")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path, plan: Plan):
    s = WorkshopStore.create(data_dir, plan, PLAN_TEXT)
    yield s
    s.close()
