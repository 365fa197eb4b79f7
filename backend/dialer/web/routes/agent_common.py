"""What the agent panel, its API and its socket share: who the agent is, the engine of this
process, and the views an agent sees (state snapshot, the open call, today's figures).

These are read-only shapes of the engine's views (`dialer.engine.views`, never its internals)
and of database state; every action goes through the engine's public methods (see `agent_api`).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Awaitable, Callable

from starlette.applications import Starlette
from tortoise.expressions import Q
from tortoise.functions import Count, Sum

from dialer.accounts.tokens import Scope, revoke_user_tokens
from dialer.dnc.entries import entry_json, listed
from dialer.engine.engine import AgentError, Engine
from dialer.models import Agent, CallAttempt, Campaign, Contact, Disposition, PauseReason, User
from dialer.models.enums import CampaignStatus, ContactStatus, PrivateNumbers
from dialer.web.errors import ApiError

NO_ENGINE = "the dialer engine is not running in this process"
AGENT_SCOPE = Scope.AGENT.value


def engine_of(app: Starlette) -> Engine:
    engine = getattr(app.state, "engine", None)
    if engine is None:
        raise ApiError(503, NO_ENGINE)
    return engine


async def agent_of(user: User) -> Agent:
    agent = await Agent.get_or_none(user_id=user.id)
    if agent is None:
        raise ApiError(403, "You have no agent profile; ask an admin to give you an extension.")
    return agent


async def joinable_campaigns(user: User) -> list[Campaign]:
    """Running or paused campaigns of the agent's team (admins without a team: all of them)."""
    query = Campaign.filter(status__in=[CampaignStatus.RUNNING, CampaignStatus.PAUSED], archived=False)
    if user.team_id is not None:
        query = query.filter(team_id=user.team_id)
    elif user.role.value == "agent":
        return []
    return await query.order_by("name")


def campaign_json(c: Campaign) -> dict[str, Any]:
    return {"id": c.id, "name": c.name, "mode": c.mode.value, "status": c.status.value,
            "private_numbers": c.private_numbers.value}


async def pause_reasons() -> list[dict[str, Any]]:
    return [{"id": r.id, "name": r.name} for r in await PauseReason.filter(active=True).order_by("name")]


async def dispositions_for(campaign_id: int | None) -> list[dict[str, Any]]:
    rows = await Disposition.filter(Q(campaign_id=None) | Q(campaign_id=campaign_id or 0), active=True) \
        .order_by("sort_order", "name")
    # Where the campaign keeps no contacts for one agent, a private callback is a shared one:
    # the form does not offer "keep for me" (the engine converts one saved anyway).
    campaign = await Campaign.get_or_none(id=campaign_id) if campaign_id else None
    keeps = campaign is None or campaign.private_numbers is not PrivateNumbers.OFF
    return [{"id": d.id, "code": d.code, "name": d.name, "callback": d.is_callback, "private": d.is_private and keeps,
             "final": d.is_final, "adds_dnc": d.adds_dnc} for d in rows]


def _day_start() -> datetime:
    return datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)


async def figures(agent_id: int, engine: Engine | None) -> dict[str, Any]:
    """My calls and talk time today (from the record), and customers waiting in my campaigns."""
    rows = await (CallAttempt.filter(agent_id=agent_id, originated_at__gte=_day_start(), bridged_at__not_isnull=True)
                  .annotate(n=Count("id"), talk=Sum("talk_s")).values("n", "talk"))
    calls = int(rows[0]["n"] or 0) if rows else 0
    talk = float(rows[0]["talk"] or 0.0) if rows else 0.0
    waiting = 0
    if engine is not None and (me := engine.agent_view(agent_id)) is not None:
        campaigns = (engine.campaign_view(campaign_id) for campaign_id in me.campaign_ids)
        waiting = sum(c.customers_waiting for c in campaigns if c is not None)
    return {"type": "figures", "calls_today": calls, "talk_s_today": round(talk), "waiting": waiting}


async def call_view(engine: Engine, agent_id: int) -> dict[str, Any] | None:
    """The call the agent is on or wrapping up, with what its form needs."""
    call = engine.agent_call(agent_id)
    if call is None:
        return None
    campaign = await Campaign.get_or_none(id=call.campaign_id) if call.campaign_id else None
    private_ok = campaign is not None and campaign.private_numbers is not PrivateNumbers.OFF
    phone = str(call.card.get("phone") or "")
    barred = await listed(phone, call.campaign_id, datetime.now(timezone.utc)) if phone else None
    return {"dnc": entry_json(barred) if barred else None,  # the number's bar, if any: the form shows it
            "call_id": call.call_id, "attempt_id": call.attempt_id, "campaign_id": call.campaign_id,
            "state": call.state.value, "card": dict(call.card),
            "dispositions": await dispositions_for(call.campaign_id), "private_allowed": private_ok,
            "wrap_up_until": call.wrap_up_until.isoformat() if call.wrap_up_until else None}


def offer_view(engine: Engine, agent_id: int) -> dict[str, Any] | None:
    offer = engine.preview_offer(agent_id)
    if offer is None:
        return None
    return {"campaign_id": offer.campaign_id, "card": dict(offer.card), "expires_at": offer.expires_at.isoformat()}


async def snapshot(engine: Engine | None, agent: Agent, user: User) -> dict[str, Any]:
    state = engine.agent_state(agent.id) if engine else None
    return {"type": "snapshot", "engine": engine is not None, "agent_id": agent.id,
            "username": user.username, "name": user.full_name or user.username,
            "state": state or {"type": "agent.state", "agent_id": agent.id, "state": "logged_out"},
            "call": await call_view(engine, agent.id) if engine else None,
            "offer": offer_view(engine, agent.id) if engine else None,
            "figures": await figures(agent.id, engine)}


async def private_contacts(agent_id: int) -> list[dict[str, Any]]:
    """Contacts kept for this agent ("private"), to dial by hand."""
    rows = await Contact.filter(owner_agent_id=agent_id, status=ContactStatus.PENDING).order_by("next_attempt_at")
    return [{"id": c.id, "name": c.name, "phone": c.phone, "external_id": c.external_id or "",
             "callback_at": c.next_attempt_at.isoformat() if c.next_attempt_at else None} for c in rows[:200]]


def agent_error(exc: AgentError) -> ApiError:
    return ApiError(409, str(exc))


def logout_hook(app: Starlette) -> Callable[[User], Awaitable[None]]:
    """The web session ends: the extension's agent tokens end too, and its socket is told so."""

    async def on_logout(user: User) -> None:
        await revoke_user_tokens(user, scope=AGENT_SCOPE)
        agent = await Agent.get_or_none(user_id=user.id)
        if agent is not None:
            app.state.hub.publish_nowait(f"agent:{agent.id}", {"type": "auth.revoked", "agent_id": agent.id,
                                                               "by": "panel"})
            engine = getattr(app.state, "engine", None)
            if engine is not None:
                try:
                    await engine.agent_logout(agent.id)
                except AgentError:
                    pass  # on a call: the dialer session stays until the call's form is done

    return on_logout
