"""One running campaign inside the engine: its settings, what it has learned, the pacer and
its state, and the snapshot it hands the pacer on every tick.

Learned figures start from the database (abandons and live answers in the compliance
window survive a restart, as the law counts them over 30 days or 24 hours) and then follow
each finished call in memory; the window rolls on with the clock (`compliance_window.py`).
"""

from __future__ import annotations

import logging
import math
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, Iterable, Mapping

from dialer.campaigns.regulation import (
    DialSettings,
    campaign_regulation,
    contact_profiles_settings,
    dial_settings,
    settings_for,
)
from dialer.engine.agents import LiveAgent
from dialer.engine.calls import CallState, CustomerCall
from dialer.compliance.abandon import ComplianceWindow
from dialer.compliance.law import FCC_WINDOW, OFCOM_WINDOW
from dialer.models import Campaign
from dialer.models.enums import AbandonWindow, AgentState, CampaignMode, NoAgentAction, PrivateNumbers
from dialer.not_dialing import NotDialing, NotDialingReason
from dialer.pacing.decision import Decision, Reason
from dialer.pacing.pacer import Pacer, pacer_named, resumed_state
from dialer.pacing.snapshot import LEGAL_MIN_RING_S, CampaignSettings, Learned, Snapshot, WrapUp

log = logging.getLogger(__name__)

RECENT = 1000  # finished attempts over which the answer rate is measured, as the pacers were tuned
SAMPLES = 1000


@dataclass
class CampaignConfig:
    """The campaign's settings as the engine needs them (read from the model at start/reload)."""

    campaign_id: int
    name: str
    team_id: int | None
    mode: CampaignMode
    pacer: str
    list_ids: tuple[int, ...]
    required_skills: frozenset[str]
    ring_timeout_s: float
    max_attempts: int
    retry_intervals: dict[str, int]
    calling_windows: dict[str, Any]
    timezone: str
    daily_limit_per_number: int | None
    lifetime_limit_per_number: int | None
    caller_id: str
    pool_id: int | None
    settings: CampaignSettings
    abandon_window: timedelta
    no_agent_action: NoAgentAction
    hold_message: str
    hold_music_class: str
    max_wait_s: float
    abandon_message: str
    deep_link_template: str
    card_fields: tuple[str, ...]
    record_calls: bool
    amd_enabled: bool
    wrap_up_s: float
    auto_end_wrap_up: bool
    dial: DialSettings
    """The campaign's dial settings whole (its dial profile's, or the law's defaults)."""
    private_numbers: PrivateNumbers = PrivateNumbers.OFF
    redial_agent_phones: bool = False  # an agent's phone that drops is called again by itself
    skip_holidays: bool = False  # the callee's public holidays are no calling days (regulatory profile)
    identify_first: bool = False  # on hold, the identification (abandon) message first: within 2 s
    record_wait: bool = False  # record_calls and also the wait for an agent (engine/recording.py)
    desktop_program: str = ""  # named on the card: the agents' tray app runs it if whitelisted there
    own_dials: dict[int, DialSettings] = field(default_factory=dict)
    """Contacts' own dial profiles met so far, as last read (`take_contact_profiles`)."""

    def dial_for(self, profile_id: int | None) -> DialSettings:
        """What a contact is dialed by: its own dial profile's when it names one (bounded by the
        campaign's law), else the campaign's. Its calls' ring time, retries and attempt limit
        are taken from here when they are dialed and rescheduled."""
        return settings_for(self.dial, self.own_dials, profile_id)

    def ring_timeout_for(self, profile_id: int | None) -> float:
        """How long a contact's call rings: its own dial profile's ring time (held to the law's
        minimum) when it names one, else the campaign's."""
        return self.dial_for(profile_id).legal_ring_timeout_s

    async def take_contact_profiles(self, profile_ids: Iterable[int | None]) -> None:
        """Read the dial profiles these contacts name, afresh: before their lease is checked."""
        wanted = {i for i in profile_ids if i is not None and i != self.dial.profile_id}
        found = await contact_profiles_settings(self.dial, wanted)
        for gone in wanted - set(found):  # deleted since (its contacts fell back to the campaign's)
            self.own_dials.pop(gone, None)
        self.own_dials.update(found)

    @classmethod
    async def load(cls, campaign: Campaign) -> "CampaignConfig":
        await campaign.fetch_related("contact_lists", "dial_profile")
        profile = campaign.dial_profile
        # No dial profile, or one without hours: the regulatory profile's safe hours and retries.
        dial = dial_settings(campaign_regulation(campaign.regulatory_profile), profile)
        ring = dial.legal_ring_timeout_s
        calls_per_agent = campaign.calls_per_agent or 1.0
        if campaign.overdial_pct:
            calls_per_agent = 1.0 + campaign.overdial_pct / 100.0
        pacer = campaign.pacer if campaign.mode is CampaignMode.PREDICTIVE else campaign.mode.value
        return cls(
            campaign_id=campaign.id, name=campaign.name, team_id=campaign.team_id, mode=campaign.mode,
            pacer=pacer, list_ids=tuple(cl.id for cl in campaign.contact_lists),
            required_skills=frozenset(campaign.required_skills or ()),
            ring_timeout_s=ring,
            max_attempts=dial.max_attempts,
            retry_intervals=dict(dial.retry_intervals),
            calling_windows=dict(dial.calling_windows),
            timezone=dial.timezone,
            skip_holidays=dial.skip_holidays, identify_first=dial.profile.message_within_s is not None,
            daily_limit_per_number=dial.daily_limit, lifetime_limit_per_number=dial.lifetime_limit, dial=dial,
            caller_id=campaign.caller_id, pool_id=campaign.caller_id_pool_id,
            settings=CampaignSettings(
                abandon_cap=campaign.abandon_cap_pct / 100.0, max_lines=campaign.max_lines,
                max_attempts_per_5s=campaign.max_attempts_per_5s or None, ring_timeout_s=ring,
                predicted_talk_s=float(campaign.predicted_talk_s), default_wrap_up_s=float(campaign.wrap_up_s),
                calls_per_agent=calls_per_agent,
                release_after_s=LEGAL_MIN_RING_S if campaign.release_ringing else None),
            abandon_window=OFCOM_WINDOW if campaign.abandon_window is AbandonWindow.HOURS_24 else FCC_WINDOW,
            no_agent_action=campaign.no_agent_action, hold_message=campaign.hold_message,
            hold_music_class=campaign.hold_music_class or "default", max_wait_s=float(campaign.max_wait_s),
            abandon_message=campaign.abandon_message, deep_link_template=campaign.deep_link_template,
            card_fields=tuple(campaign.card_fields or ()), record_calls=campaign.record_calls,
            amd_enabled=campaign.amd_enabled, wrap_up_s=float(campaign.wrap_up_s),
            auto_end_wrap_up=campaign.auto_end_wrap_up, private_numbers=campaign.private_numbers,
            redial_agent_phones=campaign.redial_agent_phones,
            record_wait=campaign.record_calls and campaign.record_wait,
            desktop_program=campaign.desktop_program,
        )


@dataclass
class LearnedCounters:
    recent: deque[bool] = field(default_factory=lambda: deque(maxlen=RECENT))  # answered by a person?
    # Beside each: how long it had rung if the pacer hung it up unanswered (else None); the answer
    # rate counts those as the answers they might have been.
    recent_released: deque[float | None] = field(default_factory=lambda: deque(maxlen=RECENT))
    time_to_answer: deque[float] = field(default_factory=lambda: deque(maxlen=SAMPLES))
    talk: deque[float] = field(default_factory=lambda: deque(maxlen=SAMPLES))
    wrap: deque[float] = field(default_factory=lambda: deque(maxlen=SAMPLES))
    # Live answers (agent-handled AH plus abandoned D), abandons and agent-marked machines (AM)
    # over the rule's rolling window.
    window: ComplianceWindow = field(default_factory=lambda: ComplianceWindow(FCC_WINDOW))
    attempts_total: int = 0
    live_total: int = 0
    abandons_total: int = 0

    @property
    def ofcom(self) -> bool:
        """Ofcom's 24 h rule, with its answering-machine adjustment (the FCC's has none)."""
        return self.window.ofcom

    def window_counts(self, now: datetime) -> tuple[float, float]:
        """(live answers, abandons) in the window ending `now`, as the rule counts them
        (`compliance.abandon.rule_counts`)."""
        return self.window.rule_counts(now)

    def learned(self, now: datetime) -> Learned:
        live, abandons = self.window_counts(now)
        return Learned(recent_attempts=len(self.recent), recent_answers=sum(self.recent),
                       released_ages_s=tuple(age for age in self.recent_released if age is not None),
                       time_to_answer_s=tuple(self.time_to_answer), talk_s=tuple(self.talk),
                       wrap_up_s=tuple(self.wrap), live_answers_in_window=round(live),
                       abandons_in_window=round(abandons), attempts_total=self.attempts_total,
                       live_answers_total=self.live_total, abandons_total=self.abandons_total)


class CampaignRuntime:
    def __init__(self, config: CampaignConfig, counters: LearnedCounters | None = None) -> None:
        self.config = config
        self.counters = counters or LearnedCounters()
        self.pacer: Pacer = pacer_named(config.pacer)
        self.pacer_state: Any = self.pacer.initial_state()
        self.pacer_saved: dict[str, Any] | None = None
        """What was last stored of the pacer's state (pacer_memory.py), to skip unchanged writes."""
        self.launches: deque[datetime] = deque()
        self.last_decision: Decision | None = None
        self.not_dialing: list[NotDialingReason] = []  # as of the last tick, for the wallboard and page
        self.paused = False
        self.contacts_exhausted = False  # the last lease found nothing dialable
        self.contacts_remaining: int | None = None  # pending or leased; counted every 30 s
        self.config_loaded_at: datetime | None = None

    @property
    def campaign_id(self) -> int:
        return self.config.campaign_id

    def snapshot(self, now: datetime, agents: Iterable[LiveAgent], calls: Iterable[CustomerCall],
                 screens_closed: Callable[[int], bool] | None = None) -> Snapshot:
        """`screens_closed(agent_id)`: none of the agent's screens is open (None: not tracked).
        Such an agent still talks on their phone, but cannot end a wrap-up: one on a call is
        not counted on, one in wrap-up only when its set time runs out."""
        ready = on_call = paused = 0
        on_call_ages: list[float] = []
        wraps: list[WrapUp] = []
        for a in agents:
            if not a.serves(self.campaign_id, self.config.required_skills):
                continue
            # Capacity is an agent who will take the next call: not one who asked to pause
            # after this one, nor one whose phone is gone (persistent mode: they come back
            # `not ready`, and only once it is called again).
            if a.state is AgentState.READY and (a.phone_up or a.per_call):
                ready += 1
            elif a.pause_requested is not None or not (a.phone_up or a.per_call) or a.state is AgentState.NOT_READY:
                paused += a.state is not AgentState.LOGGED_OUT
            elif (a.state is AgentState.ON_CALL and screens_closed is not None
                  and screens_closed(a.agent_id)):
                paused += 1
            elif a.state in (AgentState.ON_CALL, AgentState.RESERVED, AgentState.RINGING):
                on_call += 1
                on_call_ages.append((now - a.since).total_seconds() if a.since else 0.0)
            elif a.state is AgentState.WRAP_UP:
                elapsed = (now - a.since).total_seconds() if a.since else 0.0
                unattended = screens_closed is not None and screens_closed(a.agent_id)
                timer = a.wrap_up_s if self.config.auto_end_wrap_up else math.inf
                wraps.append(WrapUp(elapsed_s=elapsed, expected_s=timer if unattended else a.wrap_up_s,
                                    by_timer_only=unattended))
            elif a.state is AgentState.PAUSED:
                paused += 1
        ringing, waiting = [], []
        for c in calls:
            if c.campaign_id != self.campaign_id or not c.live:
                continue
            if c.state in (CallState.DIALING, CallState.RINGING):
                ringing.append((now - c.originated_at).total_seconds() if c.originated_at else 0.0)
            elif c.state in (CallState.WAITING, CallState.DETECTING, CallState.CONNECTING):
                waiting.append((now - c.answered_at).total_seconds() if c.answered_at else 0.0)
        while self.launches and self.launches[0] <= now - timedelta(seconds=5):
            self.launches.popleft()
        return Snapshot(now=now, agents_ready=ready, agents_on_call_s=tuple(on_call_ages),
                        agents_in_wrap_up=tuple(wraps), agents_paused=paused,
                        calls_ringing_s=tuple(ringing), customers_waiting_s=tuple(waiting),
                        attempts_last_5s=len(self.launches), settings=self.config.settings,
                        learned=self.counters.learned(now))

    def use_pacer(self, name: str, saved: Mapping[str, Any] | None, now: datetime) -> None:
        """Pace with `name` from now on, resuming what it had learned (`saved`) when it can.

        A saved state it cannot take back (another version's, damaged) is dropped with a
        warning: the pacer starts from its initial state, as on a campaign's first day.
        """
        pacer = pacer_named(name)
        try:
            state = resumed_state(pacer, saved, self.counters.learned(now))
        except ValueError as error:
            log.warning("campaign %s: the saved %s pacer state is not usable (%s); it starts afresh",
                        self.config.name, name, error)
            state, saved = pacer.initial_state(), None
        self.pacer, self.pacer_state = pacer, state
        self.pacer_saved = dict(saved) if saved is not None else None

    def decide(self, snapshot: Snapshot) -> Decision:
        decision = self.pacer.calls_to_launch(snapshot, self.pacer_state)
        self.pacer_state = decision.state
        self.last_decision = decision
        return decision

    # -- learning from each finished call ----------------------------------------------------

    def on_attempt_finished(self, call: CustomerCall, answered_by_person: bool) -> None:
        c = self.counters
        c.attempts_total += 1
        c.recent.append(answered_by_person)
        released = None
        if call.released_at and call.originated_at:
            # Its age when released, from the originate, as the pacer counts ringing calls' ages.
            released = (call.released_at - call.originated_at).total_seconds()
        c.recent_released.append(released)
        if answered_by_person and call.answered_at and call.originated_at:
            c.time_to_answer.append((call.answered_at - call.originated_at).total_seconds())

    def on_live_answer(self, answered_at: datetime, abandoned: bool) -> None:
        c = self.counters
        c.window.add(answered_at, live=1, abandons=int(abandoned))
        c.live_total += 1
        if abandoned:
            c.abandons_total += 1

    def on_talk(self, talk_s: float) -> None:
        self.counters.talk.append(talk_s)

    def on_wrap(self, wrap_s: float) -> None:
        self.counters.wrap.append(wrap_s)

    def on_machine_marked(self, answered_at: datetime) -> None:
        """An agent marked a connected call as an answering machine (Ofcom's AM)."""
        self.counters.window.add(answered_at, machines=1)

    def abandon_rate(self, now: datetime) -> float:
        live, abandons = self.counters.window_counts(now)
        return abandons / live if live else 0.0

    def status_event(self, now: datetime, snapshot: Snapshot | None) -> dict:
        """The live counters. Contacts remaining only once counted: the wallboard merges events
        into what it shows, and a null would erase the count its snapshot gave."""
        d = self.last_decision
        answered_today, abandoned_today = self.counters.window.today(now)
        event = {
            "type": "campaign.stats", "campaign_id": self.campaign_id, "name": self.config.name,
            "status": "paused" if self.paused else "running",
            "ringing": len(snapshot.calls_ringing_s) if snapshot else 0,
            "waiting": len(snapshot.customers_waiting_s) if snapshot else 0,
            "longest_wait_s": max(snapshot.customers_waiting_s, default=0.0) if snapshot else 0.0,
            "answered_today": answered_today, "abandoned_today": abandoned_today,
            "abandon_rate": round(self.abandon_rate(now), 4), "abandon_cap": self.config.settings.abandon_cap,
            "dial_level": dial_level(snapshot, d),
            "pacer_reason": d.explain() if d else "",
            "not_dialing": [r.as_json() for r in self.not_dialing], "at": now.isoformat(),
        }
        if self.contacts_remaining is not None:
            event["contacts_remaining"] = self.contacts_remaining
        return event

    def topics(self) -> tuple[str, ...]:
        """Where its events go: its own topic, the floor, and its team's (so a team supervisor's
        wallboard sees a campaign started after it connected)."""
        team = (f"team:{self.config.team_id}",) if self.config.team_id is not None else ()
        return (f"campaign:{self.campaign_id}", "floor", *team)


def dial_level(snapshot: Snapshot | None, decision: Decision | None) -> float | None:
    """The dial level a supervisor reads: the pacer's own when it keeps one (VICIdial's), else the
    one in effect: customer lines (ringing, waiting, talking) per agent dialed for, as VICIdial
    counts calls in progress. Without it the wallboard shows no level for the adaptive pacer,
    the one most campaigns use."""
    if decision is not None and "dial_level" in decision.detail:
        return decision.detail["dial_level"]
    if snapshot is None or snapshot.agents_active == 0:
        return None
    return round(snapshot.lines_in_use / snapshot.agents_active, 2)


PACER_REASONS: dict[Reason, NotDialing] = {
    Reason.NO_ACTIVE_AGENTS: NotDialing.NO_AGENT_AVAILABLE,
    Reason.NO_READY_AGENTS: NotDialing.AGENTS_BUSY,
    Reason.CUSTOMERS_WAITING: NotDialing.CUSTOMERS_WAITING,
    Reason.ENOUGH_IN_FLIGHT: NotDialing.ENOUGH_IN_FLIGHT,
    Reason.FORECAST: NotDialing.PACER_FORECAST,
    Reason.WARMING_UP: NotDialing.PACER_FORECAST,
    Reason.ABANDON_CAP: NotDialing.ABANDON_CAP,
    Reason.TRUNK_LIMIT: NotDialing.TRUNK_LIMIT,
    Reason.RATE_LIMIT: NotDialing.RATE_LIMIT,
}
"""The pacer's reasons in the one vocabulary, said when its decision launches nothing."""

PACER_CODES = frozenset({*PACER_REASONS.values(), NotDialing.RINGING_RELEASED})
"""The pacer's account of its last tick: the campaign dials again as agents free up, so these
are the wallboard's to show, not a stop on the campaign page."""


def pacer_reasons(decision: Decision) -> list[NotDialingReason]:
    """Why the decision launches nothing (empty when it launches calls), and what it released."""
    reasons = [] if decision.calls > 0 else [NotDialingReason(PACER_REASONS[decision.reason])]
    if decision.release:
        reasons.append(NotDialingReason(NotDialing.RINGING_RELEASED, str(decision.release)))
    return reasons
