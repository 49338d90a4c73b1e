"""A read-only view of a workshop's plan: roles, seats, themes, agenda with prompts."""

from __future__ import annotations

from typing import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from facilitator.domain.plan import Plan, Theme
from facilitator.tui.i18n import tr
from facilitator.i18n import section
from facilitator.tui.context import app_of
from facilitator.tui.keys import bind

TEXT = section("tui.screens.plan")


def plan_text(plan: Plan, themes: Sequence[Theme], lang: str) -> Text:
    t = lambda key: tr(TEXT, lang, key)  # noqa: E731
    out = Text()
    out.append(plan.workshop.title + "\n", style="bold underline")
    if plan.workshop.subtitle:
        out.append(plan.workshop.subtitle + "\n")
    out.append(f"\n{t('roles')}\n", style="bold")
    for r in plan.roles:
        out.append(f"  {r.key:<6} {r.label}" + (f" ({r.organisation})" if r.organisation else "") + "\n")
    if plan.participants:
        out.append(f"\n{t('seats')}\n", style="bold")
        for p in plan.participants:
            out.append(f"  {p.key:<6} {p.role:<6} {p.name or ''}\n")
    out.append(f"\n{t('themes')}\n", style="bold")
    for th in themes:
        group = plan.theme_group(th.group) if th.group else None
        out.append(f"  #{th.key:<16} {th.label}" + (f"  [{group.label}]" if group else "") + "\n")
    if plan.frameworks:
        out.append(f"\n{t('frameworks')}\n", style="bold")
        for fw in plan.frameworks:
            out.append(f"  {fw.title}" + (f" ({fw.citation})" if fw.citation else "") + "\n")
            for el in fw.elements:
                ref = f"#{fw.key}.{el.key}"
                out.append(f"    {ref:<22} {el.label}\n")
    out.append(f"\n{t('sessions')}\n", style="bold")
    for s in sorted(plan.sessions, key=lambda s: s.number):
        out.append(f"\n  {plan.code_of(s)}  {s.date.isoformat()}  {s.title or ''}\n", style="bold")
        for i, step in enumerate(s.agenda, 1):
            out.append(f"    {i}. {step.title} ({step.minutes} {t('min')})\n")
            if step.method:
                out.append(f"       {t('method')}: {step.method}\n", style="italic")
            if step.prompt:
                out.append(f"       {t('question')}: {step.prompt}\n", style="dim")
    return out


class PlanScreen(Screen):
    BINDINGS = [bind("escape,q", "back", "plan.back")]

    def __init__(self, plan: Plan, themes: Sequence[Theme]):
        super().__init__()
        self.plan, self.themes = plan, themes

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="plan"):
            yield Static(plan_text(self.plan, self.themes, app_of(self).lang))
        yield Footer()

    def on_mount(self) -> None:
        from facilitator.tui.keys import localise

        localise(self, TEXT, app_of(self).lang)
        self.query_one("#plan").focus()

    def action_back(self) -> None:
        self.dismiss()
