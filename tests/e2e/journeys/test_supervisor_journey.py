"""Journey 3, the supervisor: the wallboard shows an agent's call while it is live; after it,
the supervisor finds it in Calls by its number, opens its timeline, and exports the selection
as CSV and XLSX — both downloaded by the browser, opened, and the call's row read back."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from e2e.journeys import agent_steps as agent
from e2e.journeys.admin_steps import menu, sign_in

pytestmark = pytest.mark.browser


def download(page: Page, button: str, into: Path) -> Path:
    with page.expect_download() as started:
        page.locator("form.exports").get_by_role("button", name=button, exact=True).click()
    file = started.value
    assert file.failure() is None, file.failure()
    path = into / file.suggested_filename
    file.save_as(path)
    return path


def csv_rows(path: Path) -> list[list[str]]:
    """As Czech Excel opens it: UTF-8 told by its byte-order mark, fields between semicolons."""
    raw = path.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8), "no BOM: Excel would read the UTF-8 as Windows-1250"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def xlsx_rows(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    sheet = load_workbook(path, read_only=True).worksheets[0]
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def the_row(rows: list[list[str]], phone: str) -> dict[str, str]:
    """The one data row holding `phone` in a cell, as {header: value}."""
    header, *data = rows
    hits = [r for r in data if phone in (cell.lstrip("'") for cell in r)]
    assert len(hits) == 1, f"{len(hits)} rows with {phone} among {len(data)}: {rows[:3]}"
    return dict(zip(header, hits[0]))


def test_supervisor_watches_a_call_finds_it_and_exports_it(dialer: Any, people: Any, floor: Any, floors: Any,
                                                          tmp_path: Path) -> None:
    boss = people.open("supervisor")
    sign_in(boss, dialer.base, floor.supervisor, floor.password)
    menu(boss, "Wallboard")
    expect(boss.locator("#wb-status")).to_have_text("live")
    board = boss.locator(f'[data-campaign="{floor.campaign_id}"]')
    expect(board.locator("h2")).to_have_text(floor.campaign)

    jana = people.open("agent")
    agent.open_panel(jana, dialer.base, floor.agent, floor.password)
    agent.join(jana, floor.campaign)
    phone = agent.take_call(jana)["Phone"]

    # Live: the call under its campaign with the agent's name, the agent among those on a call.
    live = board.locator("tr[data-call]", has_text=phone)
    expect(live).to_contain_text(floor.agent_name)
    expect(boss.locator("li[data-state=on_call]", has_text=floor.agent_name)).to_be_visible()

    agent.pause_after_call(jana, floor.pause_reason)
    agent.hang_up(jana)
    agent.save_call(jana, floor.sale, "Signed for Premium.")
    floors.called(floor.sale, floor.pause_reason)
    agent.leave(jana)
    expect(live).to_have_count(0)

    # The campaign's page, as a supervisor may see it: its lists named, not linked to admins' pages.
    menu(boss, "Campaigns")
    boss.locator("main table").get_by_role("link", name=floor.campaign, exact=True).click()
    facts = boss.locator("dl.facts")
    expect(facts).to_contain_text(floor.contact_list)
    expect(facts.locator("a[href^='/contacts']")).to_have_count(0)

    # Calls: search by the number, open the call's timeline.
    menu(boss, "Calls")
    boss.get_by_label("Phone").fill(phone)
    boss.get_by_role("button", name="Search").click()
    row = boss.locator("table.calls tbody tr", has_text=phone)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(floor.campaign)
    expect(row).to_contain_text(floor.sale)
    row.get_by_role("link", name="open").click()
    expect(boss.get_by_role("heading", level=1)).to_contain_text(phone)
    facts = boss.locator("dl.facts")
    expect(facts).to_contain_text(floor.sale)
    expect(facts).to_contain_text("Signed for Premium.")
    timeline = boss.locator("table.timeline tbody tr")
    expect(timeline.first).to_be_visible()
    assert timeline.count() >= 3, timeline.all_inner_texts()

    # Back to the selection, export it both ways, open each file and read the call's row.
    boss.go_back()
    expect(boss.locator("p.exports .total")).to_have_text("1 call")
    boss.locator("form.exports").get_by_label("CSV for").select_option("semicolon")  # a Czech call centre
    for name, read in (("CSV", csv_rows), ("XLSX", xlsx_rows)):
        path = download(boss, name, tmp_path)
        assert path.suffix == "." + name.lower(), path
        record = the_row(read(path), phone)
        values = set(record.values())
        assert floor.campaign in values and floor.sale in values, (name, record)
        assert any(floor.agent in v for v in values), (name, record)
