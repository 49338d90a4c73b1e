"""A small workshop built in memory: the example plan plus a few records."""

from __future__ import annotations

from pathlib import Path

from facilitator.domain.plan import Plan, parse_plan
from facilitator.domain.records import Action, Finding, ReportText, SessionClock, Statement, StepTiming
from facilitator.domain.workshop import WorkshopData

PLAN_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "plan-example.toml"
NAMES = ("Fatima", "Ruben")  # the names the example plan gives to seats wt1 and jw1
T0 = 1_772_544_600.0  # 2026-03-03 13:30 UTC


def example_plan(language: str = "nl") -> Plan:
    text = PLAN_FILE.read_text(encoding="utf-8")
    if language != "nl":
        text = text.replace('language = "nl"', f'language = "{language}"')
    return parse_plan(text, PLAN_FILE.name)


def statements() -> list[Statement]:
    rows = [
        # session, step, speaker, kind, text, themes, key
        (1, 0, "wt1", "quote", "Ik weet eigenlijk niet wat de bibliotheek allemaal doet.", ["werkwijze"], True),
        (1, 0, "jw1", "note", "Vertelt over een jongen die dagelijks in de leeszaal zit.", ["plek"], False),
        (1, 1, "wt", "quote", "Fatima zei het al: we komen dezelfde gezinnen tegen.", ["werkwijze", "doorverwijzen"], True),
        (1, 1, None, "quote", "Wie belt wie, dat is nooit afgesproken.", ["doorverwijzen"], False),
        (1, 2, "bib1", "quote", "Bij ons mag iedereen binnenlopen, zonder indicatie.", ["regels"], True),
        (1, None, "on", "note", "Pauze liep tien minuten uit.", [], False),
        (2, 1, "jw1", "quote", "Doorverwijzen is voor mij: samen de eerste keer erheen.", ["doorverwijzen", "taal"], True),
        (2, 1, "wt2", "quote", "Voor ons is het een formulier invullen.", ["taal"], False),
        (2, 2, "lg", "quote", "Dat verschil had ik nooit gezien.", [], False),
    ]
    out = []
    seq: dict[int, int] = {}
    for i, (session, step, speaker, kind, text, themes, key) in enumerate(rows, 1):
        seq[session] = seq.get(session, 0) + 1
        out.append(Statement(id=i, session=session, step=step, speaker=speaker, kind=kind, text=text,
                             themes=themes, key=key, seq=seq[session], offset=60.0 * i))
    return out


def actions() -> list[Action]:
    return [
        Action(id=1, session=1, step=3, text="Rooster van de leeszaal rondsturen", owner="bib1", seq=1),
        Action(id=2, session=1, step=3, text="Ruben nodigt het wijkteam uit voor de inloop", owner="jw", seq=2),
        Action(id=3, session=2, step=2, text="Lijst met begrippen maken", owner=None, seq=1),
    ]


def clocks() -> dict[int, SessionClock]:
    steps = {
        0: StepTiming(start=T0, end=T0 + 17 * 60),
        1: StepTiming(start=T0 + 17 * 60, end=T0 + 60 * 60, paused=5 * 60),
        2: StepTiming(start=T0 + 60 * 60, end=T0 + 104 * 60 + 20),
    }
    return {1: SessionClock(session=1, started_at=T0, current_step=3, steps=steps)}


def report_text(**changes) -> ReportText:
    base = dict(
        analysis_title="De cyclus van samenwerken",
        analysis="Het model kent *drie* fasen.\n\n- kennismaken\n- afstemmen\n- samen doen",
        conclusion="Samenwerken begint bij **elkaar kennen**; Fatima liet zien hoe.",
        next_steps=["Een vaste inloop in de bibliotheek.", "Een begrippenlijst,\nmet voorbeelden."],
        stages=["werkwijze", "doorverwijzen", "plek"],
    )
    base.update(changes)
    return ReportText(**base)


def findings() -> list[Finding]:
    return [
        Finding(id=1, text="Men kent elkaars **werkwijze** nauwelijks.", statements=[1, 3], position=0),
        Finding(id=2, text="Doorverwijzen betekent voor\niedereen iets anders.", statements=[7, 8, 4], position=1),
    ]


def workshop(language: str = "nl", with_findings: bool = True, **report_changes) -> WorkshopData:
    plan = example_plan(language)
    return WorkshopData(
        plan=plan,
        themes=list(plan.themes),
        statements=statements(),
        actions=actions(),
        attendance={1: ["wt1", "wt2", "jw1", "bib1", "pb", "on"], 2: ["wt1", "jw1", "lg"]},
        clocks=clocks(),
        findings=findings() if with_findings else [],
        report=report_text(**report_changes),
    )
