"""Two pages that answered 500 (issue 18): the contact lists for an admin on PostgreSQL, and the
reports for a supervisor whose team has made no calls. Both run on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from typing import AsyncIterator

import httpx
import pytest

from webworld import PASSWORD, login
from dialer.accounts.users import Actor, create_user, get_or_create_team
from dialer.config import Settings
from dialer.models import Campaign, Contact, ContactList
from dialer.models.enums import Role
from dialer.web.app import create_app


@pytest.fixture
async def browser(db: str, tmp_path) -> AsyncIterator[httpx.AsyncClient]:
    sales = await get_or_create_team("Sales")
    await create_user("admin", PASSWORD, Role.ADMIN, actor=Actor.system("test"))
    await create_user("super", PASSWORD, Role.SUPERVISOR, actor=Actor.system("test"), team=sales)
    spring = await ContactList.create(name="Spring", team=sales, category="leads")
    await ContactList.create(name="Autumn")  # no team, no contacts
    for i in range(3):
        await Contact.create(contact_list=spring, phone=f"+4206021234{i:02d}")
    campaign = await Campaign.create(name="Spring offer", team=sales)
    await campaign.contact_lists.add(spring)
    app = create_app(Settings(data_dir=tmp_path, db_url=db, secret_key="test-secret"), manage_db=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        yield client


async def test_an_admin_sees_the_contact_lists_with_their_team_and_size(browser: httpx.AsyncClient) -> None:
    await login(browser, "admin")
    r = await browser.get("/lists")
    assert r.status_code == 200, r.text[:500]
    cells = [[re.sub(r"<[^>]+>", "", td).strip() for td in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
             for row in re.findall(r"<tr[^>]*>(.*?)</tr>", r.text, re.S)]
    assert sorted(c for c in cells if c) == [["Autumn", "—", "—", "0"], ["Spring", "leads", "Sales", "3"]]


@pytest.mark.parametrize("report", ["campaigns", "agents", "teams", "hourly", "daily"])
async def test_a_supervisor_whose_team_has_no_calls_gets_empty_reports(browser: httpx.AsyncClient,
                                                                       report: str) -> None:
    await login(browser, "super")
    r = await browser.get(f"/reports?report={report}")
    assert r.status_code == 200, r.text[:500]
    r = await browser.get(f"/reports/export?report={report}&format=csv")
    assert r.status_code == 200, r.text[:500]
