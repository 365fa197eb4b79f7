"""Fixtures for the admin-page and API tests: a logged-in admin or supervisor, tokens, a campaign world.

Imported by tests/web/test_admin_*.py and test_api_*.py (`from admin_fixtures import *`).
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest

from forms import Form, form_in, form_on
from webworld import login
from dialer.accounts.tokens import ALL_SCOPES, issue_token
from dialer.models import Campaign, Contact, ContactList, DialProfile, Team


class Browser:
    """A logged-in browser: it GETs pages and submits the forms they render, nothing else."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def get(self, url: str, **kw) -> httpx.Response:
        return await self.client.get(url, **kw)

    async def form(self, page: str, action: str | None = None, button: str | None = None) -> Form:
        return await form_on(self.client, page, action, button)

    async def submit(self, page: str | httpx.Response, action: str | None = None, button: str | None = None,
                     **fields: object) -> httpx.Response:
        """Open `page` (a URL, or a page already shown such as a form re-rendered with errors),
        fill `fields` in its form as a person would, press `button` (or the default), submit."""
        if isinstance(page, httpx.Response):
            form = form_in(self.client, page, action, button)
        else:
            form = await self.form(page, action, button)
        form.fill(**fields)
        if button:
            form.press(button)
        return await form.submit()


async def browser_for(client: httpx.AsyncClient, username: str) -> Browser:
    r = await login(client, username)
    assert r.status_code == 303, r.text
    return Browser(client)


@pytest.fixture
async def admin(client, people) -> Browser:
    return await browser_for(client, "admin")


@pytest.fixture
async def supervisor(client, people) -> Browser:
    return await browser_for(client, "super")


@dataclass
class World:
    team: Team
    other_team: Team
    contact_list: ContactList
    campaign: Campaign  # the Sales team's
    other_campaign: Campaign  # another team's
    profile: DialProfile


@pytest.fixture
async def world(people) -> World:
    sales = await Team.get(name="Sales")
    other = await Team.create(name="Night")
    profile = await DialProfile.create(name="Standard")
    cl = await ContactList.create(name="Spring", team=sales)
    for i in range(5):
        await Contact.create(contact_list=cl, phone=f"+4206021234{i:02d}", name=f"Person {i}", external_id=f"X{i}")
    campaign = await Campaign.create(name="Spring offer", team=sales, dial_profile=profile)
    await campaign.contact_lists.add(cl)
    other_campaign = await Campaign.create(name="Night offer", team=other)
    return World(sales, other, cl, campaign, other_campaign, profile)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
async def admin_token(people) -> dict[str, str]:
    return bearer((await issue_token(people.admin, sorted(ALL_SCOPES))).secret)


@pytest.fixture
async def supervisor_token(people) -> dict[str, str]:
    scopes = ["calls:read", "campaigns:read", "campaigns:control", "contacts:read"]
    return bearer((await issue_token(people.supervisor, scopes)).secret)
