"""The served OpenAPI schema matches the routes, and the docs page renders it."""

from __future__ import annotations

import re

from starlette.routing import Route

from admin_fixtures import *  # noqa: F401,F403
from dialer.web.routes.api_spec import openapi


def _api_routes(app) -> set[tuple[str, str]]:
    found = set()
    for route in app.routes:
        if isinstance(route, Route) and route.path.startswith("/api/v1/"):
            path = re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)
            for method in route.methods or ():
                if method != "HEAD":
                    found.add((method.lower(), path))
    return found


async def test_every_documented_operation_exists_and_every_api_route_is_documented(client, app) -> None:
    spec = (await client.get("/api/openapi.json")).json()
    documented = {(m, p) for p, item in spec["paths"].items() for m in item}
    routes = _api_routes(app)
    assert documented <= routes, documented - routes
    # All of /api/v1: the IS's API, the agent panel's and the extension's, tokens (issue 18).
    assert routes - documented == set()
    assert spec["openapi"].startswith("3.")


def test_every_operation_documents_who_may_call_it_and_its_errors() -> None:
    spec = openapi()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            assert "security" in operation, (method, path)
            codes = set(operation["responses"])
            assert any(c.startswith("2") for c in codes), (method, path)
            if operation["security"]:
                assert "401" in codes, (method, path)
            if "parameters" in operation or "requestBody" in operation:
                assert codes & {"404", "422"}, (method, path)  # what it is sent can be refused


async def test_docs_page_lists_every_operation(client) -> None:
    r = await client.get("/api/docs")
    assert r.status_code == 200
    spec = (await client.get("/api/openapi.json")).json()
    for path in spec["paths"]:
        assert f"<code>{path}</code>" in r.text
    assert "<script" not in r.text.split("</main>")[0].split("<main")[1]
