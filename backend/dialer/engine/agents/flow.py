"""Agents in the engine: login into campaigns, the phone kept connected (persistent mode),
ready / pause / logout, the phone lost and called again, presence of the agent's screens, and
the end of a call's wrap-up with the agent's disposition. Every change of state goes through
the agent machine (`machine.py`) by the engine's one `move()`.

Persistent mode: when an agent first goes ready the engine calls their phone once and keeps
it in a bridge of their own; each customer is then added to that bridge with one request,
in milliseconds. The agent is ready only once that phone is up; a phone that drops makes
them `not ready (phone down)` until it is called again (their button; by itself after an
Asterisk restart, or always when one of their campaigns says so).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Awaitable, Callable

from dialer.engine.agents.live import LiveAgent, WrapUpDraft
from dialer.engine.agents.machine import AgentEvent, AgentStateError, Phone
from dialer.engine.call_flow import CallFlow
from dialer.engine.calls import CallState, CustomerCall
from dialer.engine.state import EngineState
from dialer.dnc.entries import DncRule, add_number
from dialer.models import Agent, AgentSession, Disposition
from dialer.models.enums import AgentConnection, AgentState, CallOutcome, DncSource, PrivateNumbers, SystemDisposition
from dialer.scheduling.retry import AttemptResult
from dialer.telephony.port import LegKind, OriginateRequest

log = logging.getLogger(__name__)

PHONE_RING_S = 30
PRIVATE_OFF_NOTE = ("the campaign keeps no contacts for one agent (private numbers off): "
                    "the callback goes to whoever is free at its time")


class AgentError(Exception):
    """An agent request that cannot be done now; the message is for the agent."""


class AgentFlow:
    def __init__(self, state: EngineState, calls: CallFlow) -> None:
        self.s = state
        self.calls = calls
        # Set by the engine: a per-call agent reserved for a preview answered / did not answer.
        self.on_reserved_answered: Callable[[LiveAgent], Awaitable[None]] | None = None
        self.on_reserved_missed: Callable[[LiveAgent, str], Awaitable[None]] | None = None
        # Set by the engine: the agent paused, left or logged out (calls placed for them go).
        self.on_left: Callable[[LiveAgent], None] | None = None

    def _agent(self, agent_id: int) -> LiveAgent:
        agent = self.s.agents.get(agent_id)
        if agent is None:
            raise AgentError("You are not logged in to the dialer.")
        return agent

    def _move(self, agent: LiveAgent, event: AgentEvent, reason: str = "") -> None:
        try:
            self.s.move_agent(agent, event, reason)
        except AgentStateError as exc:
            raise AgentError(str(exc).capitalize() + ".") from None

    def seen(self, agent: LiveAgent) -> None:
        """The agent clicked something: somebody is at the screen."""
        self.s.presence.seen(agent.agent_id, self.s.clock())
        if not agent.present:
            self.s.move_agent(agent, AgentEvent.BACK)

    # -- session -----------------------------------------------------------------------------

    async def login(self, agent_id: int, campaign_ids: set[int], extension: str | None = None,
                    ip: str = "") -> LiveAgent:
        agent = self.s.agents.get(agent_id)
        self.s.presence.seen(agent_id, self.s.clock())
        if agent is not None:
            agent.campaign_ids = set(campaign_ids)
            self.seen(agent)
            self.s.publish_agent(agent)
            return agent
        row = await Agent.get_or_none(id=agent_id).select_related("user")
        if row is None or not row.user.active:
            raise AgentError("No such active agent.")
        ext = extension or row.extension
        if not ext:
            raise AgentError("No phone (extension) is set for you; ask an admin.")
        now = self.s.clock()
        session = await AgentSession.create(agent=row, extension=ext, started_at=now, ip=ip,
                                             engine_id=self.s.engine_id)
        agent = LiveAgent(agent_id=row.id, user_id=row.user_id, username=row.user.username,
                          name=row.user.full_name or row.user.username, team_id=row.user.team_id, extension=ext,
                          skills=frozenset(row.skills or ()), wrap_up_s=float(row.wrap_up_s),
                          campaign_ids=set(campaign_ids), session_id=session.id,
                          per_call=row.connection is AgentConnection.PER_CALL)
        self.s.agents[agent_id] = agent
        self._move(agent, AgentEvent.LOGIN, "logged in")
        return agent

    async def logout(self, agent_id: int, reason: str = "logout") -> None:
        agent = self.s.agents.get(agent_id)
        if agent is None:
            return
        if agent.state is AgentState.ON_CALL:
            raise AgentError("Finish the call before logging out.")
        if agent.state is AgentState.WRAP_UP and agent.call_id:
            await self.finish_wrap_up(agent_id, SystemDisposition.AGENT_LOGGED_OUT)
        self._move(agent, AgentEvent.LOGOUT, reason)
        del self.s.agents[agent_id]
        self._left(agent)
        self.s.redials.cancel(agent_id)
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
        self.seen(agent)
        self._move(agent, AgentEvent.READY)
        if not agent.per_call and agent.phone is Phone.DOWN and agent.leg_id is None:
            await self._call_phone(agent)
        self.calls.dispatch()

    async def pause(self, agent_id: int, reason: str = "") -> None:
        agent = self._agent(agent_id)
        self.seen(agent)
        self._move(agent, AgentEvent.PAUSE, reason)  # during a call: taken when wrap-up ends
        self._left(agent)

    def _left(self, agent: LiveAgent) -> None:
        if self.on_left is not None:
            self.on_left(agent)

    async def call_phone(self, agent_id: int) -> None:
        """The agent's "call my phone" button: ring their phone again (persistent mode)."""
        agent = self._agent(agent_id)
        self.seen(agent)
        if agent.per_call:
            raise AgentError("Your phone is rung for each call; there is no line to call back.")
        if agent.phone is Phone.UP:
            raise AgentError("Your phone is already connected.")
        if agent.phone is Phone.RINGING or agent.leg_id is not None:
            return  # already being called
        self.s.redials.cancel(agent_id)
        await self._call_phone(agent)

    async def _call_phone(self, agent: LiveAgent) -> None:
        agent.keeps_phone = True
        agent.leg_id = self.s.new_pbx_id()
        agent.bridge_id = self.s.new_pbx_id()
        self.s.agent_legs[agent.leg_id] = agent.agent_id
        self.s.move_agent(agent, AgentEvent.PHONE_RINGING)
        try:
            await self.s.port.originate(OriginateRequest(agent.leg_id, LegKind.AGENT, agent.extension,
                                                         caller_id="Dialer", timeout_s=PHONE_RING_S))
        except Exception as exc:
            self.s.agent_legs.pop(agent.leg_id, None)
            agent.leg_id = agent.bridge_id = None
            self.s.move_agent(agent, AgentEvent.PHONE_DOWN, "phone unreachable")
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
        self.s.redials.answered(agent_id, self.s.clock())
        self.s.move_agent(agent, AgentEvent.PHONE_UP)
        if agent.state is AgentState.READY:
            agent.idle_since = self.s.clock()
        self.calls.dispatch()

    async def on_phone_gone(self, agent_id: int, reason: str, *, call_again: bool = False) -> None:
        """The agent's phone did not answer, or hung up: never leave a customer with silence.
        `call_again`: the phone was lost with Asterisk, not put down by the agent."""
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
        bridge_id, agent.leg_id, agent.bridge_id = agent.bridge_id, None, None
        # The state first: the requests below may fail (Asterisk shutting down answers 503).
        self.s.move_agent(agent, AgentEvent.PHONE_DOWN, reason)
        now = self.s.clock()
        if not agent.per_call and (call_again or self.s.redials.pending(agent_id, now) or self._redials_itself(agent)):
            self.s.redials.plan(agent_id, now)
        call = self.s.calls.get(agent.call_id) if agent.call_id else None
        try:
            if call is not None and call.state is CallState.BRIDGED:
                await self.s.port.hangup(call.call_id)  # the call ends; wrap-up follows as usual
            if bridge_id:
                await self.s.port.destroy_bridge(bridge_id)
        except Exception as exc:
            log.info("cleaning up after agent %s's phone failed: %s", agent.username, exc)

    def _redials_itself(self, agent: LiveAgent) -> bool:
        return any(rt.config.redial_agent_phones for cid in agent.campaign_ids
                   if (rt := self.s.campaigns.get(cid)) is not None)

    def recall_phones(self, now: datetime) -> None:
        """Asterisk is back after an outage: every phone kept connected before it is called
        again, at once and then with backoff, whether it was lost unseen (restart) or hung up
        while Asterisk shut down. The campaign goes on with no agent action."""
        for agent in self.s.agents.values():
            if agent.keeps_phone and not agent.per_call and agent.phone is Phone.DOWN and agent.leg_id is None:
                self.s.redials.cancel(agent.agent_id)
                self.s.redials.plan(agent.agent_id, now)

    async def redial_due(self, now: datetime) -> None:
        """Call again the phones whose turn has come (after an Asterisk restart, or by setting)."""
        for agent_id in self.s.redials.due(now):
            agent = self.s.agents.get(agent_id)
            if agent is None or agent.per_call or agent.phone is not Phone.DOWN or agent.leg_id is not None:
                self.s.redials.cancel(agent_id)
                continue
            try:
                await self._call_phone(agent)
            except AgentError as exc:
                log.info("calling agent %s's phone again failed: %s", agent.username, exc)
                self.s.redials.plan(agent_id, now)

    # -- presence ----------------------------------------------------------------------------

    def screen_opened(self, agent_id: int) -> None:
        self.s.presence.opened(agent_id, self.s.clock())
        agent = self.s.agents.get(agent_id)
        if agent is not None and not agent.present:
            self.s.move_agent(agent, AgentEvent.BACK)  # shown as back; resuming takes one click

    def screen_closed(self, agent_id: int) -> None:
        self.s.presence.closed(agent_id, self.s.clock())

    def check_presence(self, now: datetime) -> None:
        """Agents with no screen for the grace period are not ready (disconnected)."""
        grace = self.s.presence_grace_s
        if grace is None:
            return
        for agent in list(self.s.agents.values()):
            if agent.present and self.s.presence.gone(agent.agent_id, now, grace):
                self.s.move_agent(agent, AgentEvent.GONE)
                self._left(agent)

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
        if disposition.adds_dnc:
            # Written before anything else is recorded: if it fails the agent saves again, and no
            # list, campaign or retry dials the number meanwhile (it is the call's own contact).
            rule = DncRule.of(disposition)
            await add_number(call.phone, source=DncSource.DISPOSITION, added_by=agent.username,
                             campaign_id=rule.campaign_for(call.campaign_id), expires_at=rule.expiry(now),
                             reason=f"disposition {disposition.code}")
        rt = self.s.campaigns.get(call.campaign_id)
        wrap = (now - agent.since).total_seconds() if agent.state is AgentState.WRAP_UP and agent.since else None
        fields = {"disposition_id": disposition.id, "notes": notes[:10_000], "callback_at": callback_at}
        if wrap is not None:
            fields["wrap_up_s"] = wrap
            if rt is not None:
                rt.on_wrap(wrap)
        outcome = CallOutcome.MACHINE if disposition.is_machine else (call.outcome or CallOutcome.ANSWERED)
        if disposition.is_machine:
            fields["outcome"] = CallOutcome.MACHINE
            if rt is not None:
                rt.on_machine_marked(call.answered_at or now)
        self.s.writer.attempt(call.attempt_id, **fields)
        self.s.writer.event(now, "disposition", attempt_id=call.attempt_id, campaign_id=call.campaign_id,
                            agent_id=agent_id, disposition=disposition.code, callback_at=callback_at.isoformat()
                            if callback_at else None)
        keep_for_agent = private or disposition.is_private
        if keep_for_agent and disposition.is_callback and rt is not None \
                and rt.config.private_numbers is PrivateNumbers.OFF:
            # Kept for this agent on a campaign that neither lists nor dials kept contacts, the
            # callback was never made: it goes to whoever is free at its time, and the record says so.
            keep_for_agent = False
            self.s.writer.event(now, "callback_shared", attempt_id=call.attempt_id, campaign_id=call.campaign_id,
                                agent_id=agent_id, reason=PRIVATE_OFF_NOTE)
        result = AttemptResult(outcome, call.cause, disposition_final=disposition.is_final,
                               callback_at=callback_at if disposition.is_callback else None,
                               callback_private=keep_for_agent, agent_id=agent_id)
        self.calls.reschedule_contact(call, result, now)
        self.s.webhook("disposition.saved", call, disposition=disposition.code, disposition_name=disposition.name,
                       notes=notes[:10_000], callback_at=callback_at.isoformat() if callback_at else None,
                       final=disposition.is_final, success=disposition.is_success)
        self.s.publish({"type": "disposition.saved", "call_id": call_id, "agent_id": agent_id,
                        "disposition": disposition.code}, f"agent:{agent_id}", f"campaign:{call.campaign_id}")
        if call.state is CallState.ENDED:
            self.s.calls.pop(call_id, None)
            await self.leave_wrap_up(agent)
        else:
            call.disposed_at = now  # saved during the call: wrap-up ends at hang-up

    async def finish_wrap_up(self, agent_id: int,
                             why: SystemDisposition = SystemDisposition.WRAP_UP_TIMED_OUT) -> None:
        """End wrap-up without the agent's disposition (time ran out, or they logged out): the
        dialer sets `why` as the call's system disposition, keeps the notes the agent typed,
        records the disposition they had chosen but not submitted, and reschedules the
        contact by its profile from the call's outcome, as for any undisposed call."""
        agent = self._agent(agent_id)
        call = self.s.calls.pop(agent.call_id, None) if agent.call_id else None
        if call is not None:
            self._close_undisposed(agent, call, why)
        await self.leave_wrap_up(agent)

    def _close_undisposed(self, agent: LiveAgent, call: CustomerCall, why: SystemDisposition) -> None:
        now = self.s.clock()
        draft = agent.draft if agent.draft is not None and agent.draft.call_id == call.call_id else None
        fields: dict = {"system_disposition": why}
        if draft is not None and draft.notes:
            fields["notes"] = draft.notes
        if agent.state is AgentState.WRAP_UP and agent.since:
            wrap = (now - agent.since).total_seconds()
            fields["wrap_up_s"] = wrap
            if why is SystemDisposition.WRAP_UP_TIMED_OUT and (rt := self.s.campaigns.get(call.campaign_id)):
                rt.on_wrap(wrap)  # a full wrap-up: the pacer learns from it like any other
        self.s.writer.attempt(call.attempt_id, **fields)
        # The choice the agent made but did not submit is not the call's disposition (they may
        # have been about to change it); it goes in the record for a supervisor to act on.
        self.s.writer.event(now, why.value, attempt_id=call.attempt_id, campaign_id=call.campaign_id,
                            agent_id=agent.agent_id, channel_id=call.call_id,
                            drafted_disposition_id=draft.disposition_id if draft else None,
                            drafted_disposition=draft.disposition_code if draft else "",
                            drafted_disposition_name=draft.disposition_name if draft else "",
                            drafted_callback_at=draft.callback_at.isoformat() if draft and draft.callback_at
                            else None,
                            notes_kept=bool(draft and draft.notes))
        self.calls.reschedule_contact(call, AttemptResult(call.outcome or CallOutcome.ANSWERED, call.cause), now)

    async def save_draft(self, agent_id: int, call_id: str, disposition_id: int | None, notes: str = "",
                         callback_at: datetime | None = None) -> WrapUpDraft:
        """The call's form as the agent is typing it (panel: a second after the last key, and
        on leaving a field). Only kept in memory, for the call the agent is on or wrapping up."""
        agent = self._agent(agent_id)
        call = self.s.calls.get(call_id)
        if call is None or call.agent_id != agent_id or agent.call_id != call_id \
                or agent.state not in (AgentState.ON_CALL, AgentState.WRAP_UP):
            raise AgentError("That call is not yours, or it was already closed.")
        code = name = ""
        if disposition_id is not None:
            disposition = await Disposition.get_or_none(id=disposition_id)
            if disposition is None or disposition.campaign_id not in (None, call.campaign_id):
                raise AgentError("Choose one of the campaign's dispositions.")
            code, name = disposition.code, disposition.name
        if agent.call_id != call_id:
            raise AgentError("That call is not yours, or it was already closed.")  # ended while we looked
        agent.draft = WrapUpDraft(call_id, disposition_id, code, name, notes[:10_000], callback_at)
        return agent.draft

    def draft_of(self, agent_id: int) -> WrapUpDraft | None:
        """The draft of the agent's current call, if they typed one (for a reloaded panel)."""
        agent = self.s.agents.get(agent_id)
        if agent is None or agent.draft is None or agent.draft.call_id != agent.call_id:
            return None
        return agent.draft

    def extend_wrap_up(self, agent_id: int, seconds: float) -> None:
        agent = self._agent(agent_id)
        if agent.state is not AgentState.WRAP_UP or agent.wrap_up_until is None:
            raise AgentError("You are not in wrap-up.")
        agent.wrap_up_until += timedelta(seconds=max(0.0, min(seconds, 600.0)))
        self.s.publish_agent(agent)

    async def leave_wrap_up(self, agent: LiveAgent) -> None:
        agent.call_id, agent.wrap_up_until, agent.draft = None, None, None
        if agent.state is not AgentState.WRAP_UP:
            return
        self.s.move_agent(agent, AgentEvent.WRAP_UP_END)
        if agent.state is AgentState.READY:
            self.calls.dispatch()

    async def check_wrap_ups(self, now: datetime) -> None:
        for agent in list(self.s.agents.values()):
            if agent.state is not AgentState.WRAP_UP or agent.wrap_up_until is None or now < agent.wrap_up_until:
                continue
            rt = self.s.campaigns.get(self.s.calls[agent.call_id].campaign_id) \
                if agent.call_id in self.s.calls else None
            if rt is None or rt.config.auto_end_wrap_up:
                await self.finish_wrap_up(agent.agent_id, SystemDisposition.WRAP_UP_TIMED_OUT)
