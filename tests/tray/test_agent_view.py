"""Socket messages -> the icon's state and the cards to pop (tray/agent_view.py, tray/badge.py)."""

from __future__ import annotations

from dialer.tray.agent_view import SHOWN_KEEP, AgentView, apply, connection
from dialer.tray.badge import BADGES, TrayState, label, tray_state
from dialer.tray.icon import x11_title

CARD = {"contact_id": 7, "name": "Jana", "external_id": "CASE-7", "phone": "+420600000018", "campaign_id": 3,
        "campaign": "Sales", "attempt": 1, "fields": {}, "deep_link": ""}


def _state(state: str, reason: str = "") -> dict:
    return {"type": "agent.state", "agent_id": 1, "state": state, "reason": reason}


def test_the_badge_colours_are_the_extensions() -> None:
    # extension/src/lib/badge.js
    assert BADGES[TrayState.READY][1] == "#15803d"
    assert BADGES[TrayState.PAUSED][1] == "#b45309"
    assert BADGES[TrayState.ON_CALL][1] == "#1d4ed8"
    assert BADGES[TrayState.WRAP_UP][1] == "#7e22ce"
    assert BADGES[TrayState.DISCONNECTED][1] == "#6b7280"


def test_engine_states_map_to_the_icon() -> None:
    on = {"signed_in": True, "connected": True}
    assert tray_state("ready", **on) is TrayState.READY
    assert tray_state("reserved", **on) is TrayState.ON_CALL and tray_state("ringing", **on) is TrayState.ON_CALL
    assert tray_state("wrap_up", **on) is TrayState.WRAP_UP
    assert tray_state("something_new", **on) is TrayState.LOGGED_OUT
    assert tray_state("ready", signed_in=True, connected=False) is TrayState.DISCONNECTED
    assert tray_state("ready", signed_in=False, connected=True) is TrayState.SIGNED_OUT
    assert label(TrayState.PAUSED, "Lunch") == "Dialer: paused — Lunch"
    assert label(TrayState.DISCONNECTED) == "Dialer: disconnected"
    assert x11_title(label(TrayState.PAUSED, "Oběd")) == "Dialer: paused - Ob?d"  # X11 names are Latin-1


def test_a_call_goes_ready_on_call_wrap_up_ready_with_one_card() -> None:
    view = AgentView(signed_in=True)
    assert view.icon is TrayState.DISCONNECTED
    view, cards = apply(view, {"type": "snapshot", "name": "Ann", "state": _state("ready"), "call": None,
                               "offer": None, "figures": {}})
    assert view.icon is TrayState.READY and cards == []
    view, cards = apply(view, _state("on_call"))
    view, cards = apply(view, {"type": "call.connected", "call_id": "c1", "card": CARD})
    assert view.icon is TrayState.ON_CALL and view.call_id == "c1" and [c.key for c in cards] == ["call-c1"]
    view, cards = apply(view, _state("wrap_up"))
    assert view.icon is TrayState.WRAP_UP and view.call_id == "c1" and cards == []
    view, _ = apply(view, _state("paused", "Lunch"))
    assert view.icon is TrayState.PAUSED and view.reason == "Lunch" and view.call_id is None


def test_a_reconnect_snapshot_does_not_pop_the_same_card_again() -> None:
    view, cards = apply(AgentView(signed_in=True), {"type": "call.connected", "call_id": "c1", "card": CARD})
    assert len(cards) == 1
    view = connection(view, False)
    assert view.icon is TrayState.DISCONNECTED
    snapshot = {"type": "snapshot", "state": _state("on_call"),
                "call": {"call_id": "c1", "card": CARD}, "offer": None}
    view, cards = apply(view, snapshot)
    assert cards == [] and view.icon is TrayState.ON_CALL
    # A call the app missed while it was away pops from the snapshot, as does an open offer.
    view, cards = apply(view, {**snapshot, "call": {"call_id": "c2", "card": CARD},
                               "offer": {"card": CARD, "expires_at": "t", "campaign_id": 3}})
    assert [c.key for c in cards] == ["call-c2", "offer-7-t"]


def test_the_memory_of_shown_cards_is_bounded() -> None:
    view = AgentView(signed_in=True, connected=True)
    for n in range(SHOWN_KEEP + 10):
        view, _ = apply(view, {"type": "call.connected", "call_id": f"c{n}", "card": CARD})
    assert len(view.shown) == SHOWN_KEEP and view.shown[-1] == f"c{SHOWN_KEEP + 9}".replace("c", "call-c")


def test_revoked_means_signed_out() -> None:
    view, _ = apply(AgentView(signed_in=True, connected=True), {"type": "auth.revoked", "agent_id": 1})
    assert view.icon is TrayState.SIGNED_OUT
