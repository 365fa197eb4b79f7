"""`dialer-tray`: wires the tray icon, the card and sign-in windows (tkinter, on the main
thread), and the network shell (asyncio in a thread) around the pure agent view.

All window and state work happens on the Tk thread: the icon's menu and the network post
callables into `inbox`, which the Tk loop drains every 20 ms.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import logging
import queue
import subprocess
import sys
import time
import tkinter as tk
import webbrowser
from pathlib import Path
from typing import Any, Callable, Sequence

from dialer.tray import runner
from dialer.tray.agent_view import AgentView, apply, connection
from dialer.tray.api import AgentApi, DialerError, normalise_origin, request_token
from dialer.tray.card_window import CardWindow
from dialer.tray.cards import Card
from dialer.tray.config import ConfigError, TrayConfig, config_dir, load_config
from dialer.tray.control_window import ControlWindow
from dialer.tray.icon import TrayIcon
from dialer.tray.live import LiveConnection
from dialer.tray.shell import Shell
from dialer.tray.sign_in_window import SignInWindow
from dialer.tray.tokens import FileTokenStore, SavedToken, TokenStore, TOKEN_FILE, open_token_store

log = logging.getLogger("dialer.tray")
DRAIN_MS = 20
LAST_FILE = "last.json"  # the last address and user name (not secret), to fill in the sign-in


class TrayApp:
    def __init__(self, directory: Path | None = None, *, show_icon: bool = True,
                 store: TokenStore | None = None, open_url: Callable[[str], Any] | None = None,
                 popen: Callable[..., Any] = subprocess.Popen) -> None:
        self.directory = directory or config_dir()
        self.config: TrayConfig = load_config(self.directory)
        self.store = store or open_token_store(self.directory)
        self.open_url = open_url or (lambda url: webbrowser.open(url, new=2))
        self.popen = popen
        self.root = tk.Tk(className="dialer-tray")
        self.root.withdraw()
        self.shell = Shell()
        self.inbox: queue.Queue[tuple[Callable[..., None], tuple[Any, ...]]] = queue.Queue()
        self.view = AgentView()
        self.token: SavedToken | None = None
        self.api: AgentApi | None = None
        self.live: concurrent.futures.Future | None = None
        self.cards: dict[str, CardWindow] = {}
        self.sign_in_window: SignInWindow | None = None
        self.control_window: ControlWindow | None = None
        self.campaigns: list[dict[str, Any]] = []
        self.reasons: list[dict[str, Any]] = []
        self.error = ""
        self.connected_at: float | None = None  # wall clock of the last snapshot (the socket is live)
        actions = {name: self._threadsafe(fn) for name, fn in {
            "ready": lambda: self.act("ready"), "pause": lambda rid: self.act("pause", {"reason_id": rid}),
            "join": lambda ids: self.act("login", {"campaign_ids": list(ids)}), "leave": lambda: self.act("logout"),
            "sign_in": self.open_sign_in, "sign_out": self.sign_out, "quit": self.quit, "show": self.show,
        }.items()}
        self.actions = actions
        self.icon = TrayIcon(actions) if show_icon else None
        self._running = False

    # -- threads -------------------------------------------------------------------------

    def post(self, fn: Callable[..., None], *args: Any) -> None:
        """Run `fn(*args)` on the Tk thread (safe from any thread)."""
        self.inbox.put((fn, args))

    def _threadsafe(self, fn: Callable[..., None]) -> Callable[..., None]:
        return lambda *args: self.post(fn, *args)

    def _drain(self) -> None:
        while True:
            try:
                fn, args = self.inbox.get_nowait()
            except queue.Empty:
                break
            try:
                fn(*args)
            except Exception:
                log.exception("tray: %s failed", getattr(fn, "__name__", fn))
        if self._running:
            self.root.after(DRAIN_MS, self._drain)

    def _when_done(self, future: concurrent.futures.Future, fn: Callable[[concurrent.futures.Future], None]) -> None:
        future.add_done_callback(lambda f: self.post(fn, f))

    # -- life --------------------------------------------------------------------------------

    def start(self) -> None:
        self._running = True
        self.shell.start()
        if self.icon is not None:
            try:
                self.icon.start()
            except Exception as exc:  # no tray on this desktop: the window does the menu's work
                log.warning("tray icon unavailable (%s); using the window", exc)
                self.icon = None
        if self.icon is None or not self.icon.has_menu:
            self.show()
        saved = self.store.load()
        if saved is not None:
            self.connect(saved)
        else:
            self.open_sign_in()
        self._render()
        self.root.after(DRAIN_MS, self._drain)

    def run(self) -> None:
        self.start()
        try:
            self.root.mainloop()
        finally:
            self.close()

    def close(self) -> None:
        self._running = False
        if self.icon is not None:
            self.icon.stop()
        self.shell.stop()

    def quit(self) -> None:
        self.close()
        self.root.quit()

    # -- sign-in -----------------------------------------------------------------------------

    def _last(self) -> dict[str, str]:
        try:
            data = json.loads((self.directory / LAST_FILE).read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def open_sign_in(self) -> None:
        if self.sign_in_window is not None:
            self.sign_in_window.top.lift()
            return
        last = self._last()
        self.sign_in_window = SignInWindow(
            self.root, origin=self.config.dialer or last.get("origin", ""),
            username=self.config.username or last.get("username", ""),
            on_submit=self.sign_in, on_closed=lambda: setattr(self, "sign_in_window", None))

    def sign_in(self, address: str, username: str, password: str) -> None:
        origin = normalise_origin(address)
        if not origin:
            self._sign_in_failed("The address must be like https://dialer.example.com.")
            return
        assert self.shell.session is not None
        self._when_done(self.shell.submit(request_token(self.shell.session, origin, username, password)),
                        self._signed_in)

    def _sign_in_failed(self, message: str) -> None:
        if self.sign_in_window is not None:
            self.sign_in_window.failed(message)

    def _signed_in(self, future: concurrent.futures.Future) -> None:
        try:
            token: SavedToken = future.result()
        except DialerError as exc:
            self._sign_in_failed(str(exc))
            return
        try:
            self.store.save(token)
        except Exception as exc:  # a locked keyring: keep it in the user-only file instead
            log.warning("keyring refused the token (%s); keeping it in %s", exc, TOKEN_FILE)
            self.store = FileTokenStore(self.directory / TOKEN_FILE)
            self.store.save(token)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            (self.directory / LAST_FILE).write_text(json.dumps({"origin": token.origin, "username": token.username}),
                                                    encoding="utf-8")
        except OSError:
            pass
        if self.sign_in_window is not None:
            self.sign_in_window.close()
        self.connect(token)

    def connect(self, token: SavedToken) -> None:
        assert self.shell.session is not None
        if self.live is not None:
            self.live.cancel()
        self.token = token
        self.api = AgentApi(self.shell.session, token)
        self.view = AgentView(signed_in=True)
        live = LiveConnection(self.api, on_message=self._threadsafe(self.on_message),
                              on_status=self._threadsafe(self.on_status),
                              on_rejected=self._threadsafe(lambda: self.sign_out_locally("Please sign in again.")))
        self.live = self.shell.submit(live.run())
        self._render()

    def sign_out(self) -> None:
        if self.api is not None:
            self.shell.submit(self.api.call("POST", "sign-out"))  # ends the token on the dialer too
        self.sign_out_locally("")

    def sign_out_locally(self, message: str) -> None:
        if self.live is not None:
            self.live.cancel()
            self.live = None
        self.store.clear()
        self.token, self.api = None, None
        self.view = AgentView()
        self.error = message
        self._render()
        self.open_sign_in()
        if message:
            self._sign_in_failed(message)

    # -- what the dialer says ---------------------------------------------------------------

    def on_message(self, message: dict[str, Any]) -> None:
        self.view, cards = apply(self.view, message)
        if message.get("type") == "auth.revoked":
            self.sign_out_locally("Signed out (the panel or another device signed you out).")
            return
        try:
            for card in cards:
                self.show_card(card)
        finally:
            self._render()

    def on_status(self, connected: bool) -> None:
        self.view = connection(self.view, connected)
        if connected:
            self.connected_at = time.time()
            self._load_choices()
        self._render()

    def _render(self) -> None:
        state = self.view.icon
        if self.icon is not None:
            self.icon.show(state, self.view.reason)
        if self.control_window is not None:
            self.control_window.show(state, self.view.reason, self.error)

    # -- windows -----------------------------------------------------------------------------

    def show(self) -> None:
        if self.control_window is None:
            self.control_window = ControlWindow(self.root, self.actions,
                                                on_closed=lambda: setattr(self, "control_window", None))
            self.control_window.offer(self.campaigns, self.reasons)
        self.control_window.top.deiconify()
        self.control_window.top.lift()
        self._render()

    def show_card(self, card: Card) -> None:
        if card.key in self.cards:
            self.cards[card.key].top.lift()
            return
        self.cards[card.key] = CardWindow(self.root, card, runner.run_choice(card, self.config.programs),
                                          on_open=self.open_url, on_run=self.run_program,
                                          on_closed=lambda c: self.cards.pop(c.key, None))

    def run_program(self, card: Card) -> str:
        try:
            argv = runner.command(card, self.config.programs)
            runner.start(argv, self.popen)
        except runner.Refused as exc:
            return f"Not run: {exc}."
        except OSError as exc:
            return f"Could not start {card.program}: {exc.strerror or exc}."
        return f"Started {self.config.programs[card.program].button.removeprefix('Run ')}."

    # -- acting ------------------------------------------------------------------------------

    def act(self, path: str, body: dict[str, Any] | None = None) -> None:
        if self.api is None:
            self.open_sign_in()
            return
        self._when_done(self.shell.submit(self.api.call("POST", path, body)), self._acted)

    def _acted(self, future: concurrent.futures.Future) -> None:
        try:
            future.result()
            self.error = ""
        except DialerError as exc:
            self.error = str(exc)
        self._render()

    def _load_choices(self) -> None:
        if self.api is not None:
            self._when_done(self.shell.submit(self.api.call("GET", "campaigns")), self._choices)

    def _choices(self, future: concurrent.futures.Future) -> None:
        try:
            data = future.result()
        except DialerError:
            return
        self.campaigns = [c for c in data.get("campaigns", []) if isinstance(c, dict)]
        self.reasons = [r for r in data.get("pause_reasons", []) if isinstance(r, dict)]
        if self.icon is not None:
            self.icon.offer(self.campaigns, self.reasons)
        if self.control_window is not None:
            self.control_window.offer(self.campaigns, self.reasons)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dialer-tray", description="The dialer's pop-up app in the system tray.")
    parser.add_argument("--config-dir", type=Path, default=None, help=f"default: {config_dir()}")
    parser.add_argument("--no-icon", action="store_true", help="no tray icon: a small window instead")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        app = TrayApp(args.config_dir, show_icon=not args.no_icon)
    except ConfigError as exc:
        print(f"dialer-tray: {exc}", file=sys.stderr)
        return 2
    except tk.TclError as exc:
        print(f"dialer-tray: no display ({exc})", file=sys.stderr)
        return 2
    app.run()
    return 0
