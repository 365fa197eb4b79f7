"""Recordings on the web: play and download a call's recording (Range answered, so a player
seeks) for the supervisors of the call's team and for admins, never for agents, each access
written down; the legal hold (admins); the admin's report of who listened to which call; and the
signed links that `call.ended` webhooks carry (no login, until they expire).

A call has up to two files: `?part=wait` names the wait for an agent (a campaign that records
the wait), no part (or `part=call`) the call with the agent.
"""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from dialer.accounts.users import Actor
from dialer.models import CallAttempt, Recording, RecordingAction
from dialer.models.recordings import RecordingPart
from dialer.recordings.access import access_report, record_access, set_legal_hold
from dialer.recordings.links import LinkSigner
from dialer.recordings.status import recording_status
from dialer.recordings.storage import RecordingStore, media_type
from dialer.web.auth import ADMINS, SUPERVISORS, client_ip, guard, template_context
from dialer.web.errors import ApiError
from dialer.stats.period import PeriodError, parse_instant, zone
from dialer.web.input import page_number, query_id, query_text, query_time_zone
from dialer.web.routes.supervisor_calls import visible_call
from dialer.web.routes.supervisor_common import default_tz, local_time

PER_PAGE = 100


def store_of(request: Request) -> RecordingStore:
    return RecordingStore(request.app.state.settings.recordings_path)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def part_of(request: Request) -> RecordingPart:
    value = request.query_params.get("part") or RecordingPart.CALL.value
    try:
        return RecordingPart(value)
    except ValueError:
        raise ApiError(400, "part: call or wait.", field="part") from None


async def _serve(request: Request, attempt: CallAttempt, action: RecordingAction) -> Response:
    part = part_of(request)
    status = await recording_status(attempt, store_of(request), part)
    if status.path is None:
        raise ApiError(404, status.message or ("This call's wait was not recorded." if part is RecordingPart.WAIT
                                               else "This call has no recording."))
    if request.method == "GET":
        principal = request.scope.get("principal")
        await record_access(user=principal.user if principal else None, attempt_id=attempt.id,
                            recording=status.recording, action=action, ip=client_ip(request), now=_now(),
                            range_header=request.headers.get("range"), username="signed link")
    # FileResponse answers Range requests (206 with the asked bytes), so the player can seek.
    wait = "-wait" if part is RecordingPart.WAIT else ""
    return FileResponse(status.path, media_type=media_type(status.path),
                        filename=f"call-{attempt.id}{wait}{status.path.suffix}",
                        content_disposition_type="attachment" if action is RecordingAction.DOWNLOAD else "inline",
                        headers={"Cache-Control": "private, no-store"})


@guard(roles=SUPERVISORS)
async def play(request: Request) -> Response:
    return await _serve(request, await visible_call(request), RecordingAction.PLAY)


@guard(roles=SUPERVISORS)
async def download(request: Request) -> Response:
    return await _serve(request, await visible_call(request), RecordingAction.DOWNLOAD)


@guard(roles=ADMINS)
async def legal_hold(request: Request) -> Response:
    attempt = await visible_call(request)
    if not await Recording.filter(attempt_id=attempt.id).exists():
        raise ApiError(404, "This call has no recording to hold yet.")
    form = await request.form()
    await set_legal_hold(attempt.id, form.get("legal_hold") == "1",
                         actor=Actor.of(request.state.principal.user, client_ip(request)))
    return RedirectResponse(f"/calls/{attempt.id}", status_code=303)


async def signed_link(request: Request) -> Response:
    """No login: the signature is the permission, for this one call until it expires."""
    settings = request.app.state.settings
    signer = LinkSigner(settings.secret_key, settings.base_url, settings.recording_link_ttl_s)
    call_id = request.path_params["call_id"]
    q = request.query_params
    if not signer.valid(call_id, q.get("expires", ""), q.get("sig", ""), _now(), part_of(request)):
        raise ApiError(403, "This recording link is not valid or has expired.")
    attempt = await CallAttempt.get_or_none(id=call_id)
    if attempt is None:
        raise ApiError(404, "No such call.")
    return await _serve(request, attempt, RecordingAction.LINK)


@guard(roles=ADMINS)
async def access_log(request: Request) -> Response:
    """Who listened to or downloaded which call's recording (GDPR: who heard my call)."""
    tz = query_time_zone(request, default_tz(request))
    values = {"user": query_text(request, "user", 64), "call": query_text(request, "call", 20),
              "phone": query_text(request, "phone", 32).strip(), "from": query_text(request, "from", 32),
              "to": query_text(request, "to", 32), "tz": tz}
    try:
        since = parse_instant(values["from"], zone(tz), "from") if values["from"] else None
        until = parse_instant(values["to"], zone(tz), "to") if values["to"] else None
    except PeriodError as exc:
        raise ApiError(400, str(exc), field=exc.field) from None
    page = page_number(request)
    rows, total = await access_report(username=values["user"], attempt_id=query_id(request, "call"),
                                      phone=values["phone"], since=since, until=until, page=page, per_page=PER_PAGE)
    pages = max(1, -(-total // PER_PAGE))
    base = {k: v for k, v in values.items() if v}
    ctx = template_context(request, values=values, total=total, page=page, pages=pages,
                           prev_url="/recordings/access?" + urlencode({**base, "page": page - 1}) if page > 1 else None,
                           next_url="/recordings/access?" + urlencode({**base, "page": page + 1}) if page < pages
                           else None,
                           rows=[{"at": local_time(r.at, tz), "user": r.username, "call": r.attempt_id,
                                  "action": r.action, "part": r.part, "ip": r.ip} for r in rows])
    return request.app.state.templates.TemplateResponse(request, "admin/recording_access.html", ctx)


routes = [
    Route("/calls/{call_id:id}/recording", play, methods=["GET"]),
    Route("/calls/{call_id:id}/recording/download", download, methods=["GET"]),
    Route("/calls/{call_id:id}/recording/hold", legal_hold, methods=["POST"]),
    Route("/recordings/link/{call_id:id}", signed_link, methods=["GET"]),
    Route("/recordings/access", access_log, methods=["GET"]),
]
