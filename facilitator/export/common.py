"""What the minutes and the report share: one render context per document.

The context resolves speakers to role phrases, redacts participant names from
session text (counting each replacement for `Document.redactions`), and
formats quotes, notes and tables the same way in every document.
"""

from __future__ import annotations

from facilitator.domain.overview import ThemeRoleCounts
from facilitator.domain.plan import Session
from facilitator.domain.records import Statement
from facilitator.domain.workshop import WorkshopData
from facilitator.export.escape import cell, inline, line
from facilitator.export.words import WORDS, capitalise, count_phrase, group_phrase, long_date, role_phrase


class Shared:
    """Redacted and escaped texts, shared by the documents of one `render_all`: the
    same statement appears in its minutes and twice in the report. Pure results of
    (text, plan), so sharing changes no byte; each Context still counts its own
    redactions."""

    def __init__(self) -> None:
        self.redacted: dict[tuple[str, bool], tuple[str, int]] = {}
        self.escaped: dict[tuple[str, str], str] = {}


class Context:
    def __init__(self, data: WorkshopData, shared: Shared | None = None):
        self.data = data
        self.plan = data.plan
        self.lang = data.plan.workshop.language
        self.w = WORDS[self.lang]
        self.speaker_role = data.plan.speaker_roles()
        self.roles = {r.key: r for r in data.plan.roles}
        self.names = data.plan.names()
        self.codes = {s.number: line(data.plan.code_of(s)) for s in data.plan.sessions}
        self.theme_labels = {t.key: t.label for t in data.themes}
        self.redactions = 0
        shared = shared or Shared()
        self._redacted = shared.redacted
        self._phrases: dict[str | None, str] = {}
        self._escaped = shared.escaped

    # -- privacy -------------------------------------------------------------

    def label_of(self, key: str) -> str:
        """The role label standing in for a participant's name."""
        role = self.roles.get(self.speaker_role.get(key, ""))
        return self.role_label(role.label) if role else self.w["unknown_role"]

    def role_label(self, label: str) -> str:
        """A role label as exported: one that holds a participant name is replaced
        as a whole by the generic "deelnemer" (its own label would repeat the name)."""
        if not self.names or not label:
            return label
        from facilitator.domain.privacy import find_names

        spans = find_names(label, self.names)
        if spans:
            self.redactions += len(spans)
            return self.w["unknown_role"]
        return label

    def plain(self, text: str) -> str:
        """A plan string (title, location, step title, colofon entry, ...) on one
        line: redacted, counted and escaped. Every plan string goes through here."""
        return line(self.redact(text))

    def redact(self, text: str, markdown: bool = False) -> str:
        """`text` with participant names replaced by `[role label]`, counted.

        Plain text is escaped afterwards, which escapes the brackets too. For
        Markdown passed through (`markdown=True`) the brackets and the label are
        escaped here: `\\[role label\\]`, so "Fatima: klopt." cannot turn into a
        link reference definition and vanish."""
        if not self.names or not text:
            return text
        hit = self._redacted.get((text, markdown))
        if hit is None:
            from facilitator.domain.privacy import redact_names

            if markdown:
                hit = redact_names(text, self.names, lambda k: line(self.label_of(k)), ("\\[", "\\]"))
            else:
                hit = redact_names(text, self.names, self.label_of)
            self._redacted[(text, markdown)] = hit
        self.redactions += hit[1]
        return hit[0]

    # -- words -----------------------------------------------------------------

    def role_key(self, speaker: str | None) -> str | None:
        return self.speaker_role.get(speaker) if speaker is not None else None

    def phrase(self, speaker: str | None) -> str:
        """The role phrase of a speaker key: "een sociaal makelaar" / "een deelnemer"."""
        phrase = self._phrases.get(speaker)
        if phrase is None:
            from facilitator.domain.plan import GROUP_SPEAKERS

            role = self.roles.get(self.role_key(speaker) or "")
            if role is not None and role.group:
                phrase = line(group_phrase(self.role_label(role.plural_label), self.lang))
            elif role is None and speaker in GROUP_SPEAKERS:
                phrase = self.w["group"]
            else:
                phrase = line(role_phrase(self.role_label(role.label) if role else None, self.lang))
            self._phrases[speaker] = phrase
        return phrase

    def names_speaker(self, st: Statement) -> bool:
        """The note's own text already names who spoke ("Een sociaal makelaar vertelt …",
        "De deelnemers zijn het eens"): a second attribution would repeat it."""
        from facilitator.domain.plan import GROUP_SPEAKERS

        role = self.roles.get(self.role_key(st.speaker) or "")
        if role is not None and role.group:
            words = [role.plural_label]
        elif role is not None:  # the singular only: "Vrijwilligers voelen …" is about them, not by one
            words = [role.label]
        elif st.speaker in GROUP_SPEAKERS:
            words = [self.w["group"]]
        else:
            words = [self.w["unknown_role"]]
        text = st.text.casefold()
        return any(_word_in(w.casefold(), text) for w in words if w.strip())

    def date(self, session: Session) -> str:
        return long_date(session.date, self.lang)

    def code(self, number: int) -> str:
        return self.codes.get(number) or str(number)

    def theme_label(self, key: str) -> str:
        """A theme's label (from the plan or created while tagging), redacted."""
        return self.redact(self.theme_labels.get(key, key))

    def theme_title(self, key: str | None) -> str:
        return self.w["untagged_title"] if key is None else line(self.theme_label(key))

    def theme_cell(self, key: str | None) -> str:
        return self.w["untagged"] if key is None else cell(self.theme_label(key))

    # -- session text -------------------------------------------------------------

    def text(self, text: str, indent: str = "") -> str:
        """Session text (statement, action): redacted and escaped."""
        redacted = self.redact(text)
        key = (redacted, indent)
        out = self._escaped.get(key)
        if out is None:
            out = self._escaped[key] = inline(redacted, indent)
        return out

    def citation(self, st: Statement, indent: str = "") -> str:
        """A quote: `Een sociaal makelaar: “…” (CODE)`. A note is the note-taker's
        words, not speech: `… (een sociaal makelaar, CODE)`."""
        body = self.text(st.text, indent)
        if st.kind == "quote":
            return f"{capitalise(self.phrase(st.speaker))}: “{body}” ({self.code(st.session)})"
        if self.names_speaker(st):
            return f"{body} ({self.code(st.session)})"
        return f"{body} ({self.phrase(st.speaker)}, {self.code(st.session)})"

    def inline_citation(self, st: Statement) -> str:
        """A statement cited inside the researcher's paragraph: “…” (een x, CODE)."""
        body = self.text(st.text)
        who = "" if st.kind == "note" and self.names_speaker(st) else f"{self.phrase(st.speaker)}, "
        if st.kind == "quote":
            return f"“{body}” ({who}{self.code(st.session)})"
        return f"{body} ({who}{self.code(st.session)})"

    def excerpt(self, statements: list[Statement], indent: str = "") -> list[str]:
        """Several statements of one conversation as the paragraphs of ONE block quote,
        with one code at its end (the codes of every session in it, in order). The
        speaker is named inside when the speakers differ, else once, at the start."""
        phrases = [self.phrase(st.speaker) for st in statements]
        same = len(set(phrases)) == 1
        out = []
        for i, (st, phrase) in enumerate(zip(statements, phrases)):
            body = self.text(st.text, indent)
            named = i == 0 or not same
            if st.kind == "quote":
                out.append(f"{capitalise(phrase)}: “{body}”" if named else f"“{body}”")
            elif named and not self.names_speaker(st) and not same:
                out.append(f"{body} ({phrase})")
            elif named and i == 0 and same and not self.names_speaker(st):
                out.append(f"{capitalise(phrase)}: {body}")
            else:
                out.append(body)
        codes = list(dict.fromkeys(self.code(st.session) for st in statements))
        if out:
            out[-1] += f" ({'; '.join(codes)})"
        return out

    # -- attendance -------------------------------------------------------------------

    def attendance(self, number: int) -> list[tuple[str, int]]:
        """(role key, persons) for a session, in plan order, roles with nobody left out."""
        from facilitator.domain.attendance import attendance_counts

        declared = list(self.data.attendance.get(number, []))
        spoken = [s.speaker for s in self.data.statements if s.session == number and s.speaker is not None]
        return list(attendance_counts(declared, spoken, self.speaker_role, [r.key for r in self.plan.roles]).items())

    def attendance_phrase(self, number: int) -> str:
        parts = []
        for key, n in self.attendance(number):
            role = self.roles[key]
            parts.append(count_phrase(n, self.role_label(role.label), self.role_label(role.plural_label)))
        return line(", ".join(parts)) if parts else self.w["not_recorded"]

    # -- tables --------------------------------------------------------------------------

    def overview_legend(self, counts: ThemeRoleCounts) -> str:
        """"bc = buurtcoach · wv = wijkverpleegkundige · …" for a table headed by role keys."""
        return " · ".join(f"{cell(r)} = {self.role_column(r)}" for r in counts.roles if r)

    def role_column(self, key: str | None) -> str:
        role = self.roles.get(key or "")
        return cell(self.role_label(role.label)) if role else self.w["unknown_role"]

    def overview_table(self, counts: ThemeRoleCounts, keys: bool = False) -> list[str]:
        """Statements per theme (rows) and role (columns), with totals. `keys`: the role
        columns headed by their keys (explained by `overview_legend`), for a page that
        cannot hold the full labels side by side."""
        roles = list(counts.roles)
        heads = [cell(r) if keys and r else self.role_column(r) for r in roles]
        head = [self.w["theme"], *heads, self.w["total"]]
        out = ["| " + " | ".join(head) + " |", "|---" + "|---:" * (len(head) - 1) + "|"]
        for theme in counts.used_themes():
            row = [self.theme_cell(theme), *(str(counts.count(theme, r)) for r in roles),
                   str(counts.theme_totals.get(theme, 0))]
            out.append("| " + " | ".join(row) + " |")
        foot = [self.w["all_statements"], *(str(counts.role_totals.get(r, 0)) for r in roles), str(counts.total)]
        out.append("| " + " | ".join(foot) + " |")
        return out


PAGE_CHARS = 88  # characters across a Word/ODT page's text width in table type (see house/tables.lua)


def table_fits(lines: list[str], width: int = PAGE_CHARS) -> bool:
    """Every column of a Markdown table can be as wide as its longest word (plus padding)."""
    import re

    longest: dict[int, int] = {}
    for ln in lines:
        if set(ln) <= set("|-: "):
            continue
        for i, c in enumerate(re.split(r"(?<!\\)\|", ln.strip().strip("|"))):
            words = c.replace("\\", "").split() or [""]
            longest[i] = max(longest.get(i, 0), max(len(w) for w in words))
    return sum(n + 2 for n in longest.values()) <= width


def _word_in(word: str, text: str) -> bool:
    """`word` occurs in `text` as whole words (both already case-folded)."""
    import re

    return re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", text) is not None


def indent_block(text: str, indent: str) -> str:
    """Indent every non-blank line after the first (Markdown inside a list item)."""
    lines = text.split("\n")
    return "\n".join([lines[0]] + [indent + ln if ln.strip() else "" for ln in lines[1:]])


def finish(blocks: list[str]) -> str:
    """Join blocks with blank lines; exactly one newline at the end."""
    return "\n\n".join(b.strip("\n") for b in blocks if b.strip()) + "\n"
