"""facilitator.domain.overview: statement counts per theme and role."""

from __future__ import annotations

from facilitator.domain.overview import session_counts, stage_counts, theme_role_counts
from facilitator.domain.records import Statement
from tests.export.fixture import workshop


def test_series_counts_per_theme_and_role() -> None:
    c = theme_role_counts(workshop())
    assert c.total == 9 and c.key_total == 4
    assert c.roles == ("wt", "jw", "bib", "lg", "on", None)  # plan order, unknown speaker last
    assert c.themes == ("werkwijze", "doorverwijzen", "taal", "plek", "regels", None)
    assert c.count("doorverwijzen", "wt") == 1 and c.count("doorverwijzen", None) == 1
    assert c.count("werkwijze", "wt") == 2  # seat wt1 and role key wt are one role
    assert c.theme_totals["doorverwijzen"] == 3 and c.key_totals["doorverwijzen"] == 2
    assert c.role_totals == {"wt": 3, "jw": 2, "bib": 1, "lg": 1, "on": 1, None: 1}
    assert sum(c.role_totals.values()) == c.total  # a statement with two themes counts once per role


def test_session_counts() -> None:
    per = session_counts(workshop())
    assert sorted(per) == [1, 2]
    assert per[2].total == 3 and per[2].used_themes() == ["doorverwijzen", "taal", None]
    assert theme_role_counts(workshop(), 3).total == 0


def test_unknown_theme_keys_are_kept_after_the_known_ones() -> None:
    data = workshop()
    data.statements.append(Statement(id=50, session=1, text="x", themes=["nieuw", "nieuw"], speaker="wt"))
    c = theme_role_counts(data)
    assert c.themes[-2:] == ("nieuw", None)
    assert c.theme_totals["nieuw"] == 1  # a repeated tag counts once


def test_stage_counts_in_the_report_order() -> None:
    assert stage_counts(workshop()) == [("werkwijze", 2), ("doorverwijzen", 3), ("plek", 1)]
    assert stage_counts(workshop(), ["taal"]) == [("taal", 2)]
