"""What the minutes and the report share: one render context per document.

The context resolves speakers to role phrases, redacts participant names from
session text (every replacement is listed in `Document.replacements`, with the
line it ended up on), and formats quotes, notes and tables the same way in
every document.

Where a replacement lands: `redact` puts an invisible marker (three private-use
characters, numbering the replacement) right before it; the escaping passes such
characters through, and `Context.document` finds each marker's line in the
finished text, records it and removes every marker. A private-use character
typed in a text is kept: on its way in (`redact`, `role_label`, `verbatim`) it
gets the prefix U+E001, which `document` removes again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from facilitator.domain.overview import ThemeRoleCounts
from facilitator.domain.plan import Session
from facilitator.domain.records import Statement
from facilitator.domain.workshop import WorkshopData
from facilitator.export.escape import cell, inline, line
from facilitator.export.words import WORDS, capitalise, count_phrase, group_phrase, long_date, role_phrase


# A marker: U+E000 and two "digits" U+E100..U+F8FF (6144 each): any index below 37
# million, in the Basic Multilingual Plane, so no string widens to four bytes a
# character. A private-use character that was typed is kept behind U+E001.
_DIGIT0, _DIGITS = 0xE100, 0xF8FF - 0xE100 + 1
_MARK, _ESCAPE = "\ue000", "\ue001"
_TYPED = re.compile("[\ue000-\uf8ff]")
_MARKERS = re.compile("\ue001([\ue000-\uf8ff])|\ue000([\ue100-\uf8ff])([\ue100-\uf8ff])")


def guard(text: str) -> str:
    """A text on its way into a document: a typed private-use character (U+E000..U+F8FF)
    is prefixed so it is never read as a marker."""
    return text if text.isascii() or not _TYPED.search(text) else _TYPED.sub(lambda m: _ESCAPE + m.group(), text)


def _marker(index: int) -> str:
    hi, lo = divmod(index, _DIGITS)
    return _MARK + chr(_DIGIT0 + hi) + chr(_DIGIT0 + lo)


def _marker_index(hi: str, lo: str) -> int:
    return (ord(hi) - _DIGIT0) * _DIGITS + ord(lo) - _DIGIT0


@dataclass(frozen=True)
class Replacement:
    """One participant name replaced in an exported document (for the review file)."""

    file: str
    line: int | None  # 1-based line in the file; None: a role label, replaced wherever it is used
    section: str  # the nearest heading above it
    form: str  # what was written (a name, local: never exported)
    role: str  # what it became, e.g. "[wijkteammedewerker]’s"
    common: bool  # the form is also an ordinary word: check it is the person
    excerpt: str  # the exported line around it


@dataclass(frozen=True)
class _Event:
    form: str
    role: str
    common: bool


class Shared:
    """Redacted and escaped texts, shared by the documents of one `render_all`: the
    same statement appears in its minutes and twice in the report. Pure results of
    (text, plan), so sharing changes no byte; each Context still counts its own
    redactions."""

    def __init__(self) -> None:
        self.redacted: dict[tuple[str, bool, bool], tuple[str, int]] = {}
        self.escaped: dict[tuple[str, str], str] = {}
        self.events: list[_Event] = []  # indexed by the markers in redacted texts

    def mark(self, form: str, role: str, common: bool) -> str:
        self.events.append(_Event(form, role, common))
        return _marker(len(self.events) - 1)


class Context:
    def __init__(self, data: WorkshopData, shared: Shared | None = None, places: bool = False):
        # `places`: mark each replacement so `document` can say on which line it is (the
        # Markdown documents). Without it (the QDA export) texts carry no markers and
        # `redactions` counts each replacement as it is made.
        self.places = places
        self.data = data
        self.plan = data.plan
        self.lang = data.plan.workshop.language
        self.w = WORDS[self.lang]
        self.speaker_role = data.plan.speaker_roles()
        self.roles = {r.key: r for r in data.plan.roles}
        from facilitator.domain.privacy import name_index

        self.names = name_index(data.plan)
        self.codes = {s.number: line(data.plan.code_of(s)) for s in data.plan.sessions}
        self.theme_labels = {t.key: t.label for t in data.themes}
        self.redactions = 0
        self._label_replacements: dict[str, Replacement] = {}
        shared = shared or Shared()
        self.shared = shared
        self._redacted = shared.redacted
        self._phrases: dict[str | None, str] = {}
        self._escaped = shared.escaped

    # -- privacy -------------------------------------------------------------

    def label_of(self, key: str | None) -> str:
        """The role label standing in for a participant's name (None: a form shared
        by participants of different roles, the generic "deelnemer")."""
        role = self.roles.get(self.speaker_role.get(key or "", ""))
        return self.role_label(role.label) if role else self.w["unknown_role"]

    def role_label(self, label: str) -> str:
        """A role label as exported: one that holds a participant name is replaced
        as a whole by the generic "deelnemer" (its own label would repeat the name)."""
        if not self.names or not label:
            return self._guard(label)
        spans = self.names.find(label)
        if spans:
            self.redactions += len(spans)
            if label not in self._label_replacements:
                self._label_replacements[label] = Replacement(
                    "", None, "", label, self.w["unknown_role"], any(m.common for m in spans), "")
            return self.w["unknown_role"]
        return self._guard(label)

    def _guard(self, text: str) -> str:
        return guard(text) if self.places else text

    def verbatim(self, text: str) -> str:
        """A plan string printed as written (the staff fields), escaped for one line."""
        return line(self._guard(text))

    def plain(self, text: str) -> str:
        """A plan string (title, location, step title, colofon entry, ...) on one
        line: redacted, counted and escaped. Every plan string goes through here."""
        return line(self.redact(text))

    def redact(self, text: str, markdown: bool = False) -> str:
        """`text` with participant names replaced by `[role label]`, counted.

        Plain text is escaped afterwards, which escapes the brackets too. For
        Markdown passed through (`markdown=True`) the brackets and the label are
        escaped here: `\\[role label\\]`, so "Fatima: klopt." cannot turn into a
        link reference definition and vanish. Each replacement carries a marker
        (see the module's docstring) until `document` removes it."""
        if not text:
            return text
        cache_key = (text, markdown, self.places)
        hit = self._redacted.get(cache_key)
        if hit is None:
            from facilitator.domain.privacy import redact, replacement

            source = self._guard(text)
            shared = self.shared

            def mark(m) -> str:  # type: ignore[no-untyped-def]
                return shared.mark(m.form, replacement(m, self.label_of(m.key)), m.common)

            if not self.places:
                mark = None  # type: ignore[assignment]

            if not self.names:
                hit = (source, 0)
            elif markdown:
                new, found = redact(source, self.names, lambda k: line(self.label_of(k)), ("\\[", "\\]"), mark)
                hit = (new, len(found))
            else:
                new, found = redact(source, self.names, self.label_of, mark=mark)
                hit = (new, len(found))
            self._redacted[cache_key] = hit
        if not self.places:
            self.redactions += hit[1]
        return hit[0]

    def document(self, filename: str, text: str):  # type: ignore[no-untyped-def]
        """The finished document: markers found (each one a replacement, on its
        line) and removed. The file name itself is checked for names too."""
        from facilitator.export import Document

        filename = self.safe_filename(filename)
        found: list[Replacement] = list(r.__class__(filename, None, "", r.form, r.role, r.common, "")
                                        for r in self._label_replacements.values())
        if not text.isascii() and _TYPED.search(text):
            text, found_here = _unmark(text, filename, self.shared.events)
            found += found_here
        # Role labels count wherever they are used (as before); text replacements once each.
        label_uses = self.redactions
        return Document(filename=filename, text=text, redactions=label_uses + sum(r.line is not None for r in found),
                        replacements=tuple(found))

    def safe_filename(self, filename: str) -> str:
        """A file name with any form of a participant's name replaced by the role key.
        (The plan refuses names in the slug and the session codes; this is the last guard.)"""
        if not self.names:
            return filename
        matches = self.names.find(filename)
        if not matches:
            return filename
        out, pos = [], 0
        for m in matches:
            out.append(filename[pos:m.start])
            out.append(self.speaker_role.get(m.key or "", "deelnemer") if m.key else "deelnemer")
            pos = m.end
        out.append(filename[pos:])
        self.redactions += len(matches)
        return "".join(out)

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
        # The indent only follows a line break: a text without one is escaped once for all indents.
        key = (redacted, indent if "\n" in redacted or "\r" in redacted else "")
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


_HEADING = re.compile(r"^#{1,6} (.*)$", re.MULTILINE)


def _unmark(text: str, filename: str, events: list[_Event]) -> tuple[str, list[Replacement]]:
    """`text` without markers (a typed private-use character kept), and a Replacement
    for each marker: its line, the heading above it, the line around it."""
    clean: list[str] = []
    marks: list[tuple[int, int]] = []  # (position in the clean text, event)
    pos = size = 0
    for m in _MARKERS.finditer(text):
        clean.append(text[pos:m.start()])
        size += m.start() - pos
        if m.group(1) is not None:
            clean.append(m.group(1))
            size += 1
        else:
            marks.append((size, _marker_index(m.group(2), m.group(3))))
        pos = m.end()
    clean.append(text[pos:])
    out = "".join(clean)
    found: list[Replacement] = []
    headings = [(h.start(), h.group(1).strip()) for h in _HEADING.finditer(out)] if marks else []
    line, counted, section, h = 1, 0, "", 0
    for at, index in marks:
        line += out.count("\n", counted, at)
        counted = at
        while h < len(headings) and headings[h][0] <= at:
            section = headings[h][1]
            h += 1
        begin = out.rfind("\n", 0, at) + 1
        stop = out.find("\n", at)
        row = out[begin:stop if stop >= 0 else len(out)]
        ev = events[index]
        found.append(Replacement(filename, line, section, ev.form, ev.role, ev.common, _excerpt(row, at - begin)))
    return out, found


def _excerpt(text: str, at: int, width: int = 60) -> str:
    """Up to `width` characters of an exported line on either side of `at`."""
    start, end = max(0, at - width), min(len(text), at + width)
    return ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")


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
