"""Contact lists as admins manage them: name, category, team; deleting one deletes its contacts."""

from __future__ import annotations

from typing import Any, Mapping

from dialer.accounts.users import Actor
from dialer.campaigns.fields import Field, clean
from dialer.campaigns.saving import SaveError, delete_record, save_record
from dialer.campaigns.settings import check_refs
from dialer.models import Campaign, Contact, ContactList, Team
from dialer.models.enums import CampaignStatus, ContactStatus

LIST_FIELDS: tuple[Field, ...] = (
    Field("name", "Name", required=True, max_length=100),
    Field("category", "Category", max_length=64),
    Field("team", "Team", "ref", help="Supervisors see the lists of their team."),
    Field("description", "Description", "textarea", max_length=2000),
)


async def save_list(data: Mapping[str, Any], *, actor: Actor, record: ContactList | None = None) -> ContactList:
    values, errors = clean(LIST_FIELDS, data)
    errors.update(await check_refs(values, {"team": Team}))
    if errors:
        raise SaveError(errors)
    return await save_record(ContactList, values, actor=actor, entity="contact_list", record=record)


async def delete_list(contact_list: ContactList, *, actor: Actor) -> None:
    running = await Campaign.filter(contact_lists=contact_list.id, status=CampaignStatus.RUNNING).values_list(
        "name", flat=True)
    if running:
        raise SaveError({"form": f"Running campaigns dial this list: {', '.join(running)}. Stop them first."})
    if await Contact.filter(contact_list_id=contact_list.id, status=ContactStatus.LEASED).exists():
        raise SaveError({"form": "Some of its contacts are being dialed right now; try again in a minute."})
    # Calls made to its contacts stay (phone and times); they only lose the link to the contact.
    await delete_record(contact_list, actor=actor, entity="contact_list", label=contact_list.name)
