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


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field in the page"
    return match.group(1)


async def login(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> httpx.Response:
    """Log in through the login form as the page renders it."""
    from forms import form_on

    form = await form_on(client, "/login", action="/login")
    return await form.fill(username=username, password=password).submit()
