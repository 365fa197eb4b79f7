"""Shared helpers of the web tests (imported by name: `from webworld import login`).

They live here, not in conftest.py: `from conftest import …` resolves to whichever conftest
module pytest imported first, which depends on what else is collected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx

from dialer.models import User

PASSWORD = "test-password-1"


@dataclass
class People:
    admin: User
    supervisor: User
    agent: User


async def panel_csrf(client: httpx.AsyncClient) -> dict[str, str]:
    """The header the agent panel's script sends with its API writes: the token the panel page
    rendered into `data-csrf` (the only page whose script writes to /api/v1 with the session)."""
    page = await client.get("/agent")
    assert page.status_code == 200, page.status_code
    match = re.search(r'data-csrf="([^"]+)"', page.text)
    assert match and match.group(1), "the panel rendered no CSRF token"
    return {"X-CSRF-Token": match.group(1)}


async def login(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> httpx.Response:
    """Log in through the login form as the page renders it."""
    from forms import form_on

    form = await form_on(client, "/login", action="/login")
    return await form.fill(username=username, password=password).submit()
