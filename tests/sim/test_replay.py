"""Each recording of a real Asterisk 23.4.1, replayed against the fake: same REST answers,
same events per channel (types, states, causes, dialstatus, soft flags, args, dialplan
steps, JSON shapes), ids and names normalised, timestamps ignored."""

from __future__ import annotations

import random
from typing import Any

import pytest

from dialer.sim.fake_asterisk import FakeAsterisk

from .replay import event_key, load, normalise, per_key, replay, shape

SCENARIOS = [
    "busy.jsonl", "congestion.jsonl", "no-answer-timeout.jsonl", "rejected.jsonl",
    "unallocated.jsonl", "agent-no-answer.jsonl", "dialer-cancels-ringing.jsonl",
    "answered-bridged-agent.jsonl", "answered-then-customer-hangs-up.jsonl",
    "customer-hangs-up-in-bridge.jsonl", "holding-moh-playback-recording.jsonl",
    "amd-machine.jsonl", "amd-human.jsonl", "amd-machine-via-continue.jsonl",
    "inbound-call.jsonl", "rest-errors.jsonl",
]
# 5555555555 is a random person (ring RAND(1,6), talk RAND(5,20)); the recorded call rang
# 5 s and talked 5 s. Seed 120 draws the same for the first call to that number.
SEEDS = {"answered-bridged-agent.jsonl": 120}
# The fake's clock runs on the wall clock, so a stall of the test process moves the replayer's
# next call later in simulated time: at 20x a 45 ms stall let a recorded 5 s Wait end before
# the recorded hang-up (holding-moh, cust-2). At 5x it takes a 180 ms stall; the 46 simulated
# seconds of all recordings take about 9 s.
TIME_SCALE = 5.0


def summary(event: dict[str, Any]) -> tuple:
    ch = event.get("channel") or event.get("peer") or {}
    return (event["type"], ch.get("state"), event.get("cause"), event.get("soft"),
            event.get("dialstatus"), event.get("dialplan_app"), event.get("variable"),
            tuple(event.get("args", ())))


def test_seed_120_draws_the_recorded_person() -> None:
    rng = random.Random("120/Local/5555555555@customers/0")
    assert (rng.randint(1, 6), rng.randint(5, 20)) == (5, 5)


@pytest.mark.parametrize("name", SCENARIOS)
async def test_replay_matches_recording(name: str) -> None:
    lines = load(name)
    fake = FakeAsterisk(seed=SEEDS.get(name, 1), time_scale=TIME_SCALE)
    await fake.start()
    try:
        log, responses = await replay(fake, lines)
    finally:
        await fake.stop()

    for line, status, body in responses:
        where = f"{line['method']} {line['path']} {line['params']}"
        assert status == line["status"], where
        assert normalise(body) == normalise(line["response"]), where

    recorded = per_key([line["data"] for line in lines if line["kind"] == "event"])
    got = per_key(log.events)
    assert sorted(got) == sorted(recorded)
    for key, expected in recorded.items():
        assert [summary(e) for e in got[key]] == [summary(e) for e in expected], key
        for mine, theirs in zip(got[key], expected):
            mine, theirs = normalise(mine), normalise(theirs)
            if "recording" in theirs and "duration" in theirs["recording"]:
                # Whole seconds of a ~2 s recording: scheduling jitter may cost one.
                assert abs(mine["recording"].pop("duration")
                           - theirs["recording"].pop("duration")) <= 1
            assert mine == theirs, key
        assert [shape(e) for e in got[key]] == [shape(e) for e in expected], key
        assert all(event_key(e) == key for e in got[key])
