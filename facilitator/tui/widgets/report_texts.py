"""The written parts of the report: introduction, analysis (title, text,
framework stages), conclusion and next steps. Saved on leaving a field and on
ctrl+s; a failed save is reported and the text stays in the editors.
"""

from __future__ import annotations

import re

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Input, Select, SelectionList, Static, TabbedContent, TextArea

from facilitator.domain.records import APPENDICES, Appendix, ReportText
from facilitator.store.workshop import StoreError, WorkshopStore
from facilitator.tui.i18n import tr
from facilitator.tui.keys import bind
from facilitator.tui.widgets.name_warning import NameWarning
from facilitator.tui.keys import localise as localize_bindings

from facilitator.i18n import section

TEXT = section("tui.widgets.report_texts")

AREAS = ("introduction", "analysis", "conclusion", "next_steps")


def own_appendices(text: str) -> list[Appendix]:
    """`# Title` lines start an appendix; the lines after it are its text."""
    out: list[Appendix] = []
    for line in text.splitlines():
        if line.startswith("# "):
            out.append(Appendix(title=line[2:].strip()))
        elif out:
            out[-1] = out[-1].model_copy(update={"text": out[-1].text + line + "\n"})
        elif line.strip():
            out.append(Appendix(title="", text=line + "\n"))
    return [a.model_copy(update={"text": a.text.strip("\n")}) for a in out]


def own_appendices_text(appendices: list[Appendix]) -> str:
    return "\n\n".join((f"# {a.title}\n" if a.title else "") + a.text for a in appendices)


_BLOCK_START = re.compile(r"\s*([-*+>#|]|\d+[.)])\s")  # a Markdown list item, quote, heading or table row
_ONE_LINE = re.compile(r"\s*[#|]")  # a heading or table row: nothing joins onto it


def join_paragraph_lines(text: str) -> str:
    """The paragraphs of `text` each on one line: single line breaks become spaces,
    blank lines between paragraphs stay. A line that starts a list item, quote,
    heading or table row keeps its own line."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    out = []
    for para in paragraphs:
        lines: list[str] = []
        for line in para.splitlines():
            hard_break = lines and lines[-1].endswith(("  ", "\\"))  # Markdown's own line break
            joins = lines and not hard_break and not _BLOCK_START.match(line) and not _ONE_LINE.match(lines[-1])
            if joins:
                lines[-1] = lines[-1].rstrip() + " " + line.strip()
            else:
                lines.append(line)
        out.append("\n".join(line.rstrip() if not line.endswith("  ") else line for line in lines))
    return "\n\n".join(out)


def next_steps_list(text: str) -> list[str]:
    """One recommendation per non-blank line, stripped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class TextsPane(VerticalScroll):
    """All written texts in one scrolling column; each field is saved as part of ReportText.
    Esc in a field is "done": the text is saved and focus goes up to the tab bar."""

    BINDINGS = [bind("escape", "done", "report.texts.done")]

    class Changed(Message):
        pass

    class SaveFailed(Message):
        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    class Saved(Message):
        pass

    def __init__(self, store: WorkshopStore, lang: str = "nl", **kwargs) -> None:
        super().__init__(**kwargs)
        self.store = store
        self.lang = lang
        self.saved = store.report_text()
        self.unsaved = False
        # The editor starts from the plan's introduction with its hard line breaks joined:
        # TextArea wraps it itself. Saved as the user leaves it.
        localize_bindings(self, TEXT, lang)
        self._plan_intro = join_paragraph_lines(store.plan.workshop.introduction or "")
        self._generated = self._generated_sentence()

    def _generated_sentence(self) -> str:
        from facilitator.export.common import Context
        from facilitator.export.report import held_sentence

        try:
            return held_sentence(Context(self.store.snapshot()))
        except Exception:  # noqa: BLE001 - the editor must open anyway
            return ""

    def t(self, key: str, **values: object) -> str:
        return tr(TEXT, self.lang, key, **values)

    def compose(self) -> ComposeResult:
        r = self.saved
        intro = r.introduction if r.introduction is not None else self._plan_intro
        yield Static(self.t("introduction"), classes="report-label")
        yield TextArea(intro, id="text-introduction", soft_wrap=True, classes="report-area")
        yield Static(self.t("held_sentence"), classes="report-label")
        yield NameWarning(self.lang, id="names-introduction")
        held = r.held_sentence if r.held_sentence is not None else self._generated
        yield TextArea(held, id="text-held_sentence", soft_wrap=True, classes="report-area")
        yield Static(self.t("analysis_title"), classes="report-label")
        yield NameWarning(self.lang, id="names-held_sentence")
        yield Input(r.analysis_title or "", placeholder=self.t("analysis_title_hint"), id="text-analysis-title")
        yield Static(self.t("analysis"), classes="report-label")
        yield TextArea(r.analysis, id="text-analysis", soft_wrap=True, classes="report-area")
        yield Static(self.t("stages"), classes="report-label")
        yield NameWarning(self.lang, id="names-analysis")
        themes = self.store.themes()
        yield SelectionList[str](*[(t.label, t.key) for t in themes], id="text-stages")
        frameworks = self.store.plan.frameworks
        if frameworks:
            yield Static(self.t("framework"), classes="report-label")
            known = {f.key for f in frameworks}
            yield Select([(f.title, f.key) for f in frameworks], prompt=self.t("no_framework"), id="text-framework",
                         value=r.framework if r.framework in known else Select.NULL)
        yield Static(self.t("conclusion"), classes="report-label")
        yield TextArea(r.conclusion, id="text-conclusion", soft_wrap=True, classes="report-area")
        yield Static(self.t("next_lead"), classes="report-label")
        yield NameWarning(self.lang, id="names-conclusion")
        yield TextArea(r.next_lead, id="text-next_lead", soft_wrap=True, classes="report-area")
        yield Static(self.t("next_steps"), classes="report-label")
        yield NameWarning(self.lang, id="names-next_lead")
        yield TextArea("\n".join(r.next_steps), id="text-next_steps", soft_wrap=True, classes="report-area")
        yield Static(self.t("colofon_note"), classes="report-label")
        yield NameWarning(self.lang, id="names-next_steps")
        yield TextArea(r.colofon_note, id="text-colofon_note", soft_wrap=True, classes="report-area")
        yield Static(self.t("appendices"), classes="report-label")
        yield NameWarning(self.lang, id="names-colofon_note")
        yield SelectionList[str](*[(self.t("appendix." + k), k, k not in r.appendices_off) for k in APPENDICES],
                                 id="text-appendices")
        yield Static(self.t("own_appendices"), classes="report-label")
        yield TextArea(own_appendices_text(r.own_appendices), id="text-own_appendices", soft_wrap=True,
                       classes="report-area")
        yield NameWarning(self.lang, id="names-own_appendices")

    def on_mount(self) -> None:
        stages = self.query_one("#text-stages", SelectionList)
        with stages.prevent(SelectionList.SelectedChanged):
            for key in self.saved.stages:  # select in the saved order: selection order is stage order
                try:
                    stages.select(key)
                except Exception:  # a stage whose theme no longer exists stays out
                    pass

    def action_done(self) -> None:
        self.save()
        tabs = self.query_ancestor(TabbedContent)
        tabs.query_one("ContentTabs").focus()

    def current(self) -> ReportText:
        """The report text as it is in the editors now."""
        intro = self.query_one("#text-introduction", TextArea).text
        keep_plan = self.saved.introduction is None and intro.strip() == self._plan_intro
        title = self.query_one("#text-analysis-title", Input).value.strip()
        held = self.query_one("#text-held_sentence", TextArea).text.strip()
        on = set(self.query_one("#text-appendices", SelectionList).selected)
        return ReportText(
            introduction=None if keep_plan else intro,
            analysis_title=title or None,
            analysis=self.query_one("#text-analysis", TextArea).text,
            conclusion=self.query_one("#text-conclusion", TextArea).text,
            next_steps=next_steps_list(self.query_one("#text-next_steps", TextArea).text),
            stages=list(self.query_one("#text-stages", SelectionList).selected),
            held_sentence=None if held == self._generated and self.saved.held_sentence is None else held,
            next_lead=self.query_one("#text-next_lead", TextArea).text,
            colofon_note=self.query_one("#text-colofon_note", TextArea).text,
            appendices_off=[k for k in APPENDICES if k not in on],
            own_appendices=own_appendices(self.query_one("#text-own_appendices", TextArea).text),
            framework=self._framework(),
        )

    def _framework(self) -> str | None:
        """The chosen framework; without a choice on screen (no frameworks in the plan) the saved one."""
        found = self.query("#text-framework")
        if not found:
            return self.saved.framework
        value = found.first(Select).value
        return None if value is Select.NULL else str(value)

    def save(self) -> bool:
        """Save if anything changed. False when the save failed (the editors keep the text)."""
        text = self.current()
        if text == self.saved and not self.unsaved:
            return True
        try:
            self.store.save_report_text(text)
        except StoreError as exc:
            self.unsaved = True
            self._mark()
            self.post_message(self.SaveFailed(str(exc)))
            return False
        self.saved = text
        self.unsaved = False
        self._mark()
        self.post_message(self.Saved())
        self.post_message(self.Changed())
        return True

    def _mark(self) -> None:
        for area in self.query(".report-area"):
            area.set_class(self.unsaved, "-unsaved")
            area.border_subtitle = self.t("unsaved") if self.unsaved else ""

    @on(TextArea.Changed)
    @on(Input.Changed)
    def _typed(self, event: TextArea.Changed | Input.Changed) -> None:
        widget = event.text_area if isinstance(event, TextArea.Changed) else event.input
        if widget.id and widget.id.startswith("text-"):
            for warning in self.query(f"#names-{widget.id[5:]}").results(NameWarning):
                warning.check(widget.text if isinstance(widget, TextArea) else widget.value, self.store.plan)
        self.post_message(self.Changed())

    @on(SelectionList.SelectedChanged)
    @on(Select.Changed, "#text-framework")
    def _stages_changed(self) -> None:
        self.save()

    def theme_renamed(self, old: str, new: str) -> list[str]:
        """A theme was renamed or merged: the stages follow. Returns the stages before."""
        before = list(self.saved.stages)
        stages = list(dict.fromkeys(new if k == old else k for k in before))
        self._set_stages(stages)
        return before

    def restore_stages(self, stages: list[str]) -> None:
        self._set_stages(stages)

    def _set_stages(self, stages: list[str]) -> None:
        box = self.query_one("#text-stages", SelectionList)
        with box.prevent(SelectionList.SelectedChanged):
            box.clear_options()
            box.add_options([(t.label, t.key) for t in self.store.themes()])
            for key in stages:
                try:
                    box.select(key)
                except Exception:  # noqa: BLE001 - a theme no longer there
                    pass
        self.save()

    @on(Input.Submitted)
    def _title_done(self) -> None:
        self.save()

    def on_descendant_blur(self, event) -> None:
        self.save()
