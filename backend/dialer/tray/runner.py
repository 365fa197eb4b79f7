"""The card's "Run" button: start a local program with the contact's fields as arguments.

Two keys turn it: the campaign names the program (its `desktop_program`, on the card as
`program`) and the agent's machine lists that name in its config file, with the path and the
arguments (the dialer names a program, never a path). Each configured argument becomes
exactly one argument of the program, filled in from the card; no shell ever sees it, so a
name such as `O'Brien; rm -rf ~` reaches the program as that text.
"""

from __future__ import annotations

import os
import string
import subprocess
import sys
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from dialer.tray.cards import Card


class Refused(Exception):
    """The program may not run (not whitelisted, not an absolute path, a bad template)."""


@dataclass(frozen=True)
class Program:
    name: str  # the key in the config file: `[programs.<name>]`
    path: str  # absolute: a bare name would be looked up on PATH, which the whitelist cannot vouch for
    args: tuple[str, ...] = ()  # templates: "--case", "{external_id}", "{name}", "{plan}"
    label: str = ""  # the button's text; "Run <name>" when empty
    campaigns: tuple[str, ...] = ()  # a local limit: campaign names or ids it may run for; empty: any

    @property
    def button(self) -> str:
        return self.label or f"Run {self.name}"


def fill(template: str, values: Mapping[str, str]) -> str:
    """One argument: `{field}` replaced by the card's value ("" when missing), `{{` is `{`.
    Only plain field names: no attribute or index look-ups, conversions or format specs."""
    out: list[str] = []
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise Refused(f"bad argument template {template!r}: {exc}") from None
    for literal, name, spec, conversion in parts:
        out.append(literal)
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise Refused(f"bad argument template {template!r}: use plain {{field}} names")
        out.append(str(values.get(name, "")))
    return "".join(out)


@dataclass(frozen=True)
class RunChoice:
    """What the card offers to run: a program for the Run button, or a note saying why the
    program the campaign names cannot run here. Neither when the campaign names none."""

    program: Program | None = None
    note: str = ""


def run_choice(card: Card, whitelist: Mapping[str, Program]) -> RunChoice:
    """The card's Run button: the program the card names, if this computer whitelists it (and
    its local `campaigns` limit, if any, lets it run for the card's campaign)."""
    if not card.program:
        return RunChoice()
    program = whitelist.get(card.program)
    if program is None:
        return RunChoice(note=f"Program {card.program!r} is not set up on this computer.")
    if program.campaigns and card.campaign not in program.campaigns \
            and str(card.campaign_id) not in program.campaigns:
        return RunChoice(note=f"Program {card.program!r} is not set up on this computer "
                              f"for campaign {card.campaign!r}.")
    return RunChoice(program=program)


def command(card: Card, whitelist: Mapping[str, Program]) -> list[str]:
    """The argument list to start the card's program; refused unless it is offered (above)."""
    choice = run_choice(card, whitelist)
    if choice.program is None:
        raise Refused(choice.note[:1].lower() + choice.note[1:-1] if choice.note else "the campaign names no program")
    if not os.path.isabs(choice.program.path):
        raise Refused(f"{choice.program.path!r} is not an absolute path")
    return [choice.program.path, *(fill(a, card.values) for a in choice.program.args)]


def start(argv: Sequence[str], popen: Callable[..., Any] = subprocess.Popen) -> Any:
    """Start the program detached from the tray app, with an argument list and no shell."""
    if not argv or not isinstance(argv, (list, tuple)) or not all(isinstance(a, str) for a in argv):
        raise Refused("a program is started from a list of arguments only")
    extra: dict[str, Any] = {}
    if sys.platform == "win32":
        extra["creationflags"] = getattr(subprocess, "DETACHED_PROCESS", 0)
    else:
        extra["start_new_session"] = True
    return popen(list(argv), shell=False, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                 stderr=subprocess.DEVNULL, close_fds=True, **extra)
