"""Every form every page renders can be sent as rendered: a crawl as each role, following the
links a person can click, then each POST form submitted exactly as the page gave it.

This is the test that would have caught "no admin form can be saved": it never makes up a
token or a body, so a page that renders an empty CSRF field fails here. The app's own routes
say what it must reach: every HTML POST route a role may use, or the test names the ones missed.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import httpx
import pytest
from starlette.routing import Route

from admin_fixtures import *  # noqa: F401,F403
from forms import Form, form_in, forms_in
from recording_world import audio_bytes, store_recording
from webworld import PASSWORD, login
from dialer.accounts.sessions import open_session
from dialer.accounts.tokens import issue_token
from dialer.accounts.users import Actor, create_user, deactivate_user
from dialer.billing.service.accounts import save_account
from dialer.billing.service.tariffs import save_rate, save_tariff, tariff_form_values
from dialer.campaigns.pause_reasons import save_pause_reason
from dialer.integrations.delivery import WebhookWorker
from dialer.integrations.webhooks import envelope, queue_delivery
from dialer.importer.jobs import running_task
from dialer.models import (CallAttempt, CallerIdNumber, CallerIdPool, Disposition, DncEntry, User,
                           WebhookEndpoint)
from dialer.models.enums import CallOutcome, Role
from dialer.models.integrations import DeliveryStatus
from dialer.recordings.storage import RecordingStore
from dialer.web.routes.account import scopes_for

EXPIRED = "The form has expired"
# Links a person follows that do not render pages (files, JSON) or that end the visit.
NOT_PAGES = ("/static/", "/api/", "/logout")
# Forms sent after the others because they take away what the others need (the records).
DESTRUCTIVE = ("delete", "deactivate", "revoke", "clear", "sessions", "password", "remove")
# Forms sent last of all: they end this browser's session, and the person logs in again.
SESSION_ENDING = ("/account/sessions/end", "/logout")
# What a person picks in a file input where the next step is a page of its own: the import's
# upload leads to its mapping form. Other uploads go as rendered (empty): their answer is the page.
CHOSEN_FILES = {"/imports": ("contacts.csv", b"name,phone\nAnna,+420602111222\n", "text/csv")}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith("/") and not href.startswith("//"):
                self.hrefs.append(urldefrag(href)[0])


def post_routes(app) -> dict[str, list[str]]:
    """The app's HTML POST routes, each with the roles that may use it (everyone: login, logout)."""
    out: dict[str, list[str]] = {}
    for route in app.routes:
        if isinstance(route, Route) and "POST" in (route.methods or ()) and not route.path.startswith("/api/"):
            access = getattr(route.endpoint, "access", None)
            out[route.path] = access["roles"] if access else [r.value for r in Role]
    return out


def route_of(app, url: str) -> str | None:
    """The POST route (its path template) a form's action goes to."""
    path = urlsplit(url).path
    for route in app.routes:
        if isinstance(route, Route) and "POST" in (route.methods or ()) and route.path_regex.match(path):
            return route.path
    return None


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
    left = {u for u in todo if u not in seen and not urlsplit(u).path.startswith(NOT_PAGES)}
    assert not left, f"the crawl stopped at {limit} pages with {len(left)} links to go; raise the limit"
    return forms


def one_per_route(app, forms: dict[str, Form], me: User) -> dict[str, Form]:
    """One form for each route (the same template renders it for every record): the first the crawl
    found, unless it acts on the person themself (resetting one's own password on /users would
    log them out with a password they do not know) and another record's form exists."""
    chosen: dict[str, Form] = {}
    for action, form in forms.items():
        route = route_of(app, action) or action
        if route not in chosen or chosen[route].action.startswith(f"/users/{me.id}/"):
            chosen[route] = form
    return chosen


def _order(form: Form) -> tuple[int, int]:
    if form.action in SESSION_ENDING:
        return (2, SESSION_ENDING.index(form.action))
    if any(word in form.action for word in DESTRUCTIVE):
        return (1, -form.action.count("/"))  # a record's parts (rates, numbers) before the record
    return (0, 0)


async def send_each(app, client: httpx.AsyncClient, forms: dict[str, Form],
                    username: str) -> tuple[list[str], set[str]]:
    """Submit one form of each route as rendered; the problems found, and the routes that took
    the form (answered neither 5xx nor a refusal of who sent it or of its token)."""
    problems: list[str] = []
    reached: set[str] = set()
    queue = sorted(forms.values(), key=_order)
    relogged = False
    while queue:
        form = queue.pop(0)
        if relogged:  # logged in again: a person reloads the page for a form with the new token
            form = form_in(client, await client.get(form.page_url), action=form.action)
        tokens = [c.value for c in form.controls if c.name == "csrf_token"]
        if len(tokens) != 1 or not tokens[0]:
            problems.append(f"{form.action}: the page rendered {len(tokens)} CSRF fields, {tokens[:1]}")
            continue
        if form.action in CHOSEN_FILES:
            form.attach("file", *CHOSEN_FILES[form.action])
        r = await form.submit()
        where = r.headers.get("location", "") if r.is_redirect else ""
        if r.status_code >= 500:
            problems.append(f"{form.action}: {r.status_code}")
        elif r.status_code == 403 and EXPIRED in r.text:
            problems.append(f"{form.action}: the server refused the token its own page rendered")
        elif where.startswith("/login?") or r.status_code in (401, 403, 404, 405):
            # Not taken: the session was gone, the user may not send it, or its record was (the
            # order above deletes a record's parts first) — the route did not do its work.
            problems.append(f"{form.action}: refused ({r.status_code} {where or r.text[:200]})")
        else:
            reached.add(route_of(app, form.action) or form.action)
        next_form = route_of(app, where) if where.startswith("/") else None
        if where.split("?")[0] == "/login":
            assert (await login(client, username)).status_code == 303, f"{username} cannot log in after {form.action}"
            relogged = True
        elif next_form and next_form not in reached and all(route_of(app, f.action) != next_form for f in queue):
            # The form led to a page that is a form no link reaches (an upload to its mapping step):
            # a person fills that in next.
            queue.insert(0, form_in(client, await client.get(where), action=urlsplit(where).path))
        if (job := re.fullmatch(r"/imports/(\d+)", where)) and (task := running_task(int(job[1]))) is not None:
            await task  # an import the mapping form started ends before the test does
    return problems, reached


@pytest.fixture
async def furnished(app, people, world):
    """Something of every kind, so that every edit, delete and action form is on some page; made
    through the services the app makes them with."""
    actor = Actor.system("test")
    pool = await CallerIdPool.create(name="Main lines")
    await CallerIdNumber.create(pool=pool, number="+420212345678")
    await Disposition.create(name="Sale", code="sale")
    await DncEntry.create(phone="+420602999999", reason="asked")
    await save_pause_reason({"name": "Lunch", "productive": False, "active": True}, actor=actor)
    tariff = await save_tariff({**tariff_form_values(None), "name": "Domestic"}, actor=actor)
    await save_rate(tariff, {"prefix": "420", "destination": "Czechia", "price": "1.20"}, actor=actor)
    await save_account(world.team, mode="prepaid", currency="CZK", vat_pct="21", low_credit="100", actor=actor)
    for person in (people.admin, people.supervisor, people.agent):  # each has a token to revoke on My account
        await issue_token(person, scopes_for(person.role), name="my script")
    # The supervisor is logged in elsewhere too: the admin's "end this user's sessions" is offered.
    await open_session(people.supervisor, max_age_s=3600, ip="10.9.8.7", user_agent="another browser")
    leaver = await create_user("leaver", PASSWORD, Role.AGENT, actor=actor, team=world.team)
    await deactivate_user(leaver, actor=actor)
    # A delivery the IS refused to the last attempt: nothing listens on the discard port.
    endpoint = await WebhookEndpoint.create(name="IS", url="http://127.0.0.1:9/h", events=["call.ended"],
                                            max_attempts=1)
    worker = WebhookWorker()
    try:
        delivery = await worker.send(await queue_delivery(endpoint, envelope("call.ended", {"id": 1}, None)))
    finally:
        await worker.stop()
    assert delivery.status is DeliveryStatus.FAILED
    # A recorded call, stored as the fetcher stores it: its page has the legal-hold form.
    now = datetime.now(timezone.utc)
    call = await CallAttempt.create(campaign=world.other_campaign, phone="+420602123400", originated_at=now,
                                    answered_at=now, ended_at=now, outcome=CallOutcome.ANSWERED, talk_s=12,
                                    recording_name="rec-1")
    await store_recording(RecordingStore(app.state.settings.recordings_path), call, audio_bytes())
    return world


@pytest.mark.parametrize("username", ["admin", "super", "agent1"])
async def test_every_rendered_form_is_accepted_as_rendered(app, client, people, furnished, username) -> None:
    assert (await login(client, username)).status_code == 303  # the login form, as rendered
    me = await User.get(username=username)
    forms = one_per_route(app, await crawl(client), me)
    problems, reached = await send_each(app, client, forms, username)
    assert problems == []
    expected = {path for path, roles in post_routes(app).items() if me.role.value in roles}
    missed = expected - reached - {"/login"}  # login() above sent the login page's form as rendered
    assert not missed, f"{username}'s crawl submitted no form to {sorted(missed)}"
    if username == "admin":
        assert len(expected) == len(post_routes(app)) > 60  # an admin may use every form
