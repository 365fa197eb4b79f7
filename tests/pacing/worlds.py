"""Snapshots built by intent for pacer tests: `snapshot(ready=2, on_call=[30, 90], ringing=[3])`."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Sequence

from dialer.pacing.snapshot import CampaignSettings, Learned, Snapshot, WrapUp

NOW = datetime(2026, 1, 5, 10, 0, tzinfo=timezone.utc)


def learned(
    answer_rate: float = 0.3,
    attempts: int = 1000,
    talks: int = 200,
    answers_in_window: int = 1000,
    abandons_in_window: int = 0,
) -> Learned:
    """A campaign that has run a while: uniform ring times, 120 s talks, 10 s wrap-ups."""
    return Learned(
        recent_attempts=attempts,
        recent_answers=round(answer_rate * attempts),
        time_to_answer_s=tuple(3 + 17 * (i + 0.5) / 200 for i in range(200)),
        talk_s=tuple(120.0 + 60 * ((i % 21) - 10) / 10 for i in range(talks)),
        wrap_up_s=(10.0,) * 50,
        live_answers_in_window=answers_in_window,
        abandons_in_window=abandons_in_window,
        attempts_total=attempts,
        live_answers_total=answers_in_window,
        abandons_total=abandons_in_window,
    )


def snapshot(
    ready: int = 0,
    on_call: Sequence[float] = (),
    wrap_up: Sequence[float] = (),
    paused: int = 0,
    ringing: Sequence[float] = (),
    waiting: Sequence[float] = (),
    attempts_last_5s: int = 0,
    settings: CampaignSettings | None = None,
    knowledge: Learned | None = None,
    now: datetime = NOW,
) -> Snapshot:
    """`wrap_up` lists elapsed seconds of agents in a 10 s wrap-up."""
    return Snapshot(
        now=now,
        agents_ready=ready,
        agents_on_call_s=tuple(on_call),
        agents_in_wrap_up=tuple(WrapUp(elapsed, 10.0) for elapsed in wrap_up),
        agents_paused=paused,
        calls_ringing_s=tuple(ringing),
        customers_waiting_s=tuple(waiting),
        attempts_last_5s=attempts_last_5s,
        settings=settings or CampaignSettings(max_lines=60),
        learned=knowledge if knowledge is not None else learned(),
    )
