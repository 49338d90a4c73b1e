"""`facilitator serve`'s web server on 127.0.0.1: the token, Host and Origin rules applied to
real requests, and a seat's process never outliving its tab. A server "as if on another
address" is the loopback one with `require_token=True`: tests never bind anything else."""

from __future__ import annotations

import asyncio
import os
import shlex
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("textual_serve", reason="needs the serve extra: pip install '.[serve]'")
import aiohttp  # noqa: E402

from facilitator.tui.web import server  # noqa: E402
from facilitator.tui.web.access import Policy, cookie_name  # noqa: E402
from facilitator.tui.web.server import ServeConfig, running  # noqa: E402

TOKEN = "t0ken-" + "x" * 20
QUIT_AT_ONCE = "exec " + shlex.join([sys.executable, "-c", "pass"])


def config(require_token: bool, command: str = QUIT_AT_ONCE, lang: str = "en") -> ServeConfig:
    policy = Policy(require_token=True, token=TOKEN) if require_token else Policy(require_token=False)
    return ServeConfig({"projector": command, "facilitator": command}, policy, lang=lang, title="wijk")


async def test_with_require_token_a_request_without_the_token_is_refused_and_with_it_accepted():
    async with running(config(require_token=True), "127.0.0.1", 0) as port:
        base = f"http://127.0.0.1:{port}"
        # (unsafe: a cookie jar that keeps cookies of a bare IP address, as a browser does)
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            # Without the token: the page asks for it (403), nothing else is served.
            async with http.get(f"{base}/projector") as r:
                page = await r.text()
                assert r.status == 403 and 'name="token"' in page and "Enter the token" in page
                assert "textual.js" not in page and "/projector/ws" not in page
            for path in ("/", "/facilitator", "/static/js/textual.js", "/static/css/xterm.css"):
                async with http.get(base + path) as r:
                    assert r.status == 403, path
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(f"{base}/projector/ws")
            assert refused.value.status == 403
            # A wrong token: asked again, told it is wrong, no cookie.
            async with http.post(f"{base}/projector", data={"token": TOKEN[:-1] + "y"},
                                 allow_redirects=False) as r:
                assert r.status == 403 and "not right" in await r.text()
                assert cookie_name(port) not in r.cookies
            # The right token: a cookie and back to the page, which now is the terminal page.
            async with http.post(f"{base}/projector", data={"token": TOKEN}, allow_redirects=False) as r:
                assert r.status == 303 and r.headers["Location"] == "/projector"
                morsel = r.cookies[cookie_name(port)]
                assert morsel.value == TOKEN and morsel["httponly"] and morsel["samesite"] == "Strict"
            async with http.get(f"{base}/projector") as r:
                page = await r.text()
                assert r.status == 200 and f"ws://127.0.0.1:{port}/projector/ws" in page
            async with http.get(f"{base}/static/js/textual.js") as r:
                assert r.status == 200
            socket = await http.ws_connect(f"{base}/projector/ws", origin=base)
            await socket.close()
        # A cookie with another value is no token.
        async with aiohttp.ClientSession(cookies={cookie_name(port): "x" * 26}) as http:
            async with http.get(f"{base}/static/js/textual.js") as r:
                assert r.status == 403


async def test_on_loopback_the_pages_open_but_other_sites_are_refused():
    async with running(config(require_token=False, lang="nl"), "127.0.0.1", 0) as port:
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as http:
            async with http.get(base + "/") as r:
                page = await r.text()
                assert r.status == 200 and 'href="/projector"' in page and 'href="/facilitator"' in page
                assert "Projectiescherm" in page
            async with http.get(base + "/facilitator") as r:
                page = await r.text()
                assert r.status == 200 and f"ws://127.0.0.1:{port}/facilitator/ws" in page
                assert "googleapis" not in page, "the page must not fetch anything from outside"
                assert "beforeunload" in page, "closing the facilitator's tab asks first"
            async with http.get(base + "/projector") as r:
                assert "beforeunload" not in await r.text(), "nothing is typed on the projector view"
            async with http.get(base + "/", headers={"Host": "evil.example"}) as r:
                assert r.status == 403  # DNS rebinding
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(f"{base}/facilitator/ws", origin="http://evil.example")
            assert refused.value.status == 403
            socket = await http.ws_connect(f"{base}/facilitator/ws", origin=base)
            await socket.close()


async def _wait(condition, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead too (its parent reaps it later).
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize("close", ["tab", "server"])
async def test_a_seat_process_that_does_not_quit_is_killed(tmp_path, monkeypatch, close):
    monkeypatch.setattr(server, "STOP_TIMEOUT", 0.5)
    pid_file = tmp_path / "pid"
    stubborn = "exec " + shlex.join([sys.executable, "-c",
                           "import os, sys, time, signal; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                           f"open({str(pid_file)!r}, 'w').write(str(os.getpid())); "
                           "print('__GANGLION__', flush=True); time.sleep(120)"])
    http = aiohttp.ClientSession()
    try:
        async with running(config(False, command=stubborn), "127.0.0.1", 0) as port:
            socket = await http.ws_connect(f"http://127.0.0.1:{port}/projector/ws")
            await _wait(lambda: pid_file.exists() and pid_file.read_text().strip())
            pid = int(pid_file.read_text())
            assert _alive(pid)
            if close == "tab":
                await socket.close()
                await _wait(lambda: not _alive(pid))
        await _wait(lambda: not _alive(pid))
    finally:
        await http.close()
        if pid_file.exists() and pid_file.read_text().strip() and _alive(int(pid_file.read_text())):
            os.kill(int(pid_file.read_text()), 9)  # the test failed: leave no process behind


def _has_ipv6_loopback() -> bool:
    import socket

    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _has_ipv6_loopback(), reason="no IPv6 loopback here")
async def test_the_ipv6_loopback_serves_without_a_token():
    async with running(config(require_token=False), "::1", 0) as port:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://[::1]:{port}/") as r:
                assert r.status == 200
            socket = await http.ws_connect(f"http://[::1]:{port}/projector/ws", origin=f"http://[::1]:{port}")
            await socket.close()
