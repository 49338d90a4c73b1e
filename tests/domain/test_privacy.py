"""Names stay local: every form of a participant's name is found (given name or
surname alone, any case, with or without diacritics, possessives, hyphenated or
joined, aliases, hidden by invisible characters or emphasis), longest first,
and redaction leaves none behind."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.domain.plan import parse_plan
from facilitator.domain.privacy import COMMON_WORDS, PARTICLES, NameIndex, find_names, name_index, normalise, redact

ROOT = Path(__file__).resolve().parents[2]
PLAN = parse_plan((ROOT / "tests" / "fixtures" / "plan-example.toml").read_text())

# The red team's seats (issue 14).
SEATS = [("fa", "Fatima el Amrani"), ("zo", "Zoë"), ("ru", "Ruben"), ("se", "Sean O'Brien"), ("am", "Anne-Marie")]
INDEX = NameIndex(SEATS)


def found(text, names=INDEX):
    return [(m.form, m.key) for m in find_names(text, names)]


def label(key):
    return {"fa": "wijkteammedewerker", "zo": "buurtcoach", "ru": "jongerenwerker", "se": "huisarts",
            "am": "vrijwilliger", None: "deelnemer"}.get(key, key or "deelnemer")


def red(text, names=INDEX):
    return redact(text, names, label)[0]


# -- every form the red team found exported verbatim --------------------------------------

@pytest.mark.parametrize("text, form, key", [
    ("Fatima zei dat het vol zat.", "Fatima", "fa"),
    ("fatima's fiets", "fatima's", "fa"),
    ("dat vond Zoe ook", "Zoe", "zo"),
    ("Mevrouw El Amrani belde", "El Amrani", "fa"),
    ("Rubén kwam later", "Rubén", "ru"),
    ("Sean O’Brien (huisarts)", "Sean O’Brien", "se"),
    ("vraag het Sean", "Sean", "se"),
    ("Anne–Marie belt terug", "Anne–Marie", "am"),
    ("AnneMarie belt terug", "AnneMarie", "am"),
    ("Anne belt terug", "Anne", "am"),
    ("Ru\u00adben zei niets", "Ru\u00adben", "ru"),
    ("Ru\u200bben zei niets", "Ru\u200bben", "ru"),
    ("RUBEN!", "RUBEN", "ru"),
    ("ＲＵＢＥＮ", "ＲＵＢＥＮ", "ru"),  # full-width (NFKC)
    ("Amrani", "Amrani", "fa"),
    ("fatima amrani", "fatima amrani", "fa"),
    ("OBrien", "OBrien", "se"),
    ("Marie", "Marie", "am"),
    ("anne - marie", "anne - marie", "am"),
])
def test_every_form_is_found(text, form, key):
    assert found(text) == [(form, key)]


def test_markdown_emphasis_does_not_hide_a_name():
    assert red("_Ruben_ en __Zoë__ en *Fatima* en **Sean**") == (
        "_[jongerenwerker]_ en __[buurtcoach]__ en *[wijkteammedewerker]* en **[huisarts]**")


def test_decomposed_and_stripped_diacritics():
    nfd = unicodedata.normalize("NFD", "Zoë kwam")
    assert found(nfd) == [(unicodedata.normalize("NFD", "Zoë"), "zo")]
    assert red(nfd) == "[buurtcoach] kwam"  # the combining mark goes with the name
    assert found("Zoe\u0308") == [("Zoe\u0308", "zo")]
    assert found("Zoëlle en Zoey") == []  # another word


def test_particles_are_never_a_name_alone():
    assert found("van de wijk, el centro, De boom") == []
    idx = NameIndex([("j", "José van der Berg")])
    assert found("van der Berg, Van Der Berg, vanderberg, Berg, José", idx) == [
        ("van der Berg", "j"), ("Van Der Berg", "j"), ("vanderberg", "j"), ("Berg", "j"), ("José", "j")]
    assert found("van der", idx) == []
    assert {"van", "de", "der", "el", "al"} <= PARTICLES


def test_whole_words_only():
    assert found("Rubenstraat, Ruben2, Rubenss, Fatimaatje, (Ruben).") == [("Ruben", "ru")]


def test_an_initial_alone_is_not_a_name():
    idx = NameIndex([("j", "J. de Vries")])
    assert found("J zei het, j. ook", idx) == []
    assert found("J. de Vries en de Vries en Vries", idx) == [("J. de Vries", "j"), ("de Vries", "j"), ("Vries", "j")]


# -- possessives read naturally ----------------------------------------------------------

def test_possessives_are_replaced_as_a_whole_and_read_naturally():
    idx = NameIndex([("p", "Peter")])
    assert redact("Peters praktijk", idx, lambda k: "huisarts")[0] == "[huisarts]’s praktijk"
    assert redact("Peter's praktijk", idx, lambda k: "huisarts")[0] == "[huisarts]'s praktijk"
    assert redact("Peter’s praktijk", idx, lambda k: "huisarts")[0] == "[huisarts]’s praktijk"
    assert red("Rubens fiets, Zoës tas, O’Briens huis") == "[jongerenwerker]’s fiets, [buurtcoach]’s tas, [huisarts]’s huis"
    assert red("Ruben 's avonds") == "[jongerenwerker] 's avonds"  # "'s avonds" is not a possessive


def test_escaped_possessive_never_reads_as_bracket_s():
    from facilitator.export.escape import inline

    new = inline(redact("Peters praktijk", NameIndex([("p", "Peter")]), lambda k: "huisarts")[0])
    assert new == "\\[huisarts\\]’s praktijk"


# -- aliases, common words, ambiguity, staff ---------------------------------------------

def test_aliases_are_names_too():
    plan = parse_plan((ROOT / "tests" / "fixtures" / "plan-example.toml").read_text().replace(
        'name = "Fatima"', 'name = "Fatima"\naliases = ["Fatje", "Tim Tam"]'))
    assert [(m.form, m.key) for m in find_names("Fatje en tim tam en Tam", plan)] == [
        ("Fatje", "wt1"), ("tim tam", "wt1"), ("Tam", "wt1")]


def test_common_words_are_replaced_and_flagged():
    idx = NameIndex([("r", "Roos"), ("b", "Jan Bos"), ("m", "Mark de Boer")])
    matches = find_names("Roos en het bos, mark it, Jan Bos en De Boer", idx)
    assert [(m.form, m.common) for m in matches] == [
        ("Roos", True), ("bos", True), ("mark", True), ("Jan Bos", False), ("De Boer", True)]
    assert {"roos", "bos", "mark", "boer"} <= COMMON_WORDS


def test_a_form_shared_across_roles_has_no_single_key():
    idx = NameIndex([("a", "Anne Visser"), ("b", "Anne de Wit")], roles={"a": "wt", "b": "jw"})
    (m,) = find_names("Anne", idx)
    assert m.key is None and m.keys == ("a", "b")
    same = NameIndex([("a", "Anne Visser"), ("b", "Anne de Wit")], roles={"a": "wt", "b": "wt"})
    assert find_names("Anne", same)[0].key == "a"


def test_staff_names_as_written_stay_other_forms_go():
    idx = NameIndex([("pb1", "Anne Visser")], staff=["Anne Visser"])
    assert found("begeleid door Anne Visser; Anne zei", idx) == [("Anne", "pb1")]


def test_plan_index_uses_names_aliases_and_staff():
    assert [(m.form, m.key) for m in find_names("Fatima zei tegen ruben: A. Visser", PLAN)] == [
        ("Fatima", "wt1"), ("ruben", "jw1")]
    assert name_index(PLAN) is name_index(PLAN)  # cached


def test_mapping_api_and_regex_characters():
    # A name that is one letter is still that name (an initial is no form only within a longer name).
    assert found("zie J.+ (x) hier", {"x": "J.+", "y": "", "z": "  ", "h": "--"}) == [("J", "x")]
    assert found("zie Jo.+ hier", {"x": "Jo.+"}) == [("Jo", "x")]
    assert find_names("anything", {}) == []


def test_redact_counts_and_keeps_other_text_exactly():
    text = "**Fatima**: <b>Ruben</b> 👍🏽 Anne Marie\tklaar"
    new, matches = redact(text, INDEX, label)
    assert new == "**[wijkteammedewerker]**: <b>[jongerenwerker]</b> 👍🏽 [vrijwilliger]\tklaar"
    assert len(matches) == 3
    assert redact("geen namen hier", INDEX, label) == ("geen namen hier", [])


def test_normalise():
    assert normalise("Zoë O’Brien–Ru\u00adben") == "zoe o'brien-ruben"


# -- property: every planted form is found, redaction leaves none -----------------------------

GIVEN = st.sampled_from(["Zoë", "Ruben", "Anne-Marie", "José", "Fatima", "Sean", "Yolanthe", "Noël", "Åsa", "Jürgen"])
SURNAME = st.sampled_from(["Vermeij", "Amrani", "O'Brien", "Vries", "Çelik", "Groenewoud", "Smits-Ørsted"])
PARTICLE = st.sampled_from(["", "van ", "de ", "van der ", "el ", "ter "])
NAME = st.builds(lambda g, p, s: f"{g} {p}{s}", GIVEN, PARTICLE, SURNAME)


def strip_marks(s):
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


def _forms_of(name: str) -> list[str]:
    words = name.split()
    given, surname = words[0], words[-1]
    particle = " ".join(words[1:-1])
    out = [name, given, surname, (particle + " " + surname).strip()]
    out += [p for p in given.split("-") if len(p) > 1]
    return out


def disguise(form: str, how: int) -> str:
    """One of the ways people write (or typing mangles) a name."""
    if how == 0:
        return form.lower()
    if how == 1:
        return strip_marks(form).upper()
    if how == 2:
        return form + "s"
    if how == 3:
        return form + "’s"
    if how == 4:
        return form.replace("-", "–").replace("'", "’")
    if how == 5:
        return form.replace("-", "")
    if how == 6:
        return form[:1] + "\u00ad" + form[1:]
    if how == 7:
        return form[:2] + "\u200b" + form[2:]
    if how == 8:
        return f"_{form}_"
    if how == 9:
        return f"__{form}__"
    if how == 10:
        return unicodedata.normalize("NFD", form)
    return form


@settings(max_examples=300, deadline=None)
@given(st.lists(NAME, min_size=1, max_size=4, unique=True), st.data())
def test_planted_forms_are_all_found_and_redacted(names, data):
    idx = NameIndex([(f"p{i}", n) for i, n in enumerate(names)])
    fillers = ["zei", "dat", "goed", "ging", "met", "buurt", ",", "!"]  # no particle, no "." (a gap in "J. de Vries")
    pieces, planted = [], 0
    for _ in range(data.draw(st.integers(1, 8))):
        name = data.draw(st.sampled_from(names))
        form = disguise(data.draw(st.sampled_from(_forms_of(name))), data.draw(st.integers(0, 11)))
        pieces += [data.draw(st.sampled_from(fillers)), form]
        planted += 1
    text = " ".join(pieces + ["."])
    new, matches = redact(text, idx, lambda k: "rol")
    assert len(matches) == planted, (text, [m.form for m in matches])
    assert find_names(new, idx) == []
    squashed = normalise(new).replace(" ", "")
    for name in names:
        for form in _forms_of(name):
            w = normalise(form).replace("'", "").replace("-", "").replace(" ", "")
            assert w not in ("".join(ch for ch in normalise(new) if ch.isalnum() or ch == " ")).split(), (text, new)
    assert "rol" in squashed
