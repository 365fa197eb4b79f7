"""Who may do what, route kind by route kind: bearer tokens act on /api/v1 only and within their
scopes; pages and forms take the session cookie (with CSRF) only; no token creates users or tokens.

The matrix is checked over every route the app has, so a new route cannot slip past it.
"""

from __future__ import annotations

import re

import pytest
from starlette.routing import Route

from admin_fixtures import *  # noqa: F401,F403
from forms import form_on
from webworld import login
from dialer.accounts.tokens import ALL_SCOPES, issue_token
from dialer.models import ApiToken, User


# The routes that take no credentials at all, each for its reason. Any other route-method must
# state its access rule (guard()'s `access`, or resource()'s `access_by_method` where a path's
# methods differ), or the matrix fails naming it: a new route cannot slip past unchecked.
PUBLIC = {
    ("GET", "/login"): "the log-in page",
    ("POST", "/login"): "logging in",
    ("GET", "/logout"): "answers that logging out is a POST",
    ("POST", "/logout"): "ends whatever session the cookie names",
    ("GET", "/health"): "a load balancer's probe",
    ("GET", "/api/v1/health"): "a load balancer's probe",
    ("GET", "/api/openapi.json"): "the API's description",
    ("GET", "/api/docs"): "the page that shows it",
    ("POST", "/api/v1/agent/token"): "the extension's log-in: a username and password for a token",
    ("GET", "/recordings/link/{call_id:id}"): "a signed link: the signature is the permission",
}


def route_methods(app) -> tuple[list[tuple[str, str, dict]], list[str]]:
    """(method, path with ids filled, access rule) of every guarded route-method, and the
    route-methods neither guarded in a way the matrix can read nor known to be public."""
    guarded, unread = [], []
    for route in app.routes:
        if not isinstance(route, Route):
            if route.path.startswith("/api/"):  # a Mount would hide its routes from the matrix
                unread.append(f"{type(route).__name__} {route.path}")
            continue
        by_method = getattr(route.endpoint, "access_by_method", {})
        shared = getattr(route.endpoint, "access", None)
        path = re.sub(r"\{[^}]+\}", "1", route.path)
        for method in sorted(route.methods - {"HEAD"}, key=lambda m: (m == "DELETE", m)):  # delete last
            access = by_method.get(method, shared)
            if access is not None:
                guarded.append((method, path, access))
            elif (method, route.path) not in PUBLIC:
                unread.append(f"{method} {route.path}")
    return guarded, unread


def guarded_routes(app) -> list[tuple[str, str, dict]]:
    """(method, path with ids filled, access rule) of every guarded route-method; fails on any
    route-method whose rule it cannot read."""
    guarded, unread = route_methods(app)
    assert unread == [], f"route-methods whose access the matrix cannot read (guard them, or name them in PUBLIC): " \
                         f"{unread}"
    return guarded


def test_every_route_states_who_may_use_it(app) -> None:
    guarded = guarded_routes(app)
    routes = {(m, r.path) for r in app.routes if isinstance(r, Route) for m in r.methods - {"HEAD"}}
    assert set(PUBLIC) <= routes, f"PUBLIC names routes the app no longer has: {sorted(set(PUBLIC) - routes)}"
    assert len(guarded) + len(PUBLIC) == len(routes)
    # The routes whose methods differ in scope (read vs write) are in the matrix method by method.
    rules = {(m, p): a["scopes"] for m, p, a in guarded}
    assert rules[("GET", "/api/v1/contacts/1")] == rules[("GET", "/api/v1/dnc")] == ["contacts:read"]
    for method in ("PATCH", "DELETE"):
        assert rules[(method, "/api/v1/contacts/1")] == ["contacts:write"]
    for method in ("POST", "DELETE"):
        assert rules[(method, "/api/v1/dnc")] == ["contacts:write"]


async def test_a_token_of_every_scope_opens_no_page_and_sends_no_form(app, client, people, world) -> None:
    everything = {"Authorization": f"Bearer {(await issue_token(people.admin, sorted(ALL_SCOPES))).secret}"}
    pages = [(m, p) for m, p, _ in guarded_routes(app) if not p.startswith("/api/")]
    assert len(pages) > 40  # the pages and forms of every area
    users_before, tokens_before = await User.all().count(), await ApiToken.all().count()
    for method, path in pages:
        r = await client.request(method, path, headers=everything, data={"username": "intruder", "role": "admin",
                                                                         "password": "abcdefgh12"})
        assert r.status_code == 401, f"{method} {path} with a bearer token: {r.status_code}"
        assert "only" in r.text and "/api/v1" in r.text
    assert await User.all().count() == users_before
    assert await ApiToken.all().count() == tokens_before


async def test_api_routes_take_a_token_only_within_their_scope(app, client, people, world) -> None:
    api = [(m, p, a) for m, p, a in guarded_routes(app) if p.startswith("/api/")]
    assert len(api) > 20
    for method, path, access in api:
        scopes = set(access["scopes"])
        # A user the route serves: the panel's calls are an agent's (an admin has no agent profile).
        user = people.agent if scopes == {"agent"} else people.admin
        assert user.role.value in access["roles"], (method, path, access)
        # A token holding every scope but the route's own.
        token = (await issue_token(user, sorted(ALL_SCOPES - scopes))).secret
        r = await client.request(method, path, headers={"Authorization": f"Bearer {token}"})
        if access["tokens"] and not scopes:  # who am I: any token
            assert r.status_code == 200, (method, path)
            continue
        assert r.status_code == 403, f"{method} {path} with a token lacking {scopes}: {r.status_code}"
        assert r.headers["content-type"].startswith("application/json")
        if not scopes:
            assert "needs a logged-in session" in r.json()["error"]
            continue
        for scope in sorted(scopes):  # a token holding the route's scope (any one, where it names several)
            token = (await issue_token(user, [scope])).secret
            r = await client.request(method, path, headers={"Authorization": f"Bearer {token}"})
            assert r.status_code not in (401, 403), f"{method} {path} with a {scope!r} token: {r.status_code} {r.text}"


@pytest.mark.parametrize("scopes", [["stats:read"], sorted(ALL_SCOPES)])
async def test_no_token_creates_users_or_tokens(client, people, scopes) -> None:
    token = {"Authorization": f"Bearer {(await issue_token(people.admin, scopes)).secret}"}
    tokens_before = await ApiToken.all().count()
    r = await client.post("/users", headers=token, data={"username": "boss2", "role": "admin", "password": "x" * 12})
    assert r.status_code == 401
    r = await client.post("/account/tokens", headers=token, data={"scopes": "contacts:write", "days": "90"})
    assert r.status_code == 401
    r = await client.post("/api/v1/tokens", headers=token, json={"scopes": ["contacts:write"]})
    assert r.status_code == 403
    assert not await User.filter(username="boss2").exists()
    assert await ApiToken.all().count() == tokens_before


async def test_a_scoped_token_reads_what_its_scope_allows(client, people, world) -> None:
    token = {"Authorization": f"Bearer {(await issue_token(people.supervisor, ['stats:read'])).secret}"}
    r = await client.get("/api/v1/reports/export", params={"report": "campaigns", "format": "csv"}, headers=token)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert (await client.get("/api/v1/calls", headers=token)).status_code == 403
    assert (await client.get("/reports/export", params={"report": "campaigns"}, headers=token)).status_code == 401


async def test_a_session_writes_with_the_csrf_token_of_its_pages_only(client, people) -> None:
    await login(client, "agent1")
    panel = await client.get("/agent")
    csrf = re.search(r'data-csrf="([^"]+)"', panel.text).group(1)  # what the panel's script sends
    r = await client.post("/api/v1/tokens", json={"scopes": ["agent"], "hours": 8})
    assert r.status_code == 403  # no header: a cross-site page could have sent it
    r = await client.post("/api/v1/tokens", json={"scopes": ["agent"], "hours": 8}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201
    form = await form_on(client, "/account", action="/account/tokens")
    form.fill(scopes=["agent"], name="for my script")
    assert (await form.submit()).status_code == 200
    form = await form_on(client, "/account", action="/account/tokens")
    form.controls = [c for c in form.controls if c.name != "csrf_token"]  # a forged form
    assert (await form.fill(scopes=["agent"]).submit()).status_code == 403
