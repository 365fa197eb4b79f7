"""Reports for supervisors and admins: a period and filter, tables, SVG charts, exports.

Supervisors see their own team's agents and campaigns whatever they ask for; admins all.
The numbers come from `dialer.stats`; this module parses the form and shapes the page.
"""

from __future__ import annotations

import io
from urllib.parse import urlencode
from datetime import datetime, timezone

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from dialer.stats import charts
from dialer.stats.export import write_csv, write_xlsx
from dialer.stats.period import PeriodError
from dialer.stats.reports import REPORTS, TITLES, Report, run_report
from dialer.web.auth import SUPERVISORS, guard, template_context
from dialer.web.errors import ApiError
from dialer.web.routes.supervisor_common import choices, form_values, report_filter, table_view

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _chart(report: Report) -> Markup | None:
    t = report.main
    if t.empty:
        return None
    if report.name in ("agents", "teams"):
        label = "agent" if report.name == "agents" else "team"
        series = {name: (t[col] / 3600.0).tolist() for name, col in
                  (("talk", "talk_s"), ("wrap-up", "wrap_up_s"), ("ready", "ready_s"), ("ringing", "ringing_s"),
                   ("paused", "paused_s"))}
        return Markup(charts.bar_chart(t[label].astype(str).tolist(), series, title="Hours by state",
                                       fmt=lambda v: f"{v:.1f} h"))
    if report.name == "campaigns":
        rates = [(0 if v != v else v * 100) for v in t["abandon_rate"]]
        cap = float(t["abandon_cap"].max()) * 100 if len(t) else None
        return Markup(charts.bar_chart(t["campaign"].tolist(), {"abandon rate": rates},
                                       title="Abandon rate over the period (Ofcom-adjusted)",
                                       fmt=lambda v: f"{v:.1f} %", marker=cap, marker_label="cap"))
    if report.name == "hourly":
        grid = t.pivot(index="dow", columns="hour", values="attempts").sort_index()
        return Markup(charts.heat_map(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], [str(h) for h in grid.columns],
                                      grid.values.tolist(), title="Attempts by hour of day and day of week"))
    if report.name == "daily":
        labels = [d.strftime("%d.%m") for d in t["date"]]
        return Markup(charts.line_chart(labels, {"attempts": t["attempts"].tolist(), "answered": t["answered"].tolist(),
                                                 "connects": t["connects"].tolist()}, title="Calls by day"))
    return None


def _export_query(request: Request, fmt: str) -> str:
    params = dict(request.query_params)
    params["format"] = fmt
    return "/reports/export?" + urlencode(params)


@guard(roles=SUPERVISORS, scope="stats:read")
async def reports_page(request: Request) -> Response:
    name = request.query_params.get("report", "campaigns")
    if name not in REPORTS:
        raise ApiError(400, f"Unknown report {name!r}.", field="report")
    values = form_values(request)
    user = request.state.principal.user
    ctx = template_context(request, reports=TITLES, report_name=name, values=values, choices=await choices(user),
                           error=None, tables=[], chart=None, is_admin=user.role.value == "admin")
    try:
        report = await run_report(name, report_filter(request, values), now=datetime.now(timezone.utc))
    except PeriodError as exc:
        ctx["error"] = str(exc)
        return request.app.state.templates.TemplateResponse(request, "supervisor/reports.html", ctx, status_code=400)
    hide = ("agent_id", "campaign_id", "dow")
    ctx.update(tables=[(title, table_view(frame, hide=hide)) for title, frame in report.tables.items()],
               chart=_chart(report), title=report.title,
               csv_url=_export_query(request, "csv"), xlsx_url=_export_query(request, "xlsx"))
    return request.app.state.templates.TemplateResponse(request, "supervisor/reports.html", ctx)


@guard(roles=SUPERVISORS, scope="stats:read")
async def export_report(request: Request) -> Response:
    name = request.query_params.get("report", "campaigns")
    fmt = request.query_params.get("format", "csv")
    if name not in REPORTS:
        raise ApiError(400, f"Unknown report {name!r}.", field="report")
    if fmt not in ("csv", "xlsx"):
        raise ApiError(400, "format: csv or xlsx.", field="format")
    values = form_values(request)
    try:
        f = report_filter(request, values)
    except PeriodError as exc:
        raise ApiError(400, str(exc), field=exc.field) from None
    report = await run_report(name, f, now=datetime.now(timezone.utc))
    buffer = io.BytesIO()
    if fmt == "csv":
        write_csv(report.main, buffer, f.tz)
    else:
        write_xlsx(report.tables, buffer, f.tz)
    filename = f"{name}-{values['from']}-{values['to']}.{fmt}"
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8" if fmt == "csv" else XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


routes = [
    Route("/reports", reports_page, methods=["GET"]),
    Route("/reports/export", export_report, methods=["GET"]),
]
