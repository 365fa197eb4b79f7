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


def _do(action: Callable[..., None], *args: Any) -> Callable[[], None]:
    """A menu action without arguments (pystray passes as many as the callable declares)."""
    return lambda: action(*args)


class TrayIcon:
    def __init__(self, actions: Mapping[str, Callable[..., None]]) -> None:
        self.actions = actions
        self.state = TrayState.SIGNED_OUT
        self.reason = ""
        self.campaigns: list[dict[str, Any]] = []
        self.reasons: list[dict[str, Any]] = []
        self.icon: Any = None
        self.has_menu = False

    def start(self) -> None:
        import pystray

        self._pystray = pystray
        self.icon = pystray.Icon("dialer-tray", icon_image(self.state), label(self.state),
                                 menu=pystray.Menu(self._items))
        self.has_menu = bool(getattr(self.icon, "HAS_MENU", False))
        threading.Thread(target=self.icon.run, name="tray-icon", daemon=True).start()

    def stop(self) -> None:
        if self.icon is not None:
            try:
                self.icon.stop()
            except Exception:
                pass  # the backend never came up (no tray on this desktop)

    def show(self, state: TrayState, reason: str) -> None:
        changed = state is not self.state
        self.state, self.reason = state, reason
        if self.icon is None:
            return
        try:
            if changed:
                self.icon.icon = icon_image(state)
            self.icon.title = label(state, reason)
            self._refresh()
        except Exception:  # a tray that went away must not stop the cards
            log.warning("tray icon not updated", exc_info=True)

    def offer(self, campaigns: Sequence[dict[str, Any]], reasons: Sequence[dict[str, Any]]) -> None:
        self.campaigns, self.reasons = list(campaigns), list(reasons)
        self._refresh()

    def _refresh(self) -> None:
        if self.icon is not None and self.has_menu:
            self.icon.update_menu()

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
