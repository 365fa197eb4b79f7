"""A CSV file as batches of contact rows ready for the database writer, each with the bad
rows found while reading it: the CPU-bound half of an import (decoding, CSV, phone
normalisation, JSON), in one plain generator that runs in a worker process or a thread.

No database and no event loop here; `worker.py` decides where the generator runs.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

from dialer.importer import columns as c
from dialer.importer.phones import PhoneNormaliser
from dialer.importer.reader import CsvSource
from dialer.importer.rows import ContactRow, Defaults, Lookups, RowBuilder

# How a batch's rows travel to the writer: Python tuples for SQLite's executemany, or the
# bytes of a PostgreSQL `COPY ... (FORMAT csv)`, built here so the writer's process only
# passes them on.
ROWS, COPY_CSV = "rows", "copy_csv"
# Columns of the COPY payload, in order (`n` keeps the file order for "the first row wins").
COPY_COLUMNS = ("n", "phone", "alt_phones", "name", "external_id", "custom_fields", "timezone", "caller_id",
                "caller_id_pool_id", "dial_profile_id")
# The only columns that may be NULL. Python 3.11's QUOTE_NONNUMERIC writes None as "", which
# COPY turns into NULL for these columns only (external_id is never "" in a row: see rows.py).
COPY_FORCE_NULL = ("external_id", "caller_id_pool_id", "dial_profile_id")

BadRow = tuple[int, str, Sequence[str]]  # line, reason, the row's values (may be empty)
Repeat = tuple[int, str, int]  # line, phone, the line of the earlier row with that phone


@dataclass(frozen=True)
class ParseSpec:
    """Everything needed to parse a file away from the plan that checked it; picklable."""

    path: Path
    encoding: str
    delimiter: str
    labels: list[str]
    mapping: c.Mapping
    region: str
    defaults: Defaults
    lookups: Lookups
    batch_rows: int  # records (rows, blank lines and malformed records) per batch
    payload: str = ROWS  # ROWS or COPY_CSV

    def builder(self) -> RowBuilder:
        return RowBuilder(self.labels, self.mapping, PhoneNormaliser(self.region), self.defaults, self.lookups)


@dataclass
class ParsedBatch:
    payload: Any  # list[ContactRow] (ROWS) or bytes (COPY_CSV)
    count: int  # contact rows in the payload
    repeated: int  # rows left out as duplicates of a number in the batch before (see parse_batches)
    rows: int  # rows read so far in the file (blank lines are not rows), this batch included
    errors: list[BadRow] = field(default_factory=list)  # bad rows met while reading this batch
    bytes_read: int = 0  # how far into the file reading has got
    last_line: int = 0  # the last line read
    final: bool = False  # the end of the file: no batch follows
    lines: list[int] = field(default_factory=list)  # the line of each row of the payload, in order
    repeats: list[Repeat] = field(default_factory=list)  # the rows counted in `repeated`


def copy_csv(rows: Sequence[ContactRow]) -> bytes:
    """The rows as the body of `COPY dialer_import_rows (COPY_COLUMNS) FROM STDIN (FORMAT csv)`."""
    out = io.StringIO()
    # Strings quoted, numbers bare; the writer doubles quotes and keeps newlines inside quotes.
    csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n").writerows(
        [(n, *row) for n, row in enumerate(rows)])
    return out.getvalue().encode("utf-8")


def parse_batches(spec: ParseSpec) -> Iterator[ParsedBatch]:
    """The file's batches in order; the last one has `final` set (and may be empty).

    A row whose number was in the batch before is left out here and counted as `repeated`
    (a duplicate: the earlier row wins), so two consecutive batches never hold the same
    number and PostgreSQL can write them at the same time without one waiting on the other.
    Repeats inside a batch, and of numbers already in the list, are the database's to find.

    Raises `reader.Unreadable` at an undecodable byte: the batches before it were complete.
    """
    build = spec.builder().build
    encode = copy_csv if spec.payload == COPY_CSV else None
    batch_rows = max(1, spec.batch_rows)
    rows = 0
    with CsvSource(spec.path, spec.encoding, spec.delimiter) as source:
        records = source.records()
        for _line, fields, _error in records:  # the header
            if fields:
                break
        batch: list[ContactRow] = []
        lines: list[int] = []  # the line of each row in `batch`
        errors: list[BadRow] = []
        repeats: list[Repeat] = []
        before: dict[str, int] = {}  # the numbers of the batch before, with their lines
        seen = 0  # records in this batch
        line = 0
        for line, fields, error in records:
            if fields is None:
                errors.append((line, error, ()))
            elif any(fields):  # blank lines (and rows of empty fields) are not rows
                rows += 1
                row = build(fields)
                if type(row) is str:
                    errors.append((line, row, fields))
                elif row[0] in before:
                    repeats.append((line, row[0], before[row[0]]))  # type: ignore[index]
                else:
                    batch.append(row)  # type: ignore[arg-type]
                    lines.append(line)
            seen += 1
            if seen >= batch_rows:
                yield ParsedBatch(encode(batch) if encode else batch, len(batch), len(repeats), rows, errors,
                                  source.bytes_read, line, lines=lines, repeats=repeats)
                # setdefault order: of two rows with one number, the first (the one kept) is named.
                before = {}
                for row, at in zip(batch, lines):
                    before.setdefault(row[0], at)
                batch, lines, errors, repeats, seen = [], [], [], [], 0
        yield ParsedBatch(encode(batch) if encode else batch, len(batch), len(repeats), rows, errors, source.bytes_read,
                          line, final=True, lines=lines, repeats=repeats)
