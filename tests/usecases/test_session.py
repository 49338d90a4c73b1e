"""One way to open a workshop, one decision on what a failure to open means."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitator.domain.plan import parse_plan
from facilitator.store.workshop import StoreError, StoreLocked, StoreNotFound, WorkshopStore
from facilitator.usecases.session import open_failure, open_workshop, opener, recovery_notes

FIXTURE = Path(__file__).parent.parent / "fixtures" / "plan-example.toml"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    text = FIXTURE.read_text(encoding="utf-8")
    WorkshopStore.create(tmp_path, parse_plan(text), text).close()
    return tmp_path


def test_open_and_the_meaning_of_each_failure(data_dir: Path) -> None:
    with open_workshop(data_dir, "lombok-2026") as store:
        assert not store.readonly and recovery_notes(store, "lombok-2026") == []
        with pytest.raises(StoreLocked) as locked:
            opener(data_dir, "lombok-2026")()
        failure = open_failure(locked.value)
        assert (failure.kind, failure.exit_code, failure.can_read_only) == ("locked", 1, True)
        assert "lombok-2026" in failure.message
        with open_workshop(data_dir, "lombok-2026", readonly=True) as seen:  # read-only: no lock needed
            assert seen.readonly
    with pytest.raises(StoreError) as missing:
        open_workshop(data_dir, "nope")
    assert isinstance(missing.value, StoreNotFound) or "nope" in str(missing.value)
    assert open_failure(missing.value).kind == "problem" and open_failure(missing.value).exit_code == 2
    assert open_failure(LookupError("no session 9")).exit_code == 2
    failure = open_failure(RuntimeError())
    assert (failure.kind, failure.exit_code, failure.can_read_only, failure.message) == (
        "unexpected", 1, False, "RuntimeError")
