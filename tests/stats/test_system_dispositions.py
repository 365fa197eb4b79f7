"""Calls the dialer closed for the agent (wrap-up timed out, agent logged out in wrap-up) count
in the disposition reports as their own rows, under their labels, and the call list, its
statistics and its exports show them where the agent's disposition would be."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd

from dialer.models import CallAttempt
from dialer.models.enums import CallOutcome, SystemDisposition
from dialer.stats.calls import Access, CallQuery, search, selection_summary
from dialer.stats.calls_export import export_calls
from dialer.stats.dispositions import named
from dialer.stats.period import parse_filter
from dialer.stats.reports import run_report
from stats.world import NOW, World, at

DAY = parse_filter("2026-03-02", "2026-03-03", "UTC")
TIMED_OUT, LOGGED_OUT = "Wrap-up timed out", "Agent logged out in wrap-up"


async def _undisposed(world: World) -> tuple[CallAttempt, CallAttempt]:
    """Two handled Spring calls with no agent disposition: alice's wrap-up ran out, bob left."""
    spring, a = world.campaigns["Spring"], world.agents
    made = []
    for agent, t, why in ((a["alice"], at(2, 9, 40), SystemDisposition.WRAP_UP_TIMED_OUT),
                          (a["bob"], at(2, 10, 20), SystemDisposition.AGENT_LOGGED_OUT)):
        made.append(await CallAttempt.create(
            campaign=spring, agent=agent, phone="+420200000099", originated_at=t, answered_at=t.replace(second=5),
            bridged_at=t.replace(second=6), ended_at=t.replace(minute=t.minute + 2), outcome=CallOutcome.ANSWERED,
            talk_s=60, wrap_up_s=30, wait_s=1, system_disposition=why, notes="typed before time ran out"))
    return made[0], made[1]


async def test_campaigns_agents_and_teams_reports_count_them_as_their_own_rows(world: World) -> None:
    await _undisposed(world)
    campaigns = (await run_report("campaigns", DAY, now=NOW)).main
    spring = campaigns[campaigns.campaign == "Spring"].iloc[0]
    assert (spring[f"disposition: {TIMED_OUT}"], spring[f"disposition: {LOGGED_OUT}"]) == (1, 1)
    assert (spring["disposition: Sale"], spring["disposition: Not interested"]) == (2, 1), "agents' own unchanged"
    columns = [c for c in campaigns.columns if c.startswith("disposition: ")]
    assert columns[-2:] == [f"disposition: {TIMED_OUT}", f"disposition: {LOGGED_OUT}"], "the dialer's come last"
    winter = campaigns[campaigns.campaign == "Winter"].iloc[0]
    assert winter[f"disposition: {TIMED_OUT}"] == 0

    agents = (await run_report("agents", DAY, now=NOW)).main.set_index("agent")
    timed_out, logged_out = agents[f"disposition: {TIMED_OUT}"], agents[f"disposition: {LOGGED_OUT}"]
    assert (timed_out["alice"], logged_out["alice"]) == (1, 0)
    assert (timed_out["bob"], logged_out["bob"]) == (0, 1)
    assert agents.loc["alice", "calls_handled"] == 3  # the two of the world, and this one
    teams = (await run_report("teams", DAY, now=NOW)).main.set_index("team")
    assert (teams.loc["Sales", f"disposition: {TIMED_OUT}"], teams.loc["Sales", f"disposition: {LOGGED_OUT}"]) == (1, 1)


async def test_the_call_list_its_statistics_and_exports_show_them(world: World, tmp_path: Path) -> None:
    timed_out, _ = await _undisposed(world)
    q = CallQuery(start=at(2, 0), end=at(3, 0), campaign_ids=(world.campaigns["Spring"].id,))
    frame, total = await search(q, Access(everything=True))
    row = frame[frame.id == timed_out.id].iloc[0]
    assert total == 9 and row.disposition is None and row.system_disposition == "wrap_up_timed_out"
    summary = await selection_summary(q, Access(everything=True))
    assert summary["dispositions"][TIMED_OUT] == 1 and summary["dispositions"][LOGGED_OUT] == 1
    assert summary["dispositions"]["Sale"] == 2

    listed = io.BytesIO()
    await export_calls(q, Access(everything=True), listed, "csv")
    rows = pd.read_csv(io.BytesIO(listed.getvalue()), keep_default_na=False, encoding="utf-8-sig")
    assert rows[rows.id == timed_out.id].iloc[0].system_disposition == TIMED_OUT  # words, as the page shows
    raw = tmp_path / "raw.csv"
    await export_calls(q, Access(everything=True), raw, "csv", raw=True)
    rows = pd.read_csv(raw, keep_default_na=False, encoding="utf-8-sig")
    first = rows[rows.id == timed_out.id].iloc[0]
    assert first.system_disposition == "wrap_up_timed_out" and first.notes == "typed before time ran out"
    xlsx = tmp_path / "calls.xlsx"
    await export_calls(q, Access(everything=True), xlsx, "xlsx")
    sheet = openpyxl.load_workbook(xlsx)["calls"]
    header = [c.value for c in sheet[1]]
    values = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    by_id = {r[header.index("id")]: r for r in values}
    assert by_id[timed_out.id][header.index("system_disposition")] == TIMED_OUT


def test_the_agents_disposition_wins_and_unknown_ids_drop_out() -> None:
    directory = pd.DataFrame({"disposition_id": [1], "name": ["Sale"]})
    facts = pd.DataFrame({"disposition_id": [1, None, None, 7], "attempts": [2, 3, 4, 1],
                          "system_disposition": [None, "wrap_up_timed_out", None, None]})
    assert named(facts, directory)[["name", "attempts"]].values.tolist() == [["Sale", 2], [TIMED_OUT, 3]]
