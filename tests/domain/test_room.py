"""What the room may see: names and seat keys in the plan's texts become role labels."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from facilitator.domain.plan import parse_plan
from facilitator.domain.room import public

PLAN = parse_plan((Path(__file__).parents[1] / "tui" / "plan.toml").read_text(encoding="utf-8"))


def test_names_and_seat_keys_become_role_labels() -> None:
    assert public(PLAN, "Casus van Fatima en wt2, met Rubens fiets") == \
        "Casus van [wijkteammedewerker] en [wijkteammedewerker], met [jongerenwerker]’s fiets"
    assert public(PLAN, "Wat vraagt BIB1?") == "Wat vraagt [bibliotheekmedewerker]?"


def test_other_words_stay() -> None:
    text = "Wie had wat kunnen doen, wt1b en #wt1 en wt (de rol) blijven"
    assert public(PLAN, text) == text
    assert public(PLAN, None) == "" and public(PLAN, "") == ""


@given(st.lists(st.sampled_from(["Fatima", "Ruben", "wt1", "wt2", "jw1", "bib1", "de", "casus", "?", ",", " "]),
                max_size=12))
def test_no_name_or_seat_key_survives(words: list[str]) -> None:
    import re

    out = public(PLAN, " ".join(words))
    for secret in ("Fatima", "Ruben", "wt1", "wt2", "jw1", "bib1"):
        assert not re.search(rf"(?<!\w){secret}(?!\w)", out, re.IGNORECASE)
