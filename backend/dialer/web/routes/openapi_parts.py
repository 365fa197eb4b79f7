"""The pieces the OpenAPI document is written with: schema makers, the shared fields (ids, times,
phone numbers, regions, zones), the error responses, and `op()` for one operation.

`api_spec` (the information system's API) and `api_spec_agent` (the agent panel's and the
extension's API, tokens) write their operations with these, so both halves of the document
state a limit or an error the same way. No routes here.
"""

from __future__ import annotations

from typing import Any

import phonenumbers

from dialer.models.ids import MAX_ID

J = "application/json"


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def s(kind: str, **kw: Any) -> dict[str, Any]:
    return {"type": kind, **kw}


def nullable(kind: str, **kw: Any) -> dict[str, Any]:
    return {"type": kind, "nullable": True, **kw}


def obj(props: dict[str, Any], required: tuple[str, ...] = (), closed: bool = True) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        schema["required"] = list(required)
    if closed:
        schema["additionalProperties"] = False
    return schema


def text(n: int, **kw: Any) -> dict[str, Any]:
    return s("string", maxLength=n, **kw)


def page(item: str) -> dict[str, Any]:
    return obj({"items": s("array", items=ref(item)), "total": s("integer"), "limit": s("integer"),
                "offset": s("integer")}, ("items", "total", "limit", "offset"), closed=False)


TIME = nullable("string", format="date-time")
ID = s("integer", minimum=1, maximum=MAX_ID)
# Formats beyond JSON Schema's own: what the server checks, named so that a client (and the
# schemathesis run, which registers a generator for each) knows which strings are valid.
PHONE_FORMAT = "phone"  # a valid number in E.164 (+420601234567); national numbers need a region
ZONE_FORMAT = "time-zone"  # an IANA zone name that exists: Europe/Prague
REGIONS = sorted(phonenumbers.SUPPORTED_REGIONS)
REGION_DOC = "ISO 3166 country whose numbering plan reads a national number, e.g. CZ."


def phone(**kw: Any) -> dict[str, Any]:
    return s("string", format=PHONE_FORMAT, minLength=1, maxLength=40, **kw)


def region(**kw: Any) -> dict[str, Any]:
    return s("string", enum=REGIONS, description=REGION_DOC, **kw)


ERRORS = {"400": "The body is not a JSON object (or nests deeper than 32 levels).",
          "401": "No valid bearer token (or session).",
          "403": "The token lacks the scope, or the role may not do this.", "404": "Not found (or another team's).",
          "409": "Conflicts with the current state (a duplicate phone, a campaign in the wrong status, an agent "
                 "action the engine refuses now).",
          "413": "The upload is larger than the import limit.",
          "415": "Send the CSV as multipart/form-data (field `file`) or as a text/csv body.",
          "422": "A field is invalid; `field` names it.",
          "429": "Too many failed logins from here or for this user; `Retry-After` says when to try again.",
          "503": "The dialer engine does not run in this process (a web-only server)."}

BEARER = [{"bearer": []}]
SESSION = [{"session": []}]  # the browser's session cookie, with the X-CSRF-Token header on writes
SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer",
               "description": "An API token (`dlr_…`), made on My account; each operation names its scope."},
    "session": {"type": "apiKey", "in": "cookie", "name": "dialer_session",
                "description": "A logged-in browser; writes also send the page's CSRF token as X-CSRF-Token."},
}


def op(summary: str, scope: str | None, ok: tuple[str, str, str | None], *, params: list[dict] | None = None,
       body: str | None = None, body_required: bool = True, errors: str = "401 403 422", description: str = "",
       tag: str = "", security: list[dict[str, list]] | None = None) -> dict[str, Any]:
    """One operation: its answer on success (code, what, schema name), the error codes it can
    give (each with the Error schema), and who may call it (`scope` for tokens)."""
    code, what, schema = ok
    responses: dict[str, Any] = {code: {"description": what}}
    if schema:
        responses[code]["content"] = {J: {"schema": ref(schema)}}
    for c in errors.split():
        responses[c] = {"description": ERRORS[c], "content": {J: {"schema": ref("Error")}}}
    who = f"Scope: `{scope}`." if scope else ""
    operation: dict[str, Any] = {"summary": summary, "tags": [tag], "responses": responses,
                                 "description": f"{description}\n\n{who}".strip(),
                                 "security": BEARER if security is None else security}
    if params:
        operation["parameters"] = params
    if body:
        operation["requestBody"] = {"required": body_required, "content": {J: {"schema": ref(body)}}}
    return operation


def path_param(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": ID}


def q(name: str, schema: dict[str, Any], description: str = "", required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}
