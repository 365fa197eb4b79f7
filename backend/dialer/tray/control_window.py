"""The small window the tray icon opens: the agent's state and the same actions as the tray
menu (join, ready, pause with a reason, leave, sign out, quit). Desktops whose tray shows no
menus (pystray's plain X11 backend) get the actions here.
"""

from __future__ import annotations

import tkinter as tk
from tkinter import ttk
from typing import Any, Callable, Mapping, Sequence

from dialer.tray.badge import BADGES, TrayState, label

ALL_CAMPAIGNS = "All my campaigns"


class ControlWindow:
    def __init__(self, root: tk.Misc, actions: Mapping[str, Callable[..., None]],
                 on_closed: Callable[[], None]) -> None:
        self.actions = actions
        self.on_closed = on_closed
        self.campaigns: list[dict[str, Any]] = []
        self.reasons: list[dict[str, Any]] = []
        top = self.top = tk.Toplevel(root, padx=14, pady=10)
        top.title("Dialer")
        top.protocol("WM_DELETE_WINDOW", self.close)
        self.state = tk.Label(top, text="", font=("TkDefaultFont", 12, "bold"), anchor="w")
        self.state.grid(row=0, column=0, columnspan=3, sticky="we", pady=(0, 8))
        self.campaign = ttk.Combobox(top, state="readonly", width=26)
        self.campaign.grid(row=1, column=0, columnspan=2, sticky="we")
        tk.Button(top, text="Join", command=self._join).grid(row=1, column=2, sticky="we", padx=(6, 0))
        tk.Button(top, text="Ready", command=lambda: actions["ready"]()).grid(row=2, column=0, sticky="we", pady=6)
        self.reason = ttk.Combobox(top, state="readonly", width=14)
        self.reason.grid(row=2, column=1, sticky="we", padx=6)
        tk.Button(top, text="Pause", command=self._pause).grid(row=2, column=2, sticky="we")
        tk.Button(top, text="Leave", command=lambda: actions["leave"]()).grid(row=3, column=0, sticky="we")
        tk.Button(top, text="Sign out", command=lambda: actions["sign_out"]()).grid(row=3, column=1, sticky="we",
                                                                                     padx=6)
        tk.Button(top, text="Quit", command=lambda: actions["quit"]()).grid(row=3, column=2, sticky="we")
        self.error = tk.Label(top, text="", foreground="#b91c1c", wraplength=300, justify="left")
        self.error.grid(row=4, column=0, columnspan=3, sticky="w", pady=(6, 0))

    def show(self, state: TrayState, reason: str, error: str = "") -> None:
        self.state.configure(text=label(state, reason).removeprefix("Dialer: "), foreground=BADGES[state][1])
        self.error.configure(text=error)

    def offer(self, campaigns: Sequence[dict[str, Any]], reasons: Sequence[dict[str, Any]]) -> None:
        self.campaigns, self.reasons = list(campaigns), list(reasons)
        self.campaign.configure(values=[ALL_CAMPAIGNS, *(c["name"] for c in self.campaigns)])
        self.campaign.current(0)
        self.reason.configure(values=[r["name"] for r in self.reasons])
        if self.reasons:
            self.reason.current(0)

    def _join(self) -> None:
        chosen = self.campaign.current()
        ids = [c["id"] for c in self.campaigns] if chosen <= 0 else [self.campaigns[chosen - 1]["id"]]
        self.actions["join"](ids)

    def _pause(self) -> None:
        chosen = self.reason.current()
        self.actions["pause"](self.reasons[chosen]["id"] if chosen >= 0 and self.reasons else None)

    def close(self) -> None:
        try:
            self.top.destroy()
        finally:
            self.on_closed()
