"""Exporting calls: the search selection (or every attempt of a period) as CSV or XLSX.

Rows are streamed in chunks so a million attempts never sit in memory at once:
PostgreSQL sends them with `COPY (SELECT ...) TO STDOUT` into spool files that pyarrow
reads back typed; SQLite is read with a cursor. XLSX is refused past a size at which
Excel becomes useless (and slow to write): CSV is the format for raw data.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from pathlib import Path
from typing import IO, AsyncIterator

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from dialer.labels import label
from dialer.stats.calls import LIST_COLUMNS, RAW_COLUMNS, Access, CallQuery, Names, select_sql, shape
from dialer.stats.csv_format import DEFAULT, CsvFormat, csv_target, numbers_for_csv
from dialer.stats.export import FORMULA_STARTS, LABELLED_COLUMNS, write_xlsx
from dialer.stats.query import Dialect, StatsDb

MAX_XLSX_ROWS = 200_000
CHUNK_ROWS = 100_000


class ExportTooLarge(ValueError):
    """More rows than an XLSX export takes; the message says to use CSV."""


# Column types as read back: SQLite's timestamps are text; PostgreSQL's COPY writes them with
# their UTC offset, which Arrow parses straight into instants (no per-row work in SQL).
_ARROW = {"int": pa.int64(), "float": pa.float64(), "str": pa.string(), "ts": pa.string(),
          "campaign": pa.int64(), "agent": pa.int64(), "disposition": pa.int64()}
_ARROW_PG = _ARROW | {"ts": pa.timestamp("us", tz="UTC")}


async def _raw_batches(q: CallQuery, access: Access, columns: list[tuple[str, str, str]],
                       db: StatsDb, chunk_rows: int) -> AsyncIterator[pa.Table]:
    """The matching rows as Arrow tables of the query's own types (SQLite: in id order)."""
    sql = db.sql()
    schema = pa.schema([(n, _ARROW[k]) for n, _, k in columns])
    if db.dialect is Dialect.SQLITE:
        query = select_sql(columns, sql, q, access) + " ORDER BY a.id"
        async with db.client.acquire_connection() as conn:
            cursor = await conn.execute(query, sql.params)
            cursor.row_factory = None
            try:
                while rows := await cursor.fetchmany(chunk_rows):
                    # Tuples straight into Arrow columns, no Python objects per cell after this.
                    yield pa.Table.from_struct_array(pa.array(rows, type=pa.struct(schema)))
            finally:
                await cursor.close()
        return
    # No ORDER BY: the table is append-only, so its physical order is nearly id order, and
    # sorting a million rows costs a fifth of the export.
    query = select_sql(columns, sql, q, access)
    with tempfile.TemporaryDirectory(prefix="dialer-export-") as tmp:
        spool = Path(tmp) / "rows.csv"
        async with db.client.acquire_connection() as conn:
            await conn.copy_from_query(query, *sql.params, output=str(spool), format="csv")
        reader = pacsv.open_csv(
            spool,
            read_options=pacsv.ReadOptions(column_names=[c[0] for c in columns], block_size=16 << 20),
            convert_options=_pg_convert(columns))
        for batch in reader:
            yield pa.Table.from_batches([batch])


def arrow_shape(table: pa.Table, columns: list[tuple[str, str, str]], names: Names) -> pa.Table:
    """Like `calls.shape`, vectorised in Arrow: instants as UTC timestamps, ids as names."""
    maps = {"campaign": names.campaigns, "agent": names.agents, "disposition": names.dispositions}
    out = {}
    for name, _, kind in columns:
        col = table.column(name)
        if kind == "ts":
            if pa.types.is_string(col.type):  # SQLite: Tortoise's UTC text; exports show whole seconds
                col = pc.strptime(pc.utf8_slice_codeunits(col, 0, 19), format="%Y-%m-%d %H:%M:%S", unit="s",
                                  error_is_null=True).cast(pa.timestamp("s", tz="UTC"))
        elif kind in maps:
            mapping = maps[kind]
            keys = pa.array([int(k) for k in mapping], pa.int64())
            col = pc.take(pa.array([str(v) for v in mapping.values()], pa.string()),
                          pc.index_in(col.cast(pa.int64()), value_set=keys))
        out[name] = col
    return pa.table(out)


def arrow_labelled(table: pa.Table) -> pa.Table:
    """Arrow twin of `export.labelled`: enum values as words, one look-up per distinct value."""
    out = {}
    for name in table.column_names:
        col = table.column(name)
        if name in LABELLED_COLUMNS and pa.types.is_string(col.type):
            values = pc.unique(col).drop_null().to_pylist()
            words = pa.array([label(v, LABELLED_COLUMNS[name]) for v in values], pa.string())
            col = pc.fill_null(pc.take(words, pc.index_in(col, value_set=pa.array(values, pa.string()))),
                               LABELLED_COLUMNS[name])
        out[name] = col
    return pa.table(out)


def arrow_for_file(table: pa.Table, tz: str) -> pa.Table:
    """Arrow twin of `export.prepare`: local naive whole-second times, formulas defused."""
    out = {}
    for name in table.column_names:
        col = table.column(name)
        if pa.types.is_timestamp(col.type) and col.type.tz:
            if tz != "UTC":
                col = pc.local_timestamp(col.cast(pa.timestamp(col.type.unit, tz=tz)))
            col = col.cast(pa.timestamp("s"), safe=False)
        elif pa.types.is_string(col.type):
            risky = None
            for start in FORMULA_STARTS:
                hit = pc.starts_with(col, start)
                risky = hit if risky is None else pc.or_(risky, hit)
            col = pc.if_else(pc.fill_null(risky, False), pc.utf8_replace_slice(col, 0, 0, "'"), col)
        out[name] = col
    return pa.table(out)


async def iter_calls(q: CallQuery, access: Access, columns: list[tuple[str, str, str]], *,
                     db: StatsDb | None = None, chunk_rows: int = CHUNK_ROWS) -> AsyncIterator[pd.DataFrame]:
    """The matching calls, shaped (names, aware UTC instants), chunk by chunk."""
    db = db or StatsDb()
    names = await Names.load(db)
    async for table in _raw_batches(q, access, columns, db, chunk_rows):
        yield shape(table.to_pandas(), columns, names)


class CsvSink:
    """Arrow end to end: a million rows never become Python objects (DATA-LAYER.md: pandas'
    to_csv alone takes 3 s for 1M rows, pyarrow 0.45 s). `labels`: outcomes as words (the
    search list's export; the raw attempts keep the stored values)."""

    def __init__(self, target: str | Path | IO[bytes], columns: list[tuple[str, str, str]], names: Names,
                 tz: str, fmt: CsvFormat = DEFAULT, *, labels: bool = False) -> None:
        self.columns, self.names, self.tz, self.fmt, self.labels = columns, names, tz, fmt, labels
        self._opened = csv_target(target)
        self._file = self._opened.__enter__()
        self._writer: pacsv.CSVWriter | None = None

    def write(self, raw: pa.Table) -> int:
        table = arrow_shape(raw, self.columns, self.names)
        table = numbers_for_csv(arrow_for_file(arrow_labelled(table) if self.labels else table, self.tz), self.fmt)
        self._writer = self._writer or pacsv.CSVWriter(self._file, table.schema, write_options=self.fmt.write_options())
        self._writer.write_table(table)
        return raw.num_rows

    def write_rows(self, rows: list[tuple]) -> int:
        schema = pa.schema([(n, _ARROW[k]) for n, _, k in self.columns])
        return self.write(pa.Table.from_struct_array(pa.array(rows, type=pa.struct(schema))))

    def write_spool(self, path: Path) -> int:
        """A PostgreSQL COPY spool file: parsed typed by Arrow, shaped, written."""
        return self.write(pacsv.read_csv(path, read_options=pacsv.ReadOptions(
            column_names=[c[0] for c in self.columns], block_size=16 << 20), convert_options=_pg_convert(self.columns)))

    def close(self) -> None:
        try:
            if self._writer is None:  # nothing matched: still a header line
                self.write(pa.table({n: pa.array([], _ARROW[k]) for n, _, k in self.columns}))
            if self._writer is not None:
                self._writer.close()
        finally:
            self._opened.__exit__(None, None, None)


def _pg_convert(columns: list[tuple[str, str, str]]) -> pacsv.ConvertOptions:
    return pacsv.ConvertOptions(column_types={n: _ARROW_PG[k] for n, _, k in columns},
                                strings_can_be_null=True, quoted_strings_can_be_null=False)


PG_CHUNK_IDS = 250_000


async def _postgres_csv(q: CallQuery, access: Access, columns: list[tuple[str, str, str]], db: StatsDb,
                        sink: CsvSink) -> int:
    """COPY by id ranges, pipelined: while Arrow shapes and writes one range in a thread (it
    releases the GIL), the next range streams from the server, so the database's core and
    ours work at once. The ranges come in id order, which no ORDER BY then has to sort."""
    # Ids grow with time, so the selection's own id span is narrow for a narrow period.
    sql = db.sql()
    bounds = (await db.rows(sql, f"SELECT MIN(a.id), MAX(a.id) FROM call_attempt a WHERE {q.where(sql, access)}"))[0]
    if bounds[0] is None:
        return 0
    edges = list(range(int(bounds[0]), int(bounds[1]) + 1, PG_CHUNK_IDS)) + [int(bounds[1]) + 1]
    count = 0
    with tempfile.TemporaryDirectory(prefix="dialer-export-") as tmp:
        async def copy(i: int) -> Path:
            sql = db.sql()
            query = select_sql(columns, sql, q, access) + f" AND a.id >= {edges[i]} AND a.id < {edges[i + 1]}"
            spool = Path(tmp) / f"{i}.csv"
            async with db.client.acquire_connection() as conn:
                await conn.copy_from_query(query, *sql.params, output=str(spool), format="csv")
            return spool

        pending = asyncio.create_task(copy(0))
        try:
            for i in range(len(edges) - 1):
                spool = await pending
                if i + 2 < len(edges):
                    pending = asyncio.create_task(copy(i + 1))
                count += await asyncio.to_thread(sink.write_spool, spool)
                spool.unlink()
        finally:
            if not pending.done():
                pending.cancel()
                with contextlib.suppress(BaseException):
                    await pending
    return count


async def _sqlite_csv(q: CallQuery, access: Access, columns: list[tuple[str, str, str]], db: StatsDb,
                      sink: CsvSink) -> int:
    """Rows in id order from a cursor; each chunk is written in a thread while aiosqlite's
    own thread fetches the next one."""
    sql = db.sql()
    query = select_sql(columns, sql, q, access) + " ORDER BY a.id"
    count = 0
    async with db.client.acquire_connection() as conn:
        cursor = await conn.execute(query, sql.params)
        cursor.row_factory = None
        writing: asyncio.Future[int] | None = None
        try:
            while rows := await cursor.fetchmany(CHUNK_ROWS):
                if writing is not None:
                    count += await writing
                writing = asyncio.ensure_future(asyncio.to_thread(sink.write_rows, rows))
            if writing is not None:
                count += await writing
                writing = None
        finally:
            if writing is not None:
                with contextlib.suppress(BaseException):
                    await writing
            await cursor.close()
    return count


async def export_calls(q: CallQuery, access: Access, target: str | Path | IO[bytes], fmt: str, *, tz: str = "UTC",
                       raw: bool = False, db: StatsDb | None = None, max_xlsx_rows: int = MAX_XLSX_ROWS,
                       csv: CsvFormat = DEFAULT) -> int:
    """Write the selection (`raw`: every column of the attempt, stored values) to `target`;
    return the row count. `csv`: the delimiter and decimal mark of a CSV file."""
    columns = RAW_COLUMNS if raw else LIST_COLUMNS
    count = 0
    if fmt == "csv":
        db = db or StatsDb()
        sink = CsvSink(target, columns, await Names.load(db), tz, csv, labels=not raw)
        try:
            if db.dialect is Dialect.POSTGRES:
                return await _postgres_csv(q, access, columns, db, sink)
            return await _sqlite_csv(q, access, columns, db, sink)
        finally:
            sink.close()
    if fmt != "xlsx":
        raise ValueError(f"unknown format {fmt!r}: csv or xlsx")
    chunks = []
    async for chunk in iter_calls(q, access, columns, db=db):
        count += len(chunk)
        if count > max_xlsx_rows:
            raise ExportTooLarge(f"{count:,}+ calls is more than an XLSX export takes ({max_xlsx_rows:,}); "
                                 "export CSV, or narrow the selection.")
        chunks.append(chunk)
    frame = pd.concat(chunks, ignore_index=True) if chunks else shape(
        pd.DataFrame({c[0]: [] for c in columns}), columns, Names({}, {}, {}))
    write_xlsx({"calls": frame}, target, tz, labels=not raw)
    return count
