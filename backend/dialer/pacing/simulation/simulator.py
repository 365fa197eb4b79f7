"""One shift of one campaign in virtual time: agents, callees and a pacer, deterministic per seed.

Every `tick_s` the simulator builds the same `Snapshot` the engine builds and asks the pacer;
between ticks it plays the events (answer, ring-out, talk end, wrap-up end, pauses, abandons).
Contacts are drawn from their own random stream in dialing order, so every pacer meets the same
callees (common random numbers make the comparison fair at few seeds). An answered customer with
no agent after `abandon_after_s` counts as abandoned (the message plays); without a patience
distribution they hold on until an agent is free, with one until their patience runs out.
"""

from __future__ import annotations

import heapq
import random
from collections import deque
from datetime import datetime, timedelta, timezone
from typing import Any

from dialer.pacing.limits import release_after_s
from dialer.pacing.oracle import Foresight
from dialer.pacing.pacer import Pacer
from dialer.pacing.simulation.metrics import RunMetrics, percentile
from dialer.pacing.simulation.scenario import Scenario
from dialer.pacing.snapshot import CampaignSettings, Learned, Snapshot, WrapUp

SHIFT_START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
RECENT_ATTEMPTS = 1000
SAMPLES_KEPT = 1000

ANSWER, RING_OUT, ABANDON_CHECK, PATIENCE_END, TALK_END, WRAP_END, PAUSE_DUE, PAUSE_END = range(8)
READY, ON_CALL, WRAP_UP, PAUSED = range(4)


class Contact:
    __slots__ = ("answer_draw", "time_to_answer", "talk", "wrap", "patience")

    def __init__(self, answer_draw: float, time_to_answer: float, talk: float, wrap: float, patience: float | None):
        self.answer_draw = answer_draw
        self.time_to_answer = time_to_answer
        self.talk = talk
        self.wrap = wrap
        self.patience = patience


class _Call:
    __slots__ = ("contact", "launched_at", "answer_at", "answered_at", "abandoned", "done", "released")

    def __init__(self, contact: Contact, launched_at: float, answer_at: float | None):
        self.contact = contact
        self.launched_at = launched_at
        self.answer_at = answer_at
        self.answered_at = 0.0
        self.abandoned = False
        self.done = False
        self.released = False


class _Agent:
    __slots__ = ("state", "since", "busy_until", "wrap_expected", "next_pause_at", "next_pause_s", "pause_token",
                 "ready_since")

    def __init__(self) -> None:
        self.state = READY
        self.since = 0.0
        self.busy_until = 0.0
        self.wrap_expected = 0.0
        self.next_pause_at = float("inf")
        self.next_pause_s = 0.0
        self.pause_token = 0
        self.ready_since = 0.0


class Simulation:
    """Run with `Simulation(scenario, seed, pacer).run()`; `tick_s` is the pacer's loop period."""

    def __init__(self, scenario: Scenario, seed: int, pacer: Pacer, tick_s: float = 1.0):
        self.scenario, self.pacer, self.tick_s = scenario, pacer, tick_s
        self.contacts_rng = random.Random(seed * 7919 + 1)
        self.agents_rng = random.Random(seed * 7919 + 2)
        self.contacts: deque[Contact] = deque()
        self.events: list[tuple[float, int, int, Any]] = []
        self.seq = 0
        self.now = 0.0
        self.end = scenario.duration_s
        self.warmup = scenario.warmup_min * 60
        self.agents = [_Agent() for _ in range(scenario.agents)]
        self.ready: dict[int, None] = {i: None for i in range(scenario.agents)}
        self.ringing: dict[_Call, float] = {}
        """Ringing calls and when each was launched."""
        self.on_call: dict[int, float] = {}
        self.wrapping: dict[int, float] = {}
        self.paused: set[int] = set()
        self.waiting: dict[_Call, None] = {}
        self.launch_times: deque[float] = deque()
        self.recent: deque[bool] = deque(maxlen=RECENT_ATTEMPTS)
        self.recent_answers = 0
        self.samples = {name: deque(maxlen=SAMPLES_KEPT) for name in ("tta", "talk", "wrap")}
        self.sample_tuples: dict[str, tuple[float, ...]] = {name: () for name in self.samples}
        self.attempts_total = self.answers_total = self.abandons_total = 0
        self.released_ages: deque[tuple[int, float]] = deque()
        """(attempts_total when it finished, age) of each released call among the recent attempts."""
        self.released_tuple: tuple[float, ...] | None = ()
        # Measurement after warm-up.
        self.talk_time = 0.0
        self.idle_gaps: list[float] = []
        self.waits: list[float] = []
        self.measured_answers = self.measured_abandons = self.measured_connects = self.measured_attempts = 0
        self.measured_released = self.measured_forgone = 0
        self.settings = CampaignSettings(
            abandon_cap=scenario.abandon_cap,
            max_lines=int(scenario.max_lines_per_agent * scenario.agents),
            max_attempts_per_5s=scenario.max_attempts_per_5s,
            ring_timeout_s=scenario.ring_timeout_s,
            predicted_talk_s=scenario.talk_s.mean,
            default_wrap_up_s=scenario.wrap_s.mean,
            abandon_after_s=scenario.abandon_after_s,
            release_after_s=scenario.release_after_s,
        )
        if scenario.pauses:
            for index, agent in enumerate(self.agents):
                self._schedule_pause(index, agent, 0.0)

    # -- the run -------------------------------------------------------------------------

    def run(self) -> RunMetrics:
        state = self.pacer.initial_state()
        clairvoyant = getattr(self.pacer, "clairvoyant", False)
        tick = 0.0
        events, pop, handle = self.events, heapq.heappop, self._handlers()
        while tick < self.end:
            while events and events[0][0] <= tick:
                time, _, kind, subject = pop(events)
                self.now = time
                handle[kind](subject)
            self.now = tick
            snapshot = self.snapshot()
            decision = self.pacer.calls_to_launch(snapshot, self.foresight() if clairvoyant else state)
            if not clairvoyant:
                state = decision.state
            if decision.release:
                self._release(decision.release)
            for i in range(decision.calls):
                self._launch(tick + i * decision.launch_spacing_s)
            tick += self.tick_s
        while events and events[0][0] <= self.end:
            time, _, kind, subject = pop(events)
            self.now = time
            handle[kind](subject)
        return self._metrics()

    def _handlers(self) -> list[Any]:
        return [self._on_answer, self._on_ring_out, self._on_abandon_check, self._on_patience_end,
                self._on_talk_end, self._on_wrap_end, self._on_pause_due, self._on_pause_end]

    def _at(self, time: float, kind: int, subject: Any) -> None:
        self.seq += 1
        heapq.heappush(self.events, (time, self.seq, kind, subject))

    # -- what the engine would measure ---------------------------------------------------

    def snapshot(self) -> Snapshot:
        now, expected = self.now, self.settings.default_wrap_up_s
        launches = self.launch_times
        while launches and launches[0] <= now - 5.0:
            launches.popleft()
        return Snapshot(
            now=SHIFT_START + timedelta(seconds=now),
            agents_ready=len(self.ready),
            agents_on_call_s=tuple([now - since for since in self.on_call.values()]),
            agents_in_wrap_up=tuple([WrapUp(now - since, expected) for since in self.wrapping.values()]),
            agents_paused=len(self.paused),
            # Calls of the last decision are spaced a few ms apart and may start after `now`.
            calls_ringing_s=tuple([now - at if at < now else 0.0 for at in self.ringing.values()]),
            customers_waiting_s=tuple(now - call.answered_at for call in self.waiting),
            attempts_last_5s=len(launches),
            settings=self.settings,
            learned=Learned(
                recent_attempts=len(self.recent),
                recent_answers=self.recent_answers,
                released_ages_s=self._recent_released_ages(),
                time_to_answer_s=self._samples("tta"),
                talk_s=self._samples("talk"),
                wrap_up_s=self._samples("wrap"),
                # The compliance window is the simulated day: the whole run.
                live_answers_in_window=self.answers_total,
                abandons_in_window=self.abandons_total,
                attempts_total=self.attempts_total,
                live_answers_total=self.answers_total,
                abandons_total=self.abandons_total,
            ),
        )

    def _recent_released_ages(self) -> tuple[float, ...]:
        released = self.released_ages
        while released and released[0][0] <= self.attempts_total - RECENT_ATTEMPTS:
            released.popleft()
            self.released_tuple = None
        if self.released_tuple is None:
            self.released_tuple = tuple([age for _, age in released])
        return self.released_tuple

    def _samples(self, name: str) -> tuple[float, ...]:
        cached = self.sample_tuples[name]
        if cached is None:
            cached = self.sample_tuples[name] = tuple(self.samples[name])
        return cached

    def _sample(self, name: str, value: float) -> None:
        self.samples[name].append(value)
        self.sample_tuples[name] = None  # type: ignore[assignment]

    def foresight(self) -> Foresight:
        """What only the oracle may see: future answers, talk lengths and agents' free times."""
        now = self.now
        free_at = []
        for agent in self.agents:
            free = now if agent.state == READY else agent.busy_until
            if agent.state != PAUSED and agent.next_pause_at <= free + self.scenario.ring_timeout_s:
                # A pause is due before (or soon after) they would take a call: they take it first
                # only if one comes in time, which the oracle does not count on.
                free = max(free, agent.next_pause_at) + agent.next_pause_s
            free_at.append(free)
        answering = sorted(
            (call.answer_at, call.contact.talk, call.contact.wrap)
            for call in self.ringing
            if call.answer_at is not None
        )
        waiting = [(call.contact.talk, call.contact.wrap) for call in self.waiting]
        return Foresight(now, free_at, answering, waiting, self._upcoming_answer_delay)

    def _upcoming_answer_delay(self, index: int, launch_at: float) -> tuple[float | None, float, float]:
        """For the index-th next contact: its answer delay if launched at `launch_at` (None: no answer)."""
        while len(self.contacts) <= index:
            self.contacts.append(self._draw_contact())
        contact = self.contacts[index]
        return self._answer_delay(contact, launch_at), contact.talk, contact.wrap

    # -- callees ---------------------------------------------------------------------------

    def _draw_contact(self) -> Contact:
        rng, s = self.contacts_rng, self.scenario
        return Contact(rng.random(), s.time_to_answer_s.sample(rng), s.talk_s.sample(rng),
                       s.wrap_s.sample(rng), s.patience_s.sample(rng) if s.patience_s else None)

    def _answer_delay(self, contact: Contact, launch_at: float) -> float | None:
        s = self.scenario
        answers = contact.answer_draw < s.answer_prob.at(launch_at / 3600.0)
        return contact.time_to_answer if answers and contact.time_to_answer < s.ring_timeout_s else None

    def _launch(self, at: float) -> None:
        contact = self.contacts.popleft() if self.contacts else self._draw_contact()
        delay = self._answer_delay(contact, at)
        call = _Call(contact, at, None if delay is None else at + delay)
        self.ringing[call] = at
        self.launch_times.append(at)
        if at >= self.warmup:
            self.measured_attempts += 1
        if delay is None:
            self._at(at + self.scenario.ring_timeout_s, RING_OUT, call)
        else:
            self._at(at + delay, ANSWER, call)

    def _release(self, count: int) -> None:
        """Hang up the `count` longest-ringing calls of those the pacer may release, as the engine does."""
        now, after = self.now, release_after_s(self.settings)
        if after is None:
            return
        oldest = sorted(((at, call) for call, at in self.ringing.items() if now - at >= after), key=lambda e: e[0])
        for at, call in oldest[:count]:
            del self.ringing[call]
            call.released = True
            self._finished_attempt(False)
            self.released_ages.append((self.attempts_total, now - at))
            self.released_tuple = None
            if at >= self.warmup:
                self.measured_released += 1
                self.measured_forgone += call.answer_at is not None

    def _finished_attempt(self, answered: bool) -> None:
        self.attempts_total += 1
        if len(self.recent) == RECENT_ATTEMPTS and self.recent[0]:
            self.recent_answers -= 1
        self.recent.append(answered)
        self.recent_answers += answered

    def _on_ring_out(self, call: _Call) -> None:
        if call.released:
            return
        del self.ringing[call]
        self._finished_attempt(False)

    def _on_answer(self, call: _Call) -> None:
        if call.released:
            return
        now = self.now
        del self.ringing[call]
        self._finished_attempt(True)
        self._sample("tta", now - call.launched_at)
        self.answers_total += 1
        if now >= self.warmup:
            self.measured_answers += 1
        call.answered_at = now
        if self.ready:
            index = next(iter(self.ready))
            del self.ready[index]
            self._connect(index, call)
            return
        self.waiting[call] = None
        self._at(now + self.scenario.abandon_after_s, ABANDON_CHECK, call)
        if call.contact.patience is not None:
            self._at(now + call.contact.patience, PATIENCE_END, call)

    def _count_abandon(self, call: _Call) -> None:
        call.abandoned = True
        self.abandons_total += 1
        if call.answered_at >= self.warmup:
            self.measured_abandons += 1

    def _on_abandon_check(self, call: _Call) -> None:
        # The message plays and the call counts as abandoned; the customer stays on hold (and
        # may still reach an agent) until their patience, if the scenario gives one, runs out.
        if call.done or call.abandoned:
            return
        self._count_abandon(call)

    def _on_patience_end(self, call: _Call) -> None:
        if call.done:
            return
        if not call.abandoned:
            self._count_abandon(call)
        call.done = True
        del self.waiting[call]

    # -- agents ----------------------------------------------------------------------------

    def _connect(self, index: int, call: _Call) -> None:
        now, agent = self.now, self.agents[index]
        call.done = True
        if now >= self.warmup:
            self.measured_connects += 1
            self.waits.append(now - call.answered_at)
            if agent.ready_since >= self.warmup:
                self.idle_gaps.append(now - agent.ready_since)
        agent.state, agent.since = ON_CALL, now
        self.on_call[index] = now
        agent.busy_until = now + call.contact.talk + call.contact.wrap
        agent.wrap_expected = call.contact.wrap
        self._at(now + call.contact.talk, TALK_END, index)

    def _on_talk_end(self, index: int) -> None:
        now, agent = self.now, self.agents[index]
        talk = now - agent.since
        self._sample("talk", talk)
        self.talk_time += max(0.0, now - max(agent.since, self.warmup))
        agent.state, agent.since = WRAP_UP, now
        del self.on_call[index]
        self.wrapping[index] = now
        # The campaign's set wrap-up time is what the engine knows; the actual one may differ.
        agent.wrap_expected = self.settings.default_wrap_up_s
        self._at(agent.busy_until, WRAP_END, index)

    def _on_wrap_end(self, index: int) -> None:
        now, agent = self.now, self.agents[index]
        self._sample("wrap", now - agent.since)
        del self.wrapping[index]
        if now >= agent.next_pause_at:
            self._pause(index, agent)
        else:
            self._become_ready(index, agent)

    def _become_ready(self, index: int, agent: _Agent) -> None:
        agent.state, agent.since, agent.ready_since = READY, self.now, self.now
        if self.waiting:
            # As the engine dispatches: a customer still inside the legal wait goes first (an
            # agent now saves an abandon); those past it are counted already and go in order.
            call = next((c for c in self.waiting if not c.abandoned), None) or next(iter(self.waiting))
            del self.waiting[call]
            self._connect(index, call)
        else:
            self.ready[index] = None

    def _schedule_pause(self, index: int, agent: _Agent, after: float) -> None:
        pauses = self.scenario.pauses
        assert pauses is not None
        agent.next_pause_at = after + pauses.every_min * 60 * self.agents_rng.uniform(0.5, 1.5)
        # Drawn now so that the oracle can foresee it.
        agent.next_pause_s = pauses.length_min * 60 * self.agents_rng.uniform(0.5, 1.5)
        agent.pause_token += 1
        self._at(agent.next_pause_at, PAUSE_DUE, (index, agent.pause_token))

    def _pause(self, index: int, agent: _Agent) -> None:
        length = agent.next_pause_s
        agent.state, agent.since, agent.busy_until = PAUSED, self.now, self.now + length
        self.paused.add(index)
        agent.next_pause_at = float("inf")
        self._at(self.now + length, PAUSE_END, index)

    def _on_pause_due(self, subject: tuple[int, int]) -> None:
        index, token = subject
        agent = self.agents[index]
        if token == agent.pause_token and agent.state == READY:
            del self.ready[index]
            self._pause(index, agent)

    def _on_pause_end(self, index: int) -> None:
        agent = self.agents[index]
        self.paused.discard(index)
        self._schedule_pause(index, agent, self.now)
        self._become_ready(index, agent)

    # -- figures ----------------------------------------------------------------------------

    def _metrics(self) -> RunMetrics:
        end = self.end
        talk = self.talk_time + sum(
            end - max(a.since, self.warmup) for a in self.agents if a.state == ON_CALL and a.since < end
        )
        logged_in_hours = self.scenario.agents * (end - self.warmup) / 3600.0
        answered = self.measured_answers
        return RunMetrics(
            utilisation=talk / (logged_in_hours * 3600.0),
            idle_mean_s=sum(self.idle_gaps) / len(self.idle_gaps) if self.idle_gaps else 0.0,
            idle_p90_s=percentile(self.idle_gaps, 90),
            abandon_rate=self.measured_abandons / answered if answered else 0.0,
            wait_p50_s=percentile(self.waits, 50),
            wait_p95_s=percentile(self.waits, 95),
            calls_per_agent_hour=self.measured_connects / logged_in_hours,
            answered=answered,
            abandoned=self.measured_abandons,
            attempts=self.measured_attempts,
            released=self.measured_released,
            answers_forgone=self.measured_forgone,
        )


def simulate(scenario: Scenario, seed: int, pacer: Pacer, tick_s: float = 1.0) -> RunMetrics:
    """One shift of `scenario` with `seed`, paced by `pacer`."""
    return Simulation(scenario, seed, pacer, tick_s).run()
