"""The API's description: the OpenAPI schema at /api/openapi.json and a readable page at /api/docs,
rendered on the server from that same schema (no CDN, no script)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from dialer.web.auth import current_principal
from dialer.web.routes.admin_crud import render
from dialer.web.routes.api_spec import openapi

METHODS = ("get", "post", "patch", "put", "delete")
SCHEMAS: dict[str, Any] = openapi()["components"]["schemas"]  # both halves of the document


def _resolve(schema: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return name, SCHEMAS[name]
    return "", schema


def type_text(schema: dict[str, Any]) -> str:
    """A schema in a few words: `string (≤ 200)`, `integer 1–1000 or null`, `array of Contact`."""
    name, schema = _resolve(schema)
    if name:
        return name
    if "allOf" in schema:
        return " + ".join(type_text(part) for part in schema["allOf"])
    kind = schema.get("type", "any")
    if kind == "array":
        text = f"array of {type_text(schema.get('items', {}))}"
    elif "enum" in schema:
        text = " | ".join(str(v) for v in schema["enum"] if v is not None)
    else:
        text = kind + (f" ({schema['format']})" if "format" in schema else "")
        if "minimum" in schema or "maximum" in schema:
            text += f" {schema.get('minimum', '')}–{schema.get('maximum', '')}"
        if "maxLength" in schema:
            text += f" (≤ {schema['maxLength']})"
    return text + (" or null" if schema.get("nullable") else "")


def fields_of(schema: dict[str, Any]) -> list[dict[str, Any]]:
    _, schema = _resolve(schema)
    required = set(schema.get("required", []))
    return [{"name": n, "type": type_text(p), "required": n in required, "description": p.get("description", "")}
            for n, p in schema.get("properties", {}).items()]


def operations(spec: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Operations grouped by tag, each with its parameters, body fields and responses as rows."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            o = item[method]
            body = o.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            grouped.setdefault((o.get("tags") or ["Other"])[0], []).append({
                "method": method.upper(), "path": path, "summary": o.get("summary", ""),
                "description": o.get("description", ""), "anchor": f"{method}-{path}".replace("/", "-").strip("-"),
                "params": [{"name": p["name"], "in": p["in"], "type": type_text(p["schema"]),
                            "required": p.get("required", False), "description": p.get("description", "")}
                           for p in o.get("parameters", [])],
                "body": type_text(body) if body else "", "body_fields": fields_of(body) if body else [],
                "responses": [{"code": code, "description": r["description"],
                               "type": _response_type(r)}
                              for code, r in o["responses"].items()],
            })
    return grouped


def _response_type(response: dict[str, Any]) -> str:
    """JSON responses by their schema; files (CSV, XLSX) by their media types."""
    content = response.get("content", {})
    if "application/json" in content:
        return type_text(content["application/json"]["schema"])
    return " or ".join(content)


async def schema_json(request: Request) -> Response:
    return JSONResponse(openapi())


async def docs(request: Request) -> Response:
    await current_principal(request)  # the menu shows when a logged-in user reads the docs
    spec = openapi()
    models = {name: fields_of({"$ref": f"#/components/schemas/{name}"}) for name in SCHEMAS
              if SCHEMAS[name].get("properties")}
    return render(request, "api/docs.html", spec=spec, groups=operations(spec), models=models)


routes = [
    Route("/api/openapi.json", schema_json, methods=["GET"]),
    Route("/api/docs", docs, methods=["GET"]),
]
