import datetime as dt

import pytest

from facilitator.domain.codes import DUTCH_MONTHS, session_code
from facilitator.domain.plan import parse_plan


@pytest.mark.parametrize(
    ("number", "date", "code"),
    [
        (3, dt.date(2014, 12, 2), "OWP3-2dec2014"),
        (1, dt.date(2014, 11, 4), "OWP1-4nov2014"),
        (12, dt.date(2026, 5, 31), "OWP12-31mei2026"),
        (2, dt.date(2026, 3, 17), "OWP2-17mrt2026"),
        (1, dt.date(987, 10, 1), "OWP1-1okt0987"),
    ],
)
def test_session_code(number, date, code):
    assert session_code("OWP", number, date) == code


def test_every_month_has_a_dutch_abbreviation():
    codes = [session_code("X", 1, dt.date(2020, m, 1)) for m in range(1, 13)]
    assert codes == [f"X1-1{m}2020" for m in DUTCH_MONTHS]
    assert DUTCH_MONTHS[2] == "mrt" and DUTCH_MONTHS[4] == "mei" and DUTCH_MONTHS[9] == "okt"


PLAN = """
[workshop]
title = "T"
code_prefix = "{prefix}"
[[roles]]
key = "sm"
label = "sociaal makelaar"
[[sessions]]
number = 3
date = 2014-12-02
[[sessions.agenda]]
title = "A"
minutes = 5
[[sessions]]
number = 4
date = 2015-01-20
code = "EVAL-2015"
[[sessions.agenda]]
title = "A"
minutes = 5
"""


def test_plan_codes_prefix_and_override():
    plan = parse_plan(PLAN.format(prefix="OWP"), "p.toml", "p")
    assert [plan.code_of(s) for s in plan.sessions] == ["OWP3-2dec2014", "EVAL-2015"]
    plan = parse_plan(PLAN.format(prefix="WP"), "p.toml", "p")
    assert plan.code_of(plan.sessions[0]) == "WP3-2dec2014"
