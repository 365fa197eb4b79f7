"""The OpenAPI 3 description of /api/v1 for the customer's IS, written by hand next to the routes.

`tests/web/test_api_schema.py` checks it against the routes (every documented operation exists,
every API route is documented) and schemathesis runs it against the served app.
"""

from __future__ import annotations

from typing import Any

from dialer import __version__
from dialer.models.enums import CallDirection, CallOutcome, CampaignMode, CampaignStatus, ContactStatus

MAX_ID = 2**31 - 1
J = "application/json"


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def s(kind: str, **kw: Any) -> dict[str, Any]:
    return {"type": kind, **kw}


def nullable(kind: str, **kw: Any) -> dict[str, Any]:
    return {"type": kind, "nullable": True, **kw}


TIME = nullable("string", format="date-time")
ID = s("integer", minimum=1, maximum=MAX_ID)
TEXT = lambda n: s("string", maxLength=n)  # noqa: E731 - a one-line schema maker


def obj(props: dict[str, Any], required: tuple[str, ...] = (), closed: bool = True) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        schema["required"] = list(required)
    if closed:
        schema["additionalProperties"] = False
    return schema


def page(item: str) -> dict[str, Any]:
    return obj({"items": s("array", items=ref(item)), "total": s("integer"), "limit": s("integer"),
                "offset": s("integer")}, ("items", "total", "limit", "offset"), closed=False)


# Optional fields accept null as "empty" (what a missing field means too).
REGION = nullable("string", pattern="^[A-Za-z]{2}$", description="ISO 3166 country for national numbers, e.g. CZ.")
CONTACT_IN = {
    "phone": s("string", minLength=1, maxLength=40, description="As people write it; national numbers need a region.",
               example="+420601234565"),
    "region": REGION,
    "alt_phones": nullable("array", items=TEXT(40), maxItems=100),
    "name": nullable("string", maxLength=200), "external_id": nullable("string", maxLength=128),
    "custom_fields": nullable("object", description="Shown on the agent's card."),
    "timezone": nullable("string", maxLength=64, description="IANA name; empty: derived from the number."),
    "caller_id": nullable("string", maxLength=32),
    "max_attempts": nullable("integer", minimum=1, maximum=1000),
}
CONTACT_PATCH = {**CONTACT_IN, "phone": s("string", minLength=1, maxLength=40),
                 "status": nullable("string", enum=[c.value for c in ContactStatus if c is not ContactStatus.LEASED]
                                    + [None]),
                 "caller_id_pool": nullable("integer", minimum=1, maximum=MAX_ID),
                 "dial_profile": nullable("integer", minimum=1, maximum=MAX_ID)}

SCHEMAS: dict[str, Any] = {
    "Error": obj({"error": s("string"), "status": s("integer"), "field": s("string"),
                  "errors": s("object", additionalProperties=s("string")), "contact_id": s("integer")},
                 ("error", "status"), closed=False),
    "ContactIn": obj(CONTACT_IN, ("phone",)),
    "ContactPatch": obj(CONTACT_PATCH),
    "Contact": obj({"id": s("integer"), "list_id": s("integer"), "phone": s("string"),
                    "alt_phones": s("array", items=s("string")), "name": s("string"),
                    "external_id": nullable("string"), "custom_fields": s("object"), "timezone": s("string"),
                    "caller_id": s("string"), "status": s("string", enum=[c.value for c in ContactStatus]),
                    "attempts": s("integer"), "max_attempts": nullable("integer"), "next_attempt_at": TIME,
                    "last_attempt_at": TIME, "last_outcome": s("string"), "created_at": TIME, "updated_at": TIME},
                   ("id", "list_id", "phone", "status"), closed=False),
    "ContactPage": page("Contact"),
    "Batch": obj({"region": REGION,
                  "contacts": s("array", items=ref("ContactIn"), minItems=1, maxItems=1000)}, ("contacts",)),
    "BatchResult": obj({"created": s("integer"), "rejected": s("integer"), "ids": s("array", items=s("integer")),
                        "errors": s("array", items=obj({"index": s("integer"), "field": s("string"),
                                                        "error": s("string"), "contact_id": s("integer")},
                                                       ("index", "field", "error"), closed=False))},
                       ("created", "rejected", "ids", "errors"), closed=False),
    "ContactList": obj({"id": s("integer"), "name": s("string"), "category": s("string"),
                        "team_id": nullable("integer")}, ("id", "name"), closed=False),
    "ContactListPage": page("ContactList"),
    "DncIn": obj({"phone": s("string", minLength=1, maxLength=40), "region": REGION,
                  "campaign_id": nullable("integer", minimum=1, maximum=MAX_ID,
                                          description="Only this campaign; null: everywhere."),
                  "reason": TEXT(200), "expires_at": TIME}, ("phone",)),
    "DncEntry": obj({"id": s("integer"), "phone": s("string"), "campaign_id": nullable("integer"),
                     "reason": s("string"), "added_at": TIME, "expires_at": TIME}, ("id", "phone"), closed=False),
    "DncEntries": obj({"items": s("array", items=ref("DncEntry"))}, ("items",), closed=False),
    "DncRemoved": obj({"removed": ref("DncEntry"), "contacts_restored": s("integer")}, ("removed",), closed=False),
    "Call": obj({"id": s("integer"), "campaign_id": nullable("integer"), "contact_id": nullable("integer"),
                 "external_id": nullable("string"), "direction": s("string", enum=[d.value for d in CallDirection]),
                 "phone": s("string"), "caller_id": s("string"), "agent": nullable("string"),
                 "originated_at": TIME, "ringing_at": TIME, "answered_at": TIME, "bridged_at": TIME, "ended_at": TIME,
                 "outcome": nullable("string", enum=[o.value for o in CallOutcome] + [None]),
                 "hangup_cause": nullable("integer"),
                 "disposition": nullable("object", properties={"code": s("string"), "name": s("string")}),
                 "notes": s("string"), "callback_at": TIME, "wait_s": nullable("number"),
                 "talk_s": nullable("number"), "wrap_up_s": nullable("number"), "recorded": s("boolean")},
                ("id", "phone", "originated_at", "outcome"), closed=False),
    "CallPage": page("Call"),
    "Campaign": obj({"id": s("integer"), "name": s("string"), "mode": s("string", enum=[m.value for m in CampaignMode]),
                     "status": s("string", enum=[c.value for c in CampaignStatus]), "archived": s("boolean"),
                     "team_id": nullable("integer"), "started_at": TIME}, ("id", "name", "mode", "status"),
                    closed=False),
    "CampaignPage": page("Campaign"),
    "CampaignStatus": obj({
        "id": s("integer"), "name": s("string"), "mode": s("string"), "status": s("string"),
        "archived": s("boolean"), "team_id": nullable("integer"), "started_at": TIME,
        "contacts": s("object", additionalProperties=s("integer"), description="Contacts by status."),
        "attempts_today": s("object", additionalProperties=s("integer"),
                            description="Attempts since local midnight, by outcome (in_progress: no outcome yet)."),
        "diagnosis": obj({"dialing": s("boolean"),
                          "reasons": s("array", items=obj({"code": s("string"), "message": s("string"),
                                                           "until": TIME}, ("code", "message"), closed=False))},
                         ("dialing", "reasons"), closed=False),
        "at": s("string", format="date-time")}, ("id", "status", "contacts", "attempts_today", "diagnosis"),
        closed=False),
    "ClearIn": obj({"mode": s("string", enum=["pending", "attempts"],
                              description="pending: every contact starts over; attempts: counters reset.")},
                   ("mode",)),
    "ControlResult": {"allOf": [ref("Campaign"), obj({"event": s("object")}, ("event",), closed=False)]},
    "ImportJob": obj({
        "id": s("integer"), "list_id": s("integer"), "filename": s("string"), "source": s("string"),
        "status": s("string", enum=["pending", "running", "done", "failed", "cancelled"]),
        "finished": s("boolean"), "percent": s("number"), "rows": s("integer"), "rows_per_s": s("integer"),
        "imported": s("integer"), "duplicates": s("integer"), "invalid": s("integer"), "dnc": s("integer"),
        "encoding": s("string"), "delimiter": s("string"), "mapping": s("object"),
        "errors": s("array", items=obj({"line": s("integer"), "reason": s("string")}, closed=False)),
        "has_errors_file": s("boolean"),
        "duplicate_rows": s("array", description="The first 100 duplicates skipped, with their lines.",
                            items=obj({"line": s("integer"), "phone": s("string"), "reason": s("string")})),
        "has_duplicates_file": s("boolean"), "message": s("string"), "created_at": TIME, "started_at": TIME,
        "finished_at": TIME, "status_url": s("string")}, ("id", "status", "imported", "duplicates", "invalid")),
    "Health": obj({"status": s("string"), "version": s("string"), "database": s("boolean"), "db_ms": s("number")},
                  ("status", "database"), closed=False),
}

ERRORS = {"400": "The body is not a JSON object.", "401": "No valid bearer token.",
          "403": "The token lacks the scope, or the role may not do this.", "404": "Not found (or another team's).",
          "409": "Conflicts with the current state (a duplicate phone, a campaign in the wrong status).",
          "413": "The upload is larger than the import limit.",
          "415": "Send the CSV as multipart/form-data (field `file`) or as a text/csv body.",
          "422": "A field is invalid; `field` names it."}


def op(summary: str, scope: str, ok: tuple[str, str, str | None], *, params: list[dict] | None = None,
       body: str | None = None, errors: str = "401 403 422", description: str = "",
       tag: str = "") -> dict[str, Any]:
    code, what, schema = ok
    responses: dict[str, Any] = {code: {"description": what}}
    if schema:
        responses[code]["content"] = {J: {"schema": ref(schema)}}
    for c in errors.split():
        responses[c] = {"description": ERRORS[c], "content": {J: {"schema": ref("Error")}}}
    operation: dict[str, Any] = {"summary": summary, "tags": [tag], "responses": responses,
                                 "description": (description + f"\n\nScope: `{scope}`.").strip(),
                                 "security": [{"bearer": []}]}
    if params:
        operation["parameters"] = params
    if body:
        operation["requestBody"] = {"required": True, "content": {J: {"schema": ref(body)}}}
    return operation


def _import_upload() -> dict[str, Any]:
    options = [
        q("region", s("string", pattern="^[A-Za-z]{2}$"), "Country for national numbers (default CZ)."),
        q("mapping", s("string", maxLength=2000), "A saved mapping's name, or COLUMN=FIELD pairs, comma-separated."),
        q("encoding", s("string", maxLength=32), "Override the detected encoding."),
        q("delimiter", s("string", maxLength=4), "Override the detected delimiter."),
        q("caller_id", s("string", maxLength=40), "Default caller ID of the imported contacts."),
        q("caller_id_pool", s("string", maxLength=100), "Default caller-ID pool (name)."),
        q("dial_profile", s("string", maxLength=100), "Default dial profile (name)."),
        q("wait", s("string", enum=["true", "false"]), "true: answer when the import has finished."),
        q("filename", s("string", maxLength=255), "The file's name, for a text/csv body."),
    ]
    operation = op("Import a CSV file into the list", CW, ("202", "The import started (200 with wait=true)",
                                                           "ImportJob"),
                   params=[path_param("list_id"), *options], errors="401 403 404 413 415 422", tag="Contacts",
                   description="Streams the file; bad rows are reported with their line numbers, good rows "
                               "imported. Admins only. Poll the `status_url` it returns.")
    operation["responses"]["200"] = {"description": "The import finished (wait=true)",
                                     "content": {J: {"schema": ref("ImportJob")}}}
    operation["requestBody"] = {"required": True, "content": {
        "multipart/form-data": {"schema": obj({"file": s("string", format="binary")}, ("file",), closed=False)},
        "text/csv": {"schema": s("string")}}}
    return operation


def path_param(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": ID}


def q(name: str, schema: dict[str, Any], description: str = "", required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


PAGING = [q("limit", s("integer", minimum=1, maximum=1000, default=100)),
          q("offset", s("integer", minimum=0, maximum=10**9, default=0))]
PHONE_Q = [q("phone", s("string", minLength=1, maxLength=40), "The number, as written.", required=True),
           q("region", s("string", pattern="^[A-Za-z]{2}$"), "Country of a national number."),
           q("campaign_id", ID, "The campaign of a campaign-only entry; absent: the global entry.")]
C, CW, CALLS, CR, CC = "contacts:read", "contacts:write", "calls:read", "campaigns:read", "campaigns:control"


def _control(action: str, text: str) -> dict[str, Any]:
    return {"post": op(f"{action.capitalize()} the campaign", CC, ("200", text, "ControlResult"),
                       params=[path_param("campaign_id")], errors="401 403 404 409",
                       tag="Campaigns", description="Supervisors may control their team's campaigns.")}


PATHS: dict[str, Any] = {
    "/api/v1/health": {"get": {"summary": "Liveness and database reachability (no token)", "tags": ["Basics"],
                               "responses": {"200": {"description": "Up", "content": {J: {"schema": ref("Health")}}},
                                             "503": {"description": "Database down",
                                                     "content": {J: {"schema": ref("Health")}}}}}},
    "/api/v1/lists": {"get": op("Contact lists", C, ("200", "A page of lists", "ContactListPage"), params=PAGING,
                                tag="Contacts")},
    "/api/v1/lists/{list_id}/contacts": {"post": op(
        "Push one contact into a list", CW, ("201", "Stored", "Contact"), params=[path_param("list_id")],
        body="ContactIn", errors="400 401 403 404 409 422", tag="Contacts",
        description="The phone is normalised to E.164. 409 when the list already has the number "
                    "(`contact_id` names it). A number on the global do-not-call list is stored with status dnc.")},
    "/api/v1/lists/{list_id}/contacts/batch": {"post": op(
        "Push up to 1000 contacts into a list", CW, ("200", "What was stored and what was not", "BatchResult"),
        params=[path_param("list_id")], body="Batch", errors="400 401 403 404 422", tag="Contacts",
        description="Every valid item is stored; each invalid one is reported in `errors` with its index, "
                    "the field and the reason (also numbers already in the list or repeated in the batch).")},
    "/api/v1/lists/{list_id}/imports": {"post": _import_upload()},
    "/api/v1/imports/{job_id}": {"get": op("An import's progress and result", f"{C} or {CW}",
                                           ("200", "The import", "ImportJob"), params=[path_param("job_id")],
                                           errors="401 403 404", tag="Contacts")},
    "/api/v1/contacts": {"get": op(
        "Find contacts", C, ("200", "A page of contacts, newest first", "ContactPage"), tag="Contacts",
        params=[q("list_id", ID), q("external_id", TEXT(128)), q("phone", s("string", minLength=1, maxLength=40)),
                q("region", s("string", pattern="^[A-Za-z]{2}$")),
                q("status", s("string", enum=[c.value for c in ContactStatus])),
                q("updated_since", s("string", format="date-time")), *PAGING])},
    "/api/v1/contacts/{contact_id}": {
        "get": op("One contact", C, ("200", "The contact", "Contact"), params=[path_param("contact_id")],
                  errors="401 403 404", tag="Contacts"),
        "patch": op("Update a contact", CW, ("200", "The updated contact", "Contact"), tag="Contacts",
                    params=[path_param("contact_id")], body="ContactPatch", errors="400 401 403 404 409 422",
                    description="Only the fields given change. 409 when the new phone is already in the list."),
        "delete": op("Remove a contact", CW, ("204", "Removed", None), params=[path_param("contact_id")],
                     errors="401 403 404 409", tag="Contacts",
                     description="Its calls stay in the record. 409 while it is being dialed."),
    },
    "/api/v1/dnc": {
        "get": op("Is a number on the do-not-call list", C, ("200", "The matching entries", "DncEntries"),
                  params=PHONE_Q, tag="Do not call"),
        "post": op("Add a number to the do-not-call list", CW, ("201", "Added (200: it was already there)", "DncEntry"),
                   body="DncIn", errors="400 401 403 422", tag="Do not call",
                   description="A global entry also marks the number's pending contacts dnc."),
        "delete": op("Remove a number from the do-not-call list", CW, ("200", "Removed", "DncRemoved"),
                     params=PHONE_Q, errors="401 403 404 422", tag="Do not call"),
    },
    "/api/v1/calls": {"get": op(
        "Call attempts and their results", CALLS, ("200", "A page of calls, newest first", "CallPage"), tag="Calls",
        params=[q("since", s("string", format="date-time"), "Started at or after."),
                q("until", s("string", format="date-time"), "Started before."), q("campaign_id", ID),
                q("external_id", TEXT(128), "The contact's id in your IS."),
                q("outcome", s("string", enum=[o.value for o in CallOutcome])),
                q("direction", s("string", enum=[d.value for d in CallDirection])), *PAGING])},
    "/api/v1/calls/{call_id}": {"get": op("One call with its events", CALLS, ("200", "The call", "Call"),
                                          params=[path_param("call_id")], errors="401 403 404", tag="Calls")},
    "/api/v1/campaigns": {"get": op("Campaigns", CR, ("200", "A page of campaigns", "CampaignPage"), params=PAGING,
                                    tag="Campaigns", description="Supervisors see their team's campaigns.")},
    "/api/v1/campaigns/{campaign_id}": {"get": op(
        "A campaign's status: counters and why it is not dialing", CR, ("200", "The status", "CampaignStatus"),
        params=[path_param("campaign_id")], errors="401 403 404", tag="Campaigns")},
    "/api/v1/campaigns/{campaign_id}/start": _control("start", "Started"),
    "/api/v1/campaigns/{campaign_id}/pause": _control("pause", "Paused"),
    "/api/v1/campaigns/{campaign_id}/resume": _control("resume", "Resumed"),
    "/api/v1/campaigns/{campaign_id}/stop": _control("stop", "Stopped"),
    "/api/v1/campaigns/{campaign_id}/clear": {"post": op(
        "Clear the campaign (admins)", CC, ("200", "Cleared", "ControlResult"), params=[path_param("campaign_id")],
        body="ClearIn", errors="400 401 403 404 409 422", tag="Campaigns",
        description="Only when not running. Contact lists may be shared: their contacts are reset for every "
                    "campaign dialing them.")},
}


def openapi() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Dialer API", "version": __version__,
                 "description": "JSON API for your information system: push contacts, read call results, "
                                "control campaigns. Authenticate with `Authorization: Bearer dlr_…` (tokens are "
                                "made on *My account*); each operation names the scope it needs. Errors are "
                                "JSON: `{\"error\": …, \"status\": …, \"field\": …}`."},
        "servers": [{"url": "/"}],
        "paths": PATHS,
        "components": {"schemas": SCHEMAS,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }
