"""Read-only views of the engine's state for the web layer: an agent, the call they are on or
wrapping up, the contact offered to them in preview mode, a campaign's live figures.

Frozen copies made by `Engine` methods at the moment they are asked for: the web shapes them
into pages and JSON and never holds the engine's own objects, which the event loop goes on
changing. Not a way to act: every action is an `Engine` method.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Mapping

from dialer.engine.agents import LiveAgent
from dialer.engine.calls import CallState, CustomerCall
from dialer.engine.campaign_runtime import PACER_CODES, CampaignRuntime
from dialer.engine.contact_feed import card_data
from dialer.engine.preview import Offer
from dialer.models.enums import AgentState
from dialer.not_dialing import NotDialingReason


@dataclass(frozen=True)
class AgentView:
    agent_id: int
    state: AgentState
    reason: str  # why paused or not ready ("phone down", "disconnected")
    campaign_ids: frozenset[int]
    call_id: str | None  # the customer call they are reserved for, on, or wrapping up
    wrap_up_until: datetime | None


@dataclass(frozen=True)
class CallView:
    """The call an agent is on or wrapping up, with what its form needs."""

    call_id: str
    attempt_id: int
    campaign_id: int
    agent_id: int
    state: CallState
    card: Mapping[str, Any]  # a copy: the customer's card as it popped up
    wrap_up_until: datetime | None  # the agent's, when wrap-up ends by itself


@dataclass(frozen=True)
class OfferView:
    """The contact offered to an agent in preview mode, before anything is dialed."""

    campaign_id: int
    card: Mapping[str, Any]
    expires_at: datetime


@dataclass(frozen=True)
class CampaignView:
    campaign_id: int
    name: str
    paused: bool
    customers_waiting: int  # answered, no agent yet
    not_dialing: tuple[NotDialingReason, ...]  # what stops it (the pacer's own account left out)


def agent_view(agent: LiveAgent) -> AgentView:
    return AgentView(agent_id=agent.agent_id, state=agent.state, reason=agent.reason,
                     campaign_ids=frozenset(agent.campaign_ids), call_id=agent.call_id,
                     wrap_up_until=agent.wrap_up_until)


def call_view(agent: LiveAgent, calls: Mapping[str, CustomerCall]) -> CallView | None:
    """The agent's call, if they are on it or wrapping it up (not one merely reserved for them)."""
    call = calls.get(agent.call_id) if agent.call_id else None
    if call is None or call.agent_id != agent.agent_id:
        return None
    return CallView(call_id=call.call_id, attempt_id=call.attempt_id, campaign_id=call.campaign_id,
                    agent_id=agent.agent_id, state=call.state, card=dict(call.contact),
                    wrap_up_until=agent.wrap_up_until)


def offer_view(offer: Offer, rt: CampaignRuntime) -> OfferView:
    contact = offer.candidate.contact
    # The card exactly as `call.offered` carried it, for a panel opened after the offer.
    card = card_data(contact, rt.config, contact.attempts + 1, offer.candidate.phone)
    return OfferView(campaign_id=offer.campaign_id, card=card, expires_at=offer.expires_at)


def campaign_view(rt: CampaignRuntime, calls: Mapping[str, CustomerCall], waiting: Iterable[str]) -> CampaignView:
    waiting_here = sum(1 for call_id in waiting
                       if (call := calls.get(call_id)) is not None and call.campaign_id == rt.campaign_id)
    return CampaignView(campaign_id=rt.campaign_id, name=rt.config.name, paused=rt.paused,
                        customers_waiting=waiting_here,
                        not_dialing=tuple(r for r in rt.not_dialing if r.code not in PACER_CODES))
