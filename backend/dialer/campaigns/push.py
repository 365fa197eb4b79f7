"""Contacts pushed by the customer's IS: one or a batch, each validated on its own.

A batch stores every good item and reports each bad one with its index, field and reason;
phones go to E.164 with the batch's (or the item's) region. A number on the global
do-not-call list is stored with status `dnc`, so the IS sees it was received and why it will
not be dialed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from tortoise.transactions import in_transaction

from dialer.accounts.audit import record_audit
from dialer.accounts.users import Actor
from dialer.campaigns.contacts import normalise_phones
from dialer.campaigns.fields import Field, clean
from dialer.models import Contact, ContactList, DncEntry
from dialer.models.enums import ContactStatus

MAX_BATCH = 1000
PUSH_FIELDS: tuple[Field, ...] = (
    Field("phone", "Phone", required=True, max_length=40),
    Field("region", "Region", max_length=2),
    Field("alt_phones", "Alternate phones", "list"),
    Field("name", "Name", max_length=200),
    Field("external_id", "External id", max_length=128),
    Field("custom_fields", "Custom fields", "json"),
    Field("timezone", "Time zone", "timezone", max_length=64),
    Field("caller_id", "Caller ID", "phone", max_length=32),
    Field("max_attempts", "Attempt limit", "int", min=1, max=1000),
)
KNOWN_KEYS = frozenset(f.name for f in PUSH_FIELDS)


@dataclass
class PushResult:
    created: list[Contact] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)  # {"index", "field", "error"[, "contact_id"]}


def unknown_keys(item: Mapping[str, Any], known: frozenset[str] = KNOWN_KEYS) -> list[str]:
    return sorted(k for k in item if k not in known)


def _validate(item: Any, region: str | None) -> tuple[dict[str, Any] | None, tuple[str, str] | None]:
    if not isinstance(item, dict):
        return None, ("", "Each contact is a JSON object.")
    if extra := unknown_keys(item):
        return None, (extra[0], f"Unknown field; the known ones are {', '.join(sorted(KNOWN_KEYS))}.")
    values, errors = clean(PUSH_FIELDS, item)
    normalise_phones(values, errors, values.pop("region", "") or region)
    if errors:
        name = next(iter(errors))
        return None, (name, errors[name])
    values["external_id"] = values.get("external_id") or None
    values.setdefault("max_attempts", None)
    return values, None


async def push_contacts(contact_list: ContactList, items: Sequence[Any], *, actor: Actor,
                        region: str | None = None) -> PushResult:
    """Store the valid items of `items` in the list; report the others by index."""
    result = PushResult()
    good: dict[str, tuple[int, dict[str, Any]]] = {}
    for index, item in enumerate(items):
        values, problem = _validate(item, region)
        if problem:
            result.errors.append({"index": index, "field": problem[0], "error": problem[1]})
        elif values["phone"] in good:
            result.errors.append({"index": index, "field": "phone",
                                  "error": f"Repeats item {good[values['phone']][0]} of this batch."})
        else:
            good[values["phone"]] = (index, values)
    phones = list(good)
    async with in_transaction():
        existing = dict(await Contact.filter(contact_list_id=contact_list.id, phone__in=phones)
                        .values_list("phone", "id")) if phones else {}
        barred = set(await DncEntry.filter(phone__in=phones, campaign_id=None).values_list("phone", flat=True)) \
            if phones else set()
        rows = []
        for phone, (index, values) in good.items():
            if phone in existing:
                result.errors.append({"index": index, "field": "phone", "contact_id": existing[phone],
                                      "error": f"The list already has {phone} (contact #{existing[phone]})."})
                continue
            status = ContactStatus.DNC if phone in barred else ContactStatus.PENDING
            rows.append(Contact(contact_list_id=contact_list.id, status=status, **values))
        if rows:
            await Contact.bulk_create(rows, batch_size=500)
            stored = await Contact.filter(contact_list_id=contact_list.id,
                                          phone__in=[r.phone for r in rows]).order_by("id")
            by_phone = {c.phone: c for c in stored}
            result.created = [by_phone[r.phone] for r in rows]
            await record_audit(actor, "contact.push", "contact_list", contact_list.id,
                               {"created": len(rows), "rejected": len(result.errors)})
    result.errors.sort(key=lambda e: e["index"])
    return result
