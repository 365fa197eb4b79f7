"""Report pages and their exports: who may run them, what a supervisor's filter becomes."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from webworld import login
from stats.world import World, seed_world

Q = "from=2026-03-02&to=2026-03-03&tz=UTC"


@pytest.fixture
async def world(people) -> World:
    return await seed_world(alice=people.agent)


async def test_agents_may_not_run_reports(client, people, world) -> None:
    await login(client, "agent1")
    assert (await client.get(f"/reports?{Q}")).status_code == 403
    assert (await client.get(f"/reports/export?{Q}&format=csv")).status_code == 403


@pytest.mark.parametrize("report", ["agents", "teams", "campaigns", "hourly", "daily"])
async def test_each_report_renders_a_table_and_a_chart(client, people, world, report) -> None:
    await login(client, "admin")
    r = await client.get(f"/reports?report={report}&{Q}")
    assert r.status_code == 200 and "<table>" in r.text and "<svg" in r.text and "cdn" not in r.text.lower()


async def test_supervisor_report_is_narrowed_to_their_team(client, people, world) -> None:
    await login(client, "super")
    r = await client.get(f"/reports/export?report=campaigns&{Q}&format=csv&team={world.teams['Support'].id}")
    frame = pd.read_csv(io.StringIO(r.text))
    assert list(frame.campaign) == ["Spring"]
    r = await client.get(f"/reports/export?report=agents&{Q}&format=csv")
    assert sorted(pd.read_csv(io.StringIO(r.text)).agent) == ["agent1", "bob"]


async def test_admin_exports_xlsx_with_every_table(client, people, world) -> None:
    await login(client, "admin")
    r = await client.get(f"/reports/export?report=campaigns&{Q}&format=xlsx")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["campaigns", "hangup causes"]
    spring = pd.read_excel(io.BytesIO(r.content), sheet_name="campaigns").set_index("campaign").loc["Spring"]
    assert spring.abandon_rate == pytest.approx(0.2)


async def test_report_page_shows_times_and_rates_readably(client, people, world) -> None:
    await login(client, "admin")
    r = await client.get(f"/reports?report=agents&{Q}")
    assert "4:00:00" in r.text  # agent1's logged-in time
    r = await client.get(f"/reports?report=campaigns&{Q}")
    assert "20.0 %" in r.text  # Spring's abandon rate


async def test_bad_period_is_a_400(client, people, world) -> None:
    await login(client, "admin")
    r = await client.get("/reports?report=agents&from=2026-03-05&to=2026-03-01")
    assert r.status_code == 400 and "must be after" in r.text
    assert (await client.get("/reports?report=nope")).status_code == 400
