"""The fixed words of the exports, in Dutch and English, and the phrases built
from them: long dates, role phrases, attendance counts."""

from __future__ import annotations

import datetime as dt

MONTHS = {
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}

WORDS: dict[str, dict[str, str]] = {
    "nl": {
        "minutes_title": "Verslag bijeenkomst {n}",
        "minutes_evaluation_title": "Verslag evaluatiebijeenkomst {n}",
        "code": "code {code}",
        "present": "Aanwezig",
        "not_recorded": "niet vastgelegd",
        "agenda": "Agenda",
        "agenda_head": "| # | onderdeel | gepland | feitelijk |",
        "agenda_head_adjusted": "| # | onderdeel | gepland | aangepast | feitelijk |",
        "skipped": "overgeslagen",
        "schedule_note": "Tijdens de bijeenkomst aangepast: {changes}.",
        "change_extend": "stap {n} {minutes:+d} min",
        "change_skip": "stap {n} overgeslagen",
        "change_unskip": "stap {n} toch behandeld",
        "change_move": "stap {n} verplaatst",
        "min": "{n} min",
        "not_reached": "niet behandeld",
        "planned_actual": "gepland {planned}, feitelijk {actual}",
        "planned_adjusted": "gepland {planned}, aangepast {adjusted}, feitelijk {actual}",
        "not_timed": "niet getimed",
        "proceedings": "Verloop",
        "other_step": "Buiten de agenda",
        "no_notes": "(geen aantekeningen)",
        "key_mark": "kernuitspraak",
        "agreements": "Afspraken",
        "no_agreements": "Geen afspraken vastgelegd.",
        "themes": "Thema's",
        "themes_head": "| thema | uitspraken | kernuitspraken |",
        "no_statements": "Geen uitspraken vastgelegd.",
        "by_role": "Uitspraken per thema en rol:",
        "theme": "thema",
        "total": "totaal",
        "all_statements": "alle uitspraken",
        "untagged": "zonder thema",
        "untagged_title": "Zonder thema",
        "unknown_role": "deelnemer",
        "participant": "een deelnemer",
        "article": "een",
        # series report
        "colofon": "Colofon",
        "organisation": "Organisatie",
        "commissioners": "Opdrachtgevers",
        "facilitator": "Procesbegeleider",
        "researcher": "Onderzoeker",
        "period": "Periode",
        "location": "Locatie",
        "introduction": "Inleiding",
        "summary": "Samenvatting van resultaten",
        "draft_title": "**Concept**",
        "draft": "*Concept:* er zijn nog geen bevindingen geschreven. Hieronder staan de "
                 "kernuitspraken per thema.",
        "no_key": "Er zijn nog geen kernuitspraken gemarkeerd.",
        "deleted_statement": "[uitspraak verwijderd]",
        "analysis": "Analyse",
        "stages_head": "| fase | uitspraken |",
        "conclusion": "Conclusie",
        "not_written": "*Nog niet geschreven.*",
        "next": "Hoe nu verder?",
        "agreed": "Afspraken uit de bijeenkomsten:",
        "appendices": "Bijlagen",
        "appendix_sessions": "Bijlage 1. De bijeenkomsten",
        "appendix_statements": "Bijlage 2. Uitspraken per thema",
        "appendix_overview": "Bijlage 3. Overzicht uitspraken per thema en rol",
        "session": "Bijeenkomst {n}",
        "evaluation": "Evaluatiebijeenkomst {n}",
        "sessions_one": "één bijeenkomst",
        "sessions_many": "{n} bijeenkomsten",
        "evaluations_one": "één evaluatiebijeenkomst",
        "evaluations_many": "{n} evaluatiebijeenkomsten",
        "and": "en",
        "held_range": "In deze reeks zijn {what} gehouden, van {first} tot en met {last}.",
        "held_one": "In deze reeks is {what} gehouden, op {first}.",
        "held_none": "Er zijn nog geen bijeenkomsten gehouden.",
        "took_part": "Aan {sessions} {verb} {roles} deel.",
        "took_part_sessions": "de bijeenkomst|de bijeenkomsten",
        "took_part_verb": "nam|namen",
        "took_part_none": "Er is nog geen aanwezigheid vastgelegd.",
        "group": "de deelnemers",
        "group_article": "de",
        "appendix": "Bijlage {n}. {title}",
        "appendix_title.sessions": "De bijeenkomsten",
        "appendix_title.statements": "Uitspraken per thema",
        "appendix_title.overview": "Overzicht uitspraken per thema en rol",
        "see_appendix": "zie bijlage {n}",
        "stages_see": "Alle uitspraken per thema en rol staan in bijlage {n}.",
    },
    "en": {
        "minutes_title": "Minutes of session {n}",
        "minutes_evaluation_title": "Minutes of evaluation session {n}",
        "code": "code {code}",
        "present": "Present",
        "not_recorded": "not recorded",
        "agenda": "Agenda",
        "agenda_head": "| # | item | planned | actual |",
        "agenda_head_adjusted": "| # | item | planned | adjusted | actual |",
        "skipped": "skipped",
        "schedule_note": "Changed during the session: {changes}.",
        "change_extend": "step {n} {minutes:+d} min",
        "change_skip": "step {n} skipped",
        "change_unskip": "step {n} taken back in",
        "change_move": "step {n} moved",
        "min": "{n} min",
        "not_reached": "not reached",
        "planned_actual": "planned {planned}, actual {actual}",
        "planned_adjusted": "planned {planned}, adjusted {adjusted}, actual {actual}",
        "not_timed": "not timed",
        "proceedings": "Proceedings",
        "other_step": "Outside the agenda",
        "no_notes": "(no notes)",
        "key_mark": "key statement",
        "agreements": "Agreements",
        "no_agreements": "No agreements recorded.",
        "themes": "Themes",
        "themes_head": "| theme | statements | key statements |",
        "no_statements": "No statements recorded.",
        "by_role": "Statements per theme and role:",
        "theme": "theme",
        "total": "total",
        "all_statements": "all statements",
        "untagged": "no theme",
        "untagged_title": "No theme",
        "unknown_role": "participant",
        "participant": "a participant",
        "article": "a",
        "colofon": "Colophon",
        "organisation": "Organisation",
        "commissioners": "Commissioners",
        "facilitator": "Facilitator",
        "researcher": "Researcher",
        "period": "Period",
        "location": "Location",
        "introduction": "Introduction",
        "summary": "Summary of results",
        "draft_title": "**Draft**",
        "draft": "*Draft:* no findings have been written yet. Below are the key statements "
                 "per theme.",
        "no_key": "No key statements have been marked yet.",
        "deleted_statement": "[statement deleted]",
        "analysis": "Analysis",
        "stages_head": "| stage | statements |",
        "conclusion": "Conclusion",
        "not_written": "*Not written yet.*",
        "next": "What next?",
        "agreed": "Agreements made in the sessions:",
        "appendices": "Appendices",
        "appendix_sessions": "Appendix 1. The sessions",
        "appendix_statements": "Appendix 2. Statements per theme",
        "appendix_overview": "Appendix 3. Statements per theme and role",
        "session": "Session {n}",
        "evaluation": "Evaluation session {n}",
        "sessions_one": "one session",
        "sessions_many": "{n} sessions",
        "evaluations_one": "one evaluation session",
        "evaluations_many": "{n} evaluation sessions",
        "and": "and",
        "held_range": "This series held {what}, from {first} to {last}.",
        "held_one": "This series held {what}, on {first}.",
        "held_none": "No sessions have been held yet.",
        "took_part": "{sessions} {verb} attended by {roles}.",
        "took_part_sessions": "The session|The sessions",
        "took_part_verb": "was|were",
        "took_part_none": "No attendance has been recorded yet.",
        "group": "the participants",
        "group_article": "the",
        "appendix": "Appendix {n}. {title}",
        "appendix_title.sessions": "The sessions",
        "appendix_title.statements": "Statements per theme",
        "appendix_title.overview": "Statements per theme and role",
        "see_appendix": "see appendix {n}",
        "stages_see": "All statements per theme and role are in appendix {n}.",
    },
}


def long_date(date: dt.date, lang: str) -> str:
    """"2 december 2014" / "2 December 2014"."""
    return f"{date.day} {MONTHS[lang][date.month - 1]} {date.year}"


def group_phrase(plural: str, lang: str) -> str:
    """A group role as one speaker: "de bewoners", "the residents"."""
    return f"{WORDS[lang]['group_article']} {plural}"


def role_phrase(label: str | None, lang: str) -> str:
    """"een sociaal makelaar", "an officer"; None: "een deelnemer" / "a participant"."""
    if label is None:
        return WORDS[lang]["participant"]
    if lang == "en":
        return english_article(label) + " " + label
    return "een " + label


# The simple rule (a vowel letter takes "an") with the common exceptions by sound:
# a "you"/"w" sound takes "a" (union, user, European, one), a silent h takes "an".
_A_BEFORE = ("uni", "use", "usu", "eu", "one", "once")
_AN_BEFORE = ("hour", "honest", "honour", "honor", "heir")


def english_article(word: str) -> str:
    """"a" or "an" by the first letters: "an officer", "a union", "an hour"."""
    low = word.lower()
    if low.startswith(_A_BEFORE):
        return "a"
    if low.startswith(_AN_BEFORE):
        return "an"
    return "an" if low[:1] in ("a", "e", "i", "o", "u") else "a"


def capitalise(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]


def count_phrase(n: int, label: str, plural: str) -> str:
    """"1 sociaal makelaar", "2 sociaal makelaars"."""
    return f"{n} {label if n == 1 else plural}"


def join_words(items: list[str], lang: str) -> str:
    """"a, b en c" / "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {WORDS[lang]['and']} " + items[-1]


NUMBERS = {
    "nl": ("nul", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf", "twaalf"),
    "en": ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"),
}


def number_word(n: int, lang: str) -> str:
    """Zero to twelve in words ("twee", "two"), larger numbers in digits."""
    return NUMBERS[lang][n] if 0 <= n < len(NUMBERS[lang]) else str(n)


def persons_phrase(n: int, label: str, plural: str, lang: str) -> str:
    """"een woonconsulent" (one person: the role phrase), "twee buurtcoaches", "13 buurtcoaches"."""
    return role_phrase(label, lang) if n == 1 else f"{number_word(n, lang)} {plural}"


# Roles that run the series rather than take part in it, by label.
PROCESS_LABELS = frozenset({"procesbegeleider", "onderzoeker", "facilitator", "researcher"})


def took_part(lang: str, sessions: int, groups: list[tuple[int, str]]) -> str:
    """The sentence naming who took part: `groups` are (persons, phrase) per role.

    Dutch: "Aan de bijeenkomst nam een woonconsulent deel." / "Aan de
    bijeenkomsten namen twee buurtcoaches en een woonconsulent deel." (the verb
    agrees with the people, the noun with the number of sessions held); English:
    "The session was attended by ..." (the verb agrees with the sessions).
    """
    w = WORDS[lang]
    one_session, many_sessions = w["took_part_sessions"].split("|")
    one_verb, many_verb = w["took_part_verb"].split("|")
    people = sum(n for n, _ in groups)
    plural_verb = (sessions != 1) if lang == "en" else (people != 1)
    return w["took_part"].format(sessions=one_session if sessions == 1 else many_sessions,
                                 verb=many_verb if plural_verb else one_verb,
                                 roles=join_words([p for _, p in groups], lang))
