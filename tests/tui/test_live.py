"""The live screen, driven with Pilot: capture, timing, edit/delete/undo, attendance, restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitator.store.workshop import WorkshopStore
from facilitator.tui.widgets.record import RecordTable

from .helpers import SLUG, FakeClock, make_app, make_workshop, screen_text, settle, type_line


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    make_workshop(tmp_path)
    return tmp_path


def saved(data_dir: Path, session: int = 1) -> list:
    with WorkshopStore.open(data_dir, SLUG, readonly=True) as store:
        return store.statements(session)


async def test_capture_each_kind_of_line(data_dir: Path) -> None:
    clock = FakeClock()
    app = make_app(data_dir, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert app.focused is screen.query_one("#capture")
        await pilot.press("f5")
        clock.advance(65)
        await type_line(pilot, "wt1: “We weten niet wat de bieb doet.” #werkwijze !", enter=False)
        preview = str(screen.query_one("#preview").render())
        assert "wijkteammedewerker" in preview and "#werkwijze" in preview
        await pilot.press("enter")
        assert screen.query_one("#capture").value == ""
        await type_line(pilot, "jw: ze heeft toch geholpen #regels")
        await type_line(pilot, "actie: casusoverleg in de bieb @lg #plek")
        await type_line(pilot, "aanwezig: wt1 jw1 bib bib")
        await type_line(pilot, "// alleen een opmerking")
        await type_line(pilot, "nog iets #nieuwthema")
        await settle(pilot)
        text = screen_text(app)
        assert "01:05" in text and "“We weten niet wat" in text
        assert app.focused is screen.query_one("#capture")
    statements = saved(data_dir)
    assert [(s.speaker, s.kind, s.text, s.themes, s.key) for s in statements] == [
        ("wt1", "quote", "We weten niet wat de bieb doet.", ["werkwijze"], True),
        ("jw", "note", "ze heeft toch geholpen", ["regels"], False),
        ("jw", "note", "nog iets", ["nieuwthema"], False),  # sticky speaker
    ]
    assert statements[0].offset == pytest.approx(65)
    with WorkshopStore.open(data_dir, SLUG, readonly=True) as store:
        assert [(a.text, a.owner) for a in store.actions(1)] == [("casusoverleg in de bieb", "lg")]
        assert sorted(store.attendance(1)) == sorted(["wt1", "jw1", "bib", "bib"])
        assert "nieuwthema" in [t.key for t in store.themes()]


async def test_error_keeps_the_line(data_dir: Path) -> None:
    """A rejected line waits with its error (the capture line is free for the next one);
    F10 (or ↑ on an empty line) takes it back to fix it."""
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_line(pilot, "xyz: wie is dit #werkwijze")
        screen = app.screen
        capture = screen.query_one("#capture")
        assert capture.value == ""
        preview = screen.query_one("#preview")
        assert preview.has_class("-error") and "xyz" in str(preview.render())
        assert [p.line for p in screen.live.pending] == ["xyz: wie is dit #werkwijze"]
        await pilot.press("f10")
        assert capture.value == "xyz: wie is dit #werkwijze" and screen.live.pending == []
        await pilot.press("escape")  # not fixed now: it waits again
        assert capture.value == "" and [p.line for p in screen.live.pending] == ["xyz: wie is dit #werkwijze"]
        await pilot.press("up")
        assert capture.value == "xyz: wie is dit #werkwijze"
        await settle(pilot)
    assert saved(data_dir) == []


async def test_sticky_speaker_shown(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_line(pilot, "bib: eerste")
        await type_line(pilot, "tweede", enter=False)
        assert "bibliotheekmedewerker" in str(app.screen.query_one("#preview").render())
        await pilot.press("enter")
        await settle(pilot)
    assert [s.speaker for s in saved(data_dir)] == ["bib", "bib"]


async def test_name_in_text_warns(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_line(pilot, "wt: Ik belde Ruben meteen", enter=False)
        preview = app.screen.query_one("#preview")
        assert preview.has_class("-warning") and "Ruben" in str(preview.render())


async def test_any_form_of_a_name_warns_before_enter(data_dir: Path) -> None:
    """Issue 14: the preview warned for full names only; a first name lower-cased, a
    possessive or a name split by a soft hyphen went through without a word."""
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_line(pilot, "wt: dat vond rubén's moeder ook", enter=False)
        preview = app.screen.query_one("#preview")
        assert preview.has_class("-warning") and "rubén's" in str(preview.render())
        await type_line(pilot, "wt: dat zei Fa\u00adtima al", enter=False)
        assert preview.has_class("-warning")


async def test_steps_and_timing_with_a_controlled_clock(data_dir: Path) -> None:
    clock = FakeClock()
    app = make_app(data_dir, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        bar = screen.query_one("#clock")
        await pilot.press("f5")  # start
        clock.advance(12 * 60 + 1)  # 15 min planned: 80% is 12:00
        screen.tick()
        assert bar.has_class("-warning")
        clock.advance(3 * 60)
        screen.tick()
        assert bar.has_class("-over") and app.rang == 1
        screen.tick()
        assert app.rang == 1  # once per step
        await pilot.press("f5")  # pause
        clock.advance(100)
        await pilot.press("f5")  # resume
        clock.advance(10)
        await pilot.press("f7")  # next step
        assert screen.clock.current_step == 1
        clock.advance(30)
        await type_line(pilot, "## 3")
        assert screen.capture_step == 2 and screen.clock.current_step == 1  # ## does not touch the clock
        await type_line(pilot, "wt: in stap drie")
        await pilot.press("f6")  # previous: back to step 0, filing step follows
        assert screen.clock.current_step == 0 and screen.capture_step == 0
        await settle(pilot)
    with WorkshopStore.open(data_dir, SLUG, readonly=True) as store:
        c = store.clock(1)
        assert c.current_step == 0
        first, second = c.steps[0], c.steps[1]
        assert first.paused == pytest.approx(100)  # the pause only
        assert first.away == pytest.approx(30)  # the time spent in step 2 is not a pause
        assert second.start is not None and second.end is not None
        assert second.elapsed(clock()) == pytest.approx(30)
        assert store.statements(1)[0].step == 2


async def test_edit_delete_undo(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await type_line(pilot, "wt: eerste zin #taal")
        await type_line(pilot, "jw: tweede zin")
        await settle(pilot)
        await pilot.press("f8")  # to the record: cursor on the newest
        assert isinstance(app.focused, RecordTable)
        await pilot.press("up", "enter")  # edit the first
        capture = screen.query_one("#capture")
        assert app.focused is capture and "eerste zin" in capture.value
        await type_line(pilot, "lg: eerste zin, verbeterd #taal !")
        await settle(pilot)
        assert [s.text for s in saved(data_dir)] == ["eerste zin, verbeterd", "tweede zin"]
        assert saved(data_dir)[0].speaker == "lg"
        await pilot.press("ctrl+z")  # undo the edit
        await settle(pilot)
        assert saved(data_dir)[0].text == "eerste zin"
        await pilot.press("f8", "delete")  # delete the newest
        await settle(pilot)
        assert [s.text for s in saved(data_dir)] == ["eerste zin"]
        assert "tweede zin" not in screen_text(app)
        await pilot.press("ctrl+z")  # undo the delete
        await settle(pilot)
        assert [s.text for s in saved(data_dir)] == ["eerste zin", "tweede zin"]
        assert "tweede zin" in screen_text(app)


async def test_attendance_ticks(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3")
        # rows: wt1 wt2 jw1 bib1, then roles wt jw bib lg pb on
        await pilot.press("ctrl+t", "down", "down", "ctrl+t", "down", "down", "ctrl+right", "ctrl+right", "ctrl+left",
                          "ctrl+right")
        await pilot.press("ctrl+right", "ctrl+z")  # a third person, undone
        await pilot.press("escape")
        assert app.focused is app.screen.query_one("#capture")
        await settle(pilot)
        assert sorted(app.screen.live.attendance) == ["jw1", "wt", "wt", "wt1"]
        await pilot.press("f3", "up", "space", "x", "plus", "minus", "left", "right")  # no key types a change
        assert app.screen.query_one("#capture").value == " x+-"
        assert app.focused is app.screen.query_one("#capture")
        await settle(pilot)
    with WorkshopStore.open(data_dir, SLUG, readonly=True) as store:
        assert sorted(store.attendance(1)) == ["jw1", "wt", "wt", "wt1"]


async def test_restart_mid_session_resumes(data_dir: Path) -> None:
    clock = FakeClock()
    app = make_app(data_dir, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f5")
        clock.advance(60)
        await pilot.press("f7")
        clock.advance(30)
        await type_line(pilot, "bib: “Wij hebben een leestafel.” #plek")
        await settle(pilot)
    clock.advance(600)  # the app was down for ten minutes
    app = make_app(data_dir, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert screen.clock.current_step == 1 and screen.capture_step == 1
        assert screen.speaker == "bib"
        text = screen_text(app)
        assert "Wij hebben een leestafel." in text
        assert "Stap 2/4" in text and "10:30 / 40:00" in text  # the step ran on while the app was down
        await type_line(pilot, "nog een")
        await settle(pilot)
    assert [s.speaker for s in saved(data_dir)] == ["bib", "bib"]


async def test_english_interface(data_dir: Path) -> None:
    app = make_app(data_dir, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Step 1/4" in text and "not started" in text
        assert "Stap" not in text


@pytest.mark.parametrize("size", [(80, 24), (160, 45), (40, 12)])
async def test_sizes_and_resize(data_dir: Path, size: tuple[int, int]) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=size) as pilot:
        await type_line(pilot, "wt: een zin #taal")
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        await pilot.resize_terminal(*size)
        await pilot.pause()
        capture = app.screen.query_one("#capture")
        assert capture.region.height >= 1 and capture.region.bottom <= size[1]
        await pilot.press("f3")
        await pilot.press("escape")
        assert app.focused is capture


async def test_narrow_side_panel_replaces_record(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert not screen.query_one("#side").display or screen.query_one("#side").region.width == 0
        await pilot.press("f2")
        assert screen.query_one("#side").region.width > 0
        assert screen.query_one(RecordTable).region.width == 0
        await pilot.press("escape")
        assert screen.query_one(RecordTable).region.width > 0


async def test_edit_keeps_an_unknown_speaker(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await type_line(pilot, "“van iemand” #taal")  # no speaker yet: an unknown participant
        await type_line(pilot, "jw: tweede zin")  # jw becomes the sticky speaker
        await settle(pilot)
        assert [s.speaker for s in saved(data_dir)] == [None, "jw"]
        await pilot.press("f8", "up", "enter")  # edit the first
        capture = screen.query_one("#capture")
        assert "van iemand" in capture.value and not capture.value.startswith("jw")
        await type_line(pilot, "“van iemand, verbeterd” #taal")
        await settle(pilot)
        first = saved(data_dir)[0]
        assert (first.text, first.speaker) == ("van iemand, verbeterd", None)
        assert screen.speaker == "jw"  # the sticky speaker is left as it was


async def test_lines_typed_while_the_store_opens_are_kept(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    gate = threading.Event()
    real_open = WorkshopStore.open.__func__

    def slow_open(cls, *args, **kwargs):  # the store opens only when the test says so
        assert gate.wait(10)
        return real_open(cls, *args, **kwargs)

    monkeypatch.setattr(WorkshopStore, "open", classmethod(slow_open))
    app = make_app(data_dir, background_open=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert type(screen).__name__ == "LiveScreen" and not screen.ready  # first frame, store not open
        await type_line(pilot, "wt: vroeg getypt")
        await type_line(pilot, "jw: nog een")
        assert screen.held == ["wt: vroeg getypt", "jw: nog een"]
        assert "bewaard" in screen_text(app).lower()
        gate.set()
        for _ in range(200):
            if screen.ready:
                break
            await pilot.pause(0.02)
        assert screen.ready and not screen.held
        await settle(pilot)
    assert [(s.speaker, s.text) for s in saved(data_dir)] == [("wt", "vroeg getypt"), ("jw", "nog een")]


async def test_side_tabs_and_key_bar(data_dir: Path) -> None:
    """The side panel's tab line and the key bar (one widget each) work by key and by click."""
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        bar = screen.query_one("KeyBar")
        assert "f5 Start/pauze" in screen_text(app) and "^p Opdrachten" in screen_text(app)
        assert [screen.query_one(f"#{p}").display for p in ("agenda", "attendance", "actions")] == [True, False, False]
        await pilot.click("#side-tabs", offset=(20, 0))  # " Agenda " " Aanwezig " " Acties "
        await pilot.pause()
        assert [screen.query_one(f"#{p}").display for p in ("agenda", "attendance", "actions")] == [False, False, True]
        assert app.focused is screen.query_one("#actions")
        x = next(start for start, _end, key in bar.spans if key == "f3")
        await pilot.click("KeyBar", offset=(x + 1, 0))  # clicking a key presses it
        await pilot.pause()
        assert app.focused is screen.query_one("#attendance") and screen.query_one("#attendance").display
        assert screen.query_one("#attendance").row_count > 0  # the plan's seats and roles
        await pilot.press("escape", "f8")  # the record's own keys show while it has focus
        await pilot.pause()
        assert "Bewerk" in screen_text(app).splitlines()[-1]


async def test_panels_after_a_background_open(data_dir: Path) -> None:
    """`facilitator run`: the hidden panels come after the first frame and are filled once the store is open."""
    with WorkshopStore.open(data_dir, SLUG) as store:
        from facilitator.domain.records import Action

        store.add_action(Action(session=1, step=0, text="bel de bieb", owner=None, themes=[]))
    app = make_app(data_dir, background_open=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        for _ in range(200):
            if screen.ready:
                break
            await pilot.pause(0.02)
        assert screen.ready
        await pilot.press("f4")
        await pilot.pause()
        assert screen.query_one("#actions").row_count == 1
        await pilot.press("f3")
        await pilot.pause()
        assert screen.query_one("#attendance").row_count > 0
