"""Logging in and out of the web pages."""

from __future__ import annotations

from forms import form_on
from webworld import PASSWORD, login


async def test_good_login_opens_the_dashboard(client, people) -> None:
    r = await login(client, "admin")
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    home = await client.get("/")
    assert home.status_code == 200 and "Campaigns" in home.text and "admin" in home.text


async def test_bad_password_is_refused_without_saying_which_part_was_wrong(client, people) -> None:
    r = await login(client, "admin", "wrong-password")
    assert r.status_code == 401 and "Wrong user name or password" in r.text
    r = await login(client, "nobody", "wrong-password")
    assert r.status_code == 401 and "Wrong user name or password" in r.text
    assert (await client.get("/")).status_code == 303


async def test_deactivated_user_cannot_log_in(client, people) -> None:
    people.agent.active = False
    await people.agent.save()
    assert (await login(client, "agent1")).status_code == 401


async def test_login_is_throttled_after_repeated_failures(client, people) -> None:
    for _ in range(5):
        assert (await login(client, "admin", "guess")).status_code == 401
    r = await login(client, "admin")  # even the right password waits now
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    assert "Too many failed logins" in r.text


async def test_forged_form_without_the_csrf_token_is_rejected(client, people) -> None:
    await login(client, "admin")
    r = await client.post("/users", data={"username": "mallory", "role": "admin", "password": "x" * 12,
                                          "csrf_token": "forged"})
    assert r.status_code == 403
    r = await client.post("/users", data={"username": "mallory", "role": "admin", "password": "x" * 12})
    assert r.status_code == 403
    page = await client.get("/users")
    assert "mallory" not in page.text


async def test_login_form_itself_needs_its_csrf_token(client, people) -> None:
    await client.get("/login")
    r = await client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": "nope"})
    assert r.status_code == 403


async def test_logout_ends_the_session_and_is_post_only(client, people) -> None:
    await login(client, "admin")
    assert (await client.get("/logout")).status_code == 405
    r = await (await form_on(client, "/", action="/logout")).submit()  # the menu's button
    assert r.status_code == 303
    assert (await client.get("/")).status_code == 303


async def test_next_only_redirects_within_the_site(client, people) -> None:
    # A phishing link to the login page carries its own next=; the page renders it, the user logs in.
    form = await form_on(client, "/login?next=//evil.example/x", action="/login")
    assert form.value("next") == "//evil.example/x"
    r = await form.fill(username="admin", password=PASSWORD).submit()
    assert r.headers["location"] == "/"
