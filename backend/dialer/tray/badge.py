"""The agent's state as the tray icon shows it: the same states, colours and short texts as
the extensions' toolbar badge (extension/src/lib/badge.js), so an agent reads both alike.
"""

from __future__ import annotations

from enum import Enum


class TrayState(str, Enum):
    READY = "ready"
    PAUSED = "paused"
    ON_CALL = "on_call"
    WRAP_UP = "wrap_up"
    LOGGED_OUT = "logged_out"
    DISCONNECTED = "offline"  # the extension's name for it: signed in, socket not open
    SIGNED_OUT = "signed_out"


# (badge text, colour): badge.js's BADGES, state by state.
BADGES: dict[TrayState, tuple[str, str]] = {
    TrayState.READY: ("RDY", "#15803d"),
    TrayState.PAUSED: ("PAU", "#b45309"),
    TrayState.ON_CALL: ("CALL", "#1d4ed8"),
    TrayState.WRAP_UP: ("WRAP", "#7e22ce"),
    TrayState.LOGGED_OUT: ("OUT", "#6b7280"),
    TrayState.DISCONNECTED: ("…", "#6b7280"),
    TrayState.SIGNED_OUT: ("", "#6b7280"),
}

# The engine's agent states that the badge shows as a call (badge.js: reserved, ringing).
_AS_CALL = {"on_call", "reserved", "ringing"}


def tray_state(agent_state: str, *, signed_in: bool, connected: bool) -> TrayState:
    """What the icon shows for the engine's agent state and the connection."""
    if not signed_in:
        return TrayState.SIGNED_OUT
    if not connected:
        return TrayState.DISCONNECTED
    if agent_state in _AS_CALL:
        return TrayState.ON_CALL
    try:
        return TrayState(agent_state)
    except ValueError:
        return TrayState.LOGGED_OUT


def label(state: TrayState, reason: str = "") -> str:
    """The tooltip: `Dialer: on call`, `Dialer: paused — Lunch`."""
    words = {TrayState.DISCONNECTED: "disconnected", TrayState.SIGNED_OUT: "signed out"}.get(
        state, state.value.replace("_", " "))
    return f"Dialer: {words}" + (f" — {reason}" if reason else "")
