"""The live preview: the series report as rendered Markdown, with a line that
says whether the summary is the researcher's findings or a draft."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Markdown, Static

from facilitator.tui.i18n import tr
from facilitator.i18n import section

TEXT = section("tui.widgets.report_preview")


class PreviewPane(Vertical):
    def __init__(self, lang: str = "nl", **kwargs) -> None:
        super().__init__(**kwargs)
        self.lang = lang
        self.text = ""  # the Markdown shown now

    def compose(self) -> ComposeResult:
        yield Static(tr(TEXT, self.lang, "waiting"), id="preview-note", classes="report-hint")
        with VerticalScroll(id="preview-scroll"):
            yield Markdown("", id="preview-markdown")

    async def show(self, text: str, findings: int, export_dir: str) -> None:
        note = self.query_one("#preview-note", Static)
        if findings:
            note.update(tr(TEXT, self.lang, "findings", n=findings, dir=export_dir))
            note.remove_class("-draft")
        else:
            note.update(tr(TEXT, self.lang, "draft"))
            note.add_class("-draft")
        if text != self.text:
            self.text = text
            await self.query_one("#preview-markdown", Markdown).update(text)

    def failed(self, error: str) -> None:
        self.query_one("#preview-note", Static).update(tr(TEXT, self.lang, "failed", error=error))
