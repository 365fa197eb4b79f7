"""The life of a customer call in the engine, from the PBX's events: ringing, answered,
connected to an agent (or held, or abandoned with the message the law asks for), ended,
recorded, rescheduled. Each handler asks the call machine (engine/calls/) for the next state
and carries out what the move means: the machine has no effects, the handlers no state rules.

Connecting is the hot path: an answered customer goes to the agent idle longest in the
same event handler, with one bridge request and no database access (records are queued).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import datetime, timedelta

from dialer.engine.agents import AgentEvent, LiveAgent
from dialer.engine.calls import CallEvent, CallState, CustomerCall
from dialer.engine.campaign_runtime import CampaignRuntime
from dialer.engine.contact_feed import Candidate, PreparedCall
from dialer.engine.recording import CallRecordings
from dialer.engine.state import EngineState
from dialer.models.enums import AgentState, CallOutcome, ContactStatus, NoAgentAction, SystemDisposition
from dialer.pacing.limits import release_after_s
from dialer.scheduling.retry import AttemptResult, ContactState, reschedule
from dialer.telephony.port import FailReason, LegAnswered, LegFailed, LegHungUp, LegKind, LegRinging, \
    MachineDetected, MachineVerdict, NotConnected, OriginateRefused, OriginateRequest

log = logging.getLogger(__name__)

RELEASED_TEXT = "released by the dialer"
"""How a released call's hang-up cause reads in the record (a restarted engine finds them by it)."""
AGENT_RING_S = 15.0  # a per-call agent's phone rings this long before the call goes to another

_FAIL_OUTCOME = {
    FailReason.BUSY: CallOutcome.BUSY,
    FailReason.CONGESTION: CallOutcome.CONGESTION,
    FailReason.NO_ANSWER: CallOutcome.NO_ANSWER,
    FailReason.REJECTED: CallOutcome.NO_ANSWER,
    FailReason.UNALLOCATED: CallOutcome.FAILED,
    FailReason.FAILED: CallOutcome.FAILED,
    FailReason.CANCELLED: CallOutcome.CANCELLED,
}


def _take_cause(call: CustomerCall, cause: int, cause_text: str) -> None:
    """The PBX's hang-up cause; a call we released unanswered keeps our reason, which says why."""
    call.cause = cause
    if call.released_at is None:
        call.cause_text = cause_text


def sound_media(names: str) -> str:
    """A campaign's sound setting as ARI media: `sorry&please-try-call-later` (Playback()'s
    `&` list, which admins know from the dialplan) plays both, one after the other."""
    return ",".join(f"sound:{name.strip()}" for name in names.split("&") if name.strip())


def past_legal_wait(call: CustomerCall, rt: CampaignRuntime, now: datetime) -> bool:
    """Answered longer ago than the campaign's legal wait (2 s) with no agent: an abandon."""
    if call.answered_at is None:
        return False
    return (now - call.answered_at).total_seconds() > rt.config.settings.abandon_after_s


class CallFlow:
    def __init__(self, state: EngineState) -> None:
        self.s = state
        self._tasks: set[asyncio.Task[None]] = set()
        # Hold sounds playing (playback id -> the call, its campaign and the sounds after it), and
        # the calls that heard the identification message at answer.
        self._hold_playbacks: dict[str, tuple[CustomerCall, CampaignRuntime, list[str]]] = {}
        self._identified: set[str] = set()
        self.recordings = CallRecordings(state, self.spawn)

    def spawn(self, coro) -> None:  # type: ignore[no-untyped-def]
        """Carry out an effect (a PBX request) off the event path, holding the task till done."""
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- events ------------------------------------------------------------------------------

    def on_ringing(self, event: LegRinging) -> None:
        call = self.s.calls.get(event.leg_id)
        if call is None or call.move(CallEvent.RINGING) is not CallState.DIALING:
            return
        call.ringing_at = event.at
        self.s.writer.attempt(call.attempt_id, ringing_at=event.at)
        self.s.writer.event(event.at, "ringing", attempt_id=call.attempt_id, campaign_id=call.campaign_id,
                            channel_id=call.call_id)

    def on_answered(self, event: LegAnswered) -> None:
        call = self.s.calls.get(event.leg_id)
        if call is None or call.answered_at is not None:
            return
        previous = call.move(CallEvent.ANSWERED)
        if call.state is not CallState.DETECTING and previous is not CallState.RELEASING:
            return  # ended meanwhile
        call.answered_at = event.at
        self.s.writer.attempt(call.attempt_id, answered_at=event.at)
        self.s.writer.event(event.at, "answered", attempt_id=call.attempt_id, campaign_id=call.campaign_id,
                            channel_id=call.call_id)
        if previous is CallState.RELEASING:
            # Answered as our hang-up was on its way: a person is on the line after all, and the
            # hang-up will drop them. It counts as what it is, an abandon, not an unanswered call.
            call.released_at, call.outcome = None, None
            return
        rt = self.s.campaigns.get(call.campaign_id)
        if rt is not None and rt.config.amd_enabled:
            self.spawn(self._detect(call))
            return
        self._human(call)  # no detection: a person, as far as the dialer can tell

    def on_machine(self, event: MachineDetected) -> None:
        call = self.s.calls.get(event.leg_id)
        if call is None or call.state is not CallState.DETECTING:
            return
        call.amd_status = event.verdict.value
        self.s.writer.attempt(call.attempt_id, amd_status=event.verdict.value)
        self.s.writer.event(event.at, "amd", attempt_id=call.attempt_id, campaign_id=call.campaign_id,
                            verdict=event.verdict.value, detail=event.detail)
        if event.verdict is MachineVerdict.MACHINE:
            call.move(CallEvent.MACHINE)
            call.outcome = CallOutcome.MACHINE
            self.spawn(self.s.port.hangup(call.call_id))
            self.s.publish_call(call)
            return
        self._human(call)

    def on_failed(self, event: LegFailed) -> None:
        call = self.s.calls.get(event.leg_id)
        if call is None:
            return
        call.outcome = call.outcome or _FAIL_OUTCOME[event.reason]
        _take_cause(call, event.cause, event.cause_text)
        if event.by_shutdown:
            call.cut = True
            call.cause_text = "Asterisk shut down while it rang"
        self._end(call, event.at, CallEvent.FAILED)

    def on_failed_locally(self, call: CustomerCall, at: datetime) -> None:
        """The call ended without a PBX event telling us (originate failed, lost in a restart)."""
        self._end(call, at, CallEvent.FAILED)

    def on_hung_up(self, event: LegHungUp) -> None:
        call = self.s.calls.get(event.leg_id)
        if call is None:
            return
        _take_cause(call, event.cause, event.cause_text)
        if event.by_shutdown:
            call.cut = True
            call.cause_text = "Asterisk shut down during the call"
        if call.state is CallState.BRIDGED:
            call.outcome = CallOutcome.ANSWERED
        elif call.outcome is None:
            # Answered but never given an agent: the customer gave up waiting, or we released them.
            call.outcome = CallOutcome.ABANDONED if call.answered_at else CallOutcome.FAILED
        self._end(call, event.at, CallEvent.HUNG_UP)

    # -- dialing -----------------------------------------------------------------------------

    def track(self, prepared: PreparedCall, campaign_id: int, now: datetime, *,
              reserved_agent_id: int | None = None, **event_detail: object) -> CustomerCall:
        """A prepared call about to be dialed: held in memory, in the event record, told to the IS."""
        call = CustomerCall(call_id=prepared.leg_id, attempt_id=prepared.attempt_id, campaign_id=campaign_id,
                            contact_id=prepared.contact_id, phone=prepared.phone, phone_index=prepared.phone_index,
                            caller_id=prepared.caller_id, attempt_no=prepared.attempt_no,
                            phone_count=prepared.phone_count, max_attempts=prepared.max_attempts,
                            dial_profile_id=prepared.dial_profile_id,
                            contact=prepared.card, originated_at=now, reserved_agent_id=reserved_agent_id)
        self.s.calls[call.call_id] = call
        if reserved_agent_id is not None:
            event_detail["agent_id"] = reserved_agent_id
        self.s.writer.event(now, "originate", attempt_id=call.attempt_id, campaign_id=campaign_id,
                            channel_id=call.call_id, phone=call.phone, caller_id=call.caller_id, **event_detail)
        self.s.webhook("call.started", call, originated_at=now.isoformat(),
                       **{k: v for k, v in event_detail.items() if k != "agent_id"})
        return call

    async def originate(self, call: CustomerCall, ring_timeout_s: float) -> Exception | None:
        """Dial the customer leg; when it fails, the call ends at once and the error is returned.

        Asterisk refusing the call (5xx, no answer, connection lost: `OriginateRefused`, or its
        socket down: `NotConnected`) is not an attempt on the contact: nothing rang, so the
        attempt is dropped and the contact goes back to the queue with its attempts as they
        were (while Asterisk shut down, such refusals marked contacts exhausted). Any other
        error is a *cancelled* attempt (the dial profile's interval for cancelled calls
        applies), whichever path dialed it."""
        try:
            await self.s.port.originate(OriginateRequest(call.call_id, LegKind.CUSTOMER,
                                                         self.s.endpoint_for(call.phone),
                                                         caller_id=call.caller_id, timeout_s=ring_timeout_s))
        except (OriginateRefused, NotConnected) as exc:
            now = self.s.clock()
            self.s.refusals.refused(str(exc), now)
            call.outcome = CallOutcome.CANCELLED
            call.cause, call.cause_text = 0, f"not dialed: Asterisk refused the call ({exc})"[:100]
            self._end(call, now, CallEvent.REFUSED, dialed=False)
            return exc
        except Exception as exc:
            call.outcome = CallOutcome.CANCELLED
            call.cause, call.cause_text = 0, f"not dialed: {exc}"[:100]
            self.on_failed_locally(call, self.s.clock())
            return exc
        self.s.refusals.accepted()
        if call.state is CallState.RELEASING:
            # Released while the originate was on its way: the hang-up may have reached Asterisk
            # before the channel existed (a 404, ignored), so it goes again now that it does.
            self.spawn(self.s.port.hangup(call.call_id))
        return None

    def give_back(self, candidate: Candidate, campaign_id: int, at: datetime, reason: str) -> None:
        """A leased contact that will not be dialed now (Asterisk refuses calls, the campaign
        stopped): no attempt was written; the contact is due again at once."""
        contact = candidate.contact
        self.s.writer.event(at, "not_dialed", campaign_id=campaign_id, contact_id=contact.id,
                            phone=candidate.phone, reason=reason)
        self.s.writer.contact(contact.id, status=ContactStatus.PENDING, next_attempt_at=at, lease_owner=None,
                              lease_expires_at=None)

    def _undialed(self, attempt_id: int, contact_id: int, attempt_no: int, at: datetime, *,
                  campaign_id: int | None, channel_id: str, phone: str, reason: str,
                  agent_id: int | None = None) -> None:
        self.s.writer.drop_attempt(attempt_id)
        self.s.writer.event(at, "not_dialed", campaign_id=campaign_id, agent_id=agent_id, channel_id=channel_id,
                            contact_id=contact_id or None, phone=phone, reason=reason)
        if contact_id:
            self.s.writer.contact(contact_id, status=ContactStatus.PENDING, next_attempt_at=at,
                                  attempts=max(0, attempt_no - 1), lease_owner=None, lease_expires_at=None)

    def _not_spent(self, call: CustomerCall, at: datetime) -> None:
        """A call released for an agent who left (calls/leaving.py): the record stays, as it was
        dialed, but the contact is charged no attempt: due again at once, with those it had."""
        if call.contact_id:
            self.s.writer.contact(call.contact_id, status=ContactStatus.PENDING, next_attempt_at=at,
                                  attempts=max(0, call.attempt_no - 1), lease_owner=None, lease_expires_at=None)

    def release_ringing(self, rt: CampaignRuntime, count: int, now: datetime) -> int:
        """Hang up the `count` longest-ringing unanswered calls of the campaign that have rung the
        campaign's release time (never less than the law's 15 s, counted from the PBX's ringing
        event, not from the originate); returns how many. The contact is retried as unanswered."""
        after = release_after_s(rt.config.settings)
        if after is None or count <= 0:
            return 0
        rung = [c for c in self.s.calls.values()
                if c.campaign_id == rt.campaign_id and c.state is CallState.RINGING and c.ringing_at is not None
                and (now - c.ringing_at).total_seconds() >= after]
        rung.sort(key=lambda c: c.originated_at or c.ringing_at or now)
        for call in rung[:count]:
            assert call.ringing_at is not None
            rang = (now - call.ringing_at).total_seconds()
            call.move(CallEvent.RELEASED)
            call.released_at, call.outcome = now, CallOutcome.NO_ANSWER
            call.cause_text = f"{RELEASED_TEXT} after {rang:.0f} s ringing: no agent would have been free"
            self.s.writer.event(now, "released", attempt_id=call.attempt_id, campaign_id=call.campaign_id,
                                channel_id=call.call_id, rang_s=round(rang, 1))
            self.spawn(self.s.port.hangup(call.call_id))
        return min(count, len(rung))

    # -- connecting --------------------------------------------------------------------------

    def _human(self, call: CustomerCall) -> None:
        """A person answered (or detection could not tell): they need an agent now."""
        if call.move(CallEvent.HUMAN) is CallState.DETECTING:
            self._customer_needs_agent(call)

    def _customer_needs_agent(self, call: CustomerCall) -> None:
        self.s.waiting.append(call.call_id)
        self.dispatch()
        rt = self.s.campaigns.get(call.campaign_id)
        if call.state in (CallState.WAITING, CallState.CONNECTING) and rt is not None and rt.config.record_wait:
            # Not put straight through: no agent free, or a per-call agent's phone rings first.
            self.recordings.start_wait(call)
        if call.state is CallState.WAITING:
            if rt is None or rt.config.no_agent_action is NoAgentAction.HANG_UP:
                self.release_abandoned(call, self.s.clock())
            else:
                self.spawn(self._hold(call, rt))
        self.s.publish_call(call)

    def dispatch(self) -> None:
        """Each waiting customer, in turn, to the agent idle longest who may take their campaign.

        The turn: customers still inside the legal wait (2 s) first, longest-waiting first; then
        those past it, longest-waiting first. An agent given to a customer past the legal wait
        saves no abandon (it is counted, and the message has played), while the same agent given
        to one still inside it does. The pacing simulator dispatches the same way; there it gave
        +0.5 point of agent talk time at 100 agents (+0.1 at 20) for the same abandon rate. Those
        past it keep their order among themselves and are released at the campaign's longest hold.
        """
        if not self.s.waiting:
            return
        now = self.s.clock()
        turn: list[tuple[bool, CustomerCall]] = []
        for call_id in list(self.s.waiting):
            call = self.s.calls.get(call_id)
            if call is None or call.state is not CallState.WAITING:
                self.s.waiting.remove(call_id)
                continue
            rt = self.s.campaigns.get(call.campaign_id)
            # Past it by the clock even before the engine's tick has flagged the abandon.
            late = call.abandon_counted or (rt is not None and past_legal_wait(call, rt, now))
            turn.append((late, call))
        # sorted() is stable: the waiting list's order holds within each group.
        for _, call in sorted(turn, key=lambda item: item[0]):
            agent = self._free_agent_for(call)
            if agent is not None:
                self.s.waiting.remove(call.call_id)
                self._connect(call, agent)

    def _free_agent_for(self, call: CustomerCall) -> LiveAgent | None:
        if call.reserved_agent_id is not None:
            agent = self.s.agents.get(call.reserved_agent_id)
            ok = agent is not None and agent.state is AgentState.RESERVED and (agent.phone_up or agent.per_call)
            return agent if ok else None
        rt = self.s.campaigns.get(call.campaign_id)
        skills = rt.config.required_skills if rt else frozenset()
        best: LiveAgent | None = None
        for agent in self.s.agents.values():
            if agent.can_take_call and agent.serves(call.campaign_id, skills):
                if best is None or (agent.idle_since or datetime.min) < (best.idle_since or datetime.min):
                    best = agent
        return best

    def _connect(self, call: CustomerCall, agent: LiveAgent) -> None:
        now = self.s.clock()
        agent.call_id = call.call_id
        call.agent_id = agent.agent_id
        call.move(CallEvent.AGENT_CHOSEN)
        if agent.per_call and not agent.phone_up:
            # Ring the agent's phone now; the customer keeps the hold treatment until it answers.
            self.s.move_agent(agent, AgentEvent.RING, campaign_id=call.campaign_id)
            call.move(CallEvent.AGENT_RINGING)
            self.s.writer.event(now, "agent_ringing", attempt_id=call.attempt_id, campaign_id=call.campaign_id,
                                agent_id=agent.agent_id)
            self.spawn(self._ring_agent(call, agent))
            return
        self.s.move_agent(agent, AgentEvent.CONNECT, campaign_id=call.campaign_id)
        self.spawn(self._bridge(call, agent))
        self.connected(call, agent, now)

    def connected(self, call: CustomerCall, agent: LiveAgent, now: datetime) -> None:
        """The customer is with the agent: record it, count the wait, push the card."""
        call.move(CallEvent.BRIDGED)
        call.bridged_at = now
        wait = call.wait_s() or 0.0
        rt = self.s.campaigns.get(call.campaign_id)
        if rt is not None and not call.abandon_counted:
            late = wait > rt.config.settings.abandon_after_s
            call.abandon_counted = late
            rt.on_live_answer(call.answered_at or now, abandoned=late)
        self.s.writer.attempt(call.attempt_id, bridged_at=now, agent_id=agent.agent_id, wait_s=wait)
        self.s.writer.event(now, "bridged", attempt_id=call.attempt_id, campaign_id=call.campaign_id,
                            agent_id=agent.agent_id, channel_id=call.call_id, wait_s=round(wait, 3))
        connected = {"type": "call.connected", "call_id": call.call_id, "agent_id": agent.agent_id,
                     "attempt_id": call.attempt_id, "card": call.contact, "at": now.isoformat()}
        self.s.publish(connected, f"agent:{agent.agent_id}", f"campaign:{call.campaign_id}")
        self.s.webhook("call.connected", call, wait_s=round(wait, 3), bridged_at=now.isoformat())
        self.s.publish_call(call)

    async def _ring_agent(self, call: CustomerCall, agent: LiveAgent) -> None:
        agent.leg_id, agent.bridge_id = self.s.new_pbx_id(), self.s.new_pbx_id()
        self.s.agent_legs[agent.leg_id] = agent.agent_id
        self.s.move_agent(agent, AgentEvent.PHONE_RINGING)
        try:
            if not call.message_started:
                call.message_started = True
                await self.s.port.start_music(call.call_id)
            await self.s.port.originate(OriginateRequest(agent.leg_id, LegKind.AGENT, agent.extension,
                                                         caller_id="Dialer", timeout_s=AGENT_RING_S))
        except Exception as exc:
            log.info("ringing agent %s failed: %s", agent.username, exc)
            self.s.agent_legs.pop(agent.leg_id, None)
            agent.leg_id = None
            self.agent_missed(agent, call, "phone unreachable")

    async def agent_answered(self, agent: LiveAgent) -> None:
        """A per-call agent picked up: bridge them with the customer who waits for them."""
        call = self.s.calls.get(agent.call_id) if agent.call_id else None
        if call is None or call.state is not CallState.CONNECTING:
            if agent.leg_id:  # the customer left meanwhile: nothing to connect
                self.s.agent_legs.pop(agent.leg_id, None)
                await self.s.port.hangup(agent.leg_id)
                agent.leg_id = None
            return
        now = self.s.clock()
        call.move(CallEvent.AGENT_ANSWERED)
        self.s.move_agent(agent, AgentEvent.PHONE_UP)
        self.s.move_agent(agent, AgentEvent.CONNECT, campaign_id=call.campaign_id)
        self.connected(call, agent, now)
        try:
            await self.s.port.create_bridge(agent.bridge_id or "")
            await self.s.port.add_to_bridge(agent.bridge_id or "", agent.leg_id or "")
        except Exception as exc:
            log.warning("bridging agent %s failed: %s", agent.username, exc)
        await self._bridge(call, agent)

    def agent_missed(self, agent: LiveAgent, call: CustomerCall | None, reason: str) -> None:
        """A per-call agent did not answer: pause them, and the customer waits for the next agent."""
        agent.call_id, agent.leg_id = None, None
        self.s.move_agent(agent, AgentEvent.MISSED, reason)
        if call is not None and call.move(CallEvent.AGENT_MISSED) is CallState.CONNECTING:
            call.agent_id = None
            self.s.waiting.insert(0, call.call_id)  # they waited longest
            self.dispatch()

    async def _bridge(self, call: CustomerCall, agent: LiveAgent) -> None:
        try:
            if call.message_started:
                await self.s.port.stop_music(call.call_id)
            await self.s.port.add_to_bridge(agent.bridge_id or "", call.call_id)
            try:
                if (rt := self.s.campaigns.get(call.campaign_id)) and rt.config.record_calls and agent.bridge_id:
                    await self.recordings.start(call, agent.bridge_id)  # engine/recording.py
            finally:
                self.recordings.wait_over(call)  # once the bridge's recording runs: no gap between the files
        except Exception as exc:  # the customer may have left between answer and bridge
            log.info("bridging %s to agent %s failed: %s", call.call_id, agent.username, exc)

    async def _detect(self, call: CustomerCall) -> None:
        try:
            await self.s.port.detect_machine(call.call_id)
        except Exception as exc:
            log.info("machine detection on %s failed (%s): treating as a person", call.call_id, exc)
            self._human(call)

    async def _hold(self, call: CustomerCall, rt: CampaignRuntime) -> None:
        # The law wants a message within 2 s of answer when no agent is free: start at once. Under
        # a regulatory profile the identification (abandon) message comes first, then the hold
        # message, then music up to the maximum wait (compliance/profiles.py).
        call.message_started = True
        first = rt.config.abandon_message if rt.config.identify_first else ""
        if first:
            self._identified.add(call.call_id)
        await self.recordings.recorder_ready(call)  # the wait's file holds the message from its start
        await self._hold_step(call, rt, [m for m in (first, rt.config.hold_message) if m])

    async def _hold_step(self, call: CustomerCall, rt: CampaignRuntime, sounds: list[str]) -> None:
        """Play the next hold sound, or start the music once all were played."""
        if call.state is not CallState.WAITING:
            return  # an agent took them, or they left
        try:
            if sounds:
                playback_id = uuid.uuid4().hex
                self._hold_playbacks[playback_id] = (call, rt, sounds[1:])
                await self.s.port.play(call.call_id, sound_media(sounds[0]), playback_id)
            else:
                await self.s.port.start_music(call.call_id, rt.config.hold_music_class)
        except Exception as exc:
            log.info("hold treatment on %s failed: %s", call.call_id, exc)

    def release_abandoned(self, call: CustomerCall, now: datetime) -> None:
        """No agent: tell the customer who called and how to call back, then hang up."""
        if call.move(CallEvent.ABANDONED) is not CallState.WAITING:
            return
        if call.call_id in self.s.waiting:
            self.s.waiting.remove(call.call_id)
        call.outcome = CallOutcome.ABANDONED
        rt = self.s.campaigns.get(call.campaign_id)
        if rt is not None and not call.abandon_counted:
            call.abandon_counted = True
            rt.on_live_answer(call.answered_at or now, abandoned=True)
        self.s.writer.event(now, "abandoned", attempt_id=call.attempt_id, campaign_id=call.campaign_id,
                            channel_id=call.call_id, waited_s=round(call.wait_s() or
                                                                   (now - call.answered_at).total_seconds(), 3))
        self.s.publish({"type": "customer.abandoned", "call_id": call.call_id, "campaign_id": call.campaign_id},
                       f"campaign:{call.campaign_id}", "floor")
        self.s.webhook("customer.abandoned", call, answered_at=call.answered_at.isoformat() if call.answered_at
                       else None)
        # Told who called at answer already (hold under a regulatory profile): not twice.
        message = rt.config.abandon_message if rt and call.call_id not in self._identified else ""
        self._identified.discard(call.call_id)
        self.spawn(self._play_then_hang_up(call, message))

    async def _play_then_hang_up(self, call: CustomerCall, message: str) -> None:
        try:
            if message:
                await self.recordings.recorder_ready(call)
                playback_id = uuid.uuid4().hex
                self.s.playbacks[playback_id] = call.call_id
                await self.s.port.stop_music(call.call_id)
                await self.s.port.play(call.call_id, sound_media(message), playback_id)
                return  # hung up when the playback finishes (see on_playback_finished)
        except Exception as exc:
            log.info("abandon message on %s failed: %s", call.call_id, exc)
        await self.s.port.hangup(call.call_id)

    async def on_playback_finished(self, playback_id: str) -> None:
        if (step := self._hold_playbacks.pop(playback_id, None)) is not None:
            await self._hold_step(*step)  # the next hold sound, or the music after the last
            return
        call_id = self.s.playbacks.pop(playback_id, None)
        if call_id is not None:
            await self.s.port.hangup(call_id)

    def check_waiting(self, now: datetime) -> None:
        """Count customers waiting past the legal 2 s as abandoned; release those past max wait."""
        for call in self.s.calls.values():
            rt = self.s.campaigns.get(call.campaign_id)
            if (call.state is CallState.CONNECTING and rt is not None and not call.abandon_counted
                    and past_legal_wait(call, rt, now)):
                call.abandon_counted = True
                rt.on_live_answer(call.answered_at or now, abandoned=True)
        for call_id in list(self.s.waiting):
            call = self.s.calls.get(call_id)
            if call is None or call.answered_at is None:
                continue
            rt = self.s.campaigns.get(call.campaign_id)
            if rt is None:
                continue
            waited = (now - call.answered_at).total_seconds()
            if not call.abandon_counted and past_legal_wait(call, rt, now):
                call.abandon_counted = True
                rt.on_live_answer(call.answered_at or now, abandoned=True)
            if waited >= rt.config.max_wait_s:
                self.release_abandoned(call, now)

    # -- the end of an attempt ---------------------------------------------------------------

    def _end(self, call: CustomerCall, at: datetime, event: CallEvent, *, dialed: bool = True) -> None:
        """The call is over. `dialed=False`: the PBX never took it, so it is no attempt (no
        record, nothing learned, the contact back as it was); the agents are freed as usual."""
        previous = call.move(event)
        if previous is CallState.ENDED or call.state is not CallState.ENDED:
            return
        call.ended_at = at
        self.recordings.call_ended(call)  # one call, one file: stopped as the customer leaves
        if call.call_id in self.s.waiting:
            self.s.waiting.remove(call.call_id)
        rt = self.s.campaigns.get(call.campaign_id)
        self._identified.discard(call.call_id)
        outcome = call.outcome or CallOutcome.FAILED
        person = call.answered_at is not None and outcome is not CallOutcome.MACHINE
        if rt is not None and dialed:
            # A call cut while it rang says nothing of whether people answer: not learned from.
            if not call.cut or call.answered_at is not None:
                rt.on_attempt_finished(call, answered_by_person=person)
            if person and previous in (CallState.WAITING, CallState.RELEASING) and not call.abandon_counted:
                # Hung up before an agent came, within the 2 s; or answered as we hung up.
                call.abandon_counted = True
                rt.on_live_answer(call.answered_at or at, abandoned=True)
        fields = {"ended_at": at, "outcome": outcome, "hangup_cause": call.cause,
                  "hangup_cause_text": call.cause_text[:100]}
        if call.system_disposition is not None:
            fields["system_disposition"] = call.system_disposition
        if call.answered_at and call.bridged_at is None:
            fields["wait_s"] = (at - call.answered_at).total_seconds()
        talk = call.talk_s()
        if talk is not None:
            fields["talk_s"] = talk
            if rt is not None and not call.cut:
                rt.on_talk(talk)
        if dialed and call.answered_at is not None:  # priced off the event path (billing meter)
            self.s.billing.call_ended(call.attempt_id, call.phone, call.answered_at, at,
                                      rt.config.team_id if rt else None, call.caller_id)
        if dialed:
            self.s.writer.attempt(call.attempt_id, **fields)
            self.s.writer.event(at, "ended", attempt_id=call.attempt_id, campaign_id=call.campaign_id,
                                agent_id=call.agent_id, channel_id=call.call_id, outcome=outcome.value,
                                cause=call.cause, cause_text=call.cause_text)
        else:
            self._undialed(call.attempt_id, call.contact_id, call.attempt_no, at, campaign_id=call.campaign_id,
                           agent_id=call.agent_id, channel_id=call.call_id, phone=call.phone,
                           reason=call.cause_text)
        self.s.publish_call(call)
        self.s.webhook("call.ended", call, outcome=outcome.value, hangup_cause=call.cause,
                       hangup_cause_text=call.cause_text, ended_at=at.isoformat(),
                       answered_at=call.answered_at.isoformat() if call.answered_at else None,
                       talk_s=talk, amd=call.amd_status or None, dialed=dialed)
        agent = self.s.agents.get(call.agent_id) if call.agent_id else None
        if agent is not None and agent.per_call and agent.call_id == call.call_id:
            self.spawn(self.release_agent_phone(agent))
        if agent is not None and agent.call_id == call.call_id and agent.state is AgentState.RINGING:
            agent.call_id = None  # not the agent's fault: ready again (their ringing phone is hung up)
            self.s.move_agent(agent, AgentEvent.RELEASE, "the customer left while the phone rang")
            agent = None
        if agent is not None and agent.call_id == call.call_id and agent.state is AgentState.ON_CALL:
            self._start_wrap_up(agent, call, at, rt)
            self.s.publish({"type": "call.ended", "call_id": call.call_id, "agent_id": agent.agent_id,
                            "attempt_id": call.attempt_id, "at": at.isoformat()}, f"agent:{agent.agent_id}")
        else:
            # Nobody will set a disposition: reschedule now (an undialed call's contact is back).
            if dialed and call.system_disposition is SystemDisposition.AGENT_LEFT and call.answered_at is None:
                self._not_spent(call, at)
            elif dialed:
                self.reschedule_contact(call, AttemptResult(outcome, call.cause), at)
            self.s.calls.pop(call.call_id, None)
            reserved = self.s.agents.get(call.reserved_agent_id) if call.reserved_agent_id else None
            if reserved is not None and reserved.call_id == call.call_id:
                # The previewed customer did not answer: next contact. (Also when the agent left
                # meanwhile: they must not stay tied to a call that is over.)
                reserved.call_id = None
            if reserved is not None and reserved.state is AgentState.RESERVED and reserved.call_id is None:
                # A pause asked for meanwhile is taken straight away (the machine's RELEASE):
                # passing through "ready" would let the dispatcher hand them a predictive call.
                self.s.publish({"type": "call.ended", "call_id": call.call_id, "agent_id": reserved.agent_id,
                                "attempt_id": call.attempt_id, "outcome": outcome.value, "at": at.isoformat()},
                               f"agent:{reserved.agent_id}")
                self.s.move_agent(reserved, AgentEvent.RELEASE)

    async def release_agent_phone(self, agent: LiveAgent) -> None:
        """Per-call agents: the phone is hung up with the call (it is rung again for the next)."""
        leg, bridge = agent.leg_id, agent.bridge_id
        agent.leg_id, agent.bridge_id = None, None
        if agent.agent_id in self.s.agents:
            self.s.move_agent(agent, AgentEvent.PHONE_DOWN)
        if leg:
            self.s.agent_legs.pop(leg, None)
            await self.s.port.hangup(leg)
        if bridge:
            await self.s.port.destroy_bridge(bridge)

    def _start_wrap_up(self, agent: LiveAgent, call: CustomerCall, at: datetime, rt: CampaignRuntime | None) -> None:
        wrap = rt.config.wrap_up_s if rt else agent.wrap_up_s
        agent.wrap_up_s = wrap
        agent.wrap_up_until = at + timedelta(seconds=wrap)
        self.s.move_agent(agent, AgentEvent.HANG_UP, campaign_id=call.campaign_id)

    def reschedule_contact(self, call: CustomerCall, result: AttemptResult, now: datetime) -> None:
        rt = self.s.campaigns.get(call.campaign_id)
        # The contact's own dial profile's retries and attempt limit when it names one, else the campaign's.
        dial = rt.config.dial_for(call.dial_profile_id) if rt else None
        intervals = dial.retry_intervals if dial else {}
        max_attempts = dial.max_attempts if dial else 5
        limit = max(max_attempts, call.max_attempts or 0)
        decision = reschedule(result, ContactState(call.attempt_no, limit, call.phone_index, call.phone_count),
                              intervals, now)
        fields = {"status": decision.status, "next_attempt_at": decision.next_attempt_at,
                  "phone_index": decision.phone_index, "is_callback": decision.is_callback,
                  "lease_owner": None, "lease_expires_at": None, "last_outcome": result.outcome.value}
        if decision.owner_agent_id is not None:
            fields["owner_agent_id"] = decision.owner_agent_id
        if decision.status is not ContactStatus.PENDING:
            fields["next_attempt_at"] = None
        self.s.writer.contact(call.contact_id, **fields)
