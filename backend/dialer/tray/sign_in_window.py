"""The sign-in window: the dialer's address, user name and password -> an agent token (the
extensions' fallback sign-in, `POST /api/v1/agent/token`). The password is never kept.
"""

from __future__ import annotations

import tkinter as tk
from typing import Callable


class SignInWindow:
    def __init__(self, root: tk.Misc, *, origin: str, username: str,
                 on_submit: Callable[[str, str, str], None], on_closed: Callable[[], None]) -> None:
        self.on_submit = on_submit
        self.on_closed = on_closed
        top = self.top = tk.Toplevel(root, padx=16, pady=12)
        top.title("Sign in to the dialer")
        top.protocol("WM_DELETE_WINDOW", self.close)
        top.resizable(False, False)
        self.entries: dict[str, tk.Entry] = {}
        for row, (name, label, value) in enumerate((("origin", "Dialer address", origin),
                                                    ("username", "User name", username),
                                                    ("password", "Password", ""))):
            tk.Label(top, text=label).grid(row=row, column=0, sticky="w", pady=2)
            entry = tk.Entry(top, width=34, show="•" if name == "password" else "")
            entry.insert(0, value)
            entry.grid(row=row, column=1, pady=2)
            self.entries[name] = entry
        self.error = tk.Label(top, text="", foreground="#b91c1c", wraplength=320, justify="left")
        self.error.grid(row=3, column=0, columnspan=2, sticky="w")
        self.button = tk.Button(top, text="Sign in", default="active", command=self.submit)
        self.button.grid(row=4, column=1, sticky="e", pady=(8, 0))
        top.bind("<Return>", lambda _e: self.submit())
        first = "password" if origin and username else ("username" if origin else "origin")
        self.entries[first].focus_set()

    def submit(self) -> None:
        values = {k: e.get().strip() if k != "password" else e.get() for k, e in self.entries.items()}
        if not all(values.values()):
            self.failed("Fill in the address, your user name and your password.")
            return
        self.button.configure(state="disabled")
        self.error.configure(text="Signing in…", foreground="#6b7280")
        self.on_submit(values["origin"], values["username"], values["password"])

    def failed(self, message: str) -> None:
        self.button.configure(state="normal")
        self.error.configure(text=message, foreground="#b91c1c")
        self.entries["password"].delete(0, "end")

    def close(self) -> None:
        try:
            self.top.destroy()
        finally:
            self.on_closed()
