"""Report pages and their exports: who may run them, what a supervisor's filter becomes."""

from __future__ import annotations

import codecs
import csv
import io
import re
from datetime import datetime, timezone

import openpyxl
import pandas as pd
import pytest

from dialer.compliance.skips import RuleSkip
from dialer.models import CallEvent
from forms import form_in
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


async def test_admin_exports_xlsx_with_every_table_and_the_chart(client, people, world) -> None:
    await login(client, "admin")
    page = await client.get(f"/reports?report=campaigns&{Q}")
    r = await form_in(client, page, action="/reports/export", method="get").press("XLSX").submit()
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["campaigns", "hangup causes", "chart"]
    (chart,) = book["chart"]._charts  # the page's abandon-rate bars, as a native Excel chart
    refs = [s.val.numRef.f for s in chart.series]  # drawn from the report's own cells: rate and cap
    assert chart.tagname == "barChart" and len(refs) == 2 and all(ref.startswith("campaigns!") for ref in refs)
    sheet = book["campaigns"]
    head = [c.value for c in sheet[1]]
    spring = next(dict(zip(head, row)) for row in sheet.iter_rows(min_row=2)
                  if row[head.index("campaign")].value == "Spring")
    assert spring["abandon_rate"].value == pytest.approx(0.2) and spring["abandon_rate"].number_format == "0.00%"
    assert spring["status"].value == "Running"  # the word, not the stored value


async def test_report_csv_follows_the_browsers_language_and_has_no_float_noise(client, people, world) -> None:
    await login(client, "admin")
    client.headers["Accept-Language"] = "de-DE,de;q=0.9"
    page = await client.get(f"/reports?report=agents&{Q}")
    form = form_in(client, page, action="/reports/export", method="get")
    assert form.value("delimiter") == "semicolon"
    r = await form.press("CSV").submit()
    assert r.content.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(r.content[3:].decode()), delimiter=";"))
    head = rows[0]
    agent1 = dict(zip(head, next(row for row in rows[1:] if row[head.index("agent")] == "agent1")))
    assert agent1["logged_in_s"] == "14400" and agent1["team"] == "Sales"
    for row in rows[1:]:  # every number at its column's precision, with a decimal comma
        for name, value in zip(head, row):
            if name.endswith("_s") and value:
                assert re.fullmatch(r"\d+(,\d)?", value), (name, value)
            if name == "occupancy" and value:
                assert re.fullmatch(r"0(,\d{1,4})?|1", value), value


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


async def test_report_tables_speak_words(client, people, world) -> None:
    await login(client, "admin")
    r = await client.get(f"/reports?report=campaigns&{Q}")
    text = re.sub(r"<[^>]*>", " ", r.text)
    assert "Running" in text and "outcome: No answer" in text
    assert "running" not in text.replace("Running", "") and "no_answer" not in text


async def test_supervisor_sees_the_compliance_columns_of_their_campaigns(client, people, world) -> None:
    # Skips the engine recorded on 2 March: two Spring contacts outside their hours, one Spring number
    # on the global DNC list; Winter (another team's) one on its own list.
    spring, winter = world.campaigns["Spring"].id, world.campaigns["Winter"].id
    for campaign_id, rule in ((spring, RuleSkip.OUTSIDE_HOURS), (spring, RuleSkip.OUTSIDE_HOURS),
                              (spring, RuleSkip.DNC_GLOBAL), (winter, RuleSkip.DNC_CAMPAIGN)):
        await CallEvent.create(at=datetime(2026, 3, 2, 7, 0, tzinfo=timezone.utc), kind=rule.value,
                               campaign_id=campaign_id, payload={"phone": "+420601000999"})
    await login(client, "super")
    page = await client.get(f"/reports?report=campaigns&{Q}")
    assert page.status_code == 200
    text = re.sub(r"<[^>]*>", " ", page.text)
    for heading in ("regulation", "abandoned 24h", "live answers 30d", "abandon rate 30d", "vs cap 24h",
                    "not dialed: outside hours", "not dialed: holiday", "DNC hits: global", "DNC hits: this campaign"):
        assert heading in text, heading
    # Spring's 20 % over the 24 h ending with the period, against its 3 % cap: shown over it, in red.
    assert '<td class="standing-over">over cap</td>' in page.text and "EU default" in text
    assert ">Winter<" not in page.text, "another team's campaign"
    r = await form_in(client, page, action="/reports/export", method="get").press("CSV").submit()
    frame = pd.read_csv(io.StringIO(r.content.decode("utf-8-sig")), sep=None, engine="python").set_index("campaign")
    assert list(frame.index) == ["Spring"]
    row = frame.loc["Spring"]
    # 30 days to the period's end: the abandon of 1 March too. D = 2, live = 4 connects - 1 machine + 2 = 5.
    assert (row.abandoned_30d, row.live_answers_30d, row.abandon_standing_30d) == (2, 5, "over")
    assert (row.skipped_outside_hours, row.skipped_holiday, row.skipped_dnc_global, row.skipped_dnc_campaign) \
        == (2, 0, 1, 0)
