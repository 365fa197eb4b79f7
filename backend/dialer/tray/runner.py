"""The card's "Run" button: start a local program with the contact's fields as arguments.

Only programs the agent's machine lists in its config file may run (a card, or the dialer,
can name one of them but never a path). Each configured argument becomes exactly one
argument of the program, filled in from the card; no shell ever sees it, so a name such as
`O'Brien; rm -rf ~` reaches the program as that text.
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
    campaigns: tuple[str, ...] = ()  # campaign names or ids it is offered for; empty: every campaign

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


def offered(card: Card, whitelist: Mapping[str, Program]) -> list[Program]:
    """The programs the card's Run button offers: the one the card names if it is on the
    whitelist, else every whitelisted program meant for the card's campaign."""
    if card.program:
        program = whitelist.get(card.program)
        return [program] if program is not None else []
    return [p for p in whitelist.values()
            if not p.campaigns or card.campaign in p.campaigns or str(card.campaign_id) in p.campaigns]


def command(name: str, card: Card, whitelist: Mapping[str, Program]) -> list[str]:
    """The argument list to start program `name` for this card; refused unless whitelisted."""
    program = whitelist.get(name)
    if program is None:
        raise Refused(f"{name!r} is not in this computer's list of programs")
    if program not in offered(card, whitelist):
        raise Refused(f"{name!r} is not offered for campaign {card.campaign!r}")
    if not os.path.isabs(program.path):
        raise Refused(f"{program.path!r} is not an absolute path")
    return [program.path, *(fill(a, card.values) for a in program.args)]


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
