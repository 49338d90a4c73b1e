"""The web server of `facilitator serve` (needs the `serve` extra: textual-serve, aiohttp).

One aiohttp application serves:

    /                 a page with a link to each seat
    /projector        the projector view (`facilitator show SLUG ...`)
    /facilitator      the facilitator's seat (`facilitator run SLUG ...`)
    /SEAT/ws          the websocket that drives that seat's process
    /static/...       textual-serve's terminal page (xterm.js) and its files

Each tab that opens a seat gets its own process, started and stopped by textual-serve's
`AppService`; closing the tab (or stopping the server) ends it. Every request goes
through `access.decide` first (loopback only, or the token; see `facilitator.tui.web.access`).
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
import signal
from collections.abc import Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import AsyncIterator

import aiohttp_jinja2
import jinja2
import textual_serve
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from facilitator.i18n import text
from facilitator.usecases.errors import UseCaseError
from facilitator.tui.web.access import TOKEN_FIELD, Policy, Verdict, cookie_name, decide

__all__ = ["ServeConfig", "build_app", "running", "serve"]

log = logging.getLogger("facilitator.serve")
_TS = Path(textual_serve.__file__).resolve().parent
# textual-serve's page asks a web font of a font service: nothing is fetched from outside.
_REMOTE_FONT = re.compile(r"<link[^>]*fonts\.googleapis\.com[^>]*>", re.IGNORECASE)
# Seconds a seat's process gets to quit before it is killed: more than the live screen's
# writer takes to finish the saves still queued (5 s at most).
STOP_TIMEOUT = 10.0
# Seats where people type: closing or reloading the tab asks first (the browser's own dialog),
# since it ends the seat's process as closing a terminal would.
ASK_BEFORE_LEAVING = frozenset({"facilitator"})
_LEAVE_GUARD = ('<script>window.addEventListener("beforeunload", (e) => '
                '{ e.preventDefault(); e.returnValue = ""; });</script>')

CONFIG_KEY: web.AppKey["ServeConfig"] = web.AppKey("facilitator_serve", object)  # type: ignore[arg-type]
SOCKETS_KEY: web.AppKey[set] = web.AppKey("facilitator_sockets", set)
SERVICES_KEY: web.AppKey[set] = web.AppKey("facilitator_services", set)


@dataclass
class ServeConfig:
    commands: Mapping[str, str]   # seat -> the shell command of its process
    policy: Policy
    lang: str = "nl"
    title: str = "facilitator"
    # Called with each seat's output (tests: what the browser was sent); None in use.
    on_output: Callable[[str, bytes], None] | None = field(default=None, repr=False)


def _page(title: str, body: str, lang: str) -> str:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            '<style>body{font-family:sans-serif;background:#0c181f;color:#eee;margin:3em}'
            'a{color:#9cf;font-size:1.4em}li{margin:.6em 0}input,button{font-size:1.2em}</style>'
            f"</head><body>{body}</body></html>")


def _ask_page(config: ServeConfig, wrong: bool) -> str:
    lang = config.lang
    note = f'<p role="alert">{html.escape(text("web.token_wrong", lang))}</p>' if wrong else ""
    body = (f"<h1>{html.escape(config.title)}</h1><p>{html.escape(text('web.token_prompt', lang))}</p>{note}"
            f'<form method="post"><input type="password" name="{TOKEN_FIELD}" id="token" autofocus '
            f'autocomplete="off" aria-label="token"> <button type="submit" id="go">'
            f"{html.escape(text('web.token_button', lang))}</button></form>")
    return _page(config.title, body, lang)


@web.middleware
async def _guard(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                 ) -> web.StreamResponse:
    config = request.app[CONFIG_KEY]
    port = (request.transport.get_extra_info("sockname") or ("", 0))[1] if request.transport else 0
    form_token = None
    if request.method == "POST" and config.policy.require_token:
        form_token = (await request.post()).get(TOKEN_FIELD)
    verdict = decide(config.policy, method=request.method, path=request.path, host=request.host,
                     origin=request.headers.get("Origin"), cookie=request.cookies.get(cookie_name(port)),
                     form_token=form_token if isinstance(form_token, str) else None)
    # (not "no-referrer": with it the browser posts the token form with `Origin: null`, refused)
    headers = {"Cache-Control": "no-store", "Referrer-Policy": "same-origin"}
    if verdict is Verdict.ALLOW:
        response = await handler(request)
        if not isinstance(response, web.WebSocketResponse):
            response.headers.update(headers)
        return response
    if verdict is Verdict.LOGIN:
        response = web.Response(status=303, headers={**headers, "Location": request.path})
        response.set_cookie(cookie_name(port), config.policy.token, httponly=True, samesite="Strict", path="/")
        return response
    if verdict is Verdict.ASK:
        return web.Response(status=403, text=_ask_page(config, wrong=form_token is not None),
                            content_type="text/html", headers=headers)
    return web.Response(status=403, text=text("web.refused", config.lang) + "\n", headers=headers)


async def _index(request: web.Request) -> web.Response:
    config = request.app[CONFIG_KEY]
    lang = config.lang
    items = "".join(f'<li><a href="/{seat}">{html.escape(text(f"web.seat_{seat}", lang))}</a></li>'
                    for seat in config.commands)
    body = f"<h1>{html.escape(config.title)}</h1><ul>{items}</ul>"
    return web.Response(text=_page(config.title, body, lang), content_type="text/html")


def _seat_page(seat: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handler(request: web.Request) -> web.Response:
        config = request.app[CONFIG_KEY]
        scheme = "wss" if request.secure else "ws"
        context = {
            "font_size": 16,
            "app_websocket_url": f"{scheme}://{request.host}/{seat}/ws",
            "config": {"static": {"url": "/static/"}},
            "application": {"name": f"{config.title} · {text(f'web.seat_{seat}', config.lang)}"},
            "ping_url": "",
        }
        page = _REMOTE_FONT.sub("", aiohttp_jinja2.render_string("app_index.html", request, context))
        if seat in ASK_BEFORE_LEAVING:
            page = page.replace("</head>", _LEAVE_GUARD + "</head>", 1)
        return web.Response(text=page, content_type="text/html")

    return handler


def _seat_socket(seat: str) -> Callable[[web.Request], Awaitable[web.WebSocketResponse]]:
    async def handler(request: web.Request) -> web.WebSocketResponse:
        config = request.app[CONFIG_KEY]
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        request.app[SOCKETS_KEY].add(websocket)

        async def write_bytes(data: bytes) -> None:
            if config.on_output is not None:
                config.on_output(seat, data)
            await websocket.send_bytes(data)

        service = AppService(config.commands[seat], write_bytes=write_bytes, write_str=websocket.send_str,
                             close=websocket.close, download_manager=DownloadManager())
        request.app[SERVICES_KEY].add(service)
        try:
            await service.start(_int(request.query.get("width"), 80), _int(request.query.get("height"), 24))
            async for message in websocket:
                if message.type != WSMsgType.TEXT:
                    continue
                envelope = message.json()
                kind = envelope[0] if isinstance(envelope, list) and envelope else None
                if kind == "stdin":
                    await service.send_bytes(str(envelope[1]).encode("utf-8"))
                elif kind == "resize":
                    await service.set_terminal_size(_int(envelope[1].get("width"), 80),
                                                    _int(envelope[1].get("height"), 24))
                elif kind == "ping":
                    await websocket.send_json(["pong", envelope[1]])
                elif kind == "blur":
                    await service.blur()
                elif kind == "focus":
                    await service.focus()
        finally:
            request.app[SOCKETS_KEY].discard(websocket)
            await _stop(service)
            request.app[SERVICES_KEY].discard(service)
            if not websocket.closed:
                await websocket.close()
        return websocket

    return handler


async def _stop(service: AppService) -> None:
    """Ask the seat's app to quit (it saves as on Ctrl+Q); kill it if it has not after a while."""
    try:
        await asyncio.wait_for(asyncio.shield(service.stop()), STOP_TIMEOUT)
    except (asyncio.TimeoutError, Exception):  # noqa: BLE001 - the process must not outlive the tab
        pass
    process = service._process  # textual-serve keeps no public handle on it
    if process is not None and process.returncode is None:
        process.kill()
        await process.wait()


def _int(value: object, default: int) -> int:
    try:
        return max(1, min(1000, int(value)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default


async def _close_sockets(app: web.Application) -> None:
    for websocket in list(app[SOCKETS_KEY]):
        await websocket.close(code=1001, message=b"server stopped")


def build_app(config: ServeConfig) -> web.Application:
    app = web.Application(middlewares=[_guard], client_max_size=64 * 1024)
    app[CONFIG_KEY] = config
    app[SOCKETS_KEY] = set()
    app[SERVICES_KEY] = set()
    aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(str(_TS / "templates")))
    routes = [web.get("/", _index)]
    for seat in config.commands:
        routes += [web.get(f"/{seat}", _seat_page(seat)), web.get(f"/{seat}/ws", _seat_socket(seat))]
    routes.append(web.static("/static", _TS / "static"))
    app.add_routes(routes)
    # The token form posts to the page it was shown on; the guard answers it before any handler.
    app.router.add_route("POST", "/", _index)
    for seat in config.commands:
        app.router.add_route("POST", f"/{seat}", _seat_page(seat))
    app.on_shutdown.append(_close_sockets)
    return app


@asynccontextmanager
async def running(config: ServeConfig, host: str, port: int) -> AsyncIterator[int]:
    """Serve `config` on host:port while inside; yields the port (useful with port 0).
    On leaving, every seat's websocket is closed and its process stopped."""
    app = build_app(config)
    runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=STOP_TIMEOUT + 5)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError as exc:
            raise UseCaseError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        yield runner.addresses[0][1]
    finally:
        await runner.cleanup()
        for service in list(app[SERVICES_KEY]):  # a handler cancelled before it stopped its seat
            process = service._process
            if process is not None and process.returncode is None:
                process.kill()
                await process.wait()


def serve(config: ServeConfig, host: str, port: int, ready: Callable[[int], None]) -> int:
    """Serve until Ctrl+C or SIGTERM; `ready(port)` is called once listening."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        async with running(config, host, port) as bound:
            ready(bound)
            await stop.wait()

    asyncio.run(main())
    return 0
