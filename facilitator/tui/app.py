"""The Textual app: `run_app` is the entry point of `facilitator run`.

Heavy modules (screens, widgets, the store) are imported when needed so the
first frame comes quickly.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable, ClassVar, Iterable

from textual.app import App, SystemCommand

from facilitator.tui.i18n import DEFAULT_LANGUAGE, tr
from facilitator.i18n import section
from facilitator.tui.keys import bind

TEXT = section("tui.app")


def _commands_provider() -> type:
    from facilitator.tui.commands import ActionsProvider

    return ActionsProvider


class FacilitatorApp(App[int]):
    CSS_PATH = ["styles/app.tcss", "styles/room.tcss"]  # room: the countdown (facilitator.tui.widgets.countdown)
    TITLE = "Facilitator"
    COMMANDS: ClassVar[set[Any]] = {_commands_provider}
    BINDINGS = [
        bind("f1", "help", "app.help"),
        bind("ctrl+q", "quit", "app.quit", priority=True),
        bind("ctrl+p", "command_palette", "app.palette", show=False),
    ]

    def __init__(self, data_dir: Path, slug: str | None = None, session: int | None = None,
                 lang: str = DEFAULT_LANGUAGE, now: Callable[[], float] = time.time,
                 readonly: bool = False, bell: bool = True, export_dir: Path | None = None,
                 background_open: bool = False, settings: Any = None, seat: str | None = None):
        super().__init__()
        self.data_dir = Path(data_dir)
        self.slug = slug
        self.session_number = session
        self.lang = lang
        self.now = now
        self.readonly = readonly
        self.seat = seat  # "facilitator" / "notes": one seat of a two-seat session (docs/room.md)
        self.use_bell = bell
        self.store: Any = None
        self.rang = 0  # bells rung, for tests
        self.cursor_blink: bool = True
        self.retry_interval: float = 2.0  # seconds between retries of a failed save
        self.background_open = background_open  # first frame before the store opens (run_app)
        self._settings = settings  # facilitator.settings.Settings, loaded when first needed
        self._export_dir = Path(export_dir) if export_dir is not None else None
        self._readonly_poll: float | None = None
        self.title = tr(TEXT, lang, "title")
        self._localise_bindings()

    # -- settings (docs/settings.md) ----------------------------------------------------

    @property
    def settings(self) -> Any:
        """The typed settings (`facilitator.settings.Settings`), loaded on first use, after
        the first frame: pydantic is not needed to draw it. A setting that cannot be used
        is said once; the defaults stand in for it."""
        if self._settings is None:
            from facilitator.settings import Settings, SettingsError, load_settings

            try:
                self._settings = load_settings(data_dir=str(self.data_dir), lang=self.lang)
            except SettingsError as exc:
                self._settings = Settings.model_construct(data_dir=self.data_dir, lang=self.lang)
                self.notify("\n".join(exc.lines), severity="error", timeout=15)
        return self._settings

    @property
    def export_dir(self) -> Path:
        """Where the report screen and the home screen export (`export_dir`)."""
        return self._export_dir if self._export_dir is not None else Path(self.settings.export_dir)

    @property
    def readonly_poll(self) -> float:
        """Seconds between the read-only view's checks for changes (`readonly_refresh`)."""
        return self._readonly_poll if self._readonly_poll is not None else float(self.settings.readonly_refresh)

    @readonly_poll.setter
    def readonly_poll(self, seconds: float) -> None:
        self._readonly_poll = seconds

    def _localise_bindings(self) -> None:
        from facilitator.tui.keys import localise

        localise(self, TEXT, self.lang)

    def t(self, name: str, /, **values: object) -> str:
        return tr(TEXT, self.lang, name, **values)

    # -- start -----------------------------------------------------------------------

    def get_default_screen(self) -> Any:
        """At start-up on a workshop (`facilitator run SLUG`) the live screen is the
        app's first screen, composed and laid out once with the app (pushed from
        on_mount it was laid out and rendered twice before the first frame)."""
        if self.slug and self.background_open:
            return self._starting_live_screen(self.slug, self.session_number, readonly=self.readonly)
        return super().get_default_screen()

    def on_mount(self) -> None:
        self._catch_signals()
        if self.slug and self.background_open:
            pass  # the default screen: see get_default_screen
        elif self.slug:
            self.open_session(self.slug, self.session_number, readonly=self.readonly)
        else:
            from facilitator.tui.screens.home import HomeScreen

            self.push_screen(HomeScreen())

    def _starting_live_screen(self, slug: str, session: int | None, *, readonly: bool = False) -> Any:
        """A live screen whose first frame comes at once, the store opened behind it."""
        from facilitator.tui.screens.live import LiveScreen
        from facilitator.usecases.session import opener

        return LiveScreen(None, session, opener=opener(self.data_dir, slug, readonly=readonly, seat=self.seat))

    def session_opened(self, store: Any) -> None:
        """The live screen's store is open (called by the screen, on the app's thread)."""
        self.close_store()
        self.store = store
        if store.recovery:
            from facilitator.i18n import Joined

            self.notify(self.t("recovered", lines=Joined(store.recovery, "\n")), severity="warning", timeout=30)

    def session_failed(self, screen: Any, exc: BaseException) -> None:
        """The store of a starting live screen did not open (called by the screen)."""
        held = screen.rescue_early() if hasattr(screen, "rescue_early") else []
        if screen is self.screen and len(self.screen_stack) > 1:  # the first screen stays, empty
            self.pop_screen()
        self.open_failed(exc, self.slug or "", self.session_number, held=held)

    def open_failed(self, exc: BaseException, slug: str, session: int | None, *, held: Iterable[str] = (),
                    on_fail: Callable[[], None] | None = None) -> None:
        """The one locked-workshop flow, whichever way the workshop was being opened.

        `usecases.session.open_failure` decides what the failure means. Lines typed
        meanwhile (`held`, and those typed while the lock question is up) go to a
        rescue file: never lost. Locked: ask (F2 read-only, Esc stop). Otherwise,
        or refused: back to the caller (`on_fail`, with a notice) or stop with the
        reason and its exit code (2 for a problem the user can fix, as the CLI)."""
        from facilitator.usecases.session import open_failure

        failure = open_failure(exc, self.lang)
        self.rescue(list(held), slug, session)
        if failure.can_read_only:
            from facilitator.tui.screens.dialogs import LockedScreen

            dialog = LockedScreen(failure.message)

            def answer(read_only: bool | None) -> None:
                path = self.rescue(dialog.typed_lines(), slug, session)  # typed while the question was up
                if read_only:
                    self.open_session(slug, session, readonly=True, on_fail=on_fail)
                elif on_fail:
                    on_fail()
                else:
                    self.exit(failure.exit_code, return_code=failure.exit_code,
                              message=failure.message + (f"\nrescue: {path}" if path else ""))

            self.push_screen(dialog, answer)
            return
        if on_fail:
            self.notify(failure.message, severity="error")
            on_fail()
            return
        self.exit(failure.exit_code, return_code=failure.exit_code, message=f"facilitator: {failure.message}")

    def write_rescue(self, lines: list[str], slug: str | None, session: int | None) -> Path | None:
        """Lines typed where they could not be saved go to a rescue file in the data
        directory (capture syntax: `facilitator import` brings them in), 0600. Raises OSError."""
        from facilitator.live import rescue

        return rescue.write(self.data_dir, slug, session, lines, getattr(self, "now", time.time)())

    def rescue(self, lines: list[str], slug: str | None = None, session: int | None = None) -> Path | None:
        """`write_rescue` for the lines of a workshop that did not open (default: the
        app's start-up workshop); a failure is loud and the lines are shown, never dropped silently.
        The lines go under a `## N` marker of the step the session's clock is at (read from a
        read-only copy), so a re-import files them where they were typed, not under step 1."""
        slug = slug or self.slug
        session = session if session is not None else self.session_number
        if lines:
            from facilitator.live import rescue

            lines = rescue.with_markers([(self._step_now(slug, session), line) for line in lines])
        try:
            path = self.write_rescue(lines, slug, session)
        except OSError as exc:
            self.notify(self.t("rescue_failed", error=exc.strerror or exc, lines="\n".join(lines)),
                        severity="error", timeout=120)
            return None
        if path:
            self.notify(self.t("rescue_written", path=path), severity="warning", timeout=30)
        return path

    def _step_now(self, slug: str | None, session: int | None) -> int | None:
        """The step the session's clock is at, from a read-only copy of the store (the
        other copy holds the lock); None when it cannot be read."""
        if not slug:
            return None
        from facilitator.store.workshop import WorkshopStore

        try:
            with WorkshopStore.open(self.data_dir, slug, readonly=True) as store:
                number = session if session is not None else store.next_session(self.now())
                return store.clock(number).current_step
        except Exception:  # noqa: BLE001 - damaged or gone: the lines are written without a marker
            return None

    def open_session(self, slug: str, session: int | None, *, readonly: bool = False,
                     on_fail: Callable[[], None] | None = None) -> None:
        """Open a workshop and push its live screen; a failure goes to `open_failed`
        (the lock question, or back to `on_fail`, or stop)."""
        from facilitator.usecases.session import open_failure, open_workshop

        try:
            store = open_workshop(self.data_dir, slug, readonly=readonly, seat=self.seat)
        except Exception as exc:
            if open_failure(exc).kind == "unexpected":
                raise  # to the error log
            self.open_failed(exc, slug, session, on_fail=on_fail)
            return
        self.session_opened(store)
        from facilitator.tui.screens.live import LiveScreen

        self.push_screen(LiveScreen(store, session))

    def open_report(self, slug: str) -> bool:
        """Open a workshop for writing and push its report screen; False (and a notice) when it cannot."""
        from facilitator.store.workshop import StoreError
        from facilitator.usecases.session import open_workshop

        try:
            store = open_workshop(self.data_dir, slug)
        except StoreError as exc:
            from facilitator.i18n import in_language

            self.notify(in_language(exc, self.lang), severity="error", timeout=10)
            return False
        self.close_store()
        self.store = store
        self.show_report(store)
        return True

    def show_report(self, store: Any) -> None:
        """Push the report screen of an open store (the live screen's, or one opened for it)."""
        from facilitator.tui.screens.report import ReportScreen

        self.push_screen(ReportScreen(store))

    def close_store(self) -> None:
        if self.store is not None:
            try:
                self.store.close()
            finally:
                self.store = None

    # -- actions ---------------------------------------------------------------------

    def ring(self) -> None:
        self.rang += 1
        if self.use_bell and self.settings.bell:
            self.bell()

    def action_command_palette(self) -> None:
        """Textual's command palette, with its search line in the interface language."""
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=self.t("palette.placeholder")))

    def on_descendant_focus(self, event: Any) -> None:
        """Textual's own widgets with an English key hint (a dropdown's "Dismiss menu"):
        the hint in the interface language, once per widget."""
        from textual.widgets._select import SelectOverlay  # not exported; the class the dropdown focuses

        widget = event.widget
        if isinstance(widget, SelectOverlay) and not getattr(widget, "_localised", False):
            import dataclasses

            widget._localised = True
            bindings = widget._bindings.key_to_bindings
            for key, items in bindings.items():
                bindings[key] = [dataclasses.replace(b, description=self.t("dismiss")) if b.action == "dismiss"
                                 else b for b in items]
            widget.refresh_bindings()

    def action_help(self) -> None:
        from facilitator.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    async def action_quit(self) -> None:
        """Quit, unless a screen in the stack still holds text that is not saved: every
        screen with a `quit_guard` is asked, top first (the report screen over a live one).

        Ctrl+Q is a priority key: it runs as soon as it arrives, while keys typed just before
        it may still wait in the focused widget's queue (Ctrl+U clearing the line). The
        question is asked after the focused widget has handled those."""
        focused = self.focused
        if focused is not None:
            focused.call_later(self.call_later, self._quit_if_safe)
            return
        self._quit_if_safe()

    def _quit_if_safe(self) -> None:
        for screen in reversed(self.screen_stack):
            guard = getattr(screen, "quit_guard", None)
            if guard is not None and not guard():
                return
        self.exit(0)

    async def on_event(self, event: Any) -> None:
        """Keys and pastes are offered to the screen's `route_key` first, in arrival order, before
        Textual forwards them to the focused widget: the live screen moves the focus to its
        capture line there, so a printable key typed in a panel and every key after it reach the
        line in order (one queue). A key the screen answers itself there (two seats: a key of the
        other seat says whose it is) goes no further."""
        from textual import events

        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            route = getattr(self.screen, "route_key", None)
            if route is not None and route(event):
                return
        await super().on_event(event)

    def get_system_commands(self, screen: Any) -> Iterable[SystemCommand]:
        yield from ()

    def on_unmount(self) -> None:
        self._release_signals()
        self.close_store()

    # -- the terminal closed (SIGHUP) or the process told to stop (SIGTERM) -------------

    SIGNALS = ("SIGHUP", "SIGTERM")

    def _catch_signals(self) -> None:
        """SIGHUP (the terminal window closed) and SIGTERM ended the process at once: the
        half-typed line and the lines not saved yet were lost. Now they go to the rescue
        file, as with "quit anyway", and the app exits (code 128 + the signal's number)."""
        import asyncio
        import signal
        import threading

        if threading.current_thread() is not threading.main_thread():
            return
        loop = asyncio.get_running_loop()
        for name in self.SIGNALS:
            try:
                loop.add_signal_handler(getattr(signal, name), self._on_signal, getattr(signal, name))
            except (NotImplementedError, RuntimeError, ValueError):  # not on this platform / loop
                pass

    def _release_signals(self) -> None:
        import asyncio
        import signal

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        for name in self.SIGNALS:
            try:
                loop.remove_signal_handler(getattr(signal, name))
            except (NotImplementedError, RuntimeError, ValueError):
                pass

    def _on_signal(self, signum: int) -> None:
        import os
        import threading

        if getattr(self, "_signalled", False):
            return
        self._signalled = True
        paths: list[Path] = []
        for screen in reversed(self.screen_stack):
            rescue = getattr(screen, "rescue_on_signal", None)
            if rescue is None:
                continue
            try:
                path = rescue()
            except Exception:  # noqa: BLE001 - the others still get their turn
                self.log.error("rescue on signal failed")
                continue
            if path is not None:
                paths.append(path)
        # The terminal may be gone: never hang on restoring it.
        stopper = threading.Timer(5.0, os._exit, (128 + signum,))
        stopper.daemon = True
        stopper.start()
        self.exit(128 + signum, return_code=128 + signum,
                  message="\n".join(f"rescue: {p}" for p in paths) or None)

    # -- unexpected errors: to the log, never a traceback (with locals) on screen --------

    def _handle_exception(self, error: Exception) -> None:
        self._last_error = error
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        import sys

        from facilitator.usecases.errorlog import log_unexpected, summary, unexpected_message

        error = getattr(self, "_last_error", None)
        path = log_unexpected(str(self.data_dir), sys.argv[1:], error)
        reason = "" if path else summary(error)
        self._exit_renderables.append("facilitator: " + unexpected_message(path, reason, self.lang))
        self._close_messages_no_wait()


def run_app(data_dir: Path, slug: str | None, session: int | None, lang: str, seat: str | None = None) -> int:
    """Run the TUI: the live screen of a session, or the home screen without a slug.
    `seat`: one seat of a two-seat session (facilitator.store.seats)."""
    app = FacilitatorApp(Path(data_dir), slug, session, lang, background_open=True, seat=seat)
    result = app.run()
    return int(result or app.return_code or 0)


def run_projector(data_dir: Path, slug: str, session: int | None, lang: str, warn: str | None) -> int:
    """`facilitator show`: the projector view, its own small app (facilitator.tui.projector)."""
    from facilitator.tui.projector import ProjectorApp

    app = ProjectorApp(Path(data_dir), slug, session, lang, warn)
    result = app.run()
    return int(result or app.return_code or 0)
