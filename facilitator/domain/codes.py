"""Session codes: the citation after every quote, e.g. ``OWP3-2dec2014``."""

from __future__ import annotations

import datetime as dt

DUTCH_MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def session_code(prefix: str, number: int, date: dt.date) -> str:
    """`{prefix}{number}-{day}{month}{year}`: day without leading zero, Dutch month."""
    return f"{prefix}{number}-{date.day}{DUTCH_MONTHS[date.month - 1]}{date.year:04d}"
