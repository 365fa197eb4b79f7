"""The tray icon (pystray) and its menu: a disc in the state's badge colour (a hollow ring
while disconnected or signed out), the state as tooltip, and Ready / Pause (reasons) / Join /
Leave / Sign out / Quit. pystray is imported only here, and only when the icon starts: its X11
backend opens the display at import time.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable, Mapping, Sequence

from PIL import Image, ImageDraw

from dialer.tray.badge import BADGES, TrayState, label

log = logging.getLogger(__name__)


def icon_image(state: TrayState, size: int = 64) -> Image.Image:
    colour = BADGES[state][1]
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    box = (size // 16, size // 16, size - size // 16 - 1, size - size // 16 - 1)
    if state in (TrayState.DISCONNECTED, TrayState.SIGNED_OUT):
        draw.ellipse(box, outline=colour, width=max(2, size // 8))
        if state is TrayState.DISCONNECTED:  # a slash: "no line"
            draw.line((size // 4, size * 3 // 4, size * 3 // 4, size // 4), fill=colour, width=max(2, size // 10))
    else:
        draw.ellipse(box, fill=colour, outline="#ffffff", width=max(1, size // 32))
    return image


def x11_title(text: str) -> str:
    """An X11 window name is Latin-1 (python-xlib refuses anything else): `—` becomes `-`,
    other letters outside it `?`, so "Dialer: paused — Oběd" still names the state."""
    return text.replace("\u2014", "-").encode("latin-1", "replace").decode("latin-1")


def _do(action: Callable[..., None], *args: Any) -> Callable[[], None]:
    """A menu action without arguments (pystray passes as many as the callable declares)."""
    return lambda: action(*args)


class _X11Painter:
    """pystray's X11 (XEmbed) backend, repainted from the painter's own X connection.

    pystray runs a call from another thread by sending itself a message on its one X
    connection and waiting for the answer; with python-xlib that wait sometimes never ends
    (seen here about one run in eight: the icon froze in its last colour). So, once docked, the
    new image is put where pystray's drawing code takes it from, and an Expose event makes
    pystray's own thread draw it. This leans on pystray 0.19's private attributes (pinned <1).
    """

    def __init__(self, icon: Any) -> None:
        from Xlib.display import Display

        self.icon = icon
        self.display = Display()
        self.window = self.display.create_resource_object("window", icon._window.id)

    def docked(self) -> bool:
        return bool(getattr(self.icon, "_systray_manager", None))

    def paint(self, image: Image.Image, title: str) -> None:
        size = self.window.get_geometry()
        # What pystray's _assert_icon_data makes, swapped in as one assignment.
        data = Image.new("RGB", (size.width, size.height))
        data.paste(image.resize((size.width, size.height), Image.LANCZOS))
        data.tostring = data.tobytes  # type: ignore[attr-defined]  # python-xlib's put_pil_image calls it
        self.icon._icon = image
        self.icon._icon_data = data
        self.icon._title = title
        self.window.set_wm_name(title)
        self.window.clear_area(exposures=True)
        self.display.flush()


class TrayIcon:
    """The icon and its menu. `show` and `offer` only record what is wanted and return: a
    painter thread hands it to pystray, whose X11 backend blocks the caller until its own
    thread has drawn (and can hang while a tray is busy); the card windows never wait on it."""

    def __init__(self, actions: Mapping[str, Callable[..., None]]) -> None:
        self.actions = actions
        self.state = TrayState.SIGNED_OUT
        self.reason = ""
        self.campaigns: list[dict[str, Any]] = []
        self.reasons: list[dict[str, Any]] = []
        self.icon: Any = None
        self.has_menu = False
        self.painted: TrayState | None = None  # the state the icon last got (pystray accepted it)
        self._wake = threading.Condition()
        self._dirty = False
        self._stopped = False
        self._x11: _X11Painter | None = None

    def start(self) -> None:
        import pystray

        self._pystray = pystray
        self.icon = pystray.Icon("dialer-tray", icon_image(self.state), label(self.state),
                                 menu=pystray.Menu(self._items))
        self.painted = self.state
        self.has_menu = bool(getattr(self.icon, "HAS_MENU", False))
        threading.Thread(target=self.icon.run, name="tray-icon", daemon=True).start()
        threading.Thread(target=self._paint, name="tray-icon-painter", daemon=True).start()

    def stop(self) -> None:
        with self._wake:
            self._stopped = True
            self._wake.notify()
        if self.icon is not None:
            # Not on the caller's thread: a hung backend must not keep the app from quitting.
            stopper = threading.Thread(target=self._stop_icon, name="tray-icon-stop", daemon=True)
            stopper.start()
            stopper.join(2)

    def _stop_icon(self) -> None:
        try:
            self.icon.stop()
        except Exception:
            pass  # the backend never came up (no tray on this desktop)

    def show(self, state: TrayState, reason: str) -> None:
        self.state, self.reason = state, reason
        self._changed()

    def offer(self, campaigns: Sequence[dict[str, Any]], reasons: Sequence[dict[str, Any]]) -> None:
        self.campaigns, self.reasons = list(campaigns), list(reasons)
        self._changed()

    def _changed(self) -> None:
        with self._wake:
            self._dirty = True
            self._wake.notify()

    def _paint(self) -> None:
        while True:
            with self._wake:
                while not self._dirty and not self._stopped:
                    self._wake.wait()
                if self._stopped:
                    return
                self._dirty = False
                state, reason = self.state, self.reason
            try:
                if self._x11 is None and type(self.icon).__module__ == "pystray._xorg":
                    self._x11 = _X11Painter(self.icon)
                title = label(state, reason)
                if type(self.icon).__module__ == "pystray._xorg":
                    title = x11_title(title)
                if self._x11 is not None and self._x11.docked():
                    self._x11.paint(icon_image(state), title)
                else:
                    if state is not self.painted:
                        self.icon.icon = icon_image(state)
                    self.icon.title = title
                self.painted = state
                if self.has_menu:
                    self.icon.update_menu()
            except Exception:  # a tray that went away: the next change tries again
                log.warning("tray icon not updated", exc_info=True)

    def _items(self) -> list[Any]:
        item, menu = self._pystray.MenuItem, self._pystray.Menu
        a = self.actions
        signed_in = self.state is not TrayState.SIGNED_OUT
        joins = [item("All my campaigns", _do(a["join"], [c["id"] for c in self.campaigns]))]
        joins += [item(c["name"], _do(a["join"], [c["id"]])) for c in self.campaigns]
        pauses = [item(r["name"], _do(a["pause"], r["id"])) for r in self.reasons] or \
            [item("Pause", _do(a["pause"], None))]
        return [
            item(label(self.state, self.reason).removeprefix("Dialer: "), None, enabled=False),
            menu.SEPARATOR,
            item("Show", lambda: a["show"](), default=True),
            item("Join", menu(*joins), visible=signed_in and bool(self.campaigns)),
            item("Ready", lambda: a["ready"](), visible=signed_in),
            item("Pause", menu(*pauses), visible=signed_in),
            item("Leave", lambda: a["leave"](), visible=signed_in),
            menu.SEPARATOR,
            item("Sign in…", lambda: a["sign_in"](), visible=not signed_in),
            item("Sign out", lambda: a["sign_out"](), visible=signed_in),
            item("Quit", lambda: a["quit"]()),
        ]
