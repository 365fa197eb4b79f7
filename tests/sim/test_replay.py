"""Each recording of a real Asterisk 23.4.1, replayed against the fake: same REST answers,
same events per channel (types, states, causes, dialstatus, soft flags, args, dialplan
steps, JSON shapes), ids and names normalised, timestamps ignored."""

from __future__ import annotations

import random

import pytest

from dialer.sim.fake_asterisk import FakeAsterisk

from .replay import assert_replay_matches, cli_hangup, load, replay

SCENARIOS = [
    "busy.jsonl", "congestion.jsonl", "no-answer-timeout.jsonl", "rejected.jsonl",
    "unallocated.jsonl", "agent-no-answer.jsonl", "dialer-cancels-ringing.jsonl",
    "answered-bridged-agent.jsonl", "answered-then-customer-hangs-up.jsonl",
    "customer-hangs-up-in-bridge.jsonl", "holding-moh-playback-recording.jsonl",
    "amd-machine.jsonl", "amd-human.jsonl", "amd-machine-via-continue.jsonl",
    "inbound-call.jsonl", "rest-errors.jsonl",
    # an agent phone that hangs up by itself (Local/hangup-after-<n>-<id>@agents), one hung
    # up by the PBX, one dropping while talking; DTMF sent by the app and by a customer who
    # sends digits (Local/dtmf-<digits>@customers), alone and bridged with an agent
    "agent-phone-drop.jsonl", "dtmf.jsonl",
    # bridge recordings that end by themselves (no frames for 4 s, maxSilenceSeconds) or are
    # stopped; stored list, get, file, delete
    "bridge-recording-lifecycle.jsonl", "bridge-recording-silence.jsonl",
    # snoop refusals, listen (spy both), whisper, barge; supervisor and customer hung up by the PBX
    "snoop-spy-whisper-barge.jsonl",
]
# What the recorder did outside ARI, from its notes: in agent-phone-drop part 2 the CLI hung
# up agent 2's ;2 half (its first event is at 6.529 s).
SPLICED = {"agent-phone-drop.jsonl": [cli_hangup(6.528, "agnt-0002;2")]}
# Only the first part of a recording: snoop-spy-whisper-barge's barge (from 6.6 s) puts three
# members in a bridge, whose BRIDGEPEER order follows a rule the fake does not know yet.
UNTIL = {"snoop-spy-whisper-barge.jsonl": 6.6}
# 5555555555 is a random person (ring RAND(1,6), talk RAND(5,20)); the recorded call rang
# 5 s and talked 5 s. Seed 120 draws the same for the first call to that number.
SEEDS = {"answered-bridged-agent.jsonl": 120}
# The fake's clock runs on the wall clock, so a stall of the test process moves the replayer's
# next call later in simulated time: at 20x a 45 ms stall let a recorded 5 s Wait end before
# the recorded hang-up (holding-moh, cust-2). At 5x it takes a 180 ms stall; the 46 simulated
# seconds of all recordings take about 9 s.
TIME_SCALE = 5.0
# dtmf.jsonl's digits are 100-200 ms apart and its last digit lands 1 s before the hang-up:
# at 5x that is 200 ms of wall clock, and a busy CI (2 cores, browsers beside) once stalled
# longer and put cust-0001;2's events out of order. At 2x a stall must pass half a second.
TIME_SCALES = {"dtmf.jsonl": 2.0}


def test_seed_120_draws_the_recorded_person() -> None:
    rng = random.Random("120/Local/5555555555@customers/0")
    assert (rng.randint(1, 6), rng.randint(5, 20)) == (5, 5)


@pytest.mark.parametrize("name", SCENARIOS)
async def test_replay_matches_recording(name: str) -> None:
    lines = sorted(load(name) + SPLICED.get(name, []), key=lambda line: line["t"])
    lines = [line for line in lines if line["t"] < UNTIL.get(name, float("inf"))]
    fake = FakeAsterisk(seed=SEEDS.get(name, 1), time_scale=TIME_SCALES.get(name, TIME_SCALE))
    await fake.start()
    try:
        log, responses = await replay(fake, lines)
    finally:
        await fake.stop()

    assert_replay_matches(lines, log, responses)
