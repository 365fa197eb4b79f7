"""What the tray app knows of its agent, folded from the socket's messages: the state the
icon shows and the cards to pop. Pure: `apply(view, message)` returns the next view and the
new cards; the shell does the drawing. Mirrors the extension's background.js handleEvent.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Mapping

from dialer.tray.badge import TrayState, tray_state
from dialer.tray.cards import Card, card_from_event

SHOWN_KEEP = 50  # cards.js keeps as many keys: a reconnect's snapshot does not pop a card again
_CALL_OVER = {"ready", "paused", "logged_out"}


@dataclass(frozen=True)
class AgentView:
    signed_in: bool = False
    connected: bool = False
    state: str = "logged_out"  # the engine's agent state
    reason: str = ""
    name: str = ""
    call_id: str | None = None
    shown: tuple[str, ...] = ()

    @property
    def icon(self) -> TrayState:
        return tray_state(self.state, signed_in=self.signed_in, connected=self.connected)


def _pop(view: AgentView, card: Card | None, cards: list[Card]) -> AgentView:
    if card is None or card.key in view.shown:
        return view
    cards.append(card)
    return replace(view, shown=(*view.shown, card.key)[-SHOWN_KEEP:])


def _state_of(message: Mapping[str, Any] | None) -> tuple[str, str]:
    if not isinstance(message, Mapping):
        return "logged_out", ""
    return str(message.get("state") or "logged_out"), str(message.get("reason") or "")


def apply(view: AgentView, message: Mapping[str, Any]) -> tuple[AgentView, list[Card]]:
    """The view after one socket message, and the cards it pops (none already shown)."""
    cards: list[Card] = []
    kind = message.get("type")
    if kind == "snapshot":
        state, reason = _state_of(message.get("state"))
        call = message.get("call") if isinstance(message.get("call"), Mapping) else None
        view = replace(view, connected=True, state=state, reason=reason, name=str(message.get("name") or ""),
                       call_id=str(call["call_id"]) if call and call.get("call_id") else None)
        if call and call.get("card"):
            view = _pop(view, card_from_event({"type": "call.connected", "call_id": call.get("call_id"),
                                               "card": call["card"]}), cards)
        offer = message.get("offer") if isinstance(message.get("offer"), Mapping) else None
        if offer and offer.get("card"):
            view = _pop(view, card_from_event({"type": "call.offered", **offer}), cards)
    elif kind == "agent.state":
        state, reason = _state_of(message)
        view = replace(view, state=state, reason=reason,
                       call_id=None if state in _CALL_OVER else view.call_id)
    elif kind == "auth.revoked":
        view = replace(view, signed_in=False, connected=False, call_id=None)
    elif isinstance(kind, str) and kind.startswith("call."):
        if kind == "call.connected" and message.get("call_id"):
            view = replace(view, call_id=str(message["call_id"]))
        view = _pop(view, card_from_event(message), cards)
    return view, cards


def connection(view: AgentView, connected: bool) -> AgentView:
    """The socket opened (its snapshot follows) or dropped."""
    return replace(view, connected=connected)
