"""The abandon count rolls with the rule's window while the engine runs for days, starts from
the record, and today's counts restart at local midnight."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from dialer.engine.compliance_window import ComplianceWindow, WindowCounts, load_compliance_window
from dialer.engine.campaign_runtime import CampaignConfig, CampaignRuntime, LearnedCounters
from dialer.models import CallAttempt, Campaign
from dialer.models.enums import AbandonWindow as WindowRule, CallOutcome, CampaignMode

T0 = datetime(2026, 11, 20, 9, 0, 30, tzinfo=timezone.utc)
DAY = timedelta(hours=24)


def test_calls_leave_the_window_as_it_rolls() -> None:
    window = ComplianceWindow(DAY)
    window.add(T0, live=1, abandons=1)
    window.add(T0 + timedelta(hours=1), live=1)
    assert window.counts(T0 + timedelta(hours=23)) == WindowCounts(live=2, abandons=1)
    # A day and a minute later the first call is out; the second stays until its own day ends.
    assert window.counts(T0 + DAY + timedelta(minutes=1)) == WindowCounts(live=1, abandons=0)
    assert window.counts(T0 + DAY + timedelta(hours=1, minutes=1)) == WindowCounts()


def test_a_late_mark_leaves_with_its_call() -> None:
    window = ComplianceWindow(DAY)
    window.add(T0, live=1)
    window.add(T0 + timedelta(hours=2), live=1)
    # The agent marks the first call a machine ten minutes after it was answered, and a
    # customer of the second is counted abandoned once past the legal wait.
    window.add(T0, machines=1)
    window.add(T0 + timedelta(hours=2), abandons=1)
    assert window.counts(T0 + timedelta(hours=3)) == WindowCounts(live=2, abandons=1, machines=1)
    assert window.counts(T0 + DAY + timedelta(minutes=1)) == WindowCounts(live=1, abandons=1)


def test_thirty_days_are_counted_in_half_hours() -> None:
    window = ComplianceWindow(timedelta(days=30))
    assert window.slot_s == 1800
    window.add(T0, live=3, abandons=1)
    assert window.counts(T0 + timedelta(days=29, hours=23)) == WindowCounts(live=3, abandons=1)
    assert window.counts(T0 + timedelta(days=30, minutes=31)) == WindowCounts()


def test_today_restarts_at_local_midnight() -> None:
    prague = ZoneInfo("Europe/Prague")
    window = ComplianceWindow(DAY, prague)
    evening = datetime(2026, 11, 23, 23, 30, tzinfo=prague)
    window.add(evening, live=1, abandons=1)
    window.add(evening + timedelta(minutes=10), live=1)
    assert window.today(evening + timedelta(minutes=20)) == (2, 1)
    after_midnight = datetime(2026, 11, 24, 0, 5, tzinfo=prague)
    assert window.today(after_midnight) == (0, 0), "a new day, nothing answered yet"
    window.add(after_midnight, live=1)
    window.add(evening, abandons=1)  # yesterday's call, marked late: not today's
    assert window.today(after_midnight) == (1, 0)
    assert window.counts(after_midnight) == WindowCounts(live=3, abandons=2)


async def test_the_campaign_rate_and_live_counters_follow_the_clock(sqlite_db) -> None:
    campaign = await Campaign.create(name="c", mode=CampaignMode.PREDICTIVE, caller_id="+420221000100",
                                     abandon_window=WindowRule.HOURS_24)
    rt = CampaignRuntime(await CampaignConfig.load(campaign), LearnedCounters(window=ComplianceWindow(DAY)))
    rt.on_live_answer(T0, abandoned=True)
    for i in range(9):
        rt.on_live_answer(T0 + timedelta(minutes=10 + i), abandoned=False)
    assert rt.abandon_rate(T0 + timedelta(hours=1)) == 0.1
    event = rt.status_event(T0 + timedelta(hours=1), None)
    assert (event["answered_today"], event["abandoned_today"]) == (10, 1)
    later = T0 + DAY + timedelta(minutes=5)
    assert rt.abandon_rate(later) == 0.0, "the abandon left the 24 h window"
    event = rt.status_event(later, None)
    assert (event["answered_today"], event["abandoned_today"], event["abandon_rate"]) == (0, 0, 0.0)


async def test_the_window_starts_from_the_record(db) -> None:
    campaign = await Campaign.create(name="c", mode=CampaignMode.PREDICTIVE, caller_id="+420221000100",
                                     abandon_window=WindowRule.HOURS_24)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    zone = ZoneInfo("Europe/Prague")
    midnight = datetime.combine(now.astimezone(zone).date(), datetime.min.time(), zone)

    async def attempt(answered: datetime | None, outcome: CallOutcome | None, wait: float | None = None,
                      bridged: bool = False) -> None:
        originated = (answered or now) - timedelta(seconds=8)
        await CallAttempt.create(campaign=campaign, phone="+420601000001", originated_at=originated,
                                 answered_at=answered, bridged_at=answered if bridged else None,
                                 outcome=outcome, wait_s=wait)

    recent = max(midnight, now - timedelta(hours=1))  # today, in Prague
    await attempt(recent, CallOutcome.ANSWERED, 0.4, bridged=True)
    await attempt(recent, CallOutcome.ANSWERED, 3.1, bridged=True)  # connected after the legal wait
    await attempt(recent, CallOutcome.ABANDONED, 1.2)  # hung up or released with no agent
    await attempt(recent, CallOutcome.MACHINE, 0.2, bridged=True)  # an agent marked it a machine
    await attempt(recent, CallOutcome.MACHINE)  # AMD: never a person, never counted
    await attempt(recent, None)  # still waiting for an agent: a live answer so far
    await attempt(None, CallOutcome.NO_ANSWER)
    yesterday = midnight - timedelta(hours=2)
    await attempt(yesterday, CallOutcome.ABANDONED, 2.5)
    await attempt(now - timedelta(hours=25), CallOutcome.ABANDONED, 2.5)  # out of the 24 h window
    other = await Campaign.create(name="other", mode=CampaignMode.PREDICTIVE, caller_id="+420221000100")
    await CallAttempt.create(campaign=other, phone="+420601000002", originated_at=recent, answered_at=recent,
                             outcome=CallOutcome.ABANDONED)

    window = await load_compliance_window(campaign.id, DAY, 2.0, now, zone)
    assert window.counts(now) == WindowCounts(live=4 + (yesterday > now - DAY), abandons=2 + (yesterday > now - DAY),
                                              machines=1)
    assert window.today(now) == (4, 2)
    # And it rolls on from there: in a day all of it has left.
    assert window.counts(now + DAY + timedelta(minutes=2)) == WindowCounts()


async def test_changing_the_rule_recounts_the_window(engine_world) -> None:
    w = engine_world
    campaign, _ = await w.campaign("predictive", [], agents=0)
    two_days_ago = w.engine.s.clock() - timedelta(days=2)
    await CallAttempt.create(campaign=campaign, phone="+420601000001", originated_at=two_days_ago,
                             answered_at=two_days_ago, ended_at=two_days_ago, outcome=CallOutcome.ABANDONED)
    await w.run(campaign)
    rt = w.engine.s.campaigns[campaign.id]
    assert rt.counters.window.counts(w.engine.s.clock()).abandons == 1 and not rt.counters.ofcom
    campaign.abandon_window = WindowRule.HOURS_24  # the admin switches the campaign to Ofcom's rule
    await campaign.save()
    await w.engine.sync_campaigns()
    assert rt.counters.ofcom and rt.counters.window.length == DAY
    assert rt.counters.window.counts(w.engine.s.clock()) == WindowCounts()
