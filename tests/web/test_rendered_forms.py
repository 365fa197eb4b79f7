"""Every form every page renders can be sent as rendered: a crawl as each role, following the
links a person can click, then each POST form submitted exactly as the page gave it.

This is the test that would have caught "no admin form can be saved": it never makes up a
token or a body, so a page that renders an empty CSRF field fails here.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import httpx
import pytest

from admin_fixtures import *  # noqa: F401,F403
from forms import Form, forms_in
from webworld import login
from dialer.models import CallerIdNumber, CallerIdPool, Disposition, DncEntry, WebhookEndpoint

EXPIRED = "The form has expired"
# Links a person follows that do not render pages (files, JSON) or that end the visit.
NOT_PAGES = ("/static/", "/api/", "/logout")
# Forms sent last because they take away what the others need (the records, the session).
DESTRUCTIVE = ("delete", "deactivate", "revoke", "clear", "sessions", "password", "remove")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith("/") and not href.startswith("//"):
                self.hrefs.append(urldefrag(href)[0])


async def crawl(client: httpx.AsyncClient, start: str = "/", limit: int = 120) -> dict[str, Form]:
    """Pages reachable by clicking from `start`; the POST forms found, one per action."""
    seen: set[str] = set()
    todo = [start]
    forms: dict[str, Form] = {}
    while todo and len(seen) < limit:
        url = todo.pop(0)
        path = urlsplit(url).path
        if url in seen or path.startswith(NOT_PAGES) and path != "/api/docs":
            continue
        seen.add(url)
        page = await client.get(url)
        assert page.status_code < 500, f"GET {url}: {page.status_code}"
        if page.status_code != 200 or "text/html" not in page.headers.get("content-type", ""):
            continue
        for form in forms_in(page.text, str(page.url)):
            form.client = client
            if form.method == "post":
                forms.setdefault(form.action, form)
        parser = _Links()
        parser.feed(page.text)
        todo.extend(h for h in parser.hrefs if h not in seen and "export" not in h and "download" not in h)
    return forms


async def send_each(client: httpx.AsyncClient, forms: dict[str, Form], username: str) -> list[str]:
    """Submit every form as rendered; the refusals of the token, and the server errors, found."""
    problems = []
    order = sorted(forms, key=lambda action: any(word in action for word in DESTRUCTIVE))
    for action in order:
        if action == "/logout":
            continue
        form = forms[action]
        tokens = [c.value for c in form.controls if c.name == "csrf_token"]
        if tokens != [tokens[0]] if tokens else True:
            problems.append(f"{action}: the page rendered no CSRF field")
            continue
        if not tokens[0]:
            problems.append(f"{action}: the page rendered an empty CSRF field")
            continue
        r = await form.submit()
        if r.status_code >= 500:
            problems.append(f"{action}: {r.status_code}")
        elif r.status_code == 403 and EXPIRED in r.text:
            problems.append(f"{action}: the server refused the token its own page rendered")
        if r.status_code == 303 and r.headers.get("location", "").startswith("/login"):
            await login(client, username)  # a form that ended the session (e.g. a password change)
    return problems


@pytest.fixture
async def furnished(world):
    """Something of every kind, so that every edit and delete form is on some page."""
    pool = await CallerIdPool.create(name="Main lines")
    await CallerIdNumber.create(pool=pool, number="+420212345678")
    await Disposition.create(name="Sale", code="sale")
    await DncEntry.create(phone="+420602999999", reason="asked")
    await WebhookEndpoint.create(name="IS", url="http://127.0.0.1:9/h", events=["call.ended"])
    return world


@pytest.mark.parametrize("username", ["admin", "super", "agent1"])
async def test_every_rendered_form_is_accepted_as_rendered(client, people, furnished, username) -> None:
    assert (await login(client, username)).status_code == 303
    forms = await crawl(client)
    if username == "admin":  # the crawl must reach the settings areas, or it proves little
        for action in ("/campaigns/new", "/profiles/new", "/caller-ids/new", "/dispositions/new", "/teams/new",
                       "/dnc", "/users", "/webhooks/new", "/account/tokens", "/imports"):
            assert action in forms, f"the crawl found no form posting to {action}: {sorted(forms)}"
    else:
        assert "/account/password" in forms
    assert await send_each(client, forms, username) == []
