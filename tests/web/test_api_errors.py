"""Bad input to the API gets a 4xx with a JSON message, never a 500."""

from __future__ import annotations

import pytest

from webworld import login, panel_csrf


@pytest.fixture
async def session_headers(client, people) -> dict[str, str]:
    await login(client, "agent1")  # the agent panel is the page whose script asks for tokens
    return await panel_csrf(client)


@pytest.mark.parametrize("body,status,field", [
    (b"{not json", 400, None),
    (b"[1, 2]", 400, None),
    (b'{"scopes": "agent"}', 422, "scopes"),
    (b'{"scopes": []}', 422, "scopes"),
    (b'{"scopes": ["agent"], "hours": "soon"}', 422, "hours"),
    (b'{"scopes": ["agent"], "hours": 0}', 422, "hours"),
    (b'{"scopes": ["agent"], "name": 42}', 422, "name"),
])
async def test_bad_token_requests_get_json_errors(client, session_headers, body, status, field) -> None:
    r = await client.post("/api/v1/tokens", content=body,
                          headers={**session_headers, "content-type": "application/json"})
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/json") and r.json()["error"]
    assert r.json().get("field") == field


async def test_unknown_api_path_and_method_get_json(client, session_headers) -> None:
    r = await client.get("/api/v1/nothing-here")
    assert r.status_code == 404 and r.json()["error"]
    r = await client.put("/api/v1/me")
    assert r.status_code == 405 and r.json()["error"]


async def test_health_reports_the_database(client) -> None:
    r = await client.get("/health")
    assert r.status_code == 200 and r.json()["database"] is True


async def test_pages_carry_security_headers(client) -> None:
    r = await client.get("/login")
    assert r.headers["x-frame-options"] == "DENY"
    assert "script-src 'self'" in r.headers["content-security-policy"]
