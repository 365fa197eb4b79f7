"""Sessions live on the server: logout, "log out everywhere", a password change, deactivation and
an admin's "end this user's sessions" end them at once, whatever copy of the cookie exists;
login throttling holds across app instances on one database."""

from __future__ import annotations

import httpx

from admin_fixtures import *  # noqa: F401,F403
from forms import form_on
from webworld import PASSWORD, login
from dialer.config import Settings
from dialer.models import WebSession
from dialer.web.app import create_app


def browser(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=("10.1.2.4", 50001)),
                             base_url="http://testserver")


def copy_of_cookies(client: httpx.AsyncClient, app) -> httpx.AsyncClient:
    """Another browser holding a stolen copy of this one's cookie."""
    thief = browser(app)
    thief.cookies = httpx.Cookies(client.cookies)
    return thief


async def logged_in(client: httpx.AsyncClient, path: str = "/account") -> bool:
    r = await client.get(path)
    return r.status_code == 200


async def log_out(client: httpx.AsyncClient) -> httpx.Response:
    return await (await form_on(client, "/account", action="/logout")).submit()


async def test_logout_ends_the_session_for_every_copy_of_the_cookie(app, client, people) -> None:
    await login(client, "agent1")
    async with copy_of_cookies(client, app) as thief:
        assert await logged_in(thief)
        assert (await log_out(client)).headers["location"] == "/login"
        assert not await logged_in(thief)
        assert (await thief.get("/account")).headers["location"].startswith("/login")
    row = await WebSession.get(user=people.agent)
    assert row.ended_at is not None and row.end_reason == "logout"


async def test_log_out_everywhere_ends_every_browser_of_the_user(app, client, people) -> None:
    async with browser(app) as laptop, browser(app) as other_user:
        await login(laptop, "agent1")
        await login(client, "agent1")
        await login(other_user, "super")
        page = await client.get("/account")
        assert page.text.count("<tr><td>") == 2 and "this browser" in page.text
        r = await (await form_on(client, "/account", action="/account/sessions/end")).submit()
        assert r.headers["location"] == "/login"
        assert not await logged_in(laptop) and not await logged_in(client)
        assert await logged_in(other_user)


async def test_a_password_change_ends_the_other_sessions_but_not_this_one(app, client, people) -> None:
    async with browser(app) as laptop:
        await login(laptop, "agent1")
        await login(client, "agent1")
        form = await form_on(client, "/account", action="/account/password")
        r = await form.fill(current=PASSWORD, new="a-new-password-2", again="a-new-password-2").submit()
        assert r.status_code == 200 and "Password changed" in r.text
        assert await logged_in(client)
        assert not await logged_in(laptop)


async def test_deactivation_and_an_admins_end_sessions_take_effect_at_once(app, client, people) -> None:
    async with browser(app) as agent, browser(app) as supervisor:
        await login(agent, "agent1")
        await login(supervisor, "super")
        await login(client, "admin")
        page = await client.get(f"/users/{people.agent.id}/edit")
        assert "logged in in 1 browser" in page.text
        r = await (await form_on(client, f"/users/{people.agent.id}/edit",
                                 action=f"/users/{people.agent.id}/sessions/end")).submit()
        assert r.status_code == 303
        assert "Ended 1 session of agent1" in (await client.get(r.headers["location"])).text
        assert not await logged_in(agent)
        r = await (await form_on(client, "/users", action=f"/users/{people.supervisor.id}/deactivate")).submit()
        assert r.status_code == 303
        assert not await logged_in(supervisor)
        assert await logged_in(client)


async def test_the_live_sockets_refuse_an_ended_session(people) -> None:
    """The panel's and the wallboard's websockets ask `session_user`, as pages ask the guard."""
    from starlette.requests import HTTPConnection

    from dialer.accounts.sessions import end_user_sessions, open_session
    from dialer.web.auth import session_user

    opened = await open_session(people.agent, max_age_s=3600)
    socket = HTTPConnection({"type": "websocket", "path": "/ws", "headers": [], "session": {"sid": opened.key}})
    assert (await session_user(socket)).id == people.agent.id
    assert opened.session.key_hash != opened.key  # stored hashed, never in clear
    await end_user_sessions(people.agent, "ended by an admin")
    assert await session_user(socket) is None


async def test_login_throttling_holds_across_a_restart_and_another_process(sqlite_db, tmp_path, people) -> None:
    settings = Settings(data_dir=tmp_path, db_url=sqlite_db, secret_key="test-secret", login_max_failures=3)
    first, second = create_app(settings, manage_db=False), create_app(settings, manage_db=False)
    async with browser(first) as a, browser(second) as b:
        for _ in range(2):
            assert (await login(a, "agent1", "wrong-password")).status_code == 401
        assert (await login(b, "agent1", "wrong-password")).status_code == 401
        r = await login(b, "agent1")  # the right password, but the name is locked now
        assert r.status_code == 429 and "Too many failed logins" in r.text
    restarted = create_app(settings, manage_db=False)
    async with browser(restarted) as c:
        assert (await login(c, "agent1")).status_code == 429
