"""Each report against the hand-computed world (tests/stats/world.py), on both engines."""

from __future__ import annotations

import importlib
import math

import pandas as pd
import pytest
from tortoise import connections

from dialer.models import AgentStateChange

from dialer.stats.period import parse_filter
from dialer.stats.reports import run_report
from stats.world import NOW, World

DAY = parse_filter("2026-03-02", "2026-03-03", "UTC")


def row(frame, column, value):
    rows = frame[frame[column] == value]
    assert len(rows) == 1, f"{value!r} not once in {column}"
    return rows.iloc[0]


async def test_campaigns_report_with_ofcom_adjustment(world: World) -> None:
    report = await run_report("campaigns", DAY, now=NOW)
    spring = row(report.main, "campaign", "Spring")
    assert (spring.attempts, spring.answered, spring.connects) == (7, 5, 4)
    assert spring.answer_rate == pytest.approx(5 / 7) and spring.connect_rate == pytest.approx(4 / 7)
    # D = 1 abandoned, AM = 1 agent-marked machine, AH = 3: D' = 1 - 1*1/4 = 0.75; 0.75 / 3.75
    assert (spring.abandoned, spring.machines, spring.humans) == (1, 1, 3)
    assert spring.abandon_rate == pytest.approx(0.2)
    assert spring.abandon_rate_24h == pytest.approx(0.2)  # the 24 h before the period's end: the same day
    # 30 days (the FCC's rule: no machine adjustment) add the abandoned call of 1 March: D = 2, 2 / 5
    assert spring.abandon_rate_30d == pytest.approx(2 / 5)
    assert spring.abandon_cap == pytest.approx(0.03)
    assert spring.talk_s == 450 and spring.aht_s == pytest.approx((450 + 60) / 4)
    counts = (spring.contacts_total, spring.contacts_remaining, spring.contacts_done, spring.contacts_exhausted)
    assert counts == (5, 3, 1, 1)
    # The contacts' own counters: 8 tries over 5 contacts.
    assert spring.contacts_tried == 5 and spring.attempts_per_contact == pytest.approx(1.6)
    assert (spring["outcome: answered"], spring["outcome: abandoned"], spring["outcome: busy"],
            spring["outcome: no_answer"]) == (4, 1, 1, 1)
    assert (spring["disposition: Sale"], spring["disposition: Not interested"],
            spring["disposition: Answering machine"]) == (2, 1, 1)
    winter = row(report.main, "campaign", "Winter")
    # Carol got her customer 3 s after the answer: abandoned by the rule though connected.
    # D = 1 released + 1 late, AM = 0, AH = 0: 2 / 2
    assert (spring.connected_late, winter.connected_late) == (0, 1)
    assert (winter.attempts, winter.connects, winter.abandon_rate) == (2, 1, pytest.approx(1.0))
    causes = report.tables["hangup causes"]
    busy = causes[(causes.campaign == "Spring") & (causes.hangup_cause == 17)].iloc[0]
    assert busy.hangup_cause_text == "User busy" and busy.attempts == 1
    assert row(causes[causes.campaign == "Spring"], "hangup_cause", 16).attempts == 5


async def test_campaign_filter_by_team(world: World) -> None:
    f = DAY.narrowed(team_ids=(world.teams["Support"].id,))
    report = await run_report("campaigns", f, now=NOW)
    assert list(report.main.campaign) == ["Winter"]


async def test_agents_report(world: World) -> None:
    report = await run_report("agents", DAY, now=NOW)
    t = report.main
    alice = row(t, "agent", "alice")
    # Ready 08:00-09:00, 09:03-09:10, 09:12-10:00, 11:00-12:00; lunch 10:00-11:00.
    assert alice.logged_in_s == 4 * 3600 and alice.ready_s == 3600 + 420 + 2880 + 3600
    assert alice["paused: Lunch"] == 3600 and alice.paused_s == 3600
    assert (alice.calls_handled, alice.talk_s, alice.wrap_up_s) == (2, 150, 30)
    assert alice.aht_s == 90 and alice.occupancy == pytest.approx(180 / (180 + 10500))
    assert alice.calls_per_hour == pytest.approx(0.5)
    assert alice["disposition: Sale"] == 1 and alice["disposition: Answering machine"] == 1
    bob = row(t, "agent", "bob")
    # Sessions: 00:00-02:00 of the night one, then 09:00 to the period's end (still open).
    assert bob.logged_in_s == 7200 + 15 * 3600
    # Ready since 23:00 the day before: counted from 00:00; then 09:00-09:20 and 09:25-24:00.
    assert bob.ready_s == 3600 + 1200 + 52500 and bob.ringing_s == 30 and bob["paused: Training"] == 3600
    assert bob.occupancy == pytest.approx(330 / (330 + 57300 + 30))
    assert bob.calls_per_hour == pytest.approx(2 / 17)
    carol = row(t, "agent", "carol")
    assert carol.logged_in_s == 4500 and carol.ready_s == 0 and carol.occupancy == 1.0
    assert carol.calls_per_hour == pytest.approx(0.8)


async def test_agents_report_open_state_stops_at_now(world: World) -> None:
    f = parse_filter("2026-03-02", "2026-03-10", "UTC")
    bob = row((await run_report("agents", f, now=NOW)).main, "agent", "bob")
    # Still ready and logged in at "now" (3 March 12:00): 12 h more than the one-day report.
    assert bob.ready_s == 3600 + 1200 + 52500 + 12 * 3600
    assert bob.logged_in_s == 7200 + 15 * 3600 + 12 * 3600


async def test_agents_report_same_from_stored_ends(world: World) -> None:
    # The world's changes were written without `ended_at` (reports then look successors up);
    # the migration's backfill stores them, and the report must not move by a second.
    before = (await run_report("agents", DAY, now=NOW)).main
    backfill = importlib.import_module("dialer.migrations.0005_agent_state_ended_at").Migration.operations[-1]
    await connections.get("default").execute_script(backfill.sql)
    assert await AgentStateChange.filter(ended_at__isnull=True).count() == 2  # alice's and bob's latest
    pd.testing.assert_frame_equal((await run_report("agents", DAY, now=NOW)).main, before)


async def test_agents_report_uses_the_stored_end(world: World) -> None:
    # Alice's lunch (10:00) recorded as ended at 10:30: the stored end wins over the next change.
    lunch = await AgentStateChange.get(reason="Lunch")
    lunch.ended_at = lunch.at.replace(minute=30)
    await lunch.save(update_fields=["ended_at"])
    alice = row((await run_report("agents", DAY, now=NOW)).main, "agent", "alice")
    assert alice["paused: Lunch"] == 1800


async def test_teams_report(world: World) -> None:
    t = (await run_report("teams", DAY, now=NOW)).main
    sales = row(t, "team", "Sales")
    assert sales.agents == 2 and sales.calls_handled == 4 and sales.logged_in_s == 14400 + 61200
    assert sales.aht_s == pytest.approx(510 / 4)
    assert sales.occupancy == pytest.approx(510 / (510 + 10500 + 57300 + 30))
    assert sales.calls_per_hour == pytest.approx(4 / 21)
    assert row(t, "team", "Support").agents == 1


async def test_hourly_heat_map_in_utc_and_in_local_time(world: World) -> None:
    t = (await run_report("hourly", DAY, now=NOW)).main
    assert len(t) == 7 * 24
    monday = t[t.dow == 1].set_index("hour")
    assert monday.loc[9, "attempts"] == 4 and monday.loc[9, "connects"] == 3
    assert monday.loc[10, "attempts"] == 3 and monday.loc[10, "connect_rate"] == pytest.approx(1 / 3)
    assert monday.loc[11, "abandoned"] == 1 and t.attempts.sum() == 9
    prague = (await run_report("hourly", parse_filter("2026-03-02T01:00", "2026-03-03T01:00", "Europe/Prague"),
                               now=NOW)).main
    monday = prague[prague.dow == 1].set_index("hour")
    assert (monday.loc[10, "attempts"], monday.loc[11, "attempts"], monday.loc[12, "attempts"]) == (4, 3, 2)


async def test_daily_trend(world: World) -> None:
    t = (await run_report("daily", parse_filter("2026-03-01", "2026-03-04", "UTC"), now=NOW)).main
    assert [str(d) for d in t.date] == ["2026-03-01", "2026-03-02", "2026-03-03"]
    first, second, third = t.iloc[0], t.iloc[1], t.iloc[2]
    assert first.attempts == 1 and first.abandon_rate == 1.0
    # D = 2 released + 1 connected late (Winter's, after 3 s), AM = 1, AH = 5 - 1 - 1 = 3:
    # D' = 3 - 3*1/4 = 2.25; 2.25 / 5.25
    assert (second.attempts, second.answered, second.connects, second.connected_late) == (9, 7, 5, 1)
    assert second.abandon_rate == pytest.approx(2.25 / 5.25)
    assert third.attempts == 0 and math.isnan(third.abandon_rate)
