"""`facilitator serve` in a real browser: headless Chromium (Debian's `chromium`) on
127.0.0.1 opens the projector view and the facilitator seat, and with a token-guarded
server first gets the page that asks for the token.

The terminal is drawn on a canvas, so the check reads what the page's websocket received
(recorded in the page, see cdp.py) and the page's state; a screenshot of each run is left
in the test's tmp directory for a look by eye."""

from __future__ import annotations

import asyncio
import os
import re
import time
from pathlib import Path

import pytest

from tests.web.cdp import chromium_path

pytest.importorskip("textual_serve", reason="needs the serve extra: pip install '.[serve]'")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(chromium_path() is None, reason="needs Chromium (apt-get install chromium)"),
]

from facilitator.demo import SLUG, build_demo, plan_text  # noqa: E402
from facilitator.domain.plan import parse_plan  # noqa: E402
from facilitator.tui.web.access import Policy  # noqa: E402
from facilitator.tui.web.seats import SEATS, seat_command  # noqa: E402
from facilitator.tui.web.server import ServeConfig, running  # noqa: E402
from tests.web.cdp import Browser  # noqa: E402

ESCAPES = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]")
RECEIVED = "window.__seat ? window.__seat.text : ''"


def screen_text(raw: str) -> str:
    return ESCAPES.sub("", raw or "")


@pytest.fixture
def workshop(tmp_path: Path):
    data = tmp_path / "data"
    build_demo(data)
    plan = parse_plan(plan_text(), "plan.toml", SLUG)
    return data, plan


def serve_config(data: Path, session: int, require_token: bool = False) -> ServeConfig:
    commands = {seat: seat_command(seat, data_dir=data, slug=SLUG, session=session, lang="nl") for seat in SEATS}
    policy = Policy(True, "browser-token-" + "z" * 12) if require_token else Policy(False)
    return ServeConfig(commands, policy, lang="nl", title=SLUG)


async def wait_for_text(browser: Browser, *needles: str, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    seen = ""
    while time.monotonic() < deadline:
        seen = screen_text(await browser.evaluate(RECEIVED))
        if all(n in seen for n in needles):
            return seen
        await asyncio.sleep(0.2)
    raise AssertionError(f"never shown: {needles!r}; last screen text: {seen[-1500:]!r}")


def seat_processes(data: Path) -> list[int]:
    """Processes whose command line names this test's data directory (the seats)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if str(data.resolve()).encode() in cmdline and int(entry.name) != os.getpid():
                found.append(int(entry.name))
    return found


async def no_seats_left(data: Path, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while seat_processes(data):
        assert time.monotonic() < deadline, f"seat processes left: {seat_processes(data)}"
        await asyncio.sleep(0.1)


async def test_the_browser_shows_the_projector_view_and_the_facilitator_seat(tmp_path, workshop):
    data, plan = workshop
    session = plan.sessions[-1]  # the demo's session not yet held: its countdown and what comes next
    names = [p.name for p in plan.participants if p.name]
    assert names, "the demo has named participants to look for"
    async with running(serve_config(data, session.number), "127.0.0.1", 0) as port:
        browser = await Browser.launch(tmp_path / "profile")
        try:
            await browser.goto(f"http://127.0.0.1:{port}/projector")
            seen = await wait_for_text(browser, session.title, "Stap 1/", "Hierna")
            assert await browser.wait_for("document.body.classList.contains('-first-byte')")
            await browser.screenshot(tmp_path / "projector.png")
            leaked = [n for n in names if n in seen]
            assert leaked == [], f"the projector view showed names: {leaked}"

            await browser.goto(f"http://127.0.0.1:{port}/facilitator")
            await browser.wait_for("location.pathname === '/facilitator'")
            await wait_for_text(browser, session.title)
            await browser.screenshot(tmp_path / "facilitator.png")
        finally:
            await browser.close()
    await no_seats_left(data)


async def test_the_browser_is_asked_for_the_token_first(tmp_path, workshop):
    data, plan = workshop
    session = plan.sessions[-1]
    config = serve_config(data, session.number, require_token=True)
    async with running(config, "127.0.0.1", 0) as port:
        browser = await Browser.launch(tmp_path / "profile")
        try:
            await browser.goto(f"http://127.0.0.1:{port}/projector")
            assert await browser.wait_for("document.querySelector('input#token') !== null")
            assert not await browser.evaluate("typeof window.__seat === 'object' && window.__seat.open")
            assert "code" in await browser.evaluate("document.body.innerText")
            assert not await browser.evaluate("window.__seat.open"), "no seat before the token"
            await browser.evaluate(f"document.querySelector('#token').value = {config.policy.token!r};"
                                   "document.querySelector('form').submit(); true")
            await wait_for_text(browser, session.title, "Stap 1/")
            await browser.screenshot(tmp_path / "after-token.png")
            assert config.policy.token not in await browser.evaluate("document.cookie + location.href")
        finally:
            await browser.close()
    await no_seats_left(data)
