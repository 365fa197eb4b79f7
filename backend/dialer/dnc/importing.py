"""A file of numbers onto the do-not-call list: a national registry (one number per line, a
million of them) or a customer's own list (a CSV with a phone column).

Read by the contact importer's parts: its encoding guess (any common encoding; a doubtful
guess is refused with the readings, like the contact import), its delimiter guess, its
streaming reader (physical line numbers, malformed records reported and skipped) and its phone
normaliser. The phone column is the one chosen (a header name or a 1-based number), else the
header's phone column (by its name, else by its values), else the only one. A first line that
is not a number is the header. Each bad line is reported with its number and reason; good
numbers go in batches (`bulk`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Sequence

from dialer.dnc.bulk import Stamp, add_many, close_listed_contacts, last_id, refresh_statistics
from dialer.importer import columns as c
from dialer.importer.dialect import detect_delimiter
from dialer.importer.limits import MAX_COLUMNS
from dialer.importer.encoding import NotText, check_encoding_name, detect_encoding, read_sample
from dialer.importer.phones import PhoneNormaliser
from dialer.importer.reader import CsvSource, Unreadable
from dialer.models.enums import DncSource

BATCH = 50_000
ERRORS_LISTED = 100_000  # bad lines kept with their reasons; beyond, only counted
ANALYZE_AFTER = 10_000  # numbers added: enough to change the planner's view of the table


class DncFileRefused(ValueError):
    """The file cannot be imported at all (not text, unsure encoding, no such column)."""

    def __init__(self, message: str, field: str = "file") -> None:
        super().__init__(message)
        self.field = field


@dataclass
class DncImportResult:
    lines: int = 0  # data lines read (the header not counted)
    numbers: int = 0  # valid numbers read
    added: int = 0  # new on the list in that scope
    invalid: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)  # {"line", "reason"}, in file order
    seconds: float = 0.0
    encoding: str = ""
    column: str = ""
    contacts_closed: int = 0

    @property
    def already_listed(self) -> int:
        return self.numbers - self.added  # repeats inside the file count here too

    def as_dict(self) -> dict[str, Any]:
        return {"lines": self.lines, "numbers": self.numbers, "added": self.added,
                "already_listed": self.already_listed, "invalid": self.invalid, "errors": self.errors,
                "contacts_closed": self.contacts_closed, "encoding": self.encoding, "column": self.column,
                "seconds": round(self.seconds, 2)}

    def summary(self) -> str:
        return (f"{self.added:,} number(s) added to the do-not-call list, {self.already_listed:,} already on it, "
                f"{self.invalid:,} bad line(s).")


def _encoding(path: Path, chosen: str) -> str:
    if chosen:
        try:
            return check_encoding_name(chosen)
        except ValueError as exc:
            raise DncFileRefused(str(exc), "encoding") from None
    try:
        detected = detect_encoding(read_sample(path))
    except NotText as exc:
        raise DncFileRefused(str(exc)) from None
    if not detected.confident:
        raise DncFileRefused(detected.doubt(), "encoding")
    return detected.encoding


def _head(path: Path, encoding: str, delimiter: str, rows: int = 50) -> list[list[str]]:
    """The first records with fields (the header, if any, first)."""
    head: list[list[str]] = []
    with CsvSource(path, encoding, delimiter) as source:
        try:
            for _, fields, _ in source.records():
                if fields:
                    head.append(fields)
                    if len(head) >= rows:
                        break
        except Unreadable as exc:
            raise DncFileRefused(str(exc), "encoding") from None
    return head


def _pick_column(first: list[str], column: str, phones: PhoneNormaliser,
                 samples: Sequence[Sequence[str]] = ()) -> tuple[int, bool, str]:
    """(index, the first record is a header, label) of the phone column."""
    header = not any(phones.normalise(cell) for cell in first if cell.strip())
    labels = c.column_labels(first)
    spec = column.strip()
    if spec.isdigit():
        index = int(spec) - 1
        if not 0 <= index < max(len(first), 1) or index >= MAX_COLUMNS:
            raise DncFileRefused(f"column {spec}: the file has {len(first)} column(s).", "column")
        return index, header, labels[index] if header and index < len(labels) else f"column {index + 1}"
    if spec:
        if not header:
            raise DncFileRefused(f"column {spec!r}: the file has no header line; give the column's number.",
                                 "column")
        for i, label in enumerate(labels):
            if label.casefold() == spec.casefold():
                return i, True, label
        raise DncFileRefused(f"column {spec!r} is not in the header ({', '.join(labels[:20])}).", "column")
    if len(first) == 1:
        return 0, header, labels[0] if header else "column 1"
    if header:
        mapping = c.guess_mapping(labels, samples, lambda value: phones.normalise(value) is not None)
        for i, label in enumerate(labels):
            if mapping.get(label) == c.PHONE:
                return i, True, label
        raise DncFileRefused("No phone column in the header; choose the column.", "column")
    index = next(i for i, cell in enumerate(first) if cell.strip() and phones.normalise(cell))
    return index, False, f"column {index + 1}"


async def import_dnc_file(path: Path, *, campaign_id: int | None = None, expires_at: datetime | None = None,
                          region: str = "CZ", encoding: str = "", column: str = "", added_by: str = "",
                          reason: str = "", batch: int = BATCH) -> DncImportResult:
    """Read the file and add its numbers; DncFileRefused when it cannot be read at all."""
    started = time.perf_counter()
    path = Path(path)
    try:
        phones = PhoneNormaliser(region or "CZ")
    except ValueError as exc:
        raise DncFileRefused(str(exc), "region") from None
    result = DncImportResult(encoding=_encoding(path, encoding))
    with open(path, "rb") as f:
        sample = f.read(1 << 16).decode(result.encoding, errors="replace")
    delimiter = detect_delimiter(sample)
    head = _head(path, result.encoding, delimiter)
    if not head:
        raise DncFileRefused("The file holds no numbers.")
    index, has_header, result.column = _pick_column(head[0], column, phones, head[1:])
    stamp = Stamp(campaign_id, expires_at, DncSource.IMPORT, added_by, reason or f"import {path.name}"[:200])
    before = await last_id()
    pending: list[str] = []
    errors = result.errors
    normalise = phones.normalise
    header_seen = not has_header
    with CsvSource(path, result.encoding, delimiter) as source:
        try:
            for line, fields, problem in source.records():
                if not header_seen:
                    if fields:
                        header_seen = True
                    continue
                if fields is None:
                    result.lines += 1
                    result.invalid += 1
                    if len(errors) < ERRORS_LISTED:
                        errors.append({"line": line, "reason": problem})
                    continue
                if not fields or (len(fields) == 1 and not fields[0].strip()):
                    continue  # a blank line
                result.lines += 1
                raw = fields[index] if index < len(fields) else ""
                number = normalise(raw) if raw else None
                if number is None:
                    result.invalid += 1
                    if len(errors) < ERRORS_LISTED:
                        reason_text = phones.why_invalid(raw) if raw.strip() else (
                            f"no value in the phone column ({result.column})")
                        errors.append({"line": line, "reason": reason_text})
                    continue
                pending.append(number)
                if len(pending) >= batch:
                    result.added += await add_many(pending, stamp)
                    result.numbers += len(pending)
                    pending = []
        except Unreadable as exc:
            result.invalid += 1
            errors.append({"line": result.lines + (2 if has_header else 1), "reason": str(exc)})
    if pending:
        result.added += await add_many(pending, stamp)
        result.numbers += len(pending)
    if result.added >= ANALYZE_AFTER:
        await refresh_statistics()
    if campaign_id is None and expires_at is None and result.added:
        result.contacts_closed = await close_listed_contacts(before)
    result.seconds = time.perf_counter() - started
    return result
