"""A small headless-Chromium driver over the DevTools protocol (tests only; aiohttp as client).

The served terminal draws on a canvas (xterm.js), so the page's DOM holds no text. The
driver therefore adds, before any page script runs, a wrapper around `WebSocket` that
keeps the text the page receives (`window.__seat`): what the browser got, decoded by
the browser. Everything is bounded: each wait has a deadline, and `close()` ends the
browser process (and its children: it runs in its own process group).
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import os
import shutil
import signal
import time
from pathlib import Path
from typing import Any

import aiohttp

RECORD_SOCKETS = r"""
(() => {
  const Native = window.WebSocket;
  window.__seat = {open: false, closed: false, text: ""};
  function Recording(url, protocols) {
    const socket = protocols === undefined ? new Native(url) : new Native(url, protocols);
    const decoder = new TextDecoder();
    socket.addEventListener("open", () => { window.__seat.open = true; });
    socket.addEventListener("close", () => { window.__seat.closed = true; });
    socket.addEventListener("message", (event) => {
      if (typeof event.data !== "string") {
        window.__seat.text += decoder.decode(event.data, {stream: true});
      }
    });
    return socket;
  }
  Recording.prototype = Native.prototype;
  for (const k of ["CONNECTING", "OPEN", "CLOSING", "CLOSED"]) Recording[k] = Native[k];
  window.WebSocket = Recording;
})();
"""


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Browser:
    def __init__(self, process: asyncio.subprocess.Process, session: aiohttp.ClientSession,
                 socket: aiohttp.ClientWebSocketResponse):
        self.process, self.session, self.socket = process, session, socket
        self._ids = itertools.count(1)

    @classmethod
    async def launch(cls, profile: Path, timeout: float = 30.0) -> "Browser":
        exe = chromium_path()
        assert exe is not None
        profile.mkdir(parents=True, exist_ok=True)
        (profile / "DevToolsActivePort").unlink(missing_ok=True)  # a stale one names a closed port
        process = await asyncio.create_subprocess_exec(
            exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-background-networking", "--disable-component-update",
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", f"--user-data-dir={profile}",
            "--window-size=1280,800", "about:blank",
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL, start_new_session=True)
        session = aiohttp.ClientSession()
        try:
            deadline = time.monotonic() + timeout
            port_file = profile / "DevToolsActivePort"
            while not (port_file.exists() and port_file.read_text().strip()):
                if process.returncode is not None or time.monotonic() > deadline:
                    raise RuntimeError("chromium did not start its DevTools endpoint")
                await asyncio.sleep(0.1)
            port = int(port_file.read_text().split()[0])
            page_url = None
            while page_url is None:
                async with session.get(f"http://127.0.0.1:{port}/json/list") as response:
                    pages = [t for t in await response.json() if t.get("type") == "page"]
                if pages:
                    page_url = pages[0]["webSocketDebuggerUrl"]
                elif time.monotonic() > deadline:
                    raise RuntimeError("chromium has no page")
                else:
                    await asyncio.sleep(0.1)
            socket = await session.ws_connect(page_url, max_msg_size=64 * 1024 * 1024)
        except BaseException:
            await session.close()
            _kill(process)
            await process.wait()
            raise
        browser = cls(process, session, socket)
        await browser.call("Page.enable")
        await browser.call("Runtime.enable")
        await browser.call("Page.addScriptToEvaluateOnNewDocument", source=RECORD_SOCKETS)
        return browser

    async def call(self, method: str, timeout: float = 20.0, **params: Any) -> dict[str, Any]:
        ident = next(self._ids)
        await self.socket.send_str(json.dumps({"id": ident, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(method)
            message = await self.socket.receive(timeout=left)
            if message.type != aiohttp.WSMsgType.TEXT:
                raise RuntimeError(f"DevTools connection ended during {method}")
            data = json.loads(message.data)
            if data.get("id") == ident:
                if "error" in data:
                    raise RuntimeError(f"{method}: {data['error']}")
                return data.get("result", {})

    async def evaluate(self, expression: str) -> Any:
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    async def goto(self, url: str) -> None:
        await self.call("Page.navigate", url=url)

    async def wait_for(self, expression: str, timeout: float = 30.0) -> Any:
        """Poll `expression` in the page until it is truthy; its value, or TimeoutError."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = await self.evaluate(expression)
            except RuntimeError:
                value = None  # the page is being replaced (a navigation)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"never true: {expression}")
            await asyncio.sleep(0.2)

    async def screenshot(self, path: Path) -> None:
        data = await self.call("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(data["data"]))

    async def close(self) -> None:
        try:
            await self.socket.close()
            await self.session.close()
        finally:
            _kill(self.process)
            try:
                await asyncio.wait_for(self.process.wait(), 10)
            except asyncio.TimeoutError:
                pass


def _kill(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # chromium's renderers and helpers too
        except ProcessLookupError:
            pass
