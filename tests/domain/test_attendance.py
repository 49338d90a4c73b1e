"""Attendance: declarations merge as a union of seats and a maximum per role;
counts add every seat that spoke, and a role that spoke counts at least one."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.domain.attendance import (
    attendance_counts,
    canonical,
    is_role_key,
    merge_declaration,
    present_seats,
    role_persons,
    set_role_persons,
    toggle_seat,
)
from facilitator.domain.plan import parse_plan

ROOT = Path(__file__).resolve().parents[2]
PLAN = parse_plan((ROOT / "tests" / "fixtures" / "plan-example.toml").read_text())
SPEAKERS = PLAN.speaker_roles()  # wt jw bib lg pb on, seats wt1 wt2 (wt), jw1 (jw), bib1 (bib)
ROLES = [r.key for r in PLAN.roles]


def counts(declared, spoken=()):
    return attendance_counts(declared, spoken, SPEAKERS, ROLES)


def test_role_and_seat_keys():
    assert is_role_key("wt", SPEAKERS) and not is_role_key("wt1", SPEAKERS) and not is_role_key("zz", SPEAKERS)


def test_spec_example_two_seats_two_persons_by_role():
    speakers = {"sm": "sm", "bj": "bj", "sm1": "sm", "sm2": "sm"}
    assert attendance_counts(["sm1", "sm2", "bj", "bj"], [], speakers, ["sm", "bj"]) == {"sm": 2, "bj": 2}


def test_merge_unites_seats():
    assert merge_declaration(["wt1"], ["jw1", "wt1"], SPEAKERS) == ["wt1", "jw1"]


def test_merge_takes_the_maximum_per_role():
    assert merge_declaration(["jw", "jw"], ["jw", "jw"], SPEAKERS) == ["jw", "jw"]
    assert merge_declaration(["jw", "jw"], ["jw"], SPEAKERS) == ["jw", "jw"]
    assert merge_declaration(["jw"], ["jw", "jw", "jw", "lg"], SPEAKERS) == ["jw", "jw", "jw", "lg"]


def test_canonical_order_seats_in_plan_order_then_unknown_then_roles():
    assert canonical(["lg", "bib1", "zz9", "wt", "wt1", "wt1", "aa"], SPEAKERS) == ["wt1", "bib1", "aa", "zz9", "wt", "lg"]


def test_merge_keeps_keys_no_longer_in_the_plan():
    assert merge_declaration(["oud1"], ["wt1"], SPEAKERS) == ["wt1", "oud1"]


def test_counts_declared_only():
    assert counts(["wt1", "wt2", "jw", "jw", "lg"]) == {"wt": 2, "jw": 2, "lg": 1}


def test_counts_add_seats_that_spoke_each_once():
    assert counts(["wt1"], ["wt1", "wt2", "wt2", "jw1"]) == {"wt": 2, "jw": 1}


def test_role_that_spoke_only_by_role_key_counts_at_least_one():
    assert counts([], ["pb", "pb", "on"]) == {"pb": 1, "on": 1}
    assert counts(["pb", "pb"], ["pb"]) == {"pb": 2}
    assert counts([], ["wt1", "wt"]) == {"wt": 1}


def test_role_key_persons_add_to_seats():
    assert counts(["wt1", "wt"], ["wt2"]) == {"wt": 3}


def test_unknown_speakers_and_unknown_keys_do_not_count():
    assert counts(["oud1"], [None, None, "weg"]) == {}


def test_counts_follow_role_order_and_omit_zero():
    got = attendance_counts(["lg", "wt1", "bib"], [], SPEAKERS, ["lg", "bib", "wt"])
    assert list(got) == ["lg", "bib", "wt"]
    got = attendance_counts(["lg", "wt1"], [], SPEAKERS, ["lg"])
    assert list(got) == ["lg", "wt"]  # a role missing from role_order still counts, after


def test_present_seats():
    assert present_seats(["jw1", "lg", "oud1"], ["wt2", None, "pb"], SPEAKERS) == ["wt2", "jw1"]


def test_toggle_seat_on_and_off():
    on = toggle_seat(["lg"], "wt2", SPEAKERS)
    assert on == ["wt2", "lg"]
    assert toggle_seat(on, "wt2", SPEAKERS) == ["lg"]


def test_set_role_persons():
    d = set_role_persons(["wt1", "jw"], "jw", 3, SPEAKERS)
    assert d == ["wt1", "jw", "jw", "jw"] and role_persons(d, "jw") == 3
    assert set_role_persons(d, "jw", -1, SPEAKERS) == ["wt1"]
    with pytest.raises(ValueError):
        set_role_persons(d, "wt1", 1, SPEAKERS)


keys = st.lists(st.sampled_from(sorted(SPEAKERS)), max_size=12)


@settings(max_examples=200, deadline=None)
@given(keys, keys, keys)
def test_merge_is_idempotent_commutative_and_never_loses_a_seat(a, b, c):
    ab = merge_declaration(a, b, SPEAKERS)
    assert merge_declaration(ab, b, SPEAKERS) == ab
    assert ab == merge_declaration(b, a, SPEAKERS)
    assert merge_declaration(ab, c, SPEAKERS) == merge_declaration(a, merge_declaration(b, c, SPEAKERS), SPEAKERS)
    assert set(a) | set(b) == set(ab)
    before, after = counts(a), counts(ab)
    assert all(after.get(r, 0) >= n for r, n in before.items())
