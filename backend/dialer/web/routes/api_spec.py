"""The OpenAPI 3 description of /api/v1, written by hand next to the routes: the information
system's API here, the agent panel's and the extension's API (and tokens) in `api_spec_agent`.

`tests/web/test_api_schema.py` checks it against the routes (every documented operation exists,
every API route is documented) and `tests/web/test_api_schemathesis.py` runs it against a served
app: no 5xx, every answer as documented, and no request the document calls valid refused.
"""

from __future__ import annotations

from typing import Any

from dialer import __version__
from dialer.models.enums import CallDirection, CallOutcome, CampaignMode, CampaignStatus, ContactStatus, DncSource
from dialer.not_dialing import NotDialing, described
from dialer.web.routes.api_spec_agent import AGENT_PATHS, AGENT_SCHEMAS
from dialer.web.routes.openapi_parts import (
    ID,
    J,
    PHONE_FORMAT,
    REGION_DOC,
    REGIONS,
    SECURITY_SCHEMES,
    TIME,
    ZONE_FORMAT,
    nullable,
    obj,
    op,
    page,
    path_param,
    phone,
    q,
    ref,
    region,
    s,
    text,
)

# Optional fields accept null as "empty" (what a missing field means too).
REGION = nullable("string", enum=[*REGIONS, None], description=REGION_DOC)
# Custom fields: at most 20,000 characters of JSON on the server; the document keeps well inside.
CUSTOM_FIELDS = nullable("object", maxProperties=20, description="Shown on the agent's card.",
                         additionalProperties={"oneOf": [text(500), s("number"), s("boolean")]})
CONTACT_IN = {
    "phone": phone(description="E.164, or national with `region`.", example="+420601234565"),
    "region": REGION,
    "alt_phones": nullable("array", items=phone(), maxItems=100),
    "name": nullable("string", maxLength=200), "external_id": nullable("string", maxLength=128),
    "custom_fields": CUSTOM_FIELDS,
    "timezone": nullable("string", format=ZONE_FORMAT, maxLength=64,
                         description="IANA name; empty: derived from the number."),
    "caller_id": nullable("string", format=PHONE_FORMAT, maxLength=32),
    "max_attempts": nullable("integer", minimum=1, maximum=1000),
}
CONTACT_PATCH = {**CONTACT_IN,
                 "status": nullable("string", enum=[c.value for c in ContactStatus if c is not ContactStatus.LEASED]
                                    + [None]),
                 "caller_id_pool": nullable("integer", minimum=1, maximum=ID["maximum"]),
                 "dial_profile": nullable("integer", minimum=1, maximum=ID["maximum"])}

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
    "DncIn": obj({"phone": phone(), "region": REGION,
                  "campaign_id": nullable("integer", minimum=1, maximum=ID["maximum"],
                                          description="Only this campaign; null: everywhere."),
                  "reason": text(200), "expires_at": TIME}, ("phone",)),
    "DncEntry": obj({"id": s("integer"), "phone": s("string"), "campaign_id": nullable("integer"),
                     "reason": s("string"),
                     "source": s("string", enum=[v.value for v in DncSource],
                                 description="How it came: manual, disposition, agent (the call form's button), "
                                             "import (a file)."),
                     "added_by": s("string"), "added_at": TIME, "expires_at": TIME}, ("id", "phone"), closed=False),
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
                          "reasons": s("array", items=obj({
                              "code": s("string", enum=[c.value for c in NotDialing],
                                        description="Why it is not dialing; each code's sentence "
                                                    "(… is the detail):\n" + described()),
                              "message": s("string", description="The code's sentence with its detail."),
                              "detail": s("string", description="What varies: Asterisk's refusal, the credit, "
                                                                "the agents not ready, when calling resumes."),
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

def _report_export() -> dict[str, Any]:
    from dialer.stats.csv_format import FORMATS
    from dialer.stats.reports import REPORTS

    operation = op("A statistics report as a file", "stats:read", ("200", "The report", None), tag="Statistics",
                   errors="400 401 403 422",
                   description="The same reports as the Reports page, for the token's user (supervisors: "
                               "their team). Dates are the user's local days; `to` is exclusive.",
                   params=[q("report", s("string", enum=list(REPORTS))),
                           q("format", s("string", enum=["csv", "xlsx"])),
                           q("from", s("string", format="date"), "First day (default: a week ago)."),
                           q("to", s("string", format="date"), "The day after the last (default: tomorrow)."),
                           q("tz", s("string", maxLength=64), "IANA time zone of the days (default: the user's)."),
                           q("delimiter", s("string", enum=sorted(FORMATS)),
                             "CSV for Excel: comma, or semicolon with decimal commas (default: by Accept-Language)."),
                           q("campaign", ID), q("team", ID), q("agent", ID)])
    operation["responses"]["200"]["content"] = {
        "text/csv": {"schema": s("string")},
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": s("string", format="binary")}}
    return operation


def _import_upload() -> dict[str, Any]:
    options = [
        q("region", region(), "Country for national numbers (default CZ)."),
        q("mapping", text(2000), "A saved mapping's name, or COLUMN=FIELD pairs, comma-separated."),
        q("encoding", text(32), "Override the detected encoding."),
        q("delimiter", text(4), "Override the detected delimiter."),
        q("caller_id", s("string", format=PHONE_FORMAT, maxLength=40), "Default caller ID of the imported contacts."),
        q("caller_id_pool", text(100), "Default caller-ID pool (its name or id)."),
        q("dial_profile", text(100), "Default dial profile (its name or id)."),
        q("wait", s("string", enum=["true", "false"]), "true: answer when the import has finished."),
        q("filename", text(255), "The file's name, for a text/csv body."),
    ]
    operation = op("Import a CSV file into the list", CW, ("202", "The import started (200 with wait=true)",
                                                           "ImportJob"),
                   params=[path_param("list_id"), *options], errors="401 403 404 413 415 422", tag="Contacts",
                   description="Streams the file; bad rows are reported with their line numbers, good rows "
                               "imported. Admins only. Poll the `status_url` it returns. A file without a "
                               "phone column, an encoding that is not the file's, or a pool, profile or "
                               "mapping that does not exist is a 422 naming the option.")
    operation["responses"]["200"] = {"description": "The import finished (wait=true)",
                                     "content": {J: {"schema": ref("ImportJob")}}}
    operation["requestBody"] = {"required": True, "content": {
        "multipart/form-data": {"schema": obj({"file": s("string", format="binary")}, ("file",), closed=False),
                                "encoding": {"file": {"contentType": "text/csv"}}},
        "text/csv": {"schema": s("string")}}}
    return operation


def _dnc_add() -> dict[str, Any]:
    operation = op("Add a number to the do-not-call list", CW, ("201", "Added", "DncEntry"), body="DncIn",
                   errors="400 401 403 422", tag="Do not call",
                   description="A global entry also marks the number's pending contacts dnc.")
    operation["responses"]["200"] = {"description": "It was already there (the entry as it is)",
                                     "content": {J: {"schema": ref("DncEntry")}}}
    return operation


PAGING = [q("limit", s("integer", minimum=1, maximum=1000, default=100)),
          q("offset", s("integer", minimum=0, maximum=10**9, default=0))]
PHONE_Q = [q("phone", phone(), "The number, as written.", required=True),
           q("region", region(), "Country of a national number."),
           q("campaign_id", ID, "The campaign of a campaign-only entry; absent: the global entry.")]
C, CW, CALLS, CR, CC = "contacts:read", "contacts:write", "calls:read", "campaigns:read", "campaigns:control"


def _control(action: str, done: str) -> dict[str, Any]:
    return {"post": op(f"{action.capitalize()} the campaign", CC, ("200", done, "ControlResult"),
                       params=[path_param("campaign_id")], errors="401 403 404 409",
                       tag="Campaigns", description="Supervisors may control their team's campaigns.")}


PATHS: dict[str, Any] = {
    "/api/v1/health": {"get": {"summary": "Liveness and database reachability (no token)", "tags": ["Basics"],
                               "security": [],
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
        params=[q("list_id", ID), q("external_id", text(128)), q("phone", phone()), q("region", region()),
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
        "post": _dnc_add(),
        "delete": op("Remove a number from the do-not-call list", CW, ("200", "Removed", "DncRemoved"),
                     params=PHONE_Q, errors="401 403 404 422", tag="Do not call"),
    },
    "/api/v1/calls": {"get": op(
        "Call attempts and their results", CALLS, ("200", "A page of calls, newest first", "CallPage"), tag="Calls",
        params=[q("since", s("string", format="date-time"), "Started at or after."),
                q("until", s("string", format="date-time"), "Started before."), q("campaign_id", ID),
                q("external_id", text(128), "The contact's id in your IS."),
                q("outcome", s("string", enum=[o.value for o in CallOutcome])),
                q("direction", s("string", enum=[d.value for d in CallDirection])),
                q("has_recording", s("string", enum=["true", "false"]),
                  "true: only calls whose recording is stored with the dialer; false: only calls without."),
                *PAGING])},
    "/api/v1/calls/{call_id}": {"get": op("One call with its events", CALLS, ("200", "The call", "Call"),
                                          params=[path_param("call_id")], errors="401 403 404", tag="Calls")},
    "/api/v1/reports/export": {"get": _report_export()},
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
                 "description": "JSON API for your information system (push contacts, read call results, "
                                "control campaigns) and for the agent panel and browser extension. "
                                "Authenticate with `Authorization: Bearer dlr_…` (tokens are made on *My "
                                "account*); each operation names the scope it needs. Errors are JSON: "
                                "`{\"error\": …, \"status\": …, \"field\": …}`. Text never holds a NUL "
                                "character (U+0000): a request with one is refused with 422."},
        "servers": [{"url": "/"}],
        "paths": {**PATHS, **AGENT_PATHS},
        "components": {"schemas": {**SCHEMAS, **AGENT_SCHEMAS}, "securitySchemes": SECURITY_SCHEMES},
    }
