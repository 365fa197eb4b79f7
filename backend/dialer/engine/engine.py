"""The dialing engine: runs every campaign whose status is running, launches the calls its
pacer asks for, connects answered customers to agents, and keeps the record.

Campaign status lives in the database, which any process (web UI, API, CLI) may change: the
engine follows it within a second. ARI events are handled one at a time in arrival order
(the port guarantees it); handlers never await the database.
"""

from __future__ import annotations

import asyncio
import logging
import random
import socket
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


from dialer.engine.agents.flow import AgentError, AgentFlow
from dialer.billing.service.meter import BillingMeter
from dialer.engine.call_flow import RELEASED_TEXT, CallFlow
from dialer.engine.calls import CallState
from dialer.engine.calls.leaving import LeavingAgents
from dialer.engine.campaign_runtime import CampaignConfig, CampaignRuntime, LearnedCounters, pacer_reasons
from dialer.engine.compliance_window import ComplianceWindow, load_compliance_window
from dialer.engine import views
from dialer.engine.contact_feed import count_remaining, select_contacts, start_attempts
from dialer.engine.manual import ManualDialer
from dialer.engine.pacer_memory import resume_pacer, save_pacer, save_pacers
from dialer.engine.preview import PreviewFlow
from dialer.engine.private_callbacks import PrivateCallbacks
from dialer.engine.records import RecordWriter
from dialer.engine.restart import STOPPED_REASON, PreviousRun
from dialer.engine.state import EngineState, utc_now
from dialer.hub import MemoryHub
from dialer.models import CallAttempt, Campaign, DialProfile
from dialer.models.enums import AgentState, CallDirection, CallOutcome, CampaignMode, CampaignStatus
from dialer.not_dialing import NotDialing, NotDialingReason
from dialer.scheduling.leasing import reclaim_expired_leases, renew_leases
from dialer.stopping import let_finish
from dialer.telephony.port import (
    InboundCall,
    LegAnswered,
    LegFailed,
    LegHungUp,
    LegRinging,
    MachineDetected,
    NotConnected,
    OriginateRefused,
    PlaybackFinished,
    PortConnected,
    StrayAnswered,
    RecordingFailed,
    RecordingFinished,
    PortDisconnected,
    TelephonyEvent,
    TelephonyPort,
)

log = logging.getLogger(__name__)

SAMPLES_MAX_AGE = timedelta(days=7)
"""Older calls say too little about today's answer rate and talk times to seed the pacer."""

__all__ = ["AgentError", "Engine"]


class Engine:
    def __init__(self, port: TelephonyPort, hub: MemoryHub | None = None, *, engine_id: str | None = None,
                 dial_template: str = "PJSIP/{e164}@trunk", tick_s: float = 0.25, sync_s: float = 0.5,
                 rng: random.Random | None = None, clock=utc_now,  # type: ignore[no-untyped-def]
                 tz: str = "UTC", presence_grace_s: float | None = None) -> None:
        self.s = EngineState(port=port, hub=hub or MemoryHub(), writer=RecordWriter(),
                             engine_id=engine_id or socket.gethostname()[:48], dial_template=dial_template,
                             clock=clock, rng=rng or random.Random(), presence_grace_s=presence_grace_s)
        self.s.billing = BillingMeter(clock, publish=self.s.publish, notify=self.s.notifier.notify)
        self.calls = CallFlow(self.s)
        self.agents = AgentFlow(self.s, self.calls)
        self.preview = PreviewFlow(self.s, self.calls)
        self.agents.on_reserved_answered = self.preview.agent_answered
        self.agents.on_reserved_missed = self.preview.agent_missed
        self.agents.on_left = LeavingAgents(self.s, self.calls, self.preview, self._pace).left
        self.private_callbacks = PrivateCallbacks(self.s, self.calls)
        self.manual = ManualDialer(self.s, self.agents)
        self.previous_run = PreviousRun(self.s, self.calls)
        self.tick_s = tick_s
        self.sync_s = sync_s
        try:
            self.zone = ZoneInfo(tz)  # where "today" begins, for the live counters
        except (ZoneInfoNotFoundError, ValueError):
            log.warning("time zone %r is unknown: the live counters' day begins at midnight UTC", tz)
            self.zone = ZoneInfo("UTC")
        self._task: asyncio.Task[None] | None = None
        self._launching: dict[int, asyncio.Task[None]] = {}
        self._stopping = False
        self._connected_once = False
        self._last_sync = datetime.min.replace(tzinfo=self.s.clock().tzinfo)
        self._last_slow = self._last_sync
        port.subscribe(self.on_event)

    @property
    def hub(self) -> MemoryHub:
        return self.s.hub

    @property
    def engine_id(self) -> str:
        return self.s.engine_id

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        self._stopping = False
        self.s.writer.start()
        self.s.notifier.start()
        self.s.billing.start()
        await self.sync_campaigns()
        # Before the first tick: every lease this engine id holds now is the earlier run's.
        started = self.s.clock()
        await self.previous_run.settle(started)
        # The calls its settle closed, and those a kill -9 took from the meter's queue, priced.
        await self.s.billing.catch_up(self.s.engine_id, started)
        self._task = asyncio.create_task(self._run(), name="engine-tick")

    async def stop(self) -> None:
        # Asked, not cancelled: a tick or a launch may be inside a database transaction (dialer/stopping.py).
        self._stopping = True
        await let_finish(self._task)
        self._task = None
        await asyncio.gather(*(let_finish(task) for task in list(self._launching.values())))
        self._launching.clear()
        await save_pacers(list(self.s.campaigns.values()), self.s.clock())
        await self.calls.recordings.stop_all(STOPPED_REASON)
        await self.previous_run.close_for_stop(self.s.clock())
        await self.s.billing.stop()
        await self.s.notifier.stop()
        await self.s.writer.stop()

    async def _run(self) -> None:
        while not self._stopping:
            try:
                await self.tick()
            except Exception:
                log.exception("engine tick failed")
            await asyncio.sleep(self.tick_s)

    async def tick(self) -> None:
        now = self.s.clock()
        if (now - self._last_sync).total_seconds() >= self.sync_s:
            self._last_sync = now
            await self.sync_campaigns()
        self.calls.check_waiting(now)
        await self.agents.check_wrap_ups(now)
        self.agents.check_presence(now)
        if self.s.port.connected:
            await self.agents.redial_due(now)
        await self.preview.expire(now)
        for rt in list(self.s.campaigns.values()):
            self._pace(rt, now)
        if (now - self._last_slow).total_seconds() >= 30:
            self._last_slow = now
            await renew_leases(self.engine_id, now + timedelta(minutes=2))
            await reclaim_expired_leases(now)
            await self.count_contacts()
            await save_pacers(list(self.s.campaigns.values()), now)

    # -- campaigns ---------------------------------------------------------------------------

    async def count_contacts(self) -> None:
        """Contacts left per running campaign, for its live counters (every 30 s from tick)."""
        runtimes = list(self.s.campaigns.values())
        counts = await count_remaining({rt.campaign_id: rt.config.list_ids for rt in runtimes})
        for rt in runtimes:
            rt.contacts_remaining = counts[rt.campaign_id]

    async def sync_campaigns(self) -> None:
        """Follow the database: start running campaigns, pause paused ones, drop stopped ones."""
        rows = await Campaign.filter(status__in=[CampaignStatus.RUNNING, CampaignStatus.PAUSED], archived=False)
        wanted = {c.id: c for c in rows}
        for campaign_id in [cid for cid in self.s.campaigns if cid not in wanted]:
            await self._drop_campaign(campaign_id)
        # An edit of a campaign's dial profile (its hours, retries, closure days) is an edit of the campaign.
        profile_ids = {c.dial_profile_id for c in rows if c.dial_profile_id is not None}
        profiles_edited = dict(await DialProfile.filter(id__in=profile_ids).values_list("id", "updated_at")) \
            if profile_ids else {}
        for campaign in rows:
            edited = max(filter(None, (campaign.updated_at, profiles_edited.get(campaign.dial_profile_id))),
                         default=None)
            rt = self.s.campaigns.get(campaign.id)
            if rt is None:
                config = await CampaignConfig.load(campaign)
                rt = CampaignRuntime(config, await self._counters(config))
                await resume_pacer(rt, config.pacer, self.s.clock())
                self.s.campaigns[campaign.id] = rt
                log.info("campaign %s (%s) is now run by %s", campaign.name, campaign.mode.value, self.engine_id)
            elif edited and rt.config_loaded_at < edited:
                config = await CampaignConfig.load(campaign)
                if config.abandon_window != rt.config.abandon_window:
                    # The rule changed (30 days <-> 24 h): count its window afresh from the record.
                    rt.counters.window = await self._compliance_window(config)
                if config.pacer != rt.config.pacer:
                    # Another mode or pacer: the old one's learning is kept for a switch back.
                    await save_pacer(rt, self.s.clock())
                    await resume_pacer(rt, config.pacer, self.s.clock())
                    log.info("campaign %s now paced by %s", config.name, config.pacer)
                # The contacts' own profiles its calls in progress were dialed by, for their rescheduling.
                await config.take_contact_profiles(rt.config.own_dials)
                rt.config = config
            rt.config_loaded_at = edited or self.s.clock()
            rt.paused = campaign.status is CampaignStatus.PAUSED

    async def _drop_campaign(self, campaign_id: int) -> None:
        # A launch under way is not cancelled (it may be leasing, in a transaction): it sees the
        # campaign gone before each originate and records the rest as not dialed.
        rt = self.s.campaigns.pop(campaign_id, None)
        if rt is not None:
            await save_pacer(rt, self.s.clock())
        log.info("campaign %s stopped on %s; calls in progress go on", campaign_id, self.engine_id)

    async def _counters(self, config: CampaignConfig) -> LearnedCounters:
        """Abandons and live answers in the compliance window, from the record (restart-proof)."""
        counters = LearnedCounters(window=await self._compliance_window(config))
        await self._restore_samples(counters, config.campaign_id)
        return counters

    async def _compliance_window(self, config: CampaignConfig) -> ComplianceWindow:
        return await load_compliance_window(config.campaign_id, config.abandon_window,
                                            config.settings.abandon_after_s, self.s.clock(), self.zone)

    async def _restore_samples(self, counters: LearnedCounters, campaign_id: int) -> None:
        """What the pacer learns per call (answer rate, time to answer, talk and wrap-up times),
        from the campaign's latest finished attempts. Without it a restarted engine starts from the
        priors, which are cautious on purpose, and the agents idle until a few hundred calls are
        made again."""
        since = self.s.clock() - SAMPLES_MAX_AGE
        rows = await (CallAttempt.filter(campaign_id=campaign_id, direction=CallDirection.OUTBOUND,
                                         originated_at__gte=since, ended_at__not_isnull=True)
                      .order_by("-id").limit(counters.recent.maxlen or 0)
                      .values_list("originated_at", "answered_at", "outcome", "talk_s", "wrap_up_s", "ended_at",
                                   "hangup_cause_text"))
        for originated, answered, outcome, talk, wrap, ended, cause_text in reversed(rows):  # oldest first
            person = answered is not None and outcome != CallOutcome.MACHINE
            counters.recent.append(person)
            released = not person and (cause_text or "").startswith(RELEASED_TEXT)
            counters.recent_released.append((ended - originated).total_seconds() if released else None)
            if person:
                counters.time_to_answer.append((answered - originated).total_seconds())
            if talk is not None:
                counters.talk.append(talk)
            if wrap is not None:
                counters.wrap.append(wrap)

    def _pace(self, rt: CampaignRuntime, now: datetime) -> None:
        reasons: list[NotDialingReason] = []
        if rt.paused:
            reasons.append(NotDialingReason(NotDialing.NOT_RUNNING, "paused"))
        if not self.s.port.connected:
            reasons.append(NotDialingReason(NotDialing.ASTERISK_DISCONNECTED))
        elif self.s.refusals.holding(now):
            reasons.append(self.s.refusals.not_dialing(now))
        if (no_credit := self.s.billing.stop_reason(rt.config.team_id)) is not None:
            reasons.append(NotDialingReason(NotDialing.NO_PREPAID_CREDIT, no_credit))
        task = self._launching.get(rt.campaign_id)
        if reasons or (task is not None and not task.done()):
            rt.not_dialing = reasons or rt.not_dialing
            return
        # An agent's own due callbacks come before anything the campaign would dial for them.
        self.private_callbacks.pace(rt, now)
        if rt.config.mode is CampaignMode.PREVIEW:
            self.preview.pace(rt, now)
            rt.not_dialing = [NotDialingReason(NotDialing.NO_CONTACT_DUE)] if rt.contacts_exhausted else []
            return
        tracked = self.s.presence_grace_s is not None
        snapshot = rt.snapshot(now, self.s.agents.values(), self.s.calls.values(),
                               self.s.presence.screens_closed if tracked else None)
        decision = rt.decide(snapshot)
        if decision.release:
            self.calls.release_ringing(rt, decision.release, now)
        rt.not_dialing = pacer_reasons(decision)
        if rt.contacts_exhausted:
            rt.not_dialing.append(NotDialingReason(NotDialing.NO_CONTACT_DUE))
        if self.s.refusals.probing:
            rt.not_dialing.insert(0, self.s.refusals.not_dialing(now))
        if decision.calls > 0:
            # After a refusal, one call at a time until Asterisk takes one again.
            count = 1 if self.s.refusals.probing else decision.calls
            self._launching[rt.campaign_id] = asyncio.create_task(
                self._launch(rt, count, decision.launch_spacing_s), name=f"launch-{rt.campaign_id}")
        self.s.publish(rt.status_event(now, snapshot), *rt.topics())

    async def _launch(self, rt: CampaignRuntime, count: int, spacing: float) -> None:
        now = self.s.clock()
        try:
            feed = await select_contacts(rt.config, self.engine_id, count, now, self.s.rng)
        except Exception:
            log.exception("preparing calls for campaign %s failed", rt.config.name)
            return
        rt.contacts_exhausted = feed.leased == 0
        refused: Exception | str | None = None
        for i, candidate in enumerate(feed.candidates):
            if i and spacing > 0 and refused is None:
                await asyncio.sleep(spacing)  # no burst of originates in one millisecond
            if self._stopping:
                # The contacts left stay leased to this engine: the next start gives them back.
                break
            if refused is None and (rt.paused or rt.campaign_id not in self.s.campaigns):
                refused = "the campaign was paused or stopped before this call was dialed"
            if refused is not None:
                # Asterisk refused the last one, or the campaign stopped: the rest go back
                # undialed, no attempt spent.
                self.calls.give_back(candidate, rt.campaign_id, self.s.clock(), f"not dialed: {refused}")
                continue
            # Each attempt row is written right before its own originate, not the batch's rows
            # before the first: a kill -9 between the two then leaves at most this one call
            # recorded and not placed, where a spaced batch left every call not yet sent.
            try:
                (prepared,) = await start_attempts(rt.config, self.engine_id, [candidate], self.s.clock())
            except Exception as exc:
                log.exception("writing the attempt of a call for campaign %s failed", rt.config.name)
                refused = f"the database refused the attempt ({exc})"
                self.calls.give_back(candidate, rt.campaign_id, self.s.clock(), f"not dialed: {refused}")
                continue
            call = self.calls.track(prepared, rt.campaign_id, self.s.clock())
            rt.launches.append(call.originated_at)
            failure = await self.calls.originate(call, rt.config.ring_timeout_for(call.dial_profile_id))
            if isinstance(failure, (OriginateRefused, NotConnected)):
                refused = f"Asterisk refused calls ({failure})"

    # -- events from the PBX -----------------------------------------------------------------

    async def on_event(self, event: TelephonyEvent) -> None:
        leg_id = getattr(event, "leg_id", None)
        agent_id = self.s.agent_legs.get(leg_id) if leg_id else None
        if agent_id is not None:
            await self._on_agent_leg(agent_id, event)
            return
        if isinstance(event, LegRinging):
            self.calls.on_ringing(event)
        elif isinstance(event, LegAnswered):
            self.calls.on_answered(event)
        elif isinstance(event, LegFailed):
            self.calls.on_failed(event)
        elif isinstance(event, LegHungUp):
            call = self.s.calls.get(event.leg_id)
            self.calls.on_hung_up(event)
            if call is not None and call.disposed_at is not None and call.agent_id in self.s.agents:
                self.s.calls.pop(call.call_id, None)
                await self.agents.leave_wrap_up(self.s.agents[call.agent_id])
        elif isinstance(event, MachineDetected):
            self.calls.on_machine(event)
        elif isinstance(event, PlaybackFinished):
            await self.calls.on_playback_finished(event.playback_id)
        elif isinstance(event, RecordingFinished):
            self.calls.recordings.on_finished(event)
        elif isinstance(event, RecordingFailed):
            self.calls.recordings.on_failed(event)
        elif isinstance(event, InboundCall):
            # Inbound calls are not routed to agents yet: give the caller back to the dialplan at
            # once (whose next step is the deployment's: voicemail, a queue, a message) rather
            # than leave them ringing in the app.
            self.s.writer.event(event.at, "inbound", channel_id=event.leg_id, did=event.did, caller=event.caller)
            log.info("inbound call to %s from %s handed back to the dialplan", event.did, event.caller)
            await self.s.port.hand_back(event.leg_id)
        elif isinstance(event, StrayAnswered):
            self.previous_run.on_stray_answered(event.leg_id, event.at)
        elif isinstance(event, PortConnected):
            self.s.refusals.reconnected()
            await self._reconcile(event)
        elif isinstance(event, PortDisconnected):
            log.warning("Asterisk disconnected (%s): no new calls until it is back", event.reason)

    async def _on_agent_leg(self, agent_id: int, event: TelephonyEvent) -> None:
        if isinstance(event, LegAnswered):
            await self.agents.on_phone_answered(agent_id)
        elif isinstance(event, LegFailed):
            await self.agents.on_phone_gone(agent_id, f"phone did not answer ({event.reason.value})")
        elif isinstance(event, LegHungUp):
            await self.agents.on_phone_gone(agent_id, "phone hung up")

    async def _reconcile(self, event: PortConnected) -> None:
        """After (re)connecting: calls we believe in that Asterisk no longer has ended unseen."""
        now = self.s.clock()
        first = not self._connected_once
        self._connected_once = True
        for call in [c for c in self.s.calls.values() if c.live and c.call_id not in event.live_legs]:
            call.outcome = call.outcome or (CallOutcome.ANSWERED if call.state is CallState.BRIDGED
                                            else CallOutcome.ABANDONED if call.answered_at else CallOutcome.FAILED)
            call.cause, call.cause_text = 0, "ended while Asterisk was unreachable"
            call.cut = True
            self.calls.on_failed_locally(call, now)
        for agent in list(self.s.agents.values()):
            if agent.leg_id and agent.leg_id not in event.live_legs:
                # Asterisk restarted: nobody put this phone down. Call it again at once (then
                # with backoff), so the campaign goes on with no agent action.
                await self.agents.on_phone_gone(agent.agent_id, "phone lost while Asterisk was unreachable",
                                                call_again=not agent.per_call)
        self.agents.recall_phones(now)
        self.calls.recordings.reconnected()
        if first:
            await self.previous_run.sweep(event)

    # -- what the web app and the simulated agents call ---------------------------------------

    async def agent_login(self, agent_id: int, campaign_ids: set[int], extension: str | None = None,
                          ip: str = "") -> None:
        await self.agents.login(agent_id, campaign_ids, extension, ip)

    async def agent_ready(self, agent_id: int) -> None:
        await self.agents.ready(agent_id)

    async def agent_pause(self, agent_id: int, reason: str = "") -> None:
        await self.agents.pause(agent_id, reason)

    async def agent_logout(self, agent_id: int) -> None:
        await self.agents.logout(agent_id)

    async def agent_call_phone(self, agent_id: int) -> None:
        """The agent's "call my phone" button (persistent mode): their phone is rung again."""
        await self.agents.call_phone(agent_id)

    def agent_screen_opened(self, agent_id: int) -> None:
        """A panel or extension of the agent's connected (its live socket opened)."""
        self.agents.screen_opened(agent_id)

    def agent_screen_closed(self, agent_id: int) -> None:
        self.agents.screen_closed(agent_id)

    async def save_disposition(self, agent_id: int, call_id: str, disposition_id: int, notes: str = "",
                               callback_at: datetime | None = None, private: bool = False) -> None:
        await self.agents.set_disposition(agent_id, call_id, disposition_id, notes, callback_at, private)

    async def preview_call(self, agent_id: int) -> str:
        """The agent calls the contact offered to them (preview mode); returns the call id."""
        return await self.preview.call(agent_id)

    async def preview_skip(self, agent_id: int) -> None:
        await self.preview.skip(agent_id)

    async def manual_dial(self, agent_id: int, number: str, contact_id: int | None = None) -> str:
        return await self.manual.dial(agent_id, number, contact_id)

    def extend_wrap_up(self, agent_id: int, seconds: float) -> None:
        self.agents.extend_wrap_up(agent_id, seconds)

    async def save_wrap_up_draft(self, agent_id: int, call_id: str, disposition_id: int | None, notes: str = "",
                                 callback_at: datetime | None = None) -> dict:
        """The call's form as the agent types it: kept so that wrap-up ending by itself loses nothing."""
        return (await self.agents.save_draft(agent_id, call_id, disposition_id, notes, callback_at)).as_dict()

    def wrap_up_draft(self, agent_id: int) -> dict | None:
        """The draft of the agent's current call, for a panel that was reloaded."""
        draft = self.agents.draft_of(agent_id)
        return draft.as_dict() if draft else None


    def not_dialing_reasons(self, campaign_id: int) -> tuple[NotDialingReason, ...]:
        """Live reasons for the campaign page's "why is it not dialing" panel: what stops the
        campaign (Asterisk gone, paused). The pacer's account of its last tick ("every agent is
        busy", "calls already ringing cover the agents") is not one: the campaign dials as agents
        become free, as the page's own diagnosis counts busy agents; the wallboard shows it."""
        view = self.campaign_view(campaign_id)
        return view.not_dialing if view is not None else ()

    async def agent_hangup(self, agent_id: int) -> None:
        """The agent ends the customer call (the panel's hang-up button)."""
        agent = self.s.agents.get(agent_id)
        if agent is None or agent.call_id is None or agent.state is not AgentState.ON_CALL:
            raise AgentError("You have no call to hang up.")
        await self.s.port.hangup(agent.call_id)

    def agent_state(self, agent_id: int) -> dict | None:
        agent = self.s.agents.get(agent_id)
        return agent.as_event() if agent else None

    # -- read-only views for the web layer (engine/views.py) ---------------------------------

    def agent_view(self, agent_id: int) -> views.AgentView | None:
        agent = self.s.agents.get(agent_id)
        return views.agent_view(agent) if agent else None

    def agent_call(self, agent_id: int) -> views.CallView | None:
        """The call the agent is on or wrapping up."""
        agent = self.s.agents.get(agent_id)
        return views.call_view(agent, self.s.calls) if agent else None

    def preview_offer(self, agent_id: int) -> views.OfferView | None:
        """The contact offered to the agent (preview mode), not yet called or skipped."""
        offer = self.preview.offers.get(agent_id)
        rt = self.s.campaigns.get(offer.campaign_id) if offer else None
        return views.offer_view(offer, rt) if offer and rt else None

    def campaign_view(self, campaign_id: int) -> views.CampaignView | None:
        """A campaign this engine runs, as of its last tick (None when it runs it not)."""
        rt = self.s.campaigns.get(campaign_id)
        return views.campaign_view(rt, self.s.calls, self.s.waiting) if rt else None

    def campaign_status(self, campaign_id: int) -> dict | None:
        rt = self.s.campaigns.get(campaign_id)
        return rt.status_event(self.s.clock(), None) if rt else None

    def agents_in(self, state: AgentState) -> list[int]:
        return [a.agent_id for a in self.s.agents.values() if a.state is state]
