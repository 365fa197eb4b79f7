"""SQL building blocks for the statistics loaders on both engines.

Placeholders, time bounds and local-time buckets differ between SQLite and PostgreSQL; the
loaders write one query text through this module. The report arithmetic never sees SQL.
SQLite keeps timestamps as ISO text exactly as Tortoise writes them (`isoformat(" ")`, UTC),
so bounds are written the same way and compare correctly as strings.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from enum import Enum
from typing import Any, Iterable
from zoneinfo import ZoneInfo

import pandas as pd
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient


class Dialect(str, Enum):
    SQLITE = "sqlite"
    POSTGRES = "postgres"


def sqlite_text(dt: datetime) -> str:
    """A UTC instant as Tortoise stores it in SQLite (the adapter is `isoformat(" ")`)."""
    return dt.astimezone(timezone.utc).isoformat(" ")


def offset_segments(tz: ZoneInfo, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """The pieces of [start, end) with one UTC offset each: (first instant, offset minutes).

    SQLite knows no time zones, so a local hour is the UTC text shifted by the offset in
    force; a period that crosses a daylight-saving change needs one offset per piece.
    """
    def offset(t: datetime) -> int:
        return int(t.astimezone(tz).utcoffset().total_seconds() // 60)  # type: ignore[union-attr]

    start = start.astimezone(timezone.utc)
    end = end.astimezone(timezone.utc)
    current = offset(start)
    segments = [(start, current)]
    t = start
    while t < end:
        nxt = min(t + timedelta(hours=1), end)
        if offset(nxt) != current:
            lo, hi = int(t.timestamp()), int(nxt.timestamp())
            while hi - lo > 1:  # zone transitions fall on whole seconds
                mid = (lo + hi) // 2
                if offset(datetime.fromtimestamp(mid, timezone.utc)) == current:
                    lo = mid
                else:
                    hi = mid
            at = datetime.fromtimestamp(hi, timezone.utc)
            current = offset(at)
            segments.append((at, current))
        t = nxt
    return segments


class Sql:
    """One query's parameters and dialect-specific fragments, built in the order of the text."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.params: list[Any] = []

    @property
    def sqlite(self) -> bool:
        return self.dialect is Dialect.SQLITE

    def p(self, value: Any) -> str:
        # Numbered on both engines (SQLite `?NNN`), so fragments may be built in any order.
        self.params.append(value)
        return f"?{len(self.params)}" if self.sqlite else f"${len(self.params)}"

    def ts(self, dt: datetime) -> str:
        return self.p(sqlite_text(dt) if self.sqlite else dt.astimezone(timezone.utc))

    @staticmethod
    def ids(column: str, ids: Iterable[int]) -> str:
        """`column IN (1,2)` with the ids inlined: they are ints, and PostgreSQL's planner
        does better with literals than with an array parameter on small lists."""
        values = sorted({int(i) for i in ids})
        return f"{column} IN ({','.join(map(str, values))})" if values else "1=0"

    def least(self, *parts: str) -> str:
        return f"{'MIN' if self.sqlite else 'LEAST'}({', '.join(parts)})"

    def greatest(self, *parts: str) -> str:
        return f"{'MAX' if self.sqlite else 'GREATEST'}({', '.join(parts)})"

    def sum_seconds(self, start: str, end: str) -> str:
        """SUM of the seconds from `start` to `end` over a group. PostgreSQL adds intervals and
        converts once per group (EXTRACT is numeric: slow per row)."""
        if self.sqlite:
            return f"SUM({self.seconds(start, end)})"
        return f"CAST(EXTRACT(EPOCH FROM SUM({end} - {start})) AS DOUBLE PRECISION)"

    def seconds(self, start: str, end: str) -> str:
        """Seconds from `start` to `end` (float). SQLite's julianday is good to ~0.05 ms."""
        if self.sqlite:
            return f"((julianday({end}) - julianday({start})) * 86400.0)"
        return f"CAST(EXTRACT(EPOCH FROM ({end} - {start})) AS DOUBLE PRECISION)"

    def local(self, column: str, tz: str, start: datetime, end: datetime, unit: str) -> "LocalBucket":
        """The local-time bucket of `column` for rows within [start, end): unit `hour`
        ('YYYY-MM-DD HH'), `day` ('YYYY-MM-DD') or `hour_of_day` ('HH')."""
        if not self.sqlite:
            # date_trunc / EXTRACT rather than to_char: formatting text per row costs more
            # than the whole aggregate; the few result rows become text afterwards.
            at = f"({column} AT TIME ZONE {self.p(tz)})"
            expression = {"hour": f"date_trunc('hour', {at})", "day": f"CAST({at} AS DATE)",
                          "hour_of_day": f"CAST(EXTRACT(HOUR FROM {at}) AS INTEGER)"}[unit]
            return LocalBucket(expression, unit, tz, utc_hours=False)
        segments = offset_segments(ZoneInfo(tz), start, end)
        if all(offset % 60 == 0 for _, offset in segments):
            # Whole-hour zones: group by the UTC hour, a prefix of the stored text (cheap), and
            # move each hour to local time afterwards. Exact, DST included: those zones
            # change offset on a whole UTC hour.
            return LocalBucket(f"substr({column}, 1, 13)", unit, tz, utc_hours=True)
        fmt = {"hour": "%Y-%m-%d %H", "day": "%Y-%m-%d", "hour_of_day": "%H"}[unit]
        if len(segments) == 1:
            modifier = f"'{segments[0][1]:+d} minutes'"
        else:
            whens = " ".join(f"WHEN {column} < '{sqlite_text(nxt)}' THEN '{off:+d} minutes'"
                             for (_, off), (nxt, _) in zip(segments, segments[1:]))
            modifier = f"CASE {whens} ELSE '{segments[-1][1]:+d} minutes' END"
        return LocalBucket(f"strftime('{fmt}', {column}, {modifier})", unit, tz, utc_hours=False)


_FORMATS = {"hour": "%Y-%m-%d %H", "day": "%Y-%m-%d", "hour_of_day": "%H"}


class LocalBucket:
    """A bucket expression and how to turn its values into local text (SQLite's shape)."""

    def __init__(self, expression: str, unit: str, tz: str, *, utc_hours: bool) -> None:
        self.expression = expression
        self.unit = unit
        self.tz = tz
        self.utc_hours = utc_hours

    @property
    def regroup(self) -> bool:
        return self.utc_hours and not (self.unit == "hour" and self.tz == "UTC")

    def to_local(self, values: pd.Series) -> pd.Series:
        if self.utc_hours:
            stamps = pd.to_datetime(values, format="%Y-%m-%d %H", utc=True).dt.tz_convert(self.tz)
            return stamps.dt.strftime(_FORMATS[self.unit])
        return bucket_text(values, self.unit)


def bucket_text(values: pd.Series, unit: str) -> pd.Series:
    """Buckets from either engine as SQLite's text, so the arithmetic sees one shape."""
    if unit == "hour_of_day":
        return values.astype(int).map(lambda h: f"{h:02d}")
    if values.empty or isinstance(values.iloc[0], str):
        return values
    stamps = pd.to_datetime(values)
    return stamps.dt.strftime("%Y-%m-%d %H" if unit == "hour" else "%Y-%m-%d")


WORK_MEM = "64MB"


class StatsDb:
    """The ORM's own connection, borrowed for read-only report queries (the ORM stays owner)."""

    def __init__(self, client: BaseDBAsyncClient | None = None) -> None:
        self.client = client or connections.get("default")
        self.dialect = Dialect.SQLITE if self.client.capabilities.dialect == "sqlite" else Dialect.POSTGRES

    def sql(self) -> Sql:
        return Sql(self.dialect)

    async def frame(self, sql: Sql, query: str, columns: list[str]) -> pd.DataFrame:
        """Run `query` and return its rows as a frame with these column names."""
        async with self.client.acquire_connection() as conn:
            if self.dialect is Dialect.SQLITE:
                cursor = await conn.execute(query, sql.params)
                cursor.row_factory = None  # plain tuples: much cheaper than sqlite3.Row
                rows = await cursor.fetchall()
                await cursor.close()
            else:
                # Report queries sort and hash a million rows: with the default 4 MB of
                # work_mem PostgreSQL spills them to disk. Raised for this query only.
                async with conn.transaction(readonly=True):
                    await conn.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
                    rows = [tuple(r) for r in await conn.fetch(query, *sql.params)]
        return pd.DataFrame.from_records(rows, columns=columns)

    async def rows(self, sql: Sql, query: str) -> list[tuple[Any, ...]]:
        async with self.client.acquire_connection() as conn:
            if self.dialect is Dialect.SQLITE:
                cursor = await conn.execute(query, sql.params)
                cursor.row_factory = None
                rows = list(await cursor.fetchall())
                await cursor.close()
                return rows
            return [tuple(r) for r in await conn.fetch(query, *sql.params)]
