"""Issue 14's property: random names (particles, diacritics, hyphens) planted in every
text field of every session, finding, report text and action, in every form, never
reach an export, and the review file lists each planted occurrence."""

from __future__ import annotations

import dataclasses
import re
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator.domain.plan import plan_from_data
from facilitator.domain.records import Finding, ReportText
from facilitator.export import render_all, render_qdpx, review_file
from tests.export.fixture import workshop

GIVEN = ["Zoë", "Ruben", "Anne-Marie", "José", "Fatima", "Sean", "Yolanthe", "Noël", "Åsa", "Jürgen", "Marie-Louise",
         "Thijs", "Inés"]
SURNAME = ["Vermeij", "Amrani", "O'Brien", "Vries", "Çelik", "Groenewoud", "Smits-Ørsted", "Dijkstra", "Hoogendijk"]
PARTICLE = ["", "van ", "de ", "van der ", "el ", "ter ", "van den "]
SEATS = ("wt1", "wt2", "jw1", "bib1")


def strip_marks(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


def forms_of(name: str) -> list[str]:
    words = name.split()
    particle = " ".join(words[1:-1])
    out = [name, words[0], words[-1], f"{words[0]} {words[-1]}"]
    if particle:
        out.append(f"{particle} {words[-1]}")
    out += [p for p in words[0].split("-") if len(p) > 1]
    return out


def disguise(form: str, how: int) -> str:
    return [
        lambda f: f,
        str.lower,
        lambda f: strip_marks(f).upper(),
        lambda f: f + "s",
        lambda f: f + "’s",
        lambda f: f + "'s",
        lambda f: f.replace("-", "–").replace("'", "’"),
        lambda f: f.replace("-", "").replace(" ", ""),
        lambda f: f[:1] + "\u00ad" + f[1:],
        lambda f: f[:2] + "\u200b" + f[2:],
        lambda f: f"_{f}_",
        lambda f: f"__{f}__",
        lambda f: f"*{f}*",
        lambda f: unicodedata.normalize("NFD", f),
        lambda f: strip_marks(f).lower(),
    ][how](form)


HOW = 15


def words_of_doc(text: str) -> set[str]:
    """Independent reading of an export: Markdown escapes, invisible characters and
    apostrophes dropped, diacritics stripped, lower case; its words."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c) and unicodedata.category(c) != "Cf")
    text = text.replace("\\", "").replace("'", "").replace("’", "").casefold()
    return set(re.findall(r"[^\W_]+", text))


def name_words(name: str) -> set[str]:
    """The words that would give a name away: every non-particle word and hyphen part, and
    the hyphenated words joined."""
    out = set()
    particles = {"van", "de", "der", "den", "el", "ter"}
    for word in name.split():
        w = strip_marks(word).casefold().replace("'", "")
        if w in particles:
            continue
        out.add(w.replace("-", ""))
        out.update(p for p in w.split("-") if len(p) > 1)
    return out


@st.composite
def planted_workshop(draw):
    names = draw(st.lists(st.builds(lambda g, p, s: f"{g} {p}{s}", st.sampled_from(GIVEN), st.sampled_from(PARTICLE),
                                    st.sampled_from(SURNAME)), min_size=len(SEATS), max_size=len(SEATS), unique=True))
    # No two seats may share a word: the oracle could not tell whose it is (it does not matter to privacy).
    seen: set[str] = set()
    for n in names:
        words = name_words(n)
        if words & seen:
            names = names[:1]
            break
        seen |= words
    seats = dict(zip(SEATS, names))
    data = workshop()
    raw = data.plan.model_dump(exclude_none=True)
    for p in raw["participants"]:
        p.pop("name", None)
        if p["key"] in seats:
            p["name"] = seats[p["key"]]
    for s in raw["sessions"]:
        s["agenda"] = [{k: v for k, v in a.items() if v is not None} for a in s["agenda"]]
    plan = plan_from_data(raw)
    plants: list[tuple[str, str]] = []  # (tag, what was planted)

    def plant(text: str) -> str:
        extra = []
        for _ in range(draw(st.integers(0, 2))):
            name = draw(st.sampled_from(list(seats.values())))
            form = disguise(draw(st.sampled_from(forms_of(name))), draw(st.integers(0, HOW - 1)))
            tag = f"plant{len(plants)}x"
            plants.append((tag, form))
            extra.append(f"{tag} {form} zei")
        return " ".join([text] + extra)

    statements = [s.model_copy(update={"text": plant(s.text)}) for s in data.statements]
    actions = [a.model_copy(update={"text": plant(a.text)}) for a in data.actions]
    # A finding is blocks now: plant into each paragraph and sub-heading.
    findings = [f.model_copy(update={"blocks": [b.model_copy(update={"text": plant(b.text)})
                                                if b.kind in ("paragraph", "heading") else b for b in f.blocks]})
                for f in data.findings]
    findings.append(Finding(id=9, text=plant("Een extra bevinding."), statements=[2, 5], position=2))
    rep = data.report
    report = ReportText(introduction=plant("Inleiding."), analysis_title=plant("Analyse"),
                        analysis=plant(rep.analysis), conclusion=plant(rep.conclusion),
                        next_steps=[plant(s) for s in rep.next_steps], stages=rep.stages)
    data = dataclasses.replace(data, plan=plan, statements=statements, actions=actions, findings=findings,
                               report=report)
    return data, seats, plants


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(planted_workshop())
def test_no_form_of_any_name_reaches_an_export_and_the_review_lists_each(case):
    data, seats, plants = case
    docs = render_all(data)
    forbidden = set().union(*(name_words(n) for n in seats.values()))
    for doc in docs:
        leaked = words_of_doc(doc.text) & forbidden
        assert not leaked, (doc.filename, leaked)
        assert not leaked & words_of_doc(doc.filename)
    # The QDA project (a zip of XML and plain-text sources) holds none either.
    import io
    import zipfile

    qdpx = render_qdpx(data)
    with zipfile.ZipFile(io.BytesIO(qdpx.data)) as z:
        for member in z.namelist():
            body = z.read(member).decode("utf-8", "replace")
            leaked = words_of_doc(body) & forbidden
            assert not leaked, (member, leaked)
            assert not re.search("[\ue000-\uf8ff]", body), member  # no replacement marker left behind
    review = review_file(docs, data.plan.workshop.slug)
    entries = [r for d in docs for r in d.replacements]
    for tag, form in plants:
        mine = [r for r in entries if tag + " " in r.excerpt]
        assert mine, (tag, form)
        assert any(unicodedata.normalize("NFC", r.form) in unicodedata.normalize("NFC", form) for r in mine), (tag, form, mine)
        assert tag in review.text
    # Each listed line is the line of the export where the role now stands.
    by_file = {d.filename: d.text.split("\n") for d in docs}
    for r in entries:
        if r.line is not None:
            assert r.role in by_file[r.file][r.line - 1].replace("\\", ""), r
