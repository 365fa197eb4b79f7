"""The card window (tkinter): one per call or offer, on top of every other window until the
agent closes it, with "Open in IS" (the deep link in the default browser) and one "Run"
button per whitelisted program offered for the card's campaign.
"""

from __future__ import annotations

import time
import tkinter as tk
from typing import Callable, Sequence

from dialer.tray.cards import Card
from dialer.tray.runner import Program

BG = "#ffffff"


class CardWindow:
    def __init__(self, root: tk.Misc, card: Card, programs: Sequence[Program], *,
                 on_open: Callable[[str], None], on_run: Callable[[Card, str], str],
                 on_closed: Callable[[Card], None]) -> None:
        self.card = card
        self.on_closed = on_closed
        self.painted_at: float | None = None  # wall-clock time the window was first drawn
        top = self.top = tk.Toplevel(root, background=BG, padx=16, pady=12)
        top.title(f"{card.title} — {card.campaign or 'Dialer'}")
        top.wm_attributes("-topmost", True)  # on top until closed: the agent is on the phone
        top.protocol("WM_DELETE_WINDOW", self.close)
        top.minsize(340, 200)
        tk.Label(top, text=card.heading, name="kind", background=BG, foreground="#6b7280").pack(anchor="w")
        tk.Label(top, text=card.title, name="title", background=BG, font=("TkDefaultFont", 16, "bold"),
                 wraplength=380, justify="left").pack(anchor="w", pady=(0, 8))
        grid = tk.Frame(top, background=BG, name="fields")
        grid.pack(fill="x")
        self.values: dict[str, tk.Label] = {}
        for row, (label, value, field) in enumerate(card.rows):
            tk.Label(grid, text=label, background=BG, foreground="#6b7280").grid(row=row, column=0, sticky="nw",
                                                                                padx=(0, 12))
            shown = tk.Label(grid, text=value, background=BG, wraplength=260, justify="left", anchor="w")
            shown.grid(row=row, column=1, sticky="w")
            self.values[field] = shown
        buttons = tk.Frame(top, background=BG)
        buttons.pack(fill="x", pady=(12, 0))
        self.buttons: dict[str, tk.Button] = {}
        if card.deep_link:
            self.buttons["open"] = tk.Button(buttons, text="Open in IS", default="active",
                                             command=lambda: on_open(card.deep_link))
        for program in programs:
            self.buttons[f"run:{program.name}"] = tk.Button(
                buttons, text=program.button, command=lambda name=program.name: self._say(on_run(card, name)))
        self.buttons["close"] = tk.Button(buttons, text="Close", command=self.close)
        for button in self.buttons.values():
            button.pack(side="left", padx=(0, 6))
        self.status = tk.Label(top, text="", background=BG, foreground="#b91c1c", wraplength=380, justify="left")
        self.status.pack(anchor="w", pady=(6, 0))
        top.bind("<Expose>", self._exposed, add="+")
        top.lift()
        top.focus_force()

    def _exposed(self, _event: tk.Event) -> None:
        if self.painted_at is None:
            # Expose comes before Tk's idle redraw of the labels: the frame after it is on screen.
            self.top.after_idle(self._painted)

    def _painted(self) -> None:
        if self.painted_at is None:
            self.painted_at = time.time()

    def _say(self, message: str) -> None:
        self.status.configure(text=message, foreground="#15803d" if message.startswith("Started") else "#b91c1c")

    def text(self) -> str:
        """Everything the card says, line by line (what a test reads)."""
        lines = [self.card.heading, self.card.title]
        lines += [f"{label}: {self.values[field].cget('text')}" for label, _, field in self.card.rows]
        return "\n".join(lines)

    def close(self) -> None:
        try:
            self.top.destroy()
        finally:
            self.on_closed(self.card)
