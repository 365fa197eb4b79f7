"""Agents in the engine: login into campaigns, the phone kept connected (persistent mode),
ready / pause / logout, and the end of a call's wrap-up with the agent's disposition.

Persistent mode: when an agent first goes ready the engine calls their phone once and keeps
it in a bridge of their own; each customer is then added to that bridge with one request,
in milliseconds. A pause asked for during a call takes effect when wrap-up ends, and a
pause while ready is safe: the dispatcher only gives calls to agents still ready.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Awaitable, Callable

from dialer.engine.agents import AgentStateError, LiveAgent
from dialer.engine.call_flow import CallFlow
from dialer.engine.calls import CallState
from dialer.engine.state import EngineState
from dialer.models import Agent, AgentSession, Disposition
from dialer.models.enums import AgentConnection, AgentState, CallOutcome
from dialer.scheduling.retry import AttemptResult
from dialer.telephony.port import LegKind, OriginateRequest

log = logging.getLogger(__name__)


class AgentError(Exception):
    """An agent request that cannot be done now; the message is for the agent."""


class AgentFlow:
    def __init__(self, state: EngineState, calls: CallFlow) -> None:
        self.s = state
        self.calls = calls
        # Set by the engine: a per-call agent reserved for a preview answered / did not answer.
        self.on_reserved_answered: Callable[[LiveAgent], Awaitable[None]] | None = None
        self.on_reserved_missed: Callable[[LiveAgent, str], Awaitable[None]] | None = None

    def _agent(self, agent_id: int) -> LiveAgent:
        agent = self.s.agents.get(agent_id)
        if agent is None:
            raise AgentError("You are not logged in to the dialer.")
        return agent

    def _move(self, agent: LiveAgent, to: AgentState, reason: str = "", campaign_id: int | None = None) -> None:
        now = self.s.clock()
        agent.move(to, now, reason)
        self.s.writer.agent_state(agent.agent_id, to, now, reason, campaign_id, agent.session_id)
        self.s.publish_agent(agent)

    # -- session -----------------------------------------------------------------------------

    async def login(self, agent_id: int, campaign_ids: set[int], extension: str | None = None,
                    ip: str = "") -> LiveAgent:
        agent = self.s.agents.get(agent_id)
        if agent is not None:
            agent.campaign_ids = set(campaign_ids)
            self.s.publish_agent(agent)
            return agent
        row = await Agent.get_or_none(id=agent_id).select_related("user")
        if row is None or not row.user.active:
            raise AgentError("No such active agent.")
        ext = extension or row.extension
        if not ext:
            raise AgentError("No phone (extension) is set for you; ask an admin.")
        now = self.s.clock()
        session = await AgentSession.create(agent=row, extension=ext, started_at=now, ip=ip)
        agent = LiveAgent(agent_id=row.id, user_id=row.user_id, username=row.user.username,
                          name=row.user.full_name or row.user.username, team_id=row.user.team_id, extension=ext,
                          skills=frozenset(row.skills or ()), wrap_up_s=float(row.wrap_up_s),
                          campaign_ids=set(campaign_ids), session_id=session.id,
                          per_call=row.connection is AgentConnection.PER_CALL)
        self.s.agents[agent_id] = agent
        self._move(agent, AgentState.PAUSED, "logged in")
        return agent

    async def logout(self, agent_id: int, reason: str = "logout") -> None:
        agent = self.s.agents.get(agent_id)
        if agent is None:
            return
        if agent.state in (AgentState.ON_CALL,):
            raise AgentError("Finish the call before logging out.")
        if agent.state is AgentState.WRAP_UP and agent.call_id:
            await self.finish_wrap_up(agent_id)
        self._move(agent, AgentState.LOGGED_OUT, reason)
        del self.s.agents[agent_id]
        if agent.leg_id:
            self.s.agent_legs.pop(agent.leg_id, None)
            await self.s.port.hangup(agent.leg_id)
        if agent.bridge_id:
            await self.s.port.destroy_bridge(agent.bridge_id)
        if agent.session_id:
            await AgentSession.filter(id=agent.session_id).update(ended_at=self.s.clock(), end_reason=reason)

    # -- ready / pause -----------------------------------------------------------------------

    async def ready(self, agent_id: int) -> None:
        agent = self._agent(agent_id)
        if agent.state in (AgentState.ON_CALL, AgentState.WRAP_UP):
            agent.pause_requested = None  # "ready" during a call cancels a pending pause
            return
        try:
            self._move(agent, AgentState.READY)
        except AgentStateError as exc:
            raise AgentError(str(exc)) from None
        if not agent.per_call and not agent.phone_up and agent.leg_id is None:
            await self._call_phone(agent)
        self.calls.dispatch()

    async def pause(self, agent_id: int, reason: str = "") -> None:
        agent = self._agent(agent_id)
        if agent.state in (AgentState.ON_CALL, AgentState.WRAP_UP):
            agent.pause_requested = reason or "pause"
            self.s.publish_agent(agent)
            return
        self._move(agent, AgentState.PAUSED, reason)

    async def _call_phone(self, agent: LiveAgent) -> None:
        agent.leg_id = uuid.uuid4().hex
        agent.bridge_id = uuid.uuid4().hex
        self.s.agent_legs[agent.leg_id] = agent.agent_id
        try:
            await self.s.port.originate(OriginateRequest(agent.leg_id, LegKind.AGENT, agent.extension,
                                                         caller_id="Dialer", timeout_s=30))
        except Exception as exc:
            self.s.agent_legs.pop(agent.leg_id, None)
            agent.leg_id = None
            self._move(agent, AgentState.PAUSED, "phone unreachable")
            raise AgentError(f"Your phone could not be called: {exc}") from None

    # -- the agent's phone leg ---------------------------------------------------------------

    async def on_phone_answered(self, agent_id: int) -> None:
        agent = self.s.agents.get(agent_id)
        if agent is None or agent.leg_id is None or agent.bridge_id is None:
            return
        if agent.per_call and agent.state is AgentState.RINGING:
            await self.calls.agent_answered(agent)
            return
        if agent.per_call and agent.state is AgentState.RESERVED and self.on_reserved_answered:
            await self.on_reserved_answered(agent)
            return
        try:
            await self.s.port.create_bridge(agent.bridge_id)
            await self.s.port.add_to_bridge(agent.bridge_id, agent.leg_id)
        except Exception as exc:
            log.warning("could not bridge agent %s's phone: %s", agent.username, exc)
            await self.s.port.hangup(agent.leg_id)
            return
        agent.phone_up = True
        if agent.state is AgentState.READY:
            agent.idle_since = self.s.clock()
        self.s.publish_agent(agent)
        self.calls.dispatch()

    async def on_phone_gone(self, agent_id: int, reason: str) -> None:
        """The agent's phone did not answer, or hung up: never leave a customer with silence."""
        agent = self.s.agents.get(agent_id)
        if agent is None:
            return
        if agent.per_call and agent.state is AgentState.RINGING:
            if agent.leg_id:
                self.s.agent_legs.pop(agent.leg_id, None)
            call = self.s.calls.get(agent.call_id) if agent.call_id else None
            self.calls.agent_missed(agent, call, reason)
            return
        if agent.per_call and agent.state is AgentState.RESERVED and not agent.phone_up and self.on_reserved_missed:
            await self.on_reserved_missed(agent, reason)
            return
        if agent.leg_id:
            self.s.agent_legs.pop(agent.leg_id, None)
        agent.leg_id, agent.phone_up = None, False
        call = self.s.calls.get(agent.call_id) if agent.call_id else None
        if call is not None and call.state is CallState.BRIDGED:
            await self.s.port.hangup(call.call_id)  # the call ends; wrap-up follows as usual
        if agent.bridge_id:
            await self.s.port.destroy_bridge(agent.bridge_id)
            agent.bridge_id = None
        if agent.state in (AgentState.READY, AgentState.RESERVED, AgentState.RINGING):
            self._move(agent, AgentState.PAUSED, reason)
        else:
            self.s.publish_agent(agent)

    # -- wrap-up and disposition -------------------------------------------------------------

    async def set_disposition(self, agent_id: int, call_id: str, disposition_id: int, notes: str = "",
                              callback_at: datetime | None = None, private: bool = False) -> None:
        agent = self._agent(agent_id)
        call = self.s.calls.get(call_id)
        if call is None or call.agent_id != agent_id:
            raise AgentError("That call is not yours, or it was already closed.")
        disposition = await Disposition.get_or_none(id=disposition_id)
        if disposition is None or disposition.campaign_id not in (None, call.campaign_id):
            raise AgentError("Choose one of the campaign's dispositions.")
        if disposition.is_callback and callback_at is None:
            raise AgentError("This disposition needs a callback date and time.")
        now = self.s.clock()
        if callback_at is not None and callback_at <= now:
            raise AgentError("The callback time must be in the future.")
        wrap = (now - agent.since).total_seconds() if agent.state is AgentState.WRAP_UP and agent.since else None
        fields = {"disposition_id": disposition.id, "notes": notes[:10_000], "callback_at": callback_at}
        if wrap is not None:
            fields["wrap_up_s"] = wrap
            if rt := self.s.campaigns.get(call.campaign_id):
                rt.on_wrap(wrap)
        outcome = CallOutcome.MACHINE if disposition.is_machine else (call.outcome or CallOutcome.ANSWERED)
        if disposition.is_machine:
            fields["outcome"] = CallOutcome.MACHINE
            if rt := self.s.campaigns.get(call.campaign_id):
                rt.on_machine_marked(call.answered_at or now)
        self.s.writer.attempt(call.attempt_id, **fields)
        self.s.writer.event(now, "disposition", attempt_id=call.attempt_id, campaign_id=call.campaign_id,
                            agent_id=agent_id, disposition=disposition.code, callback_at=callback_at.isoformat()
                            if callback_at else None)
        result = AttemptResult(outcome, call.cause, disposition_final=disposition.is_final,
                               callback_at=callback_at if disposition.is_callback else None,
                               callback_private=private or disposition.is_private, agent_id=agent_id)
        self.calls.reschedule_contact(call, result, now)
        self.s.webhook("disposition.saved", call, disposition=disposition.code, disposition_name=disposition.name,
                       notes=notes[:10_000], callback_at=callback_at.isoformat() if callback_at else None,
                       final=disposition.is_final, success=disposition.is_success)
        self.s.publish({"type": "disposition.saved", "call_id": call_id, "agent_id": agent_id,
                        "disposition": disposition.code}, f"agent:{agent_id}", f"campaign:{call.campaign_id}")
        if call.state is CallState.ENDED:
            self.s.calls.pop(call_id, None)
            await self._leave_wrap_up(agent)
        else:
            call.contact["disposition_saved"] = True  # saved during the call: wrap-up ends at hang-up

    async def finish_wrap_up(self, agent_id: int) -> None:
        """End wrap-up without a disposition (time's up with auto-end, or logout)."""
        agent = self._agent(agent_id)
        call = self.s.calls.pop(agent.call_id, None) if agent.call_id else None
        if call is not None:
            self.calls.reschedule_contact(call, AttemptResult(call.outcome or CallOutcome.ANSWERED, call.cause),
                                          self.s.clock())
        await self._leave_wrap_up(agent)

    def extend_wrap_up(self, agent_id: int, seconds: float) -> None:
        agent = self._agent(agent_id)
        if agent.state is not AgentState.WRAP_UP or agent.wrap_up_until is None:
            raise AgentError("You are not in wrap-up.")
        agent.wrap_up_until += timedelta(seconds=max(0.0, min(seconds, 600.0)))
        self.s.publish_agent(agent)

    async def _leave_wrap_up(self, agent: LiveAgent) -> None:
        agent.call_id, agent.wrap_up_until = None, None
        if agent.state is not AgentState.WRAP_UP:
            return
        if agent.pause_requested is not None:
            reason, agent.pause_requested = agent.pause_requested, None
            self._move(agent, AgentState.PAUSED, reason)
        else:
            self._move(agent, AgentState.READY)
            self.calls.dispatch()

    async def check_wrap_ups(self, now: datetime) -> None:
        for agent in list(self.s.agents.values()):
            if agent.state is not AgentState.WRAP_UP or agent.wrap_up_until is None or now < agent.wrap_up_until:
                continue
            rt = self.s.campaigns.get(self.s.calls[agent.call_id].campaign_id) \
                if agent.call_id in self.s.calls else None
            if rt is None or rt.config.auto_end_wrap_up:
                await self.finish_wrap_up(agent.agent_id)
