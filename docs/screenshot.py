"""Regenerate docs/live-screen.svg, the README's picture of the live screen:
`python3 docs/screenshot.py`. The demo workshop's evaluation session (4),
started and captured into with a clock the script moves, at 120x34."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


async def main() -> None:
    from facilitator.demo import build_demo
    from facilitator.tui.app import FacilitatorApp

    data_dir = Path(tempfile.mkdtemp()) / "sessions"
    slug = build_demo(data_dir)
    clock = [1_765_290_600.0]  # 2025-12-09 15:30 local time of the demo's evaluation
    app = FacilitatorApp(data_dir, slug, 4, "nl", now=lambda: clock[0], bell=False)
    app.cursor_blink = False
    app.animation_level = "none"
    lines = [
        "aanwezig: bc1 bc2 wv1 wc1 vw1 pb on",
        'bc2: "Ik merk het aan de telefoontjes: ze bellen elkaar nu zelf." #doorgeven !',
        "bc1: De duobezoeken gaan door, ook na de werkplaats. #samen-oppakken",
        '"Het signaal ligt nu binnen twee dagen bij iemand." #doorgeven',
        "actie: evaluatie delen met de teamleiders @pb",
    ]
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.pause()
        await pilot.press("f5")
        for line in lines:
            clock[0] += 95
            await pilot.press(*line, "enter")
            await pilot.pause()
        clock[0] += 300
        await pilot.press(*'wv1: "We kennen elkaars gezicht nu." #vertrouwen')
        await pilot.pause(0.3)
        svg = app.export_screenshot(title="facilitator: live session")
    (ROOT / "docs" / "live-screen.svg").write_text(svg, encoding="utf-8")


if __name__ == "__main__":
    asyncio.run(main())
