"""ARI REST routes for channels of the fake Asterisk (`/ari/channels...`).

Routes parse parameters the way ARI does (query string, or a JSON body with the same
names), act on the `Pbx`, and answer with Asterisk's statuses and bodies. The semantics
live in originate.py, channels.py, apps.py, bridges.py and media.py.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from dialer.sim import dtmf, media, recorder
from dialer.sim.apps import resume_after_stasis
from dialer.sim.channels import far_end_answered, far_end_ringing, hangup, leave_stasis
from dialer.sim.channels import set_state, set_var
from dialer.sim.numbers import HANGUP_REASONS
from dialer.sim.originate import OriginateRequest, create, dial_created, originate, snoop
from dialer.sim.pbx import AriError, Pbx

PBX_KEY = web.AppKey("pbx", Pbx)
HUB_KEY: web.AppKey[Any] = web.AppKey("hub")
CREDENTIALS_KEY = web.AppKey("credentials", tuple)

RECORDING_FORMATS = frozenset({"wav", "wav16", "gsm", "ulaw", "alaw", "sln", "sln16", "g722",
                               "g729", "ogg", "mp3"})


async def params(request: web.Request) -> dict[str, Any]:
    """Query parameters, overlaid by a JSON body's (ARI accepts both)."""
    out: dict[str, Any] = dict(request.query)
    if request.can_read_body and request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError as exc:
            raise AriError(400, "Malformed JSON body") from exc
        if isinstance(body, dict):
            for key, value in body.items():
                out[key] = value
    return out


def pbx_of(request: web.Request) -> Pbx:
    return request.app[PBX_KEY]


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None
                  ) -> web.Response:
    from dialer.sim.pbx import _encode
    return web.Response(text=_encode(data), status=status, content_type="application/json",
                        headers=headers)


def no_content() -> web.Response:
    return web.Response(status=204)


def _float(p: dict[str, Any], key: str, default: float) -> float:
    value = p.get(key)
    if value in (None, ""):
        return default
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise AriError(400, f"Invalid value for {key}") from exc


def _args(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value).split(",")


def _variables(p: dict[str, Any]) -> dict[str, str]:
    variables = p.get("variables") or {}
    if isinstance(variables, dict) and "variables" in variables:
        variables = variables["variables"]
    return {str(k): str(v) for k, v in variables.items()} if isinstance(variables, dict) else {}


def _originate_request(p: dict[str, Any], channel_id: str = "") -> OriginateRequest:
    return OriginateRequest(
        endpoint=str(p.get("endpoint", "")),
        app=str(p.get("app", "")),
        app_args=_args(p.get("appArgs")),
        context=str(p.get("context", "")),
        extension=str(p.get("extension", "")),
        priority=int(_float(p, "priority", 1)),
        label=str(p.get("label", "")),
        timeout=_float(p, "timeout", 30.0),
        caller_id=str(p.get("callerId", "")),
        channel_id=channel_id or str(p.get("channelId", "")),
        other_channel_id=str(p.get("otherChannelId", "")),
        variables=_variables(p),
    )


async def list_channels(request: web.Request) -> web.Response:
    return json_response([ch.json() for ch in pbx_of(request).channels.values()])


async def originate_channel(request: web.Request) -> web.Response:
    p = await params(request)
    req = _originate_request(p, request.match_info.get("channel_id", ""))
    return json_response(originate(pbx_of(request), req))


async def create_channel(request: web.Request) -> web.Response:
    p = await params(request)
    return json_response(create(pbx_of(request), _originate_request(p)))


async def get_channel(request: web.Request) -> web.Response:
    return json_response(pbx_of(request).channel(request.match_info["channel_id"]).json())


async def hangup_channel(request: web.Request) -> web.Response:
    p = await params(request)
    ch = pbx_of(request).channel(request.match_info["channel_id"])
    if p.get("reason_code") not in (None, ""):
        cause = int(_float(p, "reason_code", 16))
    else:
        reason = str(p.get("reason") or "normal")
        if reason not in HANGUP_REASONS:
            raise AriError(400, "Invalid reason for hangup provided")
        cause = HANGUP_REASONS[reason]
    hangup(ch, cause)
    return no_content()


async def continue_in_dialplan(request: web.Request) -> web.Response:
    p = await params(request)
    ch = pbx_of(request).stasis_channel(request.match_info["channel_id"])
    leave_stasis(ch, continuing=True)
    priority = int(_float(p, "priority", 0)) or None
    resume_after_stasis(ch, p.get("context") or None, p.get("extension") or None, priority,
                        p.get("label") or None)
    return no_content()


async def answer(request: web.Request) -> web.Response:
    ch = pbx_of(request).stasis_channel(request.match_info["channel_id"])
    if ch.state != "Up":
        set_state(ch, "Up")
        if ch.half == 2 and ch.other is not None:
            far_end_answered(ch.other)
    return no_content()


async def ring(request: web.Request) -> web.Response:
    ch = pbx_of(request).stasis_channel(request.match_info["channel_id"])
    if request.method == "POST" and ch.half == 2 and ch.other is not None:
        far_end_ringing(ch.other)
    return no_content()


async def dial(request: web.Request) -> web.Response:
    p = await params(request)
    pbx = pbx_of(request)
    dial_created(pbx, pbx.stasis_channel(request.match_info["channel_id"]),
                 _float(p, "timeout", 0.0))
    return no_content()


async def send_dtmf(request: web.Request) -> web.Response:
    """204 at once; the digits are then heard one by one by the channel reading them
    (a Local `;1`'s `;2`). Invalid characters are skipped, not refused (dtmf.jsonl)."""
    p = await params(request)
    ch = pbx_of(request).stasis_channel(request.match_info["channel_id"])
    digits = str(p.get("dtmf") or "")
    if not digits:
        raise AriError(400, "DTMF is required")
    dtmf.send(ch, digits, before_s=_float(p, "before", 0) / 1000,
              between_s=_float(p, "between", 100) / 1000,
              duration_s=_float(p, "duration", 100) / 1000)
    return no_content()


async def no_event_control(request: web.Request) -> web.Response:
    """hold, mute, moh, silence: accepted, no events (as on Asterisk for MOH)."""
    pbx_of(request).stasis_channel(request.match_info["channel_id"])
    return no_content()


async def play(request: web.Request) -> web.Response:
    p = await params(request)
    pbx = pbx_of(request)
    target_id = request.match_info.get("channel_id") or request.match_info["bridge_id"]
    if "channel_id" in request.match_info:
        target: Any = pbx.stasis_channel(target_id)
        uri = f"channel:{target.id}"
    else:
        target = pbx.bridge(target_id)
        uri = f"bridge:{target.id}"
    media_list = _args(p.get("media"))
    if not media_list:
        raise AriError(400, "media: Missing required parameter")
    playback_id = (request.match_info.get("playback_id") or str(p.get("playbackId") or "")
                   or pbx.new_uniqueid())
    if playback_id in pbx.playbacks:
        raise AriError(409, "Playback with the same id already exists")
    playback = media.play(pbx, target, uri, media_list, playback_id, str(p.get("lang") or "en"))
    return json_response(playback.json(), 201,
                         {"Location": f"/playbacks/{playback.id}"})


async def record(request: web.Request) -> web.Response:
    p = await params(request)
    pbx = pbx_of(request)
    if "channel_id" in request.match_info:
        target: Any = pbx.stasis_channel(request.match_info["channel_id"])
        uri = f"channel:{target.id}"
    else:
        target = pbx.bridge(request.match_info["bridge_id"])
        uri = f"bridge:{target.id}"
    name, fmt = str(p.get("name") or ""), str(p.get("format") or "")
    if not name or not fmt:
        raise AriError(400, "Recording name and format are required")
    if fmt not in RECORDING_FORMATS:
        raise AriError(422, "Recording format is unknown on this system")
    if_exists = str(p.get("ifExists") or "fail")
    if name in pbx.live_recordings or (if_exists == "fail" and name in pbx.stored_recordings):
        raise AriError(409, "Recording with the same name already exists on the system")
    recording = recorder.record(pbx, target, uri, name, fmt, _float(p, "maxDurationSeconds", 0),
                                _float(p, "maxSilenceSeconds", 0))
    return json_response(recording.json(), 201,
                         {"Location": f"/recordings/live/{recording.name}"})


async def snoop_channel(request: web.Request) -> web.Response:
    p = await params(request)
    snoop_id = request.match_info.get("snoop_id") or str(p.get("snoopId") or "")
    return json_response(snoop(pbx_of(request), request.match_info["channel_id"], str(p.get("app") or ""),
                               _args(p.get("appArgs")), snoop_id, str(p.get("spy") or ""),
                               str(p.get("whisper") or "")))


async def get_variable(request: web.Request) -> web.Response:
    p = await params(request)
    ch = pbx_of(request).channel(request.match_info["channel_id"])
    name = str(p.get("variable") or "")
    if not name:
        raise AriError(400, "Variable name is required")
    if name not in ch.vars:
        raise AriError(404, "Provided variable was not found")
    return json_response({"value": ch.vars[name]})


async def set_variable(request: web.Request) -> web.Response:
    p = await params(request)
    ch = pbx_of(request).channel(request.match_info["channel_id"])
    name = str(p.get("variable") or "")
    if not name:
        raise AriError(400, "Variable name is required")
    set_var(ch, name, str(p.get("value") or ""))
    return no_content()


def add_routes(app: web.Application, prefix: str) -> None:
    c = f"{prefix}/channels"
    one = c + "/{channel_id}"
    app.router.add_get(c, list_channels)
    app.router.add_post(c, originate_channel)
    app.router.add_post(c + "/create", create_channel)
    app.router.add_get(one, get_channel)
    app.router.add_post(one, originate_channel)
    app.router.add_delete(one, hangup_channel)
    app.router.add_post(one + "/continue", continue_in_dialplan)
    app.router.add_post(one + "/answer", answer)
    app.router.add_post(one + "/ring", ring)
    app.router.add_delete(one + "/ring", ring)
    app.router.add_post(one + "/dial", dial)
    for control in ("hold", "mute", "moh", "silence"):
        app.router.add_post(f"{one}/{control}", no_event_control)
        app.router.add_delete(f"{one}/{control}", no_event_control)
    app.router.add_post(one + "/dtmf", send_dtmf)
    app.router.add_post(one + "/play", play)
    app.router.add_post(one + "/play/{playback_id}", play)
    app.router.add_post(one + "/record", record)
    app.router.add_post(one + "/snoop", snoop_channel)
    app.router.add_post(one + "/snoop/{snoop_id}", snoop_channel)
    app.router.add_get(one + "/variable", get_variable)
    app.router.add_post(one + "/variable", set_variable)
