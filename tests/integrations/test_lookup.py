"""The caller look-up hook: URL template, short timeout, TTL cache, failures not cached."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web

from dialer.accounts.users import Actor
from dialer.campaigns.saving import SaveError
from dialer.integrations.lookup import CallerLookup, lookup_url, save_lookup_settings


@pytest.fixture
async def crm(aiohttp_server):
    calls: list[str] = []

    async def handle(request: web.Request) -> web.Response:
        phone = request.query["phone"]
        calls.append(phone)
        if phone.endswith("9"):
            await asyncio.sleep(1)  # slower than the timeout
        if phone.endswith("0"):
            return web.Response(status=404)
        return web.json_response({"name": "Jana Nováková", "external_id": "CRM-7"})

    app = web.Application()
    app.router.add_get("/who", handle)
    server = await aiohttp_server(app, host="127.0.0.1")
    return server, calls


def _settings(server, **extra):
    return {"enabled": True, "url_template": str(server.make_url("/who")) + "?phone={phone}", "headers": {},
            "timeout_s": 0.3, "cache_ttl_s": 60, **extra}


async def test_answers_are_cached_and_failures_are_not(crm) -> None:
    server, calls = crm
    lookup = CallerLookup()
    try:
        settings = _settings(server)
        assert (await lookup("+420602123456", settings))["external_id"] == "CRM-7"
        assert (await lookup("+420602123456", settings))["name"] == "Jana Nováková"
        assert calls == ["+420602123456"]
        assert await lookup("+420602123450", settings) is None  # 404: unknown, cached
        assert await lookup("+420602123450", settings) is None
        assert calls.count("+420602123450") == 1
        started = asyncio.get_running_loop().time()
        assert await lookup("+420602123459", settings) is None  # timed out
        assert asyncio.get_running_loop().time() - started < 0.9
        assert await lookup("+420602123459", settings) is None
        assert calls.count("+420602123459") == 2  # a failure is asked again
        assert await lookup("+420602123456", {**settings, "enabled": False}) is None
    finally:
        await lookup.close()


def test_url_template_placeholders() -> None:
    url = lookup_url("https://is/x?p={phone}&d={digits}&n={national}", "+420602123456")
    assert url == "https://is/x?p=%2B420602123456&d=420602123456&n=602123456"


@pytest.mark.parametrize("template,timeout", [("https://is/x?p={who}", "1"), ("is/x?p={phone}", "1"),
                                              ("https://is/x?p={phone", "1"), ("https://is/x?p={phone}", "5")])
async def test_settings_validation(sqlite_db, template, timeout) -> None:
    with pytest.raises(SaveError):
        await save_lookup_settings({"enabled": True, "url_template": template, "headers": "{}",
                                    "timeout_s": timeout, "cache_ttl_s": "60"}, actor=Actor.system("t"))
