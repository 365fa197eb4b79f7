"""Dispositions: what agents say a call came to, global or for one campaign.

A code is unique within its scope; a campaign's own disposition may reuse a global code to
override it for that campaign.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from dialer.accounts.users import Actor
from dialer.campaigns.fields import Field, clean
from dialer.campaigns.saving import SaveError, delete_record, save_record
from dialer.campaigns.settings import check_refs
from dialer.models import CallAttempt, Campaign, Disposition
from dialer.models.enums import DncScope

_CODE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,31}$")

DISPOSITION_FIELDS: tuple[Field, ...] = (
    Field("code", "Code", required=True, max_length=32,
          help="Lower-case letters, digits, _ . - (what the IS receives)."),
    Field("name", "Name", required=True, max_length=100, help="What agents see."),
    Field("campaign", "Campaign", "ref", help="Empty: offered in every campaign."),
    Field("is_final", "Final: no more attempts for the contact", "bool"),
    Field("is_callback", "Callback: asks for a date and time", "bool"),
    Field("is_private", "Private callback: kept for the same agent", "bool"),
    Field("is_success", "Counts as a success", "bool"),
    Field("is_machine", "Answering machine (counts in Ofcom's adjustment)", "bool"),
    Field("adds_dnc", "Adds the number to the do-not-call list", "bool",
          help="Saving a call with it bars the customer's number (the “Do not call” disposition)."),
    Field("dnc_scope", "Barred where", "choice", choices=tuple(s.value for s in DncScope),
          help="global: in every campaign and list; campaign: only in the call's campaign."),
    Field("dnc_expires_days", "Barred for (days)", "int", min=1, max=36500,
          help="Empty: for good."),
    Field("sort_order", "Order", "int", min=-1000, max=1000),
    Field("active", "Active", "bool"),
)


async def save_disposition(data: Mapping[str, Any], *, actor: Actor,
                           record: Disposition | None = None) -> Disposition:
    values, errors = clean(DISPOSITION_FIELDS, data)
    if values.get("code") and not _CODE.match(values["code"]):
        errors["code"] = "Lower-case letters, digits and _ . - only, 32 at most."
    if values.get("is_private") and not values.get("is_callback"):
        errors["is_private"] = "Only a callback can be private."
    errors.update(await check_refs(values, {"campaign": Campaign}))
    values["dnc_scope"] = DncScope(values.get("dnc_scope") or DncScope.GLOBAL.value)
    if values.get("dnc_expires_days") is not None and not values.get("adds_dnc"):
        errors["dnc_expires_days"] = "Only for a disposition that adds to the do-not-call list."
    if values.get("sort_order") is None:
        values["sort_order"] = 0
    # The unique constraint does not catch two global rows (NULL campaign): check it here.
    clash = Disposition.filter(code=values.get("code"), campaign_id=values.get("campaign_id"))
    if record is not None:
        clash = clash.exclude(id=record.id)
    if "code" not in errors and await clash.exists():
        where = "in that campaign." if values.get("campaign_id") else "globally."
        errors["code"] = "This code is already used " + where
    if errors:
        raise SaveError(errors)
    return await save_record(Disposition, values, actor=actor, entity="disposition", record=record)


async def delete_disposition(disposition: Disposition, *, actor: Actor) -> None:
    if await CallAttempt.filter(disposition_id=disposition.id).exists():
        raise SaveError({"form": "Calls were given this disposition; deactivate it instead."})
    await delete_record(disposition, actor=actor, entity="disposition", label=disposition.code)
