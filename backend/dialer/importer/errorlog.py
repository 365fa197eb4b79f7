"""The bad rows of one import: every one in a CSV file (line, reason, the row's raw values)
for the user to download and fix, and the first few kept for the job's status.

The file is UTF-8 with a BOM so Excel shows accents right, and its cells are escaped
against formula injection. Opened only when the first bad row comes.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Sequence, TextIO

from dialer.importer.escape import escape_cell
from dialer.importer.limits import ERRORS_KEPT


class ErrorLog:
    def __init__(self, path: Path, labels: Sequence[str]) -> None:
        self.path = path
        self.labels = list(labels)
        self.count = 0
        self.first: list[dict[str, Any]] = []
        self._file: TextIO | None = None
        self._writer: Any = None

    def add(self, line: int, reason: str, values: Sequence[str] = ()) -> None:
        self.count += 1
        if len(self.first) < ERRORS_KEPT:
            self.first.append({"line": line, "reason": reason})
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self.path, "w", encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._file)
            self._writer.writerow(["line", "reason", *self.labels])
        # Cap each value: the errors file must stay a file people can open.
        self._writer.writerow([line, escape_cell(reason), *(escape_cell(v[:1000]) for v in values)])

    @property
    def written(self) -> bool:
        return self._writer is not None

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
