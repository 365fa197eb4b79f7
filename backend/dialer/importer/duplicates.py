"""The rows an import skipped as duplicates, each with its line: every one in a CSV file next
to the job's other files (line, phone, why), read back for the report (the result page, the
API's status, the CLI's summary).

The file lives at a path derived from the job (`duplicates_path`), opened only when the first
duplicate comes; UTF-8 with a BOM like the errors file, so Excel shows it right.
"""

from __future__ import annotations

import csv
import itertools
from pathlib import Path
from typing import Any, Iterable, TextIO

from dialer.importer.limits import ERRORS_KEPT

# line, phone, and the line of the row that holds the number in this file (None: the number
# was already in the list, from an earlier import or an earlier part of this file).
Duplicate = tuple[int, str, "int | None"]


def duplicates_path(data_dir: Path, job_id: int) -> Path:
    return Path(data_dir) / "imports" / str(job_id) / "duplicates.csv"


def reason(first_line: int | None) -> str:
    if first_line is None:
        return "the number is already in the list"
    return f"the number is on line {first_line} too (that row was imported)"


class DuplicateLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._file: TextIO | None = None
        self._writer: Any = None

    def add(self, rows: Iterable[Duplicate]) -> None:
        for line, phone, first_line in rows:
            if self._writer is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._file = open(self.path, "w", encoding="utf-8-sig", newline="")
                self._writer = csv.writer(self._file)
                self._writer.writerow(["line", "phone", "reason"])
            self._writer.writerow([line, phone, reason(first_line)])
            self.count += 1

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def first_duplicates(path: Path, limit: int = ERRORS_KEPT) -> list[dict[str, Any]]:
    """The first `limit` duplicates of a job's file as {"line", "phone", "reason"}; none without one."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = itertools.islice(csv.DictReader(f), limit)
            return [{"line": int(r["line"]), "phone": r["phone"], "reason": r["reason"]} for r in rows]
    except FileNotFoundError:
        return []
