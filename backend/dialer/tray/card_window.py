"""The card window (tkinter): one per call or offer, on top of every other window until the
agent closes it, with "Open in IS" (the deep link in the default browser) and "Run" when the
campaign names a program this computer whitelists (runner.run_choice), or a note saying the
program it names is not set up here.
"""

from __future__ import annotations

import time
import tkinter as tk
from typing import Callable

from dialer.tray.cards import Card
from dialer.tray.runner import RunChoice

BG = "#ffffff"


class CardWindow:
    def __init__(self, root: tk.Misc, card: Card, run: RunChoice, *,
                 on_open: Callable[[str], None], on_run: Callable[[Card], str],
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
        if run.program is not None:
            self.buttons[f"run:{run.program.name}"] = tk.Button(buttons, text=run.program.button,
                                                                command=lambda: self._say(on_run(card)))
        self.buttons["close"] = tk.Button(buttons, text="Close", command=self.close)
        for button in self.buttons.values():
            button.pack(side="left", padx=(0, 6))
        # The campaign names a program this computer cannot run: say so, where the button would be.
        self.note = tk.Label(top, text=run.note, name="run_note", background=BG, foreground="#6b7280",
                             wraplength=380, justify="left")
        if run.note:
            self.note.pack(anchor="w", pady=(6, 0))
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
