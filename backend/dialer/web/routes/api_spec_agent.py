"""The OpenAPI description of the agent's API (`/api/v1/agent/...`: the agent panel with its
session, the browser extension with an `agent` token), of who-am-I and of a session's tokens.

`api_spec.openapi()` merges these paths and schemas into the one document. The engine decides
what an agent may do when: its refusals are 409 with the engine's message.
"""

from __future__ import annotations

from typing import Any

from dialer.accounts.tokens import ALL_SCOPES
from dialer.models.enums import Role
from dialer.web.routes.openapi_parts import (
    BEARER,
    ID,
    PHONE_FORMAT,
    SESSION,
    TIME,
    nullable,
    obj,
    op,
    path_param,
    s,
    text,
)

AGENT = "agent"
AGENT_AUTH = BEARER + SESSION  # the extension's token, or the panel's session
P = "/api/v1/agent"

AGENT_SCHEMAS: dict[str, Any] = {
    "AgentState": obj({"type": s("string"), "agent_id": s("integer"), "state": s("string")},
                      ("agent_id", "state"), closed=False),
    "AgentDone": obj({"ok": s("boolean"), "state": nullable("object"), "call_id": nullable("string")}, ("ok",),
                     closed=False),
    "AgentSnapshot": obj({"type": s("string"), "engine": s("boolean"), "agent_id": s("integer"),
                          "username": s("string"), "name": s("string"), "state": s("object"),
                          "call": nullable("object"), "offer": nullable("object"), "figures": s("object")},
                         ("engine", "agent_id", "state", "figures"), closed=False),
    "AgentCampaigns": obj({
        "campaigns": s("array", items=obj({"id": s("integer"), "name": s("string"), "mode": s("string"),
                                           "status": s("string"), "private_numbers": s("string")},
                                          ("id", "name"), closed=False)),
        "pause_reasons": s("array", items=obj({"id": s("integer"), "name": s("string")}, ("id", "name"),
                                              closed=False))}, ("campaigns", "pause_reasons"), closed=False),
    "AgentFigures": obj({"type": s("string"), "calls_today": s("integer"), "talk_s_today": s("integer"),
                         "waiting": s("integer")}, ("calls_today", "talk_s_today", "waiting"), closed=False),
    "AgentCall": obj({"call": nullable("object", description="The call the agent is on or wrapping up.")},
                     ("call",), closed=False),
    "PrivateContacts": obj({"contacts": s("array", items=obj({
        "id": s("integer"), "name": s("string"), "phone": s("string"), "external_id": s("string"),
        "callback_at": TIME}, ("id", "phone"), closed=False))}, ("contacts",), closed=False),
    "AgentLoginIn": obj({"campaign_ids": s("array", items=ID, minItems=1, maxItems=100, example=[1],
                                           description="Campaigns of the agent's team, running or paused.")},
                        ("campaign_ids",)),
    "PauseIn": obj({"reason_id": nullable("integer", minimum=1, maximum=ID["maximum"], example=1,
                                          description="One of the active pause reasons (see /agent/campaigns)."),
                    "reason": nullable("string", maxLength=64, description="A pause reason by name.")}),
    "DispositionIn": obj({"call_id": s("string", minLength=1, maxLength=64),
                          "disposition_id": ID, "notes": text(10_000),
                          "callback_at": nullable("string", format="date-time",
                                                  description="With its zone; required by callback dispositions."),
                          "private": s("boolean", description="Keep the callback for this agent.")},
                         ("call_id", "disposition_id")),
    "AgentDncIn": obj({"call_id": s("string", minLength=1, maxLength=64)}, ("call_id",)),
    "AgentDncOut": obj({"ok": s("boolean"), "created": s("boolean"), "dnc": obj({
        "phone": s("string"), "scope": s("string", enum=["global", "campaign"]), "campaign_id": nullable("integer"),
        "source": s("string"), "added_by": s("string"), "added_at": TIME, "expires_at": TIME},
        ("phone", "scope"), closed=False)}, ("ok", "dnc"), closed=False),
    "ExtendIn": obj({"seconds": s("number", minimum=1, maximum=600, default=60)}),
    "DraftIn": obj({"call_id": s("string", minLength=1, maxLength=64),
                     "disposition_id": nullable("integer", minimum=1, maximum=ID["maximum"],
                                                description="The disposition chosen so far, if any."),
                     "notes": text(10_000),
                     "callback_at": nullable("string", format="date-time", description="With its zone.")},
                    ("call_id",)),
    "DraftOut": obj({"draft": nullable("object", description="The draft of the agent's current call: "
                                                             "call_id, disposition_id, notes, callback_at."),
                     "ok": s("boolean")}, ("draft",), closed=False),
    "DialIn": {**obj({"number": s("string", format=PHONE_FORMAT, minLength=1, maxLength=40),
                      "contact_id": {**ID, "description": "One of the agent's private contacts."}}),
               "anyOf": [{"required": ["number"]}, {"required": ["contact_id"]}]},
    "ExtensionLogin": obj({"username": s("string", minLength=1, maxLength=64),
                           "password": s("string", minLength=1, maxLength=1000)}, ("username", "password")),
    "ExtensionToken": obj({"token": s("string"), "expires_at": TIME, "username": s("string"),
                           "agent_id": s("integer")}, ("token", "username", "agent_id"), closed=False),
    "Me": obj({"id": s("integer"), "username": s("string"), "full_name": s("string"),
               "role": s("string", enum=[r.value for r in Role]), "team": nullable("string"),
               "auth": s("string", enum=["token", "session"]),
               "scopes": nullable("array", items=s("string"))}, ("id", "username", "role", "auth"), closed=False),
    "TokenIn": obj({"scopes": s("array", items=s("string", enum=sorted(ALL_SCOPES)), minItems=1, uniqueItems=True),
                    "hours": s("integer", minimum=1, maximum=24 * 730, default=24 * 90), "name": text(100)},
                   ("scopes",)),
    "TokenInfo": obj({"id": s("integer"), "name": s("string"), "prefix": s("string"),
                      "scopes": s("array", items=s("string")), "created_at": TIME, "expires_at": TIME,
                      "revoked": s("boolean"), "token": s("string", description="Shown once, when made.")},
                     ("id", "scopes"), closed=False),
    "Tokens": obj({"tokens": s("array", items={"$ref": "#/components/schemas/TokenInfo"})}, ("tokens",),
                  closed=False),
    "Nothing": obj({}, closed=False),
}


def _read(summary: str, schema: str) -> dict[str, Any]:
    return {"get": op(summary, AGENT, ("200", summary, schema), errors="401 403", tag="Agent",
                      security=AGENT_AUTH)}


def _act(summary: str, *, body: str | None = None, description: str = "", done: str = "Done",
         required: bool = False) -> dict[str, Any]:
    # An empty body is an empty object: the actions without arguments take none.
    return {"post": op(summary, AGENT, ("200", done, "AgentDone"), body=body or "Nothing", body_required=required,
                       errors="400 401 403 409 422 503", tag="Agent", security=AGENT_AUTH,
                       description=(description + " 503 when this server runs no engine.").strip())}


AGENT_PATHS: dict[str, Any] = {
    f"{P}/state": _read("The agent's state, call, offer and figures", "AgentSnapshot"),
    f"{P}/campaigns": _read("Campaigns the agent may join, and the pause reasons", "AgentCampaigns"),
    f"{P}/figures": _read("Today's calls and talk time, customers waiting", "AgentFigures"),
    f"{P}/call": _read("The call the agent is on or wrapping up", "AgentCall"),
    f"{P}/private-contacts": _read("Contacts kept for this agent, to dial by hand", "PrivateContacts"),
    f"{P}/login": _act("Join campaigns (log in to the dialer)", body="AgentLoginIn", required=True,
                       description="403 for a campaign the agent may not join."),
    f"{P}/ready": _act("Ready for calls"),
    f"{P}/pause": _act("Pause, with a reason", body="PauseIn", description="No reason: a plain Pause."),
    f"{P}/logout": _act("Leave the dialer (not the web session)"),
    f"{P}/hangup": _act("Hang up the current call"),
    f"{P}/phone": _act("Call the agent's phone again", description=(
        "Persistent mode: the phone the dialer keeps connected is rung again, e.g. after the agent hung "
        "it up (their state is then `not_ready`, reason `phone down`); answered, a not-ready agent is "
        "ready again. 409 when it is already connected, or for an agent rung for each call.")),
    f"{P}/disposition": _act("Close the call's form: disposition, notes, callback", body="DispositionIn",
                             required=True),
    f"{P}/dnc": {"post": op(
        "Put the current call's number on the do-not-call list", AGENT,
        ("200", "On the list (`created`: false when it was already)", "AgentDncOut"),
        body="AgentDncIn", body_required=True,
        errors="400 401 403 409 422 503", tag="Agent", security=AGENT_AUTH,
        description="Where the campaign's \"do not call\" disposition puts numbers (everywhere or this "
                    "campaign, for good or some days); everywhere and for good without one. 409 when the "
                    "call is not the agent's or is closed; 503 when this server runs no engine.")},
    f"{P}/wrap-up/extend": _act("More time for the form", body="ExtendIn"),
    f"{P}/draft": {
        **_read("The current call's form as the agent last typed it (for a reloaded panel)", "DraftOut"),
        "post": op("Keep the call's form as typed so far (a draft, not the disposition)", AGENT,
                   ("200", "Kept", "DraftOut"), body="DraftIn", body_required=True,
                   errors="400 401 403 409 422 503", tag="Agent", security=AGENT_AUTH,
                   description="When wrap-up ends by itself, the draft's notes are kept on the call and its "
                               "disposition recorded as drafted. 409 when the call is not the agent's or is "
                               "closed; 503 when this server runs no engine."),
    },
    f"{P}/preview/call": _act("Call the previewed contact", done="Dialing (`call_id`)"),
    f"{P}/preview/skip": _act("Skip the previewed contact"),
    f"{P}/dial": _act("Dial by hand: a number, or a private contact", body="DialIn", required=True,
                      done="Dialing (`call_id`)"),
    f"{P}/token": {"post": op(
        "Sign the extension in: user name and password for an agent token", None,
        ("201", "The token (12 hours)", "ExtensionToken"), body="ExtensionLogin", errors="400 401 403 422 429",
        tag="Agent", security=[], description="No token needed; throttled like the login form.")},
    f"{P}/sign-out": {"post": op(
        "Sign out the extension and the panel: every agent token of the user ends", AGENT,
        ("200", "Signed out", "AgentDone"), errors="401 403", tag="Agent", security=AGENT_AUTH)},
    "/api/v1/me": {"get": op("Who is asking", None, ("200", "The user, and the token's scopes", "Me"),
                             errors="401", tag="Basics", security=AGENT_AUTH,
                             description="Any token, or a session.")},
    "/api/v1/tokens": {
        "get": op("The session user's tokens", None, ("200", "Their tokens", "Tokens"), errors="401 403",
                  tag="Tokens", security=SESSION, description="A session only: a bearer token gets 403."),
        "post": op("Make a token (e.g. the panel hands one to the extension)", None,
                   ("201", "The token, shown once", "TokenInfo"), body="TokenIn", errors="400 401 403 422",
                   tag="Tokens", security=SESSION,
                   description="A session only: a token can never mint tokens. 403 for scopes the role may "
                               "not grant."),
    },
    "/api/v1/tokens/{token_id}": {"delete": op(
        "Revoke one of the session user's tokens", None, ("204", "Revoked", None),
        params=[path_param("token_id")], errors="401 403 404", tag="Tokens", security=SESSION,
        description="A session only.")},
}
