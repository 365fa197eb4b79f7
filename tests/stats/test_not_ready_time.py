"""Time not ready (phone down, disconnected) in the agents report: paused time, by its reason."""

from __future__ import annotations

import pandas as pd

from dialer.stats.agents import agents_table


def test_not_ready_counts_as_paused_with_its_reason() -> None:
    directory = pd.DataFrame({"agent_id": [1], "username": ["ann"], "full_name": ["Ann"], "team_id": [None],
                              "team": [None]})
    sessions = pd.DataFrame({"agent_id": [1], "seconds": [3600.0]})
    states = pd.DataFrame({"agent_id": [1, 1, 1, 1], "state": ["ready", "paused", "not_ready", "not_ready"],
                           "reason": ["", "Lunch", "phone down", "disconnected"],
                           "seconds": [1800.0, 1200.0, 400.0, 200.0]})
    calls = pd.DataFrame({"agent_id": pd.Series([], dtype=int), "disposition_id": [], "attempts": [],
                          "talk_s": [], "wrap_up_s": []})
    dispositions = pd.DataFrame({"disposition_id": [], "name": []})
    ann = agents_table(directory, sessions, states, calls, dispositions).iloc[0]
    assert (ann.ready_s, ann.paused_s) == (1800, 1800)
    assert (ann["paused: Lunch"], ann["paused: not ready (phone down)"], ann["paused: not ready (disconnected)"]) \
        == (1200, 400, 200)
