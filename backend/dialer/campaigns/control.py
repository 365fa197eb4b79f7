"""Campaign control: start, pause, resume, stop and clear, as explicit transition rules.

Every transition is audit-logged and published on the hub topic `campaign:<id>` as a
`campaign.control` event; the engine subscribes to it and acts. Who may do what is decided
here too (`may_control`), so the web pages and the API cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from typing import Any

from tortoise.transactions import in_transaction

from dialer.accounts.audit import record_audit
from dialer.accounts.users import Actor
from dialer.models import Campaign, Contact, User
from dialer.models.enums import CampaignStatus, ContactStatus, Role

S = CampaignStatus


class Action(str, Enum):
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"
    CLEAR = "clear"


class ClearMode(str, Enum):
    """What "clear" resets. Contact lists may be shared: clearing touches every campaign on them."""

    PENDING = "pending"  # every contact back to pending with no attempts: the campaign starts over
    ATTEMPTS = "attempts"  # attempt counters to zero; exhausted contacts become pending again


@dataclass(frozen=True)
class Rule:
    sources: frozenset[CampaignStatus]
    target: CampaignStatus | None  # None: the status stays (clear)
    supervisors: bool  # may a supervisor of the campaign's team do it
    refusal: str


RULES: dict[Action, Rule] = {
    Action.START: Rule(frozenset({S.DRAFT, S.STOPPED}), S.RUNNING, True,
                       "Only a draft or stopped campaign can be started; a paused one is resumed."),
    Action.PAUSE: Rule(frozenset({S.RUNNING}), S.PAUSED, True, "Only a running campaign can be paused."),
    Action.RESUME: Rule(frozenset({S.PAUSED}), S.RUNNING, True, "Only a paused campaign can be resumed."),
    Action.STOP: Rule(frozenset({S.RUNNING, S.PAUSED}), S.STOPPED, True,
                      "Only a running or paused campaign can be stopped."),
    # Not while running: the engine holds leases on contacts it is dialing.
    Action.CLEAR: Rule(frozenset({S.DRAFT, S.PAUSED, S.STOPPED}), None, False,
                       "Pause or stop the campaign before clearing it."),
}


class ControlError(Exception):
    """A refused control request; `status` is the HTTP status that fits (403 or 409 or 422)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def allowed_actions(status: CampaignStatus, role: Role) -> list[Action]:
    """What the buttons on the campaign page offer a role for a status."""
    return [a for a, r in RULES.items()
            if status in r.sources and (role is Role.ADMIN or (role is Role.SUPERVISOR and r.supervisors))]


def may_see(user: User, campaign: Campaign) -> bool:
    """Admins see every campaign; supervisors (and agents) those of their own team."""
    return user.role is Role.ADMIN or (user.team_id is not None and campaign.team_id == user.team_id)


def may_control(user: User, campaign: Campaign, action: Action) -> bool:
    if user.role is Role.ADMIN:
        return True
    return user.role is Role.SUPERVISOR and RULES[action].supervisors and may_see(user, campaign)


async def _clear(campaign: Campaign, mode: ClearMode) -> int:
    list_ids = [cl.id for cl in await campaign.contact_lists.all()]
    if not list_ids:
        return 0
    # Leased contacts are mid-call somewhere (lists may be shared); DNC ones stay barred.
    base = Contact.filter(contact_list_id__in=list_ids, lease_owner=None).exclude(
        status__in=[ContactStatus.DNC, ContactStatus.LEASED])
    if mode is ClearMode.PENDING:
        return await base.update(status=ContactStatus.PENDING, attempts=0, next_attempt_at=None, phone_index=0)
    touched = await base.filter(status=ContactStatus.EXHAUSTED).update(
        status=ContactStatus.PENDING, attempts=0, next_attempt_at=None, phone_index=0)
    return touched + await base.exclude(status=ContactStatus.EXHAUSTED).filter(attempts__gt=0).update(attempts=0)


async def control_campaign(campaign: Campaign, action: Action | str, *, actor: Actor,
                           clear_mode: ClearMode | str | None = None, hub: Any = None,
                           now: datetime | None = None) -> dict[str, Any]:
    """Carry out `action` on `campaign`; returns the published event. Raises ControlError."""
    try:
        action = Action(action)
    except ValueError:
        raise ControlError(422, f"Unknown action; one of: {', '.join(a.value for a in Action)}.") from None
    user = actor.user
    if user is not None and not may_control(user, campaign, action):
        raise ControlError(403, f"You may not {action.value} this campaign.")
    rule = RULES[action]
    mode: ClearMode | None = None
    if action is Action.CLEAR:
        try:
            mode = ClearMode(clear_mode or "")
        except ValueError:
            raise ControlError(422, "Choose what to clear: 'pending' (contacts start over) or "
                                    "'attempts' (attempt counters reset).") from None
    now = now or datetime.now(timezone.utc)
    async with in_transaction():
        # Re-read under the transaction so two clicks cannot both pass the source check.
        fresh = await Campaign.select_for_update().get(id=campaign.id)
        if fresh.archived:
            raise ControlError(409, "The campaign is archived; unarchive it first.")
        if fresh.status not in rule.sources:
            raise ControlError(409, f"{rule.refusal} It is {fresh.status.value}.")
        before = fresh.status
        changes: dict[str, Any] = {"status": [before.value, (rule.target or before).value]}
        if rule.target is not None:
            fresh.status = rule.target
            fields = ["status", "updated_at"]
            if action is Action.START:
                fresh.started_at = now
                fields.append("started_at")
            await fresh.save(update_fields=fields)
        if mode is not None:
            changes["mode"] = mode.value
            changes["contacts"] = await _clear(fresh, mode)
        await record_audit(actor, f"campaign.{action.value}", "campaign", fresh.id, changes)
    campaign.status = fresh.status
    campaign.started_at = fresh.started_at
    event = {"type": "campaign.control", "campaign_id": campaign.id, "action": action.value,
             "status": fresh.status.value, "previous": before.value, "by": actor.label, "at": now.isoformat()}
    if mode is not None:
        event["clear_mode"] = mode.value
        event["contacts"] = changes["contacts"]
    if hub is not None:
        await hub.publish(f"campaign:{campaign.id}", event)
    return event
