"""The card the tray pops, from the socket's events (tray/cards.py)."""

from __future__ import annotations

from dialer.tray.cards import card_from_event, card_key, safe_link

CARD = {"contact_id": 7, "name": "Jana Nováková", "external_id": "CASE-7", "phone": "+420600000018",
        "campaign_id": 3, "campaign": "Extension calls", "attempt": 2, "fields": {"plan": "Premium", "city": "Brno"},
        "all_fields": {"plan": "Premium", "city": "Brno", "note": "x"},
        "deep_link": "https://crm.example/customers/CASE-7"}


def test_a_connected_call_shows_what_card_js_shows_in_its_order() -> None:
    card = card_from_event({"type": "call.connected", "call_id": "c1", "card": CARD})
    assert card is not None
    assert card.key == "call-c1" and card.heading == "Connected call" and card.title == "Jana Nováková"
    assert card.rows == (("IS id", "CASE-7", "external_id"), ("Campaign", "Extension calls", "campaign"),
                         ("Attempt", "2", "attempt"), ("Phone", "+420600000018", "phone"),
                         ("plan", "Premium", "custom:plan"), ("city", "Brno", "custom:city"))
    assert card.deep_link == "https://crm.example/customers/CASE-7"
    assert card.campaign_id == 3 and card.campaign == "Extension calls"
    # A program may use every field of the contact, not only the ones the card shows.
    assert card.values["note"] == "x" and card.values["call_id"] == "c1" and card.values["attempt"] == "2"


def test_an_offer_is_a_preview_keyed_like_the_extension() -> None:
    event = {"type": "call.offered", "card": CARD, "expires_at": "2026-12-05T10:00:00+00:00"}
    card = card_from_event(event)
    assert card is not None and card.heading == "Preview"
    assert card.key == card_key(event) == "offer-7-2026-12-05T10:00:00+00:00"


def test_an_inbound_call_with_a_card_pops_one_and_an_unknown_caller_shows_the_number() -> None:
    card = card_from_event({"type": "call.inbound", "call_id": "in1",
                            "card": {"phone": "+420777000111", "fields": {}, "deep_link": ""}})
    assert card is not None and card.heading == "Inbound call" and card.title == "+420777000111"
    assert card.rows == (("Phone", "+420777000111", "phone"),) and card.deep_link == ""


def test_events_without_a_card_or_ending_a_call_pop_nothing() -> None:
    assert card_from_event({"type": "call.ended", "call_id": "c1", "card": CARD}) is None
    assert card_from_event({"type": "call.offer_expired", "card": CARD}) is None
    assert card_from_event({"type": "call.connected", "call_id": "c1"}) is None
    assert card_from_event({"type": "figures", "card": CARD}) is None


def test_only_web_links_are_opened() -> None:
    assert safe_link("http://127.0.0.1:8080/x?tel=1") == "http://127.0.0.1:8080/x?tel=1"
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "https://", "", None, 42, "crm://open/7"):
        assert safe_link(bad) == ""
    card = card_from_event({"type": "call.connected", "call_id": "c", "card": {**CARD, "deep_link": "file:///x"}})
    assert card is not None and card.deep_link == ""


def test_the_card_keeps_the_program_the_campaign_names() -> None:
    card = card_from_event({"type": "call.connected", "call_id": "c1", "card": {**CARD, "program": "deskcrm"}})
    assert card is not None and card.program == "deskcrm"
    assert "program" not in card.values  # a name for the whitelist, not an argument
    plain = card_from_event({"type": "call.connected", "call_id": "c1", "card": CARD})
    assert plain is not None and plain.program == ""
