"""A campaign's live picture from the database: counters and the "why it is not dialing" input.

The thin loader for `dialer.scheduling.diagnosis`; big lists are sampled, not read whole (a
bounded number of due contacts decides the calling-hours question).
"""

from __future__ import annotations

from datetime import datetime, time, timezone
from typing import Any, Sequence
from zoneinfo import ZoneInfo

from tortoise.expressions import Q
from tortoise.functions import Count

from dialer.billing.service.accounts import prepaid_stop_reason
from dialer.campaigns.callees import SAMPLE, callee_groups
from dialer.campaigns.fields import valid_timezone
from dialer.campaigns.regulation import campaign_regulation, contact_profiles_settings, dial_settings
from dialer.models import AgentSession, AgentStateChange, CallAttempt, Campaign, Contact
from dialer.models.enums import AgentState, ContactStatus
from dialer.not_dialing import NotDialing, NotDialingReason
from dialer.scheduling.diagnosis import AgentView, Diagnosis, DiagnosisInput, DueGroup, diagnose

WAITING_SAMPLE = 200


def _value(v: Any) -> str:
    return str(getattr(v, "value", v))


async def _list_ids(campaign: Campaign) -> list[int]:
    return [cl.id for cl in await campaign.contact_lists.all()]


async def contact_counts(list_ids: list[int]) -> dict[str, int]:
    counts = dict.fromkeys((s.value for s in ContactStatus), 0)
    if list_ids:
        rows = await (Contact.filter(contact_list_id__in=list_ids).annotate(n=Count("id"))
                      .group_by("status").values("status", "n"))
        for row in rows:
            counts[_value(row["status"])] = row["n"]
    return counts


def _profile_zone(campaign: Campaign) -> str:
    profile = campaign.dial_profile
    return profile.timezone if profile is not None and valid_timezone(profile.timezone) else "UTC"


async def attempts_today(campaign: Campaign, now: datetime) -> dict[str, int]:
    """Attempts since midnight in the dial profile's time zone, by outcome ("in_progress": no outcome yet)."""
    zone = ZoneInfo(_profile_zone(campaign))
    midnight = datetime.combine(now.astimezone(zone).date(), time(0), tzinfo=zone).astimezone(timezone.utc)
    rows = await (CallAttempt.filter(campaign_id=campaign.id, originated_at__gte=midnight)
                  .annotate(n=Count("id")).group_by("outcome").values("outcome", "n"))
    return {(_value(r["outcome"]) if r["outcome"] else "in_progress"): r["n"] for r in rows}


async def _agents(campaign: Campaign) -> list[AgentView]:
    sessions = AgentSession.filter(ended_at=None).select_related("agent")
    if campaign.team_id is not None:
        sessions = sessions.filter(agent__user__team_id=campaign.team_id)
    views = []
    for session in await sessions:
        last = await AgentStateChange.filter(agent_id=session.agent_id).order_by("-at").first()
        state = last.state if last is not None else AgentState.PAUSED
        if state is not AgentState.LOGGED_OUT:
            views.append(AgentView(state=state, skills=tuple(session.agent.skills or ()),
                                   reason=last.reason if last is not None else ""))
    return views


async def load_diagnosis_input(campaign: Campaign, now: datetime) -> DiagnosisInput:
    await campaign.fetch_related("dial_profile")
    list_ids = await _list_ids(campaign)
    counts = await contact_counts(list_ids)
    pending = Contact.filter(contact_list_id__in=list_ids, status=ContactStatus.PENDING)
    due_q = pending.filter(Q(next_attempt_at=None) | Q(next_attempt_at__lte=now))
    due_total = await due_q.count() if list_ids else 0
    groups: list[DueGroup] = []
    waiting: list[DueGroup] = []
    next_due_at = None
    fallback = _profile_zone(campaign)
    if due_total:
        groups = await callee_groups(due_q, fallback, SAMPLE)
    elif counts["pending"]:
        nxt = await pending.filter(next_attempt_at__gt=now).order_by("next_attempt_at").first()
        next_due_at = nxt.next_attempt_at if nxt else None
        # Those due next, whose day off (a holiday, a closure day) may be why none is due now.
        waiting = await callee_groups(pending.filter(next_attempt_at__gt=now).order_by("next_attempt_at"), fallback,
                                      WAITING_SAMPLE)
    # The hours the engine dials in: the dial profile's, else the regulatory profile's defaults;
    # a contact's own profile's for those that name one (engine/contact_feed.py).
    dial = dial_settings(campaign_regulation(campaign.regulatory_profile), campaign.dial_profile)
    own = await contact_profiles_settings(dial, (g.profile_id for g in (*groups, *waiting)))
    return DiagnosisInput(
        status=campaign.status, mode=campaign.mode, archived=campaign.archived, list_count=len(list_ids),
        counts=counts, due_groups=tuple(groups), due_total=due_total, next_due_at=next_due_at,
        calling_windows=dial.calling_windows, skip_holidays=dial.skip_holidays, closures=dial.closures,
        own_hours={pid: d.hours for pid, d in own.items()}, waiting_groups=tuple(waiting),
        agents=await _agents(campaign), required_skills=tuple(campaign.required_skills or ()),
    )


async def campaign_status(campaign: Campaign, now: datetime | None = None,
                          live: Sequence[NotDialingReason] | None = None) -> dict[str, Any]:
    """Everything the campaign page and `GET /api/v1/campaigns/{id}` show, as JSON. `live`: the
    engine's reasons when it runs in this process (None when it does not)."""
    now = now or datetime.now(timezone.utc)
    data = await load_diagnosis_input(campaign, now)
    if live is None and campaign.team_id is not None:  # no engine here: the credit from the database
        no_credit = await prepaid_stop_reason(campaign.team_id, now)
        live = (NotDialingReason(NotDialing.NO_PREPAID_CREDIT, no_credit),) if no_credit else None
    diagnosis: Diagnosis = diagnose(data, now, live or ())
    return {
        "id": campaign.id, "name": campaign.name, "mode": campaign.mode.value, "status": campaign.status.value,
        "archived": campaign.archived, "team_id": campaign.team_id,
        "started_at": campaign.started_at.isoformat() if campaign.started_at else None,
        "contacts": dict(data.counts), "attempts_today": await attempts_today(campaign, now),
        "diagnosis": diagnosis.as_json(), "at": now.isoformat(),
    }
