"""Role and scope checks: each wrong role is denied, pages and API alike."""

from __future__ import annotations

import pytest

from forms import form_in, form_on
from webworld import login, panel_csrf
from dialer.accounts.tokens import issue_token


@pytest.mark.parametrize("username", ["super", "agent1"])
async def test_user_admin_pages_deny_each_non_admin_role(client, people, username, app) -> None:
    # An admin's page, left open in a browser that then logs in as someone else: its forms are
    # real and carry that browser's token, and the role check still refuses them.
    await login(client, "admin")
    create = await form_on(client, "/users", action="/users")
    deactivate = await form_on(client, "/users", action=f"/users/{people.agent.id}/deactivate")
    await (await form_on(client, "/", action="/logout")).submit()
    await login(client, username)
    assert (await client.get("/users")).status_code == 403
    r = await create.fill(username="x1", role="admin", password="abcdefgh12").submit()
    assert r.status_code == 403
    assert (await deactivate.submit()).status_code == 403


async def test_admin_creates_a_user_with_a_generated_password(client, people) -> None:
    await login(client, "admin")
    form = await form_on(client, "/users", action="/users")
    r = await form.fill(username="newbie", role="agent", team="Night shift", extension="PJSIP/1009",
                        password="").submit()
    assert r.status_code == 200 and "Created newbie" in r.text and "Their password is" in r.text


async def test_user_form_errors_show_next_to_the_field(client, people) -> None:
    await login(client, "admin")
    form = await form_on(client, "/users", action="/users")
    r = await form.fill(username="agent1", role="agent", password="abcdefgh12").submit()
    assert r.status_code == 400 and "is taken" in r.text
    r = await form_in(client, r, action="/users").fill(username="ok-name", password="short").submit()
    assert r.status_code == 400 and "at least 8" in r.text


async def test_anonymous_page_goes_to_login_and_api_gets_401_json(client, people) -> None:
    r = await client.get("/users")
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=%2Fusers")
    r = await client.get("/api/v1/me")
    assert r.status_code == 401 and r.json()["error"].startswith("Authentication required")


async def test_bearer_token_authenticates_the_api(client, people) -> None:
    issued = await issue_token(people.supervisor, ["calls:read"])
    r = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {issued.secret}"})
    assert r.status_code == 200 and r.json()["username"] == "super" and r.json()["auth"] == "token"
    r = await client.get("/api/v1/me", headers={"Authorization": "Bearer dlr_x_wrong"})
    assert r.status_code == 401 and "Invalid bearer token" in r.json()["error"]


async def test_a_token_cannot_mint_tokens_or_exceed_its_role(client, people) -> None:
    issued = await issue_token(people.admin, ["calls:read"])
    r = await client.post("/api/v1/tokens", json={"scopes": ["calls:read"]},
                          headers={"Authorization": f"Bearer {issued.secret}"})
    assert r.status_code == 403
    await login(client, "agent1")
    headers = await panel_csrf(client)
    r = await client.post("/api/v1/tokens", json={"scopes": ["contacts:write"]}, headers=headers)
    assert r.status_code == 403 and r.json()["field"] == "scopes"
    r = await client.post("/api/v1/tokens", json={"scopes": ["agent"], "hours": 8}, headers=headers)
    assert r.status_code == 201 and r.json()["token"].startswith("dlr_")
    token = r.json()
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token['token']}"})
    assert me.json()["scopes"] == ["agent"]
    assert (await client.delete(f"/api/v1/tokens/{token['id']}", headers=headers)).status_code == 204
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token['token']}"})
    assert me.status_code == 401


async def test_session_api_writes_need_the_csrf_header(client, people) -> None:
    await login(client, "agent1")
    r = await client.post("/api/v1/tokens", json={"scopes": ["agent"]})
    assert r.status_code == 403 and r.json()["status"] == 403
