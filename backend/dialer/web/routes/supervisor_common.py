"""What the supervisor pages share: the period/filter form, the viewer's team scope, and
tables turned into display cells. No routes here (not listed in ROUTE_MODULES)."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pandas as pd
from starlette.requests import Request

from dialer.models import Agent, Campaign, Disposition, Team, User
from dialer.models.enums import Role
from dialer.labels import label
from dialer.stats.csv_format import FORMATS, CsvFormat, csv_format, for_language
from dialer.stats.export import LABELLED_COLUMNS
from dialer.stats.period import PeriodError, ReportFilter, parse_filter, zone
from dialer.stats.units import Unit, unit_of
from dialer.web.input import query_id, query_time_zone


def default_tz(request: Request) -> str:
    return str(request.app.state.settings.extra.get("timezone", "UTC"))


def float_param(request: Request, name: str) -> float | None:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise PeriodError(name, f"{name}: expected a number of seconds, got {raw[:20]!r}.") from None


def team_scope(user: User) -> tuple[int, ...] | None:
    """None for admins (everything); a supervisor's own team (or nothing without one)."""
    if user.role is Role.ADMIN:
        return None
    return (user.team_id,) if user.team_id else (-1,)


def form_values(request: Request, *, default_days: int = 7) -> dict[str, str]:
    """The filter form as submitted, with defaults: the last week up to today, local time."""
    tz = query_time_zone(request, default_tz(request))
    today = datetime.now(timezone.utc).astimezone(zone(tz)).date()
    q = request.query_params
    return {
        "from": q.get("from") or (today - timedelta(days=default_days - 1)).isoformat(),
        "to": q.get("to") or (today + timedelta(days=1)).isoformat(),
        "tz": tz, "campaign": q.get("campaign", ""), "team": q.get("team", ""), "agent": q.get("agent", ""),
    }


def report_filter(request: Request, values: dict[str, str]) -> ReportFilter:
    user: User = request.state.principal.user
    campaign, team, agent = (query_id(request, k) for k in ("campaign", "team", "agent"))
    scope = team_scope(user)
    teams: tuple[int, ...] = (team,) if team else ()
    if scope is not None:
        teams = scope if not team or team not in scope else (team,)
    return parse_filter(values["from"], values["to"], values["tz"], campaign_ids=(campaign,) if campaign else (),
                        team_ids=teams, agent_ids=(agent,) if agent else ())


async def choices(user: User) -> dict[str, list[tuple[int, str]]]:
    """The campaigns, teams, agents and dispositions a viewer may filter by."""
    scope = team_scope(user)
    campaigns = Campaign.all() if scope is None else Campaign.filter(team_id__in=scope)
    teams = Team.all() if scope is None else Team.filter(id__in=scope)
    agents = Agent.all().select_related("user")
    if scope is not None:
        agents = agents.filter(user__team_id__in=scope)
    return {
        "campaigns": [(c.id, c.name) for c in await campaigns.order_by("name")],
        "teams": [(t.id, t.name) for t in await teams.order_by("name")],
        "agents": sorted(((a.id, a.user.username) for a in await agents), key=lambda x: x[1]),
        "dispositions": [(d.id, d.name) for d in await Disposition.filter(active=True).order_by("sort_order", "name")],
    }


def duration(seconds: float) -> str:
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}"


def cell(column: str, value: Any) -> tuple[str, str]:
    """(text, css class) for one value: times as h:mm:ss, rates as percentages, enum values as words."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return "—", "r muted"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        unit = unit_of(column)
        if unit is Unit.RATE:
            return f"{value * 100:.1f} %", "r"
        if unit is Unit.SECONDS:
            return duration(float(value)), "r"
        if isinstance(value, float) and not float(value).is_integer():
            return f"{value:,.2f}", "r"
        return f"{int(value):,}", "r"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S"), ""
    if isinstance(value, date):
        return value.isoformat(), ""
    if column in LABELLED_COLUMNS:
        return label(value), ""
    if column.startswith("abandon_standing_") and value:
        # Where a window's abandon rate stands against the cap (compliance/abandon.py): near and over in red.
        return f"{value} cap", f"standing-{value}"
    return str(value), ""


def heading(column: str) -> str:
    """A column's heading: `outcome: no_answer` reads "outcome: No answer"."""
    if column in HEADINGS:
        return HEADINGS[column]
    kind, sep, value = column.partition(": ")
    if sep and kind == "outcome":
        return f"{kind}: {label(value)}"
    return column.replace("_", " ")


HEADINGS = {"aht_s": "AHT", "logged_in_s": "logged in", "ready_s": "ready", "ringing_s": "ringing",
            "paused_s": "paused", "talk_s": "talk", "wrap_up_s": "wrap-up", "calls_handled": "calls",
            "calls_per_hour": "calls/h", "wait_s": "wait",
            # The compliance columns (stats/compliance.py): the rule behind each count.
            "skipped_outside_hours": "not dialed: outside hours", "skipped_holiday": "not dialed: holiday",
            "skipped_dnc_global": "DNC hits: global", "skipped_dnc_campaign": "DNC hits: this campaign",
            "live_answers_24h": "live answers 24h", "live_answers_30d": "live answers 30d",
            "abandon_standing_24h": "vs cap 24h", "abandon_standing_30d": "vs cap 30d"}


def table_view(frame: pd.DataFrame, *, hide: tuple[str, ...] = ()) -> dict[str, Any]:
    columns = [c for c in frame.columns if c not in hide]
    rows = [[cell(c, v) for c, v in zip(columns, values)] for values in frame[columns].itertuples(index=False)]
    return {"columns": [heading(c) for c in columns], "rows": rows}


def csv_choice(request: Request) -> CsvFormat:
    """The CSV format an export form chose (`delimiter`), else the one of the browser's language."""
    name = request.query_params.get("delimiter", "")
    if not name:
        return for_language(request.headers.get("accept-language"))
    try:
        return csv_format(name)
    except ValueError as exc:
        raise PeriodError("delimiter", f"delimiter: {exc}") from None


def export_form(request: Request, fields: dict[str, Any]) -> dict[str, Any]:
    """What `macros/exports.html` needs: the selection as hidden fields and the CSV choice."""
    return {"fields": [(k, str(v)) for k, v in fields.items() if v not in (None, "")],
            "formats": list(FORMATS.values()), "chosen": csv_choice(request).name}


def local_time(value: datetime, tz: str) -> str:
    return value.astimezone(zone(tz)).strftime("%Y-%m-%d %H:%M:%S")
