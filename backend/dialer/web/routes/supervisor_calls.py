"""Call search, one call's timeline and recording, statistics and exports of a selection.

Every endpoint goes through `dialer.stats.calls.Access`: agents see their own calls,
supervisors their team's, admins all; a call outside that is "not found", not "forbidden",
so ids do not leak which calls exist. Recordings are never shown to agents; playing them is in
`routes/recordings.py`.
"""

from __future__ import annotations

import io
from urllib.parse import urlencode

import pandas as pd

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from dialer.models import Agent, CallAttempt
from dialer.models.enums import CallOutcome, Role
from dialer.models.recordings import RecordingPart
from dialer.recordings.access import accesses_of_call
from dialer.recordings.status import playable_calls, recording_statuses
from dialer.recordings.storage import RecordingStore
from dialer.stats.calls import Access, CallQuery, can_see, search, selection_summary
from dialer.stats.calls_export import ExportTooLarge, export_calls
from dialer.stats.period import PeriodError, parse_instant, zone
from dialer.stats.timeline import load_events, shape_timeline
from dialer.web.auth import guard, template_context
from dialer.web.errors import ApiError
from dialer.web.input import InputError, page_number, query_id, query_text, query_time_zone
from dialer.web.routes.supervisor_common import (HEADINGS, choices, csv_choice, default_tz, duration, export_form,
                                                 float_param, local_time, table_view)

PER_PAGE = 50
RECORDING_FILTER = {"": None, "yes": True, "no": False}  # the search's "has recording"


def _query(request: Request) -> tuple[CallQuery, dict[str, str]]:
    q = request.query_params
    values = {k: q.get(k, "") for k in ("from", "to", "campaign", "team", "agent", "outcome", "disposition",
                                        "min_talk", "max_talk", "recording")}
    values.update({k: query_text(request, k) for k in ("phone", "external_id")})
    values["tz"] = query_time_zone(request, default_tz(request))
    z = zone(values["tz"])
    outcome = values["outcome"]
    if outcome and outcome not in {o.value for o in CallOutcome}:
        raise PeriodError("outcome", f"outcome: unknown outcome {outcome[:40]!r}.")
    if values["recording"] not in RECORDING_FILTER:
        raise PeriodError("recording", "recording: 'yes' (has a recording), 'no' or empty.")
    ids = {k: query_id(request, k) for k in ("campaign", "team", "agent", "disposition")}
    query = CallQuery(
        start=parse_instant(values["from"], z, "from") if values["from"] else None,
        end=parse_instant(values["to"], z, "to") if values["to"] else None,
        campaign_ids=(ids["campaign"],) if ids["campaign"] else (), team_ids=(ids["team"],) if ids["team"] else (),
        agent_ids=(ids["agent"],) if ids["agent"] else (), outcome=outcome, disposition_id=ids["disposition"],
        phone=values["phone"].strip(), external_id=values["external_id"].strip(),
        min_talk_s=float_param(request, "min_talk"), max_talk_s=float_param(request, "max_talk"),
        has_recording=RECORDING_FILTER[values["recording"]])
    return query, values


def sees_recordings(request: Request) -> bool:
    """Agents never hear recordings, not even of their own calls."""
    return request.state.principal.user.role is not Role.AGENT


def recording_store(request: Request) -> RecordingStore:
    return RecordingStore(request.app.state.settings.recordings_path)


@guard(scope="calls:read")
async def calls_page(request: Request) -> Response:
    user = request.state.principal.user
    access = await Access.of(user)
    ctx = template_context(request, choices=await choices(user) if user.role.value != "agent" else None,
                           outcomes=[o.value for o in CallOutcome], error=None, calls=None, summary=None)
    try:
        query, values = _query(request)
        page = page_number(request)
    except (PeriodError, InputError) as exc:
        ctx.update(error=str(exc), values={k: request.query_params.get(k, "") for k in request.query_params})
        return request.app.state.templates.TemplateResponse(request, "supervisor/calls.html", ctx, status_code=400)
    frame, total = await search(query, access, page=page, per_page=PER_PAGE)
    calls = [{"id": int(r["id"]), "started": local_time(r["started"], values["tz"]), "campaign": r["campaign"] or "—",
              "agent": r["agent"] or "—", "phone": r["phone"], "external_id": r["external_id"],
              "outcome": r["outcome"] or "in_progress", "disposition": r["disposition"] or "",
              "system_disposition": r["system_disposition"] or "",
              "wait": "" if r["wait_s"] != r["wait_s"] else f"{r['wait_s']:.0f} s",
              "talk": "" if r["talk_s"] != r["talk_s"] else duration(r["talk_s"]),
              "cause": r["hangup_cause_text"]}
             for r in frame.to_dict("records")]
    playable = await playable_calls([c["id"] for c in calls], recording_store(request)) \
        if sees_recordings(request) else {}
    for c in calls:
        c["recorded"] = c["id"] in playable
        c["recording_query"] = "?part=wait" if playable.get(c["id"]) is RecordingPart.WAIT else ""
    base = {k: v for k, v in values.items() if v}
    pages = max(1, -(-total // PER_PAGE))
    summary = await selection_summary(query, access) if request.query_params.get("stats") else None
    ctx.update(values=values, calls=calls, total=total, page=page, pages=pages, summary=summary,
               prev_url="/calls?" + urlencode({**base, "page": page - 1}) if page > 1 else None,
               next_url="/calls?" + urlencode({**base, "page": page + 1}) if page < pages else None,
               stats_url="/calls?" + urlencode({**base, "stats": 1}),
               export=export_form(request, base),
               summary_table=table_view_of(summary) if summary else None)
    return request.app.state.templates.TemplateResponse(request, "supervisor/calls.html", ctx)


def table_view_of(summary: dict) -> dict:
    totals = summary["totals"]
    return table_view(pd.DataFrame([totals]))


@guard(scope="calls:read")
async def export_selection(request: Request) -> Response:
    fmt = request.query_params.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        raise ApiError(400, "format: csv or xlsx.", field="format")
    try:
        query, values = _query(request)
        csv = csv_choice(request)
    except PeriodError as exc:
        raise ApiError(400, str(exc), field=exc.field) from None
    buffer = io.BytesIO()
    try:
        await export_calls(query, await Access.of(request.state.principal.user), buffer, fmt, tz=values["tz"],
                           csv=csv)
    except ExportTooLarge as exc:
        raise ApiError(413, str(exc)) from None
    media = "text/csv; charset=utf-8" if fmt == "csv" else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(buffer.getvalue(), media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="calls.{fmt}"'})


async def visible_call(request: Request) -> CallAttempt:
    """The call of the path, if this user may see it; else 404 (ids do not leak)."""
    access = await Access.of(request.state.principal.user)
    call_id = request.path_params["call_id"]
    attempt = None
    if await can_see(call_id, access):
        attempt = await CallAttempt.get_or_none(id=call_id).select_related("campaign", "agent__user", "disposition",
                                                                             "contact")
    if attempt is None:
        raise ApiError(404, "No such call.")
    return attempt


@guard(scope="calls:read")
async def call_page(request: Request) -> Response:
    attempt = await visible_call(request)
    tz = query_time_zone(request, default_tz(request))
    agents = {a.id: a.user.username for a in await Agent.all().select_related("user")}
    timeline = shape_timeline(await load_events(attempt.id), agents, tz)
    fields = [("started", attempt.originated_at), ("ringing", attempt.ringing_at), ("answered", attempt.answered_at),
              ("bridged", attempt.bridged_at), ("ended", attempt.ended_at)]
    ctx = template_context(request, call=attempt, tz=tz, timeline=timeline,
                           times=[(k, local_time(v, tz)) for k, v in fields if v is not None],
                           durations=[(HEADINGS.get(k, k), duration(v)) for k, v in
                                      (("wait_s", attempt.wait_s), ("talk_s", attempt.talk_s),
                                       ("wrap_up_s", attempt.wrap_up_s)) if v is not None])
    if sees_recordings(request):
        statuses = await recording_statuses(attempt, recording_store(request))
        ctx.update(recordings=[{"status": status, "query": "?part=wait" if status.part is RecordingPart.WAIT else "",
                                "next_try": local_time(status.next_try_at, tz) if status.next_try_at else "",
                                "deleted_at": local_time(status.recording.deleted_at, tz)
                                if status.recording and status.recording.deleted_at else ""}
                               for status in statuses],
                   legal_hold=any(s.recording.legal_hold for s in statuses if s.recording),
                   has_files=any(s.recording for s in statuses),
                   accesses=[{"at": local_time(a.at, tz), "user": a.username, "action": a.action, "ip": a.ip,
                              "part": a.part} for a in await accesses_of_call(attempt.id)])
    else:
        ctx.update(recordings=[], legal_hold=False, has_files=False, accesses=[])
    return request.app.state.templates.TemplateResponse(request, "supervisor/call.html", ctx)


routes = [
    Route("/calls", calls_page, methods=["GET"]),
    Route("/calls/export", export_selection, methods=["GET"]),
    Route("/calls/{call_id:id}", call_page, methods=["GET"]),
]
