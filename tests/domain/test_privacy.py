"""Names stay local: participant names are found as whole words, in any case and
Unicode form, longest first, and redaction leaves none behind."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.domain.plan import parse_plan
from facilitator.domain.privacy import find_names, redact_names

ROOT = Path(__file__).resolve().parents[2]
PLAN = parse_plan((ROOT / "tests" / "fixtures" / "plan-example.toml").read_text())

NAMES = {"wt1": "Fatima", "jw1": "Ruben", "a1": "Anne Marie", "a2": "Anne", "z1": "Zoë", "j1": "José de Vries"}
LABELS = {"wt1": "wijkteammedewerker", "jw1": "jongerenwerker", "a1": "a", "a2": "b", "z1": "c", "j1": "d"}


def found(text, names=NAMES):
    return [(text[s:e], k) for s, e, k in find_names(text, names)]


def test_plan_names():
    text = "Fatima zei tegen Ruben dat het goed ging."
    new, n = redact_names(text, PLAN.names(), lambda k: PLAN.role_of(k).label)
    assert (new, n) == ("[wijkteammedewerker] zei tegen [jongerenwerker] dat het goed ging.", 2)


def test_whole_words_only():
    assert found("Fatimasfiets, Rubenstraat, Ruben2, _Ruben, Rubenss, Ruben's idee, (Ruben).") == [
        ("Ruben", "jw1"), ("Ruben", "jw1")]


def test_dutch_possessive_s_without_apostrophe():
    assert redact_names("Rubens fiets", NAMES, LABELS.__getitem__) == ("[jongerenwerker]s fiets", 1)
    assert found("FATIMAS tas, Anne Maries idee, Ruben’s en Ruben's.") == [
        ("FATIMAS"[:6], "wt1"), ("Anne Marie", "a1"), ("Ruben", "jw1"), ("Ruben", "jw1")]
    assert found("Rubenstraat, Rubensen, Rubens\u0951") == []


def test_case_insensitive_unicode():
    assert found("FATIMA en zoë en ZOË en josé DE vries") == [
        ("FATIMA", "wt1"), ("zoë", "z1"), ("ZOË", "z1"), ("josé DE vries", "j1")]


def test_decomposed_forms_match_and_are_not_cut():
    nfd = unicodedata.normalize("NFD", "Zoë kwam")
    assert found(nfd) == [(unicodedata.normalize("NFD", "Zoë"), "z1")]
    assert found(nfd, {"x": "Zoe"}) == []  # "Zoe" is not the start of a decomposed "Zoë"
    assert found("Zoe\u0951 kwam", {"x": "Zoe"}) == []  # a mark outside the Latin blocks


def test_mark_after_a_longer_name_falls_back_to_a_shorter_one():
    assert found("Anne Marie\u0951", {"a1": "Anne Marie", "a2": "Anne"}) == [("Anne", "a2")]


def test_multi_word_names_longest_first_non_overlapping():
    assert found("Anne Marie en Anne, anne-marie en Anne  Marie") == [
        ("Anne Marie", "a1"), ("Anne", "a2"), ("anne-marie", "a1"), ("Anne  Marie", "a1")]


def test_longest_first_regardless_of_mapping_order():
    assert found("Anne Marie", {"a2": "Anne", "a1": "Anne Marie"}) == [("Anne Marie", "a1")]


def test_names_with_regex_characters_and_empty_names():
    assert found("zie J.+ (x) hier", {"x": "J.+", "y": "", "z": "  ", "h": "--"}) == [("J.+", "x")]
    assert find_names("anything", {}) == []


def test_redact_counts_and_keeps_other_text_exactly():
    text = "**Fatima**: <b>Ruben</b> 👍🏽 Anne Marie\tklaar"
    new, n = redact_names(text, NAMES, LABELS.__getitem__)
    assert (new, n) == ("**[wijkteammedewerker]**: <b>[jongerenwerker]</b> 👍🏽 [a]\tklaar", 3)
    assert redact_names("geen namen hier", NAMES, LABELS.__getitem__) == ("geen namen hier", 0)


# -- property: redaction leaves no name --------------------------------------------------

LETTERS = "abcdefghijklmnopqrstuvwxyzéëïöüçñøå"
word = st.text(alphabet=LETTERS + LETTERS.upper(), min_size=2, max_size=6)
name = st.lists(word, min_size=1, max_size=3).map(" ".join)
names = st.dictionaries(st.from_regex(r"p[0-9]{1,2}", fullmatch=True), name, min_size=1, max_size=4)
SEPARATORS = [" ", "  ", "-", "\t", ", ", ". ", "'", "(", ")", "\u00a0", "\n"]


def words_of(text: str) -> list[str]:
    """Independent oracle: words (lower case) and separators; runs of whitespace/hyphens are one ' '."""
    tokens = re.findall(r"[\w\u0300-\u036f]+|[\s\-]+|.", text.lower())
    return [" " if t.isspace() or set(t) <= set(" -\t\n\u00a0") else t for t in tokens]


def contains_name(text: str, nm: str) -> bool:
    tokens = words_of(text)
    want = words_of(nm.strip())
    k = len(want)
    return any(tokens[i:i + k] == want for i in range(len(tokens) - k + 1))


@settings(max_examples=300, deadline=None)
@given(names, st.data())
def test_redact_leaves_no_name(names_, data):
    pool = list(names_.values())
    parts = data.draw(st.lists(st.one_of(st.sampled_from(pool), word, st.sampled_from(pool).map(str.upper)),
                               min_size=1, max_size=12))
    seps = data.draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(parts), max_size=len(parts)))
    text = "".join(p + s for p, s in zip(parts, seps))
    new, n = redact_names(text, names_, lambda k: "rol")
    assert find_names(new, names_) == []
    for nm in pool:
        assert not contains_name(new, nm), (text, new, nm)
    assert n == len(find_names(text, names_))
    assert n >= sum(1 for p in parts if p in pool) // 3  # names do get replaced (overlaps may merge some)
    if n == 0:
        assert new == text
