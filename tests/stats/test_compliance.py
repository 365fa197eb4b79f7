"""The compliance figures: the abandon rate over each window a campaign's regulatory profile
measures (late connections counted as abandoned, each window's edge exact), against the cap;
the contacts a rule kept from being dialed. In the campaigns report, its exports and the
wallboard's snapshot, on both engines, from attempts worked out by hand below."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from dialer.compliance.abandon import CapStanding
from dialer.compliance.profiles import Regulation
from dialer.compliance.skips import RuleSkip
from dialer.models import Agent, CallAttempt, CallEvent, Campaign, Disposition, Team, User
from dialer.models.enums import CallOutcome, CampaignStatus, Role
from dialer.stats.compliance import measured_windows, window_figures
from dialer.stats.export import write_csv, write_xlsx
from dialer.stats.period import parse_filter
from dialer.stats.reports import run_report
from dialer.stats.wallboard import BoardScope, compliance_update, snapshot

NOW = datetime(2026, 3, 3, 12, 0, tzinfo=timezone.utc)  # a Tuesday
PERIOD = parse_filter("2026-03-02", "2026-03-04", "UTC")


def test_the_windows_each_profile_measures() -> None:
    assert measured_windows(Regulation.US, "30d") == ("24h", "30d")
    assert measured_windows(Regulation.UK, "24h") == ("24h",)
    assert measured_windows(Regulation.EU, "24h") == ("24h", "30d")
    # The window the pacer holds the cap over is always shown, whatever the profile says.
    assert measured_windows(Regulation.UK, "30d") == ("24h", "30d")


def test_window_figures_count_late_connections_as_abandoned() -> None:
    counts = {"month_abandoned": 3, "month_connected_late": 1, "month_connects": 5, "month_machines": 1}
    w = window_figures("30d", counts, 0.03, capped=True)
    # D = 3 released + 1 late = 4; AH = 5 connects - 1 machine - 1 late = 3; live = 7; FCC: 4 / 7.
    assert (w.abandoned, w.connected_late, w.live, w.machines) == (4, 1, 7, 1)
    assert w.rate == pytest.approx(4 / 7) and w.standing is CapStanding.OVER and w.capped
    empty = window_figures("24h", {}, 0.03, capped=False)
    assert (empty.live, empty.rate, empty.standing) == (0, None, None)


class Seeded:
    fcc: Campaign
    ofcom: Campaign
    sales: Team
    support: Team


async def seed() -> Seeded:
    s = Seeded()
    s.sales = await Team.create(name="Sales")
    s.support = await Team.create(name="Support")
    s.fcc = await Campaign.create(name="Fcc", team=s.sales, regulatory_profile="us", abandon_window="30d",
                                  abandon_cap_pct=3.0, status=CampaignStatus.RUNNING)
    s.ofcom = await Campaign.create(name="Ofcom", team=s.support, regulatory_profile="uk", abandon_window="24h",
                                    abandon_cap_pct=3.0, status=CampaignStatus.RUNNING)
    machine = await Disposition.create(code="AM", name="Answering machine", is_machine=True)
    agent = await Agent.create(user=await User.create(username="ann", password_hash="x", role=Role.AGENT, team=s.sales))
    hour = timedelta(hours=1)
    day, month, second = timedelta(hours=24), timedelta(days=30), timedelta(seconds=1)
    rows = [
        # campaign, originated, outcome, bridged (an agent got it), wait (answer -> agent), machine
        (s.fcc, NOW - hour, "answered", True, 1.0, False),          # in time: AH
        (s.fcc, NOW - 2 * hour, "answered", True, 2.0, False),      # at the legal 2 s exactly: still AH
        (s.fcc, NOW - 3 * hour, "answered", True, 2.5, False),      # after 2 s: abandoned by the rule (late)
        (s.fcc, NOW - 4 * hour, "abandoned", False, 15.0, False),   # released for want of an agent
        (s.fcc, NOW - 5 * hour, "answered", True, 1.0, True),       # the agent heard a machine: AM
        (s.fcc, NOW - day, "abandoned", False, 15.0, False),        # the 24 h window's first instant: in it
        (s.fcc, NOW - day - second, "answered", True, 0.5, False),  # a second before: the 30 days' only
        (s.fcc, NOW - month, "abandoned", False, 15.0, False),      # the 30 days' first instant: in them
        (s.fcc, NOW - month - second, "abandoned", False, 15.0, False),  # before it: in neither
        (s.ofcom, NOW - hour, "answered", True, 1.0, False),
        (s.ofcom, NOW - 2 * hour, "abandoned", False, 15.0, False),
        (s.ofcom, NOW - 2 * day, "abandoned", False, 15.0, False),  # 30 days, which Ofcom does not measure
    ]
    for n, (campaign, at, outcome, bridged, wait, is_machine) in enumerate(rows):
        await CallAttempt.create(campaign=campaign, phone=f"+4206010000{n:02d}", originated_at=at,
                                 answered_at=at + second, bridged_at=at + second * 3 if bridged else None,
                                 ended_at=at + hour / 2, outcome=CallOutcome(outcome), wait_s=wait,
                                 agent=agent if bridged else None,
                                 disposition=machine if is_machine else None)
    skips = [
        (s.fcc, NOW - hour, RuleSkip.OUTSIDE_HOURS), (s.fcc, NOW - hour, RuleSkip.OUTSIDE_HOURS),
        (s.fcc, NOW - hour / 2, RuleSkip.HOLIDAY), (s.fcc, NOW - hour / 6, RuleSkip.DNC_GLOBAL),
        (s.fcc, NOW - hour / 3, RuleSkip.DNC_CAMPAIGN),
        (s.fcc, NOW - 13 * hour, RuleSkip.OUTSIDE_HOURS),  # 23:00 yesterday: the report's period, not today
        (s.ofcom, NOW - hour, RuleSkip.DNC_CAMPAIGN),
    ]
    for campaign, at, rule in skips:
        await CallEvent.create(at=at, kind=rule.value, campaign_id=campaign.id, payload={"phone": "+420601000999"})
    await CallEvent.create(at=NOW - hour, kind="originate", campaign_id=s.fcc.id)  # not a skip
    return s


# The Fcc campaign, worked out by hand:
# 24 h: released 2 (4 h ago, exactly 24 h ago), late 1, connects 4 (1, 2, 3 h; the machine), AM 1.
#   D = 3, AH = 4 - 1 - 1 = 2, live = 5. Ofcom's rule: D' = 3 - 3 * 1 / (2 + 1) = 2; 2 / (2 + 2) = 0.5.
# 30 days: also the answer 24 h + 1 s ago (AH) and the release exactly 30 days ago.
#   D = 4, AH = 3, live = 7. The FCC's rule: 4 / 7.
# Ofcom campaign, 24 h only: D = 1, AH = 1, live = 2: 0.5.


async def test_campaigns_report_has_the_compliance_columns(db: str, tmp_path: Path) -> None:
    await seed()
    report = await run_report("campaigns", PERIOD, now=NOW)
    table = report.main.set_index("campaign")
    fcc, ofcom = table.loc["Fcc"], table.loc["Ofcom"]
    assert fcc.regulation == "US (FCC/TSR)" and ofcom.regulation == "UK (Ofcom)"
    assert (fcc.abandoned_24h, fcc.live_answers_24h, fcc.abandon_rate_24h) == (3, 5, pytest.approx(0.5))
    assert (fcc.abandoned_30d, fcc.live_answers_30d, fcc.abandon_rate_30d) == (4, 7, pytest.approx(4 / 7))
    assert fcc.abandon_standing_24h == "over" and fcc.abandon_standing_30d == "over"
    assert (ofcom.abandoned_24h, ofcom.live_answers_24h, ofcom.abandon_rate_24h) == (1, 2, pytest.approx(0.5))
    # Ofcom measures 24 h alone: the 30 days stay empty, not zero.
    assert pd.isna(ofcom.abandoned_30d) and pd.isna(ofcom.abandon_rate_30d) and ofcom.abandon_standing_30d == ""
    # The period (2 and 3 March, up to now) holds yesterday's skip too.
    assert (fcc.skipped_outside_hours, fcc.skipped_holiday, fcc.skipped_dnc_global, fcc.skipped_dnc_campaign) \
        == (3, 1, 1, 1)
    assert (ofcom.skipped_outside_hours, ofcom.skipped_dnc_campaign) == (0, 1)
    # A period of today alone leaves yesterday's skip out; its windows end with it, as before.
    today = await run_report("campaigns", parse_filter("2026-03-03", "2026-03-04", "UTC"), now=NOW)
    assert today.main.set_index("campaign").loc["Fcc"].skipped_outside_hours == 2
    # A period that ended at 09:30: its windows end with it. The 24 h [2 Mar 09:30, 3 Mar 09:30) lose the
    # answers at 10:00 and 11:00 and keep the late one (09:00), the release (08:00), the machine (07:00),
    # the release at 2 Mar 12:00 and the answer at 11:59:59: D = 3, connects 3, AM 1, live = 3 - 1 + 2 = 4.
    earlier = await run_report("campaigns", parse_filter("2026-03-03T00:00", "2026-03-03T09:30", "UTC"), now=NOW)
    row = earlier.main.set_index("campaign").loc["Fcc"]
    assert (row.abandoned_24h, row.live_answers_24h) == (3, 4)

    # The exports carry them: CSV (the report itself) and the workbook, rates as percentages.
    buffer = io.BytesIO()
    write_csv(report.main, buffer, "UTC")
    exported = pd.read_csv(io.BytesIO(buffer.getvalue()), encoding="utf-8-sig").set_index("campaign")
    assert exported.loc["Fcc", "abandon_rate_30d"] == pytest.approx(4 / 7, abs=1e-4)
    assert exported.loc["Fcc", "skipped_dnc_global"] == 1 and exported.loc["Fcc", "abandon_standing_24h"] == "over"
    assert pd.isna(exported.loc["Ofcom", "abandoned_30d"])
    path = tmp_path / "c.xlsx"
    write_xlsx(report.tables, path)
    sheet = openpyxl.load_workbook(path)["campaigns"]
    head = [c.value for c in sheet[1]]
    fcc_row = next(dict(zip(head, r)) for r in sheet.iter_rows(min_row=2) if r[head.index("campaign")].value == "Fcc")
    assert fcc_row["abandon_rate_24h"].number_format == "0.00%" and fcc_row["abandoned_24h"].value == 3
    assert fcc_row["skipped_outside_hours"].value == 3 and fcc_row["regulation"].value == "US (FCC/TSR)"


async def test_wallboard_snapshot_has_each_campaigns_compliance(db: str) -> None:
    s = await seed()
    snap = await snapshot(NOW, "UTC")
    figures = {c["name"]: c["compliance"] for c in snap["campaigns"]}
    fcc = figures["Fcc"]
    assert fcc["regulation"] == "us" and fcc["regulation_label"] == "US (FCC/TSR)"
    day, month = fcc["windows"]
    assert day == {"window": "24h", "abandoned": 3, "connected_late": 1, "live": 5, "machines": 1,
                   "rate": pytest.approx(0.5), "cap": pytest.approx(0.03), "standing": "over", "capped": False}
    assert (month["window"], month["abandoned"], month["live"], month["capped"]) == ("30d", 4, 7, True)
    assert month["rate"] == pytest.approx(4 / 7)
    # Today since local midnight: yesterday's 23:00 skip is not today's.
    assert fcc["skipped"] == {"outside_hours": 2, "holiday": 1, "dnc_global": 1, "dnc_campaign": 1}
    ofcom = figures["Ofcom"]
    assert [w["window"] for w in ofcom["windows"]] == ["24h"] and ofcom["windows"][0]["capped"]
    assert ofcom["skipped"]["dnc_campaign"] == 1
    # In Tokyo 3 March began at 15:00 UTC on the 2nd: the skip at 23:00 UTC (08:00 there) is today's.
    snap = await snapshot(NOW, "Asia/Tokyo")
    assert next(c for c in snap["campaigns"] if c["name"] == "Fcc")["compliance"]["skipped"]["outside_hours"] == 3

    # A supervisor's scope: their team's campaigns alone, in the snapshot and in the refresh.
    snap = await snapshot(NOW, "UTC", BoardScope(team_ids=(s.support.id,)))
    assert [c["name"] for c in snap["campaigns"]] == ["Ofcom"]
    update = await compliance_update(NOW, "UTC", BoardScope(team_ids=(s.support.id,)))
    assert update["type"] == "campaign.compliance"
    assert [x["campaign_id"] for x in update["campaigns"]] == [s.ofcom.id]
    assert update["campaigns"][0]["compliance"]["windows"] == ofcom["windows"]
