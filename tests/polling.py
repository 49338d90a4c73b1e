"""Waiting in tests: a bounded poll of a condition, never a sleep as synchronisation."""

from __future__ import annotations

import time
from typing import Callable


def poll(check: Callable[[], object], timeout: float = 15.0, what: str = "condition",
         interval: float = 0.05) -> object:
    """Call `check` every `interval` seconds until it returns something truthy; fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)
