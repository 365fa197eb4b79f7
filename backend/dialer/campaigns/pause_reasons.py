"""Pause reasons: what an agent picks when pausing (lunch, training), as admins keep them.

Whether a reason is productive decides if its paused time counts as working time in reports.
A reason agents have already paused with is kept for the record: deactivate it instead.
"""

from __future__ import annotations

from typing import Any, Mapping

from dialer.accounts.users import Actor
from dialer.campaigns.fields import Field, clean
from dialer.campaigns.saving import SaveError, delete_record, save_record
from dialer.models import AgentStateChange, PauseReason
from dialer.models.enums import AgentState

PAUSE_REASON_FIELDS: tuple[Field, ...] = (
    Field("name", "Name", required=True, max_length=64, help="What agents pick in the panel."),
    Field("productive", "Counts as working time in reports (training, coaching)", "bool"),
    Field("active", "Active", "bool", help="Only active reasons are offered to agents."),
)


async def save_pause_reason(data: Mapping[str, Any], *, actor: Actor,
                            record: PauseReason | None = None) -> PauseReason:
    values, errors = clean(PAUSE_REASON_FIELDS, data)
    clash = PauseReason.filter(name=values.get("name"))
    if record is not None:
        clash = clash.exclude(id=record.id)
    if "name" not in errors and await clash.exists():
        errors["name"] = "Another pause reason has this name."
    if errors:
        raise SaveError(errors)
    return await save_record(PauseReason, values, actor=actor, entity="pause_reason", record=record)


async def delete_pause_reason(reason: PauseReason, *, actor: Actor) -> None:
    # The agents' state history names the reason (reports read its "productive" flag by name).
    if await AgentStateChange.filter(state=AgentState.PAUSED, reason=reason.name).exists():
        raise SaveError({"form": "Agents have paused with this reason; deactivate it instead."})
    await delete_record(reason, actor=actor, entity="pause_reason", label=reason.name)
