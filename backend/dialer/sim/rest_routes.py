"""The ARI REST application of the fake Asterisk: auth, errors, and the routes other than
channels (bridges, playbacks, recordings, applications, asterisk).

Authentication is ARI's: HTTP basic auth or `api_key=user:password`. Errors come back as
Asterisk 23 sends them (`{"message": ...}`, or `{"error": ...}` for a failed allocation).
"""

from __future__ import annotations

import base64
import binascii
from typing import Awaitable, Callable

from aiohttp import web

from dialer.sim import bridges as br
from dialer.sim import media, recorder
from dialer.sim.control import add_control_routes
from dialer.sim.events import ASTERISK_ID, ASTERISK_VERSION
from dialer.sim.pbx import AriError
from dialer.sim.rest_channels import (
    CREDENTIALS_KEY, HUB_KEY, add_routes as add_channel_routes, json_response, no_content,
    params, pbx_of, play, record,
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def credentials_ok(request: web.Request) -> bool:
    expected = request.app[CREDENTIALS_KEY]
    api_key = request.query.get("api_key")
    if api_key is not None:
        user, _, password = api_key.partition(":")
        return (user, password) == expected
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return (user, password) == expected
    return False


# What Asterisk's HTTP server answers to any request in its last second (shutdown-rest-errors).
SHUTDOWN_PAGE = ('<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\r\n<html><head>\r\n'
                 '<title>503 Service Unavailable</title>\r\n</head><body>\r\n'
                 '<h1>Service Unavailable</h1>\r\n<p>Shutdown in progress</p>\r\n<hr />\r\n'
                 '<address>Asterisk</address>\r\n</body></html>\r\n')


@web.middleware
async def ari_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if pbx_of(request).http_unavailable:
        return web.Response(status=503, text=SHUTDOWN_PAGE, content_type="text/html")
    if not credentials_ok(request):
        return json_response({"message": "Authentication required"}, 401,
                             {"WWW-Authenticate": 'Basic realm="Asterisk REST Interface"'})
    try:
        return await handler(request)
    except AriError as exc:
        key = "error" if exc.status == 500 else "message"
        return json_response({key: exc.message}, exc.status)
    except web.HTTPNotFound:
        return json_response({"message": "Resource not found"}, 404)
    except web.HTTPMethodNotAllowed:
        return json_response({"message": "Method not allowed"}, 405)


# --- bridges ----------------------------------------------------------------------------

async def list_bridges(request: web.Request) -> web.Response:
    return json_response([b.json() for b in pbx_of(request).bridges.values()])


async def create_bridge(request: web.Request) -> web.Response:
    p = await params(request)
    pbx = pbx_of(request)
    bridge_id = request.match_info.get("bridge_id") or str(p.get("bridgeId") or "")
    if bridge_id and bridge_id.lower() in pbx.bridges:
        if "bridge_id" in request.match_info:
            return json_response(pbx.bridge(bridge_id).json())
        raise AriError(409, f"Bridge with id '{bridge_id}' already exists")
    bridge = br.create(pbx, bridge_id or pbx.new_uniqueid(), str(p.get("type") or "mixing"),
                       str(p.get("name") or ""))
    pbx.add_bridge(bridge)
    return json_response(bridge.json())


async def get_bridge(request: web.Request) -> web.Response:
    return json_response(pbx_of(request).bridge(request.match_info["bridge_id"]).json())


async def destroy_bridge(request: web.Request) -> web.Response:
    pbx = pbx_of(request)
    br.destroy(pbx, pbx.bridge(request.match_info["bridge_id"]))
    return no_content()


def _channels_param(request: web.Request, p: dict) -> list:
    pbx = pbx_of(request)
    ids = [c for c in str(p.get("channel") or "").split(",") if c]
    if not ids:
        raise AriError(400, "channel: Missing required parameter")
    found = []
    for channel_id in ids:
        ch = pbx.find_channel(channel_id)
        if ch is None:
            raise AriError(400, "Channel not found")
        if not ch.in_stasis:
            raise AriError(422, "Channel not in Stasis application")
        found.append(ch)
    return found


async def add_channel(request: web.Request) -> web.Response:
    p = await params(request)
    pbx = pbx_of(request)
    bridge = pbx.bridge(request.match_info["bridge_id"])
    for ch in _channels_param(request, p):
        if recorder.channel_recording(ch):
            # The recording's "add rule" (res_stasis_recording.c); channels before it were added.
            raise AriError(409, f"Channel {ch.id} currently recording")
        br.add_channel(pbx, bridge, ch)
    return no_content()


async def remove_channel(request: web.Request) -> web.Response:
    p = await params(request)
    pbx = pbx_of(request)
    bridge = pbx.bridge(request.match_info["bridge_id"])
    channels = _channels_param(request, p)
    if any(ch.bridge is not bridge for ch in channels):
        raise AriError(422, "Channel not in this bridge")
    for ch in channels:
        br.remove_channel(pbx, bridge, ch)
    return no_content()


async def bridge_moh(request: web.Request) -> web.Response:
    # Asterisk sends no event for bridge music on hold (see the recordings).
    bridge = pbx_of(request).bridge(request.match_info["bridge_id"])
    bridge.moh = request.method == "POST"
    return no_content()


# --- playbacks --------------------------------------------------------------------------

def _playback(request: web.Request) -> media.Playback:
    playback = pbx_of(request).playbacks.get(request.match_info["playback_id"])
    if playback is None:
        raise AriError(404, "Playback not found")
    return playback


async def get_playback(request: web.Request) -> web.Response:
    return json_response(_playback(request).json())


async def stop_playback(request: web.Request) -> web.Response:
    media.finish_playback(pbx_of(request), _playback(request))
    return no_content()


async def control_playback(request: web.Request) -> web.Response:
    _playback(request)
    return no_content()


# --- recordings -------------------------------------------------------------------------

def _live(request: web.Request) -> recorder.LiveRecording:
    recording = pbx_of(request).live_recordings.get(request.match_info["name"])
    if recording is None:
        raise AriError(404, "Recording not found")
    return recording


def _stored(request: web.Request) -> recorder.StoredRecording:
    recording = pbx_of(request).stored_recordings.get(request.match_info["name"])
    if recording is None:
        raise AriError(404, "Recording not found")
    return recording


async def list_stored(request: web.Request) -> web.Response:
    return json_response([r.json() for r in pbx_of(request).stored_recordings.values()])


async def get_stored(request: web.Request) -> web.Response:
    return json_response(_stored(request).json())


async def get_stored_file(request: web.Request) -> web.Response:
    return web.Response(body=_stored(request).file_bytes(), content_type="audio/wav")


async def delete_stored(request: web.Request) -> web.Response:
    recorder.delete_stored(pbx_of(request), _stored(request))
    return no_content()


async def copy_stored(request: web.Request) -> web.Response:
    p = await params(request)
    source = _stored(request)
    stored = pbx_of(request).stored_recordings
    destination = str(p.get("destinationRecordingName") or "")
    if not destination:
        raise AriError(400, "destinationRecordingName: Missing required parameter")
    if destination in stored:
        raise AriError(409, "A recording with the same name already exists on the system")
    return json_response(recorder.copy_stored(pbx_of(request), source, destination).json())


async def get_live(request: web.Request) -> web.Response:
    return json_response(_live(request).json())


async def stop_live(request: web.Request) -> web.Response:
    recorder.stop_recording(pbx_of(request), _live(request))
    return no_content()


async def cancel_live(request: web.Request) -> web.Response:
    recorder.stop_recording(pbx_of(request), _live(request), keep=False)
    return no_content()


async def control_live(request: web.Request) -> web.Response:
    _live(request)
    return no_content()


# --- applications and asterisk ----------------------------------------------------------

def _application_json(request: web.Request, name: str) -> dict:
    pbx = pbx_of(request)
    return {"name": name, "channel_ids": pbx.app_channel_ids(name),
            "bridge_ids": pbx.app_bridge_ids(name), "endpoint_ids": [], "device_names": [],
            "events_allowed": [], "events_disallowed": []}


async def list_applications(request: web.Request) -> web.Response:
    hub = request.app[HUB_KEY]
    return json_response([_application_json(request, name) for name in sorted(hub.by_app)])


async def get_application(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if not request.app[HUB_KEY].has_app(name):
        raise AriError(404, "Application not found")
    return json_response(_application_json(request, name))


async def asterisk_info(request: web.Request) -> web.Response:
    pbx = pbx_of(request)
    return json_response({
        "build": {"os": "Linux", "kernel": "6.1.0", "machine": "x86_64", "options": "",
                  "date": "2026-10-01 00:00:00 UTC", "user": "dialer-sim"},
        "system": {"version": ASTERISK_VERSION, "entity_id": ASTERISK_ID},
        "config": {"name": "dialer-sim", "default_language": "en",
                   "setid": {"user": "", "group": ""}},
        "status": {"startup_time": pbx.startup_time, "last_reload_time": pbx.startup_time},
    })


async def asterisk_ping(request: web.Request) -> web.Response:
    return json_response({"asterisk_id": ASTERISK_ID, "ping": "pong",
                          "timestamp": pbx_of(request).ts()})


async def list_endpoints(request: web.Request) -> web.Response:
    return json_response([])


def build_rest_app(app: web.Application, prefix: str = "/ari") -> None:
    add_channel_routes(app, prefix)
    r = app.router
    b, one = f"{prefix}/bridges", f"{prefix}/bridges/{{bridge_id}}"
    r.add_get(b, list_bridges)
    r.add_post(b, create_bridge)
    r.add_get(one, get_bridge)
    r.add_post(one, create_bridge)
    r.add_delete(one, destroy_bridge)
    r.add_post(one + "/addChannel", add_channel)
    r.add_post(one + "/removeChannel", remove_channel)
    r.add_post(one + "/play", play)
    r.add_post(one + "/play/{playback_id}", play)
    r.add_post(one + "/moh", bridge_moh)
    r.add_delete(one + "/moh", bridge_moh)
    r.add_post(one + "/record", record)
    pb = f"{prefix}/playbacks/{{playback_id}}"
    r.add_get(pb, get_playback)
    r.add_delete(pb, stop_playback)
    r.add_post(pb + "/control", control_playback)
    st, lv = f"{prefix}/recordings/stored", f"{prefix}/recordings/live/{{name}}"
    r.add_get(st, list_stored)
    r.add_get(st + "/{name}", get_stored)
    r.add_delete(st + "/{name}", delete_stored)
    r.add_get(st + "/{name}/file", get_stored_file)
    r.add_post(st + "/{name}/copy", copy_stored)
    r.add_get(lv, get_live)
    r.add_delete(lv, cancel_live)
    r.add_post(lv + "/stop", stop_live)
    for control in ("pause", "mute"):
        r.add_post(f"{lv}/{control}", control_live)
        r.add_delete(f"{lv}/{control}", control_live)
    r.add_get(f"{prefix}/applications", list_applications)
    r.add_get(f"{prefix}/applications/{{name}}", get_application)
    r.add_get(f"{prefix}/asterisk/info", asterisk_info)
    r.add_get(f"{prefix}/asterisk/ping", asterisk_ping)
    r.add_get(f"{prefix}/endpoints", list_endpoints)
    add_control_routes(app)
