"""The snapshot: everything a pacer may know at one instant, built by the engine (or the simulator).

This is the contract between the dialing engine and the pacers. It is plain data: the engine
measures, the pacer decides. Ages and durations are seconds; `now` is timezone-aware UTC and is
only used by pacers whose rules depend on the wall clock (VICIdial's tapered dial level).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from dialer.compliance.law import ABANDON_CAP, MESSAGE_WITHIN_S, MIN_RING_S

LEGAL_WAIT_S = MESSAGE_WITHIN_S
"""FCC and Ofcom: a live person must reach an agent within 2 s of answering, or the call is abandoned."""
LEGAL_MIN_RING_S = MIN_RING_S
"""FCC and Ofcom: an unanswered call rings at least this long before the caller may hang it up."""


@dataclass(frozen=True)
class CampaignSettings:
    """What the admin set on the campaign (not learned)."""

    abandon_cap: float = ABANDON_CAP
    """Allowed abandoned / live-answered calls over the compliance window (FCC, Ofcom: 3 %)."""
    max_lines: int = 30
    """Trunk capacity for this campaign: customer channels ringing, waiting or talking."""
    max_attempts_per_5s: int | None = None
    """Originate rate limit (miniDIALER's "max attempts per 5 seconds"); None = no limit."""
    ring_timeout_s: float = 25.0
    """A call not answered after this long is hung up (ring-out)."""
    predicted_talk_s: float = 120.0
    """The admin's guess of the talk time, used until talks have been measured (UIS)."""
    default_wrap_up_s: float = 10.0
    """The wrap-up time set for agents after each call."""
    calls_per_agent: float = 2.0
    """Ratio mode: calls per ready agent (1 + overdial %: 100 % overdial means 2)."""
    abandon_after_s: float = LEGAL_WAIT_S
    """An answered customer with no agent after this long is abandoned (the law's 2 s)."""
    launch_spacing_s: float = 0.05
    """Gap between originates of one decision, so that 40 calls are not sent in one burst."""
    release_after_s: float | None = LEGAL_MIN_RING_S
    """A pacer may hang up an unanswered call that has rung this long when its answer would almost
    surely find no agent; None: never (each call rings to `ring_timeout_s`). Never below the law's."""


@dataclass(frozen=True)
class WrapUp:
    """An agent in wrap-up after a call: a known free time, unless they overrun."""

    elapsed_s: float
    expected_s: float
    by_timer_only: bool = False
    """The agent cannot end it (no screen of theirs is open): it ends when the set wrap-up time
    runs out, however quickly wrap-ups usually end."""

    @property
    def remaining_s(self) -> float:
        return max(0.0, self.expected_s - self.elapsed_s)


@dataclass(frozen=True)
class Learned:
    """What the campaign has measured so far. Sample tuples hold recent values only."""

    recent_attempts: int = 0
    """Finished attempts (answered or failed) over which `recent_answers` was counted."""
    recent_answers: int = 0
    """Of those, answered by a person. Recent, so that a drifting answer rate is followed."""
    released_ages_s: tuple[float, ...] = ()
    """Of those, the ones the dialer hung up while they rang (`release_after_s`): how long each
    had rung. They are unanswered, but some would have answered: the answer rate counts them so."""
    time_to_answer_s: tuple[float, ...] = ()
    """Ring time of recent answered calls."""
    talk_s: tuple[float, ...] = ()
    """Recent talk times (agent and customer bridged until hang-up)."""
    wrap_up_s: tuple[float, ...] = ()
    """Recent wrap-up durations."""
    live_answers_in_window: int = 0
    """Calls answered by a person in the compliance window (e.g. 24 h or 30 days)."""
    abandons_in_window: int = 0
    """Of those, not given an agent within `abandon_after_s`."""
    attempts_total: int = 0
    """Finished attempts since the campaign started (monotonic, for pacers that count events)."""
    live_answers_total: int = 0
    """Person-answered calls since the campaign started (monotonic)."""
    abandons_total: int = 0
    """Abandoned calls since the campaign started (monotonic)."""

    @property
    def answer_rate(self) -> float | None:
        """Recent share of attempts answered by a person, or None before any attempt ended."""
        if self.recent_attempts == 0:
            return None
        return self.recent_answers / self.recent_attempts

    @property
    def abandon_rate_in_window(self) -> float:
        if self.live_answers_in_window == 0:
            return 0.0
        return self.abandons_in_window / self.live_answers_in_window

    @property
    def mean_talk_s(self) -> float | None:
        return sum(self.talk_s) / len(self.talk_s) if self.talk_s else None

    @property
    def mean_time_to_answer_s(self) -> float | None:
        if not self.time_to_answer_s:
            return None
        return sum(self.time_to_answer_s) / len(self.time_to_answer_s)

    @property
    def mean_wrap_up_s(self) -> float | None:
        return sum(self.wrap_up_s) / len(self.wrap_up_s) if self.wrap_up_s else None


@dataclass(frozen=True)
class Snapshot:
    """One campaign at one instant. Paused and logged-out agents appear only as a count."""

    now: datetime
    agents_ready: int
    """Logged in, not paused, not on a call, not in wrap-up: can take a call right now."""
    agents_on_call_s: tuple[float, ...]
    """One entry per agent talking to a customer: the age of that call (since bridged)."""
    agents_in_wrap_up: tuple[WrapUp, ...]
    """One entry per agent in wrap-up."""
    agents_paused: int
    """Logged in but paused: never dialed for."""
    calls_ringing_s: tuple[float, ...]
    """Customer calls launched and not yet answered or failed: their ages."""
    customers_waiting_s: tuple[float, ...]
    """Customers who answered and wait for an agent: how long they have waited."""
    attempts_last_5s: int
    """Originates sent in the last 5 seconds (for the rate limit)."""
    settings: CampaignSettings = field(default_factory=CampaignSettings)
    learned: Learned = field(default_factory=Learned)

    @property
    def agents_active(self) -> int:
        """Agents the campaign may dial for: ready, on a call or in wrap-up (not paused)."""
        return self.agents_ready + len(self.agents_on_call_s) + len(self.agents_in_wrap_up)

    @property
    def lines_in_use(self) -> int:
        """Customer channels: ringing, answered and waiting, or bridged to an agent."""
        return len(self.calls_ringing_s) + len(self.customers_waiting_s) + len(self.agents_on_call_s)

    @property
    def calls_in_flight(self) -> int:
        """Calls that will still want an agent if answered: ringing plus waiting."""
        return len(self.calls_ringing_s) + len(self.customers_waiting_s)
