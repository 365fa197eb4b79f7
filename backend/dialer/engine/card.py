"""The contact card an agent sees when a call connects, with the deep link into their CRM.

The deep link is the campaign's URL template with the contact's values URL-encoded; only
http(s) links are produced, so a template (or a value) cannot smuggle in `javascript:`. The
card names the campaign's desktop program (`program`) when it has one: a name the agent's tray
app looks up in its own whitelist, never a path or a command.
"""

from __future__ import annotations

import string
from typing import Any, Mapping, Sequence
from urllib.parse import quote, urlsplit


class _Values(dict):
    def __missing__(self, key: str) -> str:
        return ""


def deep_link(template: str, values: Mapping[str, Any]) -> str:
    """`https://crm/customers/{external_id}?tel={phone}` filled in; "" when not http(s)."""
    if not template:
        return ""
    safe = _Values({k: quote(str(v), safe="") for k, v in values.items() if v is not None})
    try:
        url = string.Formatter().vformat(template, (), safe)
    except (ValueError, IndexError, KeyError):
        return ""
    return url if urlsplit(url).scheme in ("http", "https") else ""


def build_card(*, contact_id: int, name: str, external_id: str, phone: str, custom_fields: Mapping[str, Any],
               campaign_id: int, campaign_name: str, attempt_no: int, card_fields: Sequence[str],
               deep_link_template: str, desktop_program: str = "") -> dict[str, Any]:
    shown = {k: custom_fields[k] for k in card_fields if k in custom_fields} if card_fields else dict(custom_fields)
    values = {**{f"custom_{k}": v for k, v in custom_fields.items()}, **custom_fields, "contact_id": contact_id,
              "name": name, "external_id": external_id, "phone": phone, "campaign": campaign_name,
              "campaign_id": campaign_id}
    card = {"contact_id": contact_id, "name": name, "external_id": external_id, "phone": phone,
            "campaign_id": campaign_id, "campaign": campaign_name, "attempt": attempt_no, "fields": shown,
            "all_fields": dict(custom_fields), "deep_link": deep_link(deep_link_template, values)}
    if desktop_program:
        card["program"] = desktop_program
    return card
