"""The customer card the tray app pops: built from the socket's `call.offered`,
`call.connected` (and any other `call.*` event that carries a `card`, e.g. inbound calls) as
the extensions' card.js shows it. Data in, data out: no window here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping
from urllib.parse import urlsplit

HEADINGS = {"call.offered": "Preview", "call.connected": "Connected call"}
NOT_A_CARD = {"call.ended", "call.offer_expired"}


@dataclass(frozen=True)
class Card:
    key: str  # one window per key: `call-<call id>` or `offer-<contact id>-<expiry>` (cards.js's cardKey)
    kind: str  # the event type it came from
    heading: str
    title: str
    rows: tuple[tuple[str, str, str], ...]  # (label, value, field) in the order shown
    deep_link: str  # http(s) only, else ""
    campaign_id: int | None
    campaign: str
    program: str = ""  # the campaign's desktop program, by name (Run only if this computer whitelists it)
    values: Mapping[str, str] = field(default_factory=dict)  # what a program's arguments may use


def safe_link(url: Any) -> str:
    """The link if it is http(s), else "" (a card must not open `file:` or `javascript:`)."""
    if not isinstance(url, str) or not url:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme in ("http", "https") and parts.netloc else ""


def card_key(event: Mapping[str, Any]) -> str:
    card = event.get("card") or {}
    if event.get("type") == "call.offered":
        return f"offer-{card.get('contact_id')}-{event.get('expires_at')}"
    return f"call-{event.get('call_id')}"


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def card_from_event(event: Mapping[str, Any]) -> Card | None:
    """The card an event pops, or None when it pops none."""
    kind = str(event.get("type", ""))
    data = event.get("card")
    if not kind.startswith("call.") or kind in NOT_A_CARD or not isinstance(data, Mapping):
        return None
    heading = HEADINGS.get(kind, "Inbound call" if "inbound" in kind else "Call")
    rows: list[tuple[str, str, str]] = []
    for label_, name in (("IS id", "external_id"), ("Campaign", "campaign"), ("Attempt", "attempt"),
                         ("Phone", "phone")):
        if _text(data.get(name)):
            rows.append((label_, _text(data.get(name)), name))
    fields = data.get("fields") if isinstance(data.get("fields"), Mapping) else {}
    for name, value in fields.items():
        if _text(value):
            rows.append((str(name), _text(value), f"custom:{name}"))
    every = data.get("all_fields") if isinstance(data.get("all_fields"), Mapping) else fields
    values = {str(k): _text(v) for k, v in every.items()}
    values.update({k: _text(data.get(k)) for k in ("contact_id", "name", "external_id", "phone", "campaign",
                                                   "campaign_id", "attempt")})
    values["call_id"] = _text(event.get("call_id"))
    campaign_id = data.get("campaign_id")
    return Card(key=card_key(event), kind=kind, heading=heading,
                title=_text(data.get("name")) or _text(data.get("phone")), rows=tuple(rows),
                deep_link=safe_link(data.get("deep_link")),
                campaign_id=campaign_id if isinstance(campaign_id, int) else None,
                campaign=_text(data.get("campaign")), program=_text(data.get("program")), values=values)
