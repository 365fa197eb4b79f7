"""What a report covers: a period in a time zone and a filter (campaigns, teams, agents).

Parsing of user input (CLI, web forms) into a `ReportFilter` lives here too, so both give
the same answer for "2026-03-01" (local midnight in the report's zone).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from dialer.scheduling.zones import MAX_ZONE_NAME, zone_named


class PeriodError(ValueError):
    """User input that does not make a period: the message names the field."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


@dataclass(frozen=True)
class ReportFilter:
    """[start, end) in UTC, the zone local hours and days are counted in, and id filters.

    Empty id tuples mean "no filter"; `team_ids` selects agents by their team and campaigns
    by theirs. A supervisor's filter is narrowed to their team by the web layer.
    """

    start: datetime
    end: datetime
    tz: str = "UTC"
    campaign_ids: tuple[int, ...] = ()
    team_ids: tuple[int, ...] = ()
    agent_ids: tuple[int, ...] = ()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    def local_dates(self) -> list[date]:
        """Every local date the period touches, in order (for trends with empty days)."""
        first = self.start.astimezone(self.zone).date()
        last = (self.end - timedelta(microseconds=1)).astimezone(self.zone).date()
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]

    def narrowed(self, **changes: object) -> "ReportFilter":
        return replace(self, **changes)  # type: ignore[arg-type]


def zone(name: str) -> ZoneInfo:
    found = zone_named(name or "UTC")
    if found is None:
        shown = name if len(name) <= MAX_ZONE_NAME else name[:MAX_ZONE_NAME] + "…"
        raise PeriodError("tz", f"Unknown time zone {shown!r}; use a name such as Europe/Prague.")
    return found


def parse_instant(text: str, tz: ZoneInfo, field_name: str) -> datetime:
    """ISO date or date-time; a naive value is local time in `tz`. Returns aware UTC."""
    text = (text or "").strip()
    if not text:
        raise PeriodError(field_name, f"{field_name}: a date is required (YYYY-MM-DD).")
    try:
        if len(text) == 10:
            value = datetime.combine(date.fromisoformat(text), time(0))
        else:
            value = datetime.fromisoformat(text)
    except ValueError:
        raise PeriodError(field_name, f"{field_name}: {text!r} is not a date (YYYY-MM-DD[THH:MM]).") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(timezone.utc)


def parse_filter(date_from: str, date_to: str, tz: str = "UTC", *, campaign_ids: tuple[int, ...] = (),
                 team_ids: tuple[int, ...] = (), agent_ids: tuple[int, ...] = (),
                 max_days: int = 400) -> ReportFilter:
    """The filter for `[from, to)`: `to` is exclusive, except that a date-only `to` equal to
    `from` means that whole day (what a person means by "from 1 March to 1 March")."""
    z = zone(tz)
    start = parse_instant(date_from, z, "from")
    end = parse_instant(date_to, z, "to")
    if len(date_to.strip()) == 10 and end == start:
        end = parse_instant((date.fromisoformat(date_to.strip()) + timedelta(days=1)).isoformat(), z, "to")
    if end <= start:
        raise PeriodError("to", "to: must be after from.")
    if end - start > timedelta(days=max_days):
        raise PeriodError("to", f"to: a report covers at most {max_days} days.")
    return ReportFilter(start=start, end=end, tz=z.key, campaign_ids=campaign_ids, team_ids=team_ids,
                        agent_ids=agent_ids)
