"""One contact as an admin handles it: edit, reset attempts, raise the limit, move, delete, find.

A phone is unique within a list (it may repeat across lists); every operation that could
break that says which contact already holds the number instead of failing in the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from dialer.accounts.audit import record_audit
from dialer.accounts.users import Actor
from dialer.campaigns.fields import Field, Invalid, clean, normalise_phone
from dialer.campaigns.saving import SaveError, delete_record, save_record
from dialer.campaigns.settings import check_refs
from dialer.models import CallerIdPool, Contact, ContactList, DialProfile
from dialer.models.enums import ContactStatus

EDITABLE_STATUSES = tuple(s.value for s in ContactStatus if s is not ContactStatus.LEASED)

CONTACT_FIELDS: tuple[Field, ...] = (
    Field("phone", "Phone", required=True, max_length=40, help="National numbers use the region below."),
    Field("alt_phones", "Alternate phones", "list", help="Comma-separated; tried in order when the phone fails."),
    Field("name", "Name", max_length=200),
    Field("external_id", "External id (in your IS)", max_length=128),
    Field("timezone", "Time zone", "timezone", max_length=64, help="Empty: derived from the number."),
    Field("status", "Status", "choice", choices=EDITABLE_STATUSES),
    Field("max_attempts", "Attempt limit for this contact", "int", min=1, max=1000,
          help="Empty: the dial profile's limit."),
    Field("caller_id", "Caller ID", "phone", max_length=32),
    Field("caller_id_pool", "Caller-ID pool", "ref"),
    Field("dial_profile", "Dial profile", "ref",
          help="Empty: the campaign's. Its calling hours, closure days, retries, ring time and limits then govern "
               "this contact's calls, within the campaign's regulatory profile."),
    Field("custom_fields", "Custom fields (JSON)", "json"),
)
_REFS = {"caller_id_pool": CallerIdPool, "dial_profile": DialProfile}


def normalise_phones(values: dict[str, Any], errors: dict[str, str], region: str | None) -> None:
    """Put `phone` and `alt_phones` of cleaned values into E.164 in place, noting errors."""
    if values.get("phone"):
        try:
            values["phone"] = normalise_phone(values["phone"], region)
        except Invalid as exc:
            errors["phone"] = str(exc)
    if values.get("alt_phones"):
        try:
            values["alt_phones"] = [normalise_phone(p, region) for p in values["alt_phones"]]
        except Invalid as exc:
            errors["alt_phones"] = str(exc)


async def phone_taken(list_id: int, phone: str, exclude_id: int | None = None) -> Contact | None:
    query = Contact.filter(contact_list_id=list_id, phone=phone)
    if exclude_id is not None:
        query = query.exclude(id=exclude_id)
    return await query.first()


async def save_contact(data: Mapping[str, Any], *, actor: Actor, record: Contact, region: str | None = None,
                       partial: bool = False) -> Contact:
    values, errors = clean(CONTACT_FIELDS, data, partial=partial)
    normalise_phones(values, errors, region)
    errors.update(await check_refs(values, _REFS))
    if values.get("status") == "":
        values.pop("status")
    if "status" in values:  # the model's field holds the enum: what is saved is what is read back
        values["status"] = ContactStatus(values["status"])
    if "external_id" in values:
        values["external_id"] = values["external_id"] or None
    if record.status is ContactStatus.LEASED and "status" in values:
        errors["status"] = "The contact is being dialed right now; try again in a minute."
    if "phone" in values and "phone" not in errors:
        if other := await phone_taken(record.contact_list_id, values["phone"], record.id):
            errors["phone"] = f"This list already has {values['phone']} (contact #{other.id})."
    if errors:
        raise SaveError(errors)
    return await save_record(Contact, values, actor=actor, entity="contact", record=record)


async def _audited_update(contact: Contact, values: dict[str, Any], *, actor: Actor, action: str,
                          note: dict[str, Any] | None = None) -> Contact:
    async with in_transaction():
        changes = {k: [getattr(contact, k).value if hasattr(getattr(contact, k), "value") else getattr(contact, k),
                       v.value if hasattr(v, "value") else v] for k, v in values.items()}
        for key, value in values.items():
            setattr(contact, key, value)
        await contact.save(update_fields=[*values, "updated_at"])
        await record_audit(actor, f"contact.{action}", "contact", contact.id, {**changes, **(note or {})})
    return contact


def _not_leased(contact: Contact) -> None:
    if contact.status is ContactStatus.LEASED:
        raise SaveError({"form": "The contact is being dialed right now; try again in a minute."})


async def reset_attempts(contact: Contact, *, actor: Actor) -> Contact:
    """Attempts back to zero; an exhausted contact becomes pending and due at once."""
    _not_leased(contact)
    values: dict[str, Any] = {"attempts": 0, "next_attempt_at": None, "phone_index": 0}
    if contact.status is ContactStatus.EXHAUSTED:
        values["status"] = ContactStatus.PENDING
    return await _audited_update(contact, values, actor=actor, action="reset_attempts")


async def raise_attempt_limit(contact: Contact, new_limit: Any, *, actor: Actor) -> Contact:
    """A higher limit for this contact; an exhausted one becomes pending again."""
    _not_leased(contact)
    try:
        limit = int(new_limit)
    except (TypeError, ValueError):
        raise SaveError({"max_attempts": "A whole number expected."}) from None
    if limit <= contact.attempts or limit > 1000:
        raise SaveError({"max_attempts": f"More than the {contact.attempts} attempts made, at most 1000."})
    values: dict[str, Any] = {"max_attempts": limit}
    if contact.status is ContactStatus.EXHAUSTED:
        values["status"] = ContactStatus.PENDING
    return await _audited_update(contact, values, actor=actor, action="raise_limit")


async def move_contact(contact: Contact, target_list_id: Any, *, actor: Actor) -> Contact:
    _not_leased(contact)
    try:
        target_id = int(target_list_id)
    except (TypeError, ValueError):
        target_id = 0
    target = await ContactList.get_or_none(id=target_id) if 1 <= target_id <= 2**31 - 1 else None
    if target is None:
        raise SaveError({"contact_list": "Choose a list."})
    if target.id == contact.contact_list_id:
        raise SaveError({"contact_list": "The contact is already in that list."})
    if other := await phone_taken(target.id, contact.phone):
        raise SaveError({"contact_list": f"The list {target.name!r} already has {contact.phone} "
                                         f"(contact #{other.id}); a number appears once per list."})
    return await _audited_update(contact, {"contact_list_id": target.id}, actor=actor, action="move",
                                 note={"to_list": target.name})


async def delete_contact(contact: Contact, *, actor: Actor) -> None:
    _not_leased(contact)
    await delete_record(contact, actor=actor, entity="contact", label=contact.phone)


@dataclass(frozen=True)
class Page:
    items: list[Contact]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


async def find_contacts(*, text: str = "", status: str = "", list_id: int | None = None,
                        list_ids: list[int] | None = None, page: int = 1, per_page: int = 50) -> Page:
    """Contacts matching a phone fragment, name or external id, by status and list; newest first."""
    query = Contact.all()
    if list_id is not None:
        query = query.filter(contact_list_id=list_id)
    if list_ids is not None:
        query = query.filter(contact_list_id__in=list_ids)
    if status:
        query = query.filter(status=status)
    text = text.strip()
    if text:
        digits = "".join(ch for ch in text if ch.isdigit())
        cond = Q(name__icontains=text) | Q(external_id=text)
        # Only what is written like a phone number is a phone fragment: the case "SP-0001" must not
        # find every contact whose number holds the digits 0001.
        if len(digits) >= 3 and all(ch.isdigit() or ch in " +-()./" for ch in text):
            cond |= Q(phone__contains=digits)
        query = query.filter(cond)
    total = await query.count()
    page = max(1, min(page, max(1, -(-total // per_page))))
    items = await query.order_by("-id").offset((page - 1) * per_page).limit(per_page).select_related("contact_list")
    return Page(items=items, total=total, page=page, per_page=per_page)
