"""What an earlier run of this engine left behind, settled when it starts again (after a clean
stop, `kill -9` or a crash) and when it stops cleanly.

Left alone, a crashed run's leftovers stayed for ever: contacts leased by the engine id, which
the restarted engine (same id) renewed every 30 s; calls with no end and no disposition; agent
sessions and states never closed; agents' phone legs and bridges still up in Asterisk. The
rules:
- an attempt the earlier run left open is ended now, `dialer restarted during the call`; one
  that had a person on the line gets the system disposition `dialer_restarted`; an answered
  one goes to the billing meter, priced from its answer to this end (the carrier billed a
  call we cannot see the end of; the meter passes over one it priced before the crash);
  every open attempt counts as dialed: the launch writes each attempt row right before its
  own originate (engine._launch), so a row with no call behind it needs a kill in that
  millisecond, while a call placed and ended unseen while the dialer was down (no longer in
  Asterisk, no ringing written yet) is common, and giving its attempt back would call the
  person twice;
- a contact still leased by this engine is settled from its latest attempt: one dialed in the
  earlier run (ended, no disposition: the agent was in wrap-up) gets `dialer_restarted` and is
  rescheduled by the dial profile from its outcome; one leased but never dialed goes back to
  pending at once with the attempts it had;
- the earlier run's agent sessions are closed (`dialer restarted`) and each agent's open state
  ends in `logged out`;
- in Asterisk, the channels and bridges carrying this engine's tag (engine.pbx_ids) that the new
  run does not know are hung up and destroyed; before that, a recording the earlier run left
  running (an attempt with a `recording_name` and no `recording_duration_s`, or the same of the
  wait part: `wait_recording_name`) is stopped and kept, flagged `recording_cut`, and its
  RecordingFinished writes the duration (ARI has no list of live recordings: the names come
  from the database). One that ended while the dialer was down gets its length from the stored
  file (engine/recording.py). A wait recording's recorder is a channel with the engine's tag:
  hung up with the rest, after its recording was stopped.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from dialer.engine.calls import CustomerCall
from dialer.engine.pbx_ids import engine_tag, made_by
from dialer.engine.recording import LiveRecording
from dialer.engine.state import EngineState
from dialer.models import AgentSession, CallAttempt, Campaign, Contact
from dialer.models.enums import AgentState, CallOutcome, ContactStatus, SystemDisposition
from dialer.models.recordings import RecordingPart
from dialer.scheduling.retry import AttemptResult
from dialer.telephony.port import PortConnected

if TYPE_CHECKING:
    from dialer.engine.call_flow import CallFlow

log = logging.getLogger(__name__)

RESTARTED_TEXT = "dialer restarted during the call"
ADOPT_RECORDINGS_SINCE = timedelta(days=2)
ADOPT_RECORDINGS_MAX = 1000
STOPPED_REASON = "dialer stopped"
RESTARTED_REASON = "dialer restarted"


@dataclass
class Settled:
    """What `settle` found and did, for the log and for tests."""

    attempts_closed: int = 0
    contacts_rescheduled: int = 0
    contacts_released: int = 0
    sessions_closed: int = 0
    channels_to_hang_up: set[str] = field(default_factory=set)
    answered_unseen: int = 0
    """Customers who answered after the earlier run died and were found waiting in Asterisk."""


def _outcome_of(attempt: CallAttempt) -> CallOutcome:
    if attempt.outcome is not None:
        return attempt.outcome
    if attempt.bridged_at is not None:
        return CallOutcome.ANSWERED
    return CallOutcome.ABANDONED if attempt.answered_at is not None else CallOutcome.FAILED


def ghost_of(last: CallAttempt, contact: Contact) -> CustomerCall:
    """The earlier run's call as far as rescheduling its contact needs it."""
    return CustomerCall(call_id=last.channel_id, attempt_id=last.id, campaign_id=last.campaign_id or 0,
                        contact_id=contact.id, phone=last.phone, phone_index=contact.phone_index,
                        caller_id=last.caller_id, attempt_no=contact.attempts,
                        phone_count=1 + len(contact.alt_phones or []), max_attempts=contact.max_attempts,
                        dial_profile_id=contact.dial_profile_id)


class PreviousRun:
    def __init__(self, state: EngineState, calls: CallFlow) -> None:
        self.s = state
        self.calls = calls
        self.settled = Settled()
        self._adopted: list[LiveRecording] = []
        # Calls the earlier run left ringing, by channel: one Asterisk holds answered at the first
        # connection was picked up by a person nobody could take (see `_answered_unseen`).
        self._ringing: dict[str, CustomerCall] = {}
        self._teams: dict[int, int | None] = {}  # the branch of each campaign with a call settled: billing
        # The first connection to Asterisk can come before (or while) `settle` reads the
        # database: the sweep waits for it, or it would miss the channels settle names.
        self._settle_done = asyncio.Event()

    # -- at start: the database ---------------------------------------------------------------

    async def settle(self, now: datetime) -> Settled:
        """Close what the earlier run left open in the database. Runs before the engine's first
        tick, so every lease this engine id holds is the earlier run's."""
        self._settle_done.clear()
        try:
            return await self._settle(now)
        finally:
            self._settle_done.set()

    async def _settle(self, now: datetime) -> Settled:
        done = self.settled
        eid = self.s.engine_id
        closed: dict[int, CallOutcome] = {}
        open_attempts = await CallAttempt.filter(engine_id=eid, ended_at=None)
        self._teams = dict(await Campaign.filter(id__in={a.campaign_id for a in open_attempts if a.campaign_id})
                           .values_list("id", "team_id"))
        for attempt in open_attempts:
            self._close(attempt, now, closed)
        done.attempts_closed = len(closed)
        for contact in await Contact.filter(status=ContactStatus.LEASED, lease_owner=eid):
            await self._settle_contact(contact, closed, now)
        await self._close_sessions(now)
        await self._adopt_recordings()
        await self.s.writer.flush()
        if done.attempts_closed or done.contacts_rescheduled or done.contacts_released or done.sessions_closed:
            log.warning("an earlier run of %s left %d calls open, %d contacts leased after their call, %d leased "
                        "contacts never dialed and %d agent sessions: all settled", eid, done.attempts_closed,
                        done.contacts_rescheduled, done.contacts_released, done.sessions_closed)
        return done

    def _close(self, attempt: CallAttempt, now: datetime, closed: dict[int, CallOutcome]) -> None:
        outcome = _outcome_of(attempt)
        fields: dict[str, object] = {"ended_at": now, "outcome": outcome, "hangup_cause": 0,
                                     "hangup_cause_text": RESTARTED_TEXT}
        if attempt.answered_at is not None and attempt.disposition_id is None:
            fields["system_disposition"] = SystemDisposition.DIALER_RESTARTED
        self.s.writer.attempt(attempt.id, **fields)
        self.s.writer.event(now, "restart_closed", attempt_id=attempt.id, campaign_id=attempt.campaign_id,
                            channel_id=attempt.channel_id, outcome=outcome.value)
        if attempt.answered_at is not None:
            self.s.billing.call_ended(attempt.id, attempt.phone, attempt.answered_at, now,
                                      self._teams.get(attempt.campaign_id or 0), attempt.caller_id)
        closed[attempt.id] = outcome
        if attempt.channel_id:
            self.settled.channels_to_hang_up.add(attempt.channel_id)

    async def _settle_contact(self, contact: Contact, closed: dict[int, CallOutcome], now: datetime) -> None:
        last = await CallAttempt.filter(contact_id=contact.id).order_by("-id").first()
        dialed_in_lease = (last is not None and last.engine_id == self.s.engine_id
                           and last.originated_at == contact.last_attempt_at
                           and (last.id in closed or (last.disposition_id is None
                                                       and last.system_disposition is None)))
        if last is None or not dialed_in_lease:
            # Leased for a call the earlier run never placed: due again at once, nothing spent.
            self.s.writer.contact(contact.id, status=ContactStatus.PENDING, next_attempt_at=now,
                                  lease_owner=None, lease_expires_at=None)
            self.settled.contacts_released += 1
            return
        outcome = closed.get(last.id) or _outcome_of(last)
        if (rt := self.s.campaigns.get(last.campaign_id or 0)) is not None:
            # Its own dial profile's retries and attempt limit, when it names one.
            await rt.config.take_contact_profiles([contact.dial_profile_id])
        ghost = ghost_of(last, contact)
        if last.id in closed and last.answered_at is None and last.channel_id:
            self._ringing[last.channel_id] = ghost
        if last.id not in closed:
            # Its call had ended and the agent was in wrap-up: no disposition will come now.
            self.s.writer.attempt(last.id, system_disposition=SystemDisposition.DIALER_RESTARTED)
        self.calls.reschedule_contact(ghost, AttemptResult(outcome, last.hangup_cause), now)
        self.settled.contacts_rescheduled += 1

    async def _adopt_recordings(self) -> None:
        """Recordings the earlier run started and never saw end: settled at the first connection."""
        self._adopted = []
        # Only names of this engine's scheme (tagged), of recent calls: the sweep runs on the
        # event path, and a crashed run's recordings are hours old at most.
        since = self.s.clock() - ADOPT_RECORDINGS_SINCE
        tag = engine_tag(self.s.engine_id)
        for part, name, duration in ((RecordingPart.CALL, "recording_name", "recording_duration_s"),
                                     (RecordingPart.WAIT, "wait_recording_name", "wait_recording_duration_s")):
            rows = await (CallAttempt.filter(engine_id=self.s.engine_id, originated_at__gte=since,
                                             **{duration: None, f"{name}__startswith": tag})
                          .order_by("-id").limit(ADOPT_RECORDINGS_MAX)
                          .values_list("id", "campaign_id", "channel_id", name))
            for attempt_id, campaign_id, channel_id, recording_name in rows:
                self._adopted.append(self.calls.recordings.adopt(recording_name, attempt_id, campaign_id,
                                                                 channel_id or "", part))

    async def _settle_recordings(self, now: datetime) -> None:
        adopted, self._adopted = self._adopted, []
        for rec in adopted:
            try:
                await self.calls.recordings.settle_adopted(rec, now)
            except Exception as exc:  # noqa: BLE001 - Asterisk busy: the next start tries again
                log.info("settling recording %s left by an earlier run failed: %s", rec.name, exc)
        if adopted:
            log.warning("%d recordings left by an earlier run were stopped and kept", len(adopted))

    async def _close_sessions(self, now: datetime) -> None:
        sessions = await AgentSession.filter(ended_at=None, engine_id__in=[self.s.engine_id, ""])
        for session in sessions:
            # The agent's open state (ready, on call, ...) ends here, as a logout would end it.
            self.s.writer.agent_state(session.agent_id, AgentState.LOGGED_OUT, now, RESTARTED_REASON,
                                      None, session.id)
        if sessions:
            await AgentSession.filter(id__in=[s.id for s in sessions]).update(ended_at=now,
                                                                            end_reason=RESTARTED_REASON)
        self.settled.sessions_closed = len(sessions)

    # -- at the first connection to Asterisk: what is left there ------------------------------

    async def sweep(self, event: PortConnected) -> tuple[int, int]:
        """Hang up the channels and destroy the bridges of the earlier run; returns how many."""
        await self._settle_done.wait()
        # Recordings first: hanging up and destroying below would end them unflagged.
        await self._settle_recordings(self.s.clock())
        self._answered_unseen(event)
        known_legs = set(self.s.calls) | set(self.s.agent_legs)
        known_bridges = {a.bridge_id for a in self.s.agents.values() if a.bridge_id}
        legs = sorted(leg for leg in event.live_legs if leg not in known_legs
                      and (made_by(leg, self.s.engine_id) or leg in self.settled.channels_to_hang_up))
        bridges = sorted(b for b in event.live_bridges
                         if b not in known_bridges and made_by(b, self.s.engine_id))
        for leg in legs:
            try:
                await self.s.port.hangup(leg)
            except Exception as exc:  # noqa: BLE001 - gone meanwhile, or Asterisk busy: the next start sweeps
                log.info("hanging up %s left by an earlier run failed: %s", leg, exc)
        for bridge in bridges:
            try:
                await self.s.port.destroy_bridge(bridge)
            except Exception as exc:  # noqa: BLE001
                log.info("destroying bridge %s left by an earlier run failed: %s", bridge, exc)
        if legs or bridges:
            log.warning("hung up %d channels and destroyed %d bridges left in Asterisk by an earlier run",
                        len(legs), len(bridges))
        self.settled.channels_to_hang_up.clear()
        return len(legs), len(bridges)

    def _answered_unseen(self, event: PortConnected) -> None:
        """A call the earlier run left ringing that Asterisk now holds answered: the person
        picked up while the dialer was away (its app came back before they hung up) and nobody
        will take them. The law counts that as abandoned, and so does the record: settled as a
        failed ring before, it becomes an abandoned answer, the contact rescheduled as such (the
        72 h rule) and the campaign's window told. (One who answered and was hung up while the
        app was gone left no trace ARI can show.)"""
        for channel_id in sorted(event.answered_legs & self._ringing.keys()):
            self.on_stray_answered(channel_id, event.at)

    def on_stray_answered(self, channel_id: str, at: datetime) -> None:
        """One of the earlier run's ringing calls is answered (found so at the first connection,
        or entering the app before the sweep hangs it up): an abandoned answer."""
        ghost = self._ringing.pop(channel_id, None)
        if ghost is None:
            return
        self.s.writer.attempt(ghost.attempt_id, answered_at=at, outcome=CallOutcome.ABANDONED,
                              system_disposition=SystemDisposition.DIALER_RESTARTED,
                              hangup_cause_text="answered while the dialer restarted")
        self.s.writer.event(at, "restart_abandoned", attempt_id=ghost.attempt_id, campaign_id=ghost.campaign_id,
                            channel_id=channel_id)
        # Answered, so the carrier bills it: no talk, the sweep hangs it up now (its record's end,
        # written at the settle, comes before this answer: billed as no length).
        self.s.billing.call_ended(ghost.attempt_id, ghost.phone, at, at, self._teams.get(ghost.campaign_id),
                                  ghost.caller_id)
        self.calls.reschedule_contact(ghost, AttemptResult(CallOutcome.ABANDONED, 0), at)
        rt = self.s.campaigns.get(ghost.campaign_id)
        if rt is not None:
            rt.on_live_answer(at, abandoned=True)
        self.settled.answered_unseen += 1
        log.warning("customer %s answered while the dialer restarted: nobody to take them, recorded as abandoned",
                    channel_id)

    # -- at a clean stop ----------------------------------------------------------------------

    async def close_for_stop(self, now: datetime) -> None:
        """A clean stop: agents are logged out (their sessions and states closed), idle agents'
        phones hung up and bridges destroyed. Calls in progress are left to end in Asterisk;
        the next start closes their records as a restart would."""
        for agent in list(self.s.agents.values()):
            self.s.writer.agent_state(agent.agent_id, AgentState.LOGGED_OUT, now, STOPPED_REASON, None,
                                      agent.session_id)
            if agent.session_id:
                await AgentSession.filter(id=agent.session_id, ended_at=None).update(ended_at=now,
                                                                                     end_reason=STOPPED_REASON)
            if agent.state is not AgentState.ON_CALL and self.s.port.connected:
                try:
                    if agent.leg_id:
                        await self.s.port.hangup(agent.leg_id)
                    if agent.bridge_id:
                        await self.s.port.destroy_bridge(agent.bridge_id)
                except Exception as exc:  # noqa: BLE001 - the next start sweeps what is left
                    log.info("releasing %s's phone at stop failed: %s", agent.username, exc)
