"""The bundled demo workshop: a fictional series in Holtenbroek, Zwolle.

`build_demo(data_dir, force=False) -> slug` creates the workshop from the plan
in this package, imports the notes of the three held sessions through the same
path as `facilitator import`, sets fixed clocks (actual minutes differ a little
from the plan; session 4 is not held yet) and writes a researcher's draft:
findings backed by quotes and the report's texts. Building twice gives the
same snapshot, so exports of it can serve as golden files.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from importlib import resources
from pathlib import Path

SLUG = "holtenbroek-2025"
PLAN_FILE = f"{SLUG}.toml"

# Actual minutes per agenda step of the held sessions, and the pauses (minutes).
ACTUAL = {1: [18, 34, 41, 12], 2: [12, 52, 17], 3: [38, 33, 9]}
PAUSES = {1: {2: 5}, 2: {1: 10}, 3: {}}
UTC_OFFSET = {1: 2, 2: 2, 3: 1}  # CEST in September and October, CET in November

# Each finding: its blocks in order. ("p", text) a paragraph, ("h", text) a sub-heading,
# ("q", start) a quote, ("x", [start, ...]) an excerpt of one conversation; a statement
# is named by the start of its text. "[[start]]" in a paragraph cites it inline.
FINDINGS = [
    [("p", "Signalen van eenzaamheid worden wel gezien, maar door iedereen apart. De deelnemers zagen elk "
           "een stukje van dezelfde bewoner; niemand had het hele verhaal."),
     ("q", "Iedereen had een stukje"), ("q", "Ik ben soms de enige"), ("q", "Wij zien het aan de brievenbus")],
    [("p", "Een signaal blijft liggen waar het van het ene systeem naar het andere moet. Wat bij de "
           "corporatie een woonprobleem heet, is voor het buurtteam een zorgvraag. In de tweede bijeenkomst "
           "volgden de deelnemers één signaal over een mevrouw die niet meer opendeed:"),
     ("x", ["Ik hoorde het van de buurvrouw", "De melding kwam bij de corporatie", "Bij ons heet dat een woonprobleem"]),
     ("p", "Op de tijdlijn bleef het signaal drie weken liggen tussen de corporatie en het buurtteam."),
     ("h", "Wat dat voor de bewoner betekent"),
     ("q", "Drie weken is lang")],
    [("p", "Privacy maakt professionals voorzichtig met doorgeven. De bewoner zelf vragen of een ander "
           "mag worden ingeschakeld, bleek de weg die iedereen kon gaan."),
     ("q", "Ik durf niet zomaar iets door te geven"), ("q", "Ik mag niet vertellen dat ik er kom")],
    [("p", "Samen op huisbezoek gaan verandert hoe bewoners het bezoek ervaren, en wat de bezoekers zien: "
           "[[Samen aanbellen voelt minder als een controle]]"),
     ("q", "Ik let op de wonden")],
]

REPORT = {
    "analysis_title": "Van signaal naar samen oppakken",
    "analysis": (
        "De deelnemers beschreven een signaal steeds in drie stappen: iemand ziet dat het niet goed "
        "gaat, geeft dat door, en daarna pakt iemand het op. In de eerste bijeenkomst ging het vooral "
        "over zien; in de derde over samen oppakken. Het doorgeven bleef het zwakste punt."),
    "conclusion": (
        "De werkplaats liet zien dat eenzaamheid in Holtenbroek niet onopgemerkt blijft, maar dat de "
        "signalen versnipperd raken. Directe lijnen tussen mensen, een vaste termijn voor doorgeven en "
        "duobezoeken maakten in korte tijd een zichtbaar verschil."),
    "next_steps": [
        "Leg de afspraak vast dat een signaal binnen twee werkdagen bij een persoon ligt.",
        "Zet de duobezoeken voort en betrek de woonconsulenten er vaker bij.",
        "Geef vrijwilligers een vaste terugkoppeling, zonder privégegevens.",
    ],
    "stages": ["signaleren", "doorgeven", "samen-oppakken"],
}


def plan_text() -> str:
    return resources.files(__name__).joinpath(PLAN_FILE).read_text(encoding="utf-8")


def notes_text(session: int) -> str:
    return resources.files(__name__).joinpath(f"notes-{session}.txt").read_text(encoding="utf-8")


def build_demo(data_dir: Path, force: bool = False) -> str:
    """Create (or with `force`, replace) the demo workshop in `data_dir`. Returns its slug."""
    from facilitator.domain.plan import parse_plan
    from facilitator.store.db import make_dir
    from facilitator.store.workshop import StoreExists, WorkshopStore, list_workshops

    data_dir = Path(data_dir)
    text = plan_text()
    plan = parse_plan(text, PLAN_FILE, SLUG)
    exists = SLUG in list_workshops(data_dir)
    if exists and not force:
        raise StoreExists(f"the demo workshop {SLUG!r} already exists in {data_dir} "
                          "(use 'facilitator demo --force' to rebuild it)")
    # Build beside the data, then swap it in: a failed build leaves nothing half-made.
    make_dir(data_dir)  # 0700, like every data directory the store makes
    build_dir = Path(tempfile.mkdtemp(prefix=".demo-build-", dir=data_dir))
    try:
        _build(build_dir, plan, text)
        if exists:
            # Opening first makes sure no other copy of the app holds it (StoreLocked otherwise).
            WorkshopStore.open(data_dir, SLUG).close()
            shutil.rmtree(data_dir / SLUG)
        os.replace(build_dir / SLUG, data_dir / SLUG)
    finally:
        shutil.rmtree(build_dir, ignore_errors=True)
    return SLUG


def _build(data_dir: Path, plan, text: str) -> None:  # type: ignore[no-untyped-def]
    from facilitator.usecases.notes import import_notes
    from facilitator.domain.records import Finding, ReportText
    from facilitator.store.workshop import WorkshopStore

    with WorkshopStore.create(data_dir, plan, text) as store:
        for number in sorted(ACTUAL):
            import_notes(store, number, notes_text(number), f"notes-{number}.txt")
            store.save_clock(_clock(plan, number))
        statements = store.statements()
        for position, parts in enumerate(FINDINGS):
            blocks = [_block(statements, kind, value) for kind, value in parts]
            store.save_finding(Finding(blocks=blocks, position=position))
        store.save_report_text(ReportText(**REPORT))  # type: ignore[arg-type]


def _block(statements: list, kind: str, value):  # type: ignore[no-untyped-def, type-arg]
    import re

    from facilitator.domain.records import Block

    if kind == "p":
        text = re.sub(r"\[\[([^\]]+)\]\]", lambda m: f"[[{_statement_id(statements, m.group(1))}]]", value)
        return Block(kind="paragraph", text=text)
    if kind == "h":
        return Block(kind="heading", text=value)
    if kind == "q":
        return Block(kind="quote", statements=[_statement_id(statements, value)])
    return Block(kind="excerpt", statements=[_statement_id(statements, v) for v in value])


def _statement_id(statements: list, start: str) -> int:  # type: ignore[type-arg]
    for st in statements:
        if st.text.startswith(start):
            return st.id
    raise LookupError(f"demo: no statement starting {start!r}")  # a bug in the demo data


def _clock(plan, number: int):  # type: ignore[no-untyped-def]
    from facilitator.domain.records import SessionClock, StepTiming

    session = plan.session(number)
    tz = dt.timezone(dt.timedelta(hours=UTC_OFFSET[number]))
    t = dt.datetime.combine(session.date, session.start, tzinfo=tz).timestamp() + 120  # started 2 minutes late
    started = t
    steps = {}
    for i, minutes in enumerate(ACTUAL[number]):
        paused = PAUSES[number].get(i, 0) * 60.0
        end = t + minutes * 60 + paused
        steps[i] = StepTiming(start=t, end=end, paused=paused)
        t = end
    return SessionClock(session=number, started_at=started, current_step=len(steps) - 1, steps=steps)
