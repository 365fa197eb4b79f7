"""Reports for supervisors and admins: a period and filter, tables, SVG charts, exports.

Supervisors see their own team's agents and campaigns whatever they ask for; admins all.
The numbers come from `dialer.stats`; this module parses the form and shapes the page.
"""

from __future__ import annotations

import io
from datetime import datetime, timezone

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from dialer.stats import report_charts
from dialer.stats.export import write_csv, write_xlsx
from dialer.stats.period import PeriodError
from dialer.stats.report_charts import chart_for
from dialer.stats.reports import REPORTS, TITLES, run_report
from dialer.web.auth import SUPERVISORS, guard, template_context
from dialer.web.errors import ApiError
from dialer.web.routes.supervisor_common import (choices, csv_choice, export_form, form_values, report_filter,
                                                 table_view)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    drawn = report_charts.svg(chart_for(report.name), report.main)
    ctx.update(tables=[(title, table_view(frame, hide=hide)) for title, frame in report.tables.items()],
               chart=Markup(drawn) if drawn else None, title=report.title,
               export=export_form(request, {"report": name, **values}))
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
        csv = csv_choice(request)
    except PeriodError as exc:
        raise ApiError(400, str(exc), field=exc.field) from None
    report = await run_report(name, f, now=datetime.now(timezone.utc))
    buffer = io.BytesIO()
    if fmt == "csv":
        write_csv(report.main, buffer, f.tz, csv)
    else:
        write_xlsx(report.tables, buffer, f.tz, charts=report.charts)
    filename = f"{name}-{values['from']}-{values['to']}.{fmt}"
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8" if fmt == "csv" else XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


routes = [
    Route("/reports", reports_page, methods=["GET"]),
    Route("/reports/export", export_report, methods=["GET"]),
    # The same export for an information system's token (scope stats:read): tokens act on /api only.
    Route("/api/v1/reports/export", export_report, methods=["GET"]),
]
