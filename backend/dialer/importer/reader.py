"""Read a CSV file record by record, never the whole file: each record with the number of
the physical line it starts on (header = line 1; a quoted field with newlines spans lines).

Malformed records (unclosed quote, a field or line over the limits) come out as errors with
their line range and the reading goes on; only an undecodable byte stops it (`Unreadable`).
This module knows nothing of phones or contacts.
"""

from __future__ import annotations

import bisect
import codecs
import csv
import io
from pathlib import Path
from typing import BinaryIO, Iterator

from dialer.importer.limits import MAX_FIELD_CHARS, MAX_LINE_CHARS

# (line, fields, error): fields is None exactly when error says why the record is unusable.
Record = tuple[int, "list[str] | None", str]


class Unreadable(Exception):
    """The file cannot be decoded with the chosen encoding; nothing after this point is readable."""


class CsvSource:
    """An open CSV file with a known encoding and delimiter; iterate `records()` once."""

    def __init__(self, path: Path, encoding: str, delimiter: str) -> None:
        self.path = Path(path)
        self.encoding = encoding
        self.delimiter = delimiter
        self._raw: BinaryIO = open(self.path, "rb")
        # newline="" hands line endings to the csv module untranslated, as it requires.
        self._text = io.TextIOWrapper(self._raw, encoding=encoding, newline="", errors="strict")
        self._oversize: list[int] = []  # physical lines cut at MAX_LINE_CHARS, in order
        self._nul: list[int] = []  # physical lines holding a NUL character, in order
        self._lines_read = 0

    def __enter__(self) -> CsvSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._text.close()

    @property
    def bytes_read(self) -> int:
        """How far into the file reading has got (ahead by the read buffer, fine for progress)."""
        try:
            return self._raw.tell()
        except ValueError:  # closed
            return 0

    def _lines(self) -> Iterator[str]:
        readline = self._text.readline
        limit = MAX_LINE_CHARS
        while True:
            try:
                line = readline(limit)
            except UnicodeDecodeError as exc:
                line_no, column = _locate_decode_error(self.path, self.encoding)
                raise Unreadable(
                    f"line {line_no or self._lines_read + 1} is not valid {self.encoding} ({exc.reason}"
                    f"{f' at character {column}' if line_no else ''}); choose the file's encoding by hand") from None
            if not line:
                return
            self._lines_read += 1
            if len(line) == limit and line[-1] not in "\r\n":
                # Skip the rest of an overlong line instead of holding it in memory.
                self._oversize.append(self._lines_read)
                while (more := readline(limit)) and more[-1] not in "\r\n":
                    pass
            elif "\x00" in line:
                # Python's csv takes NUL in a field, PostgreSQL's text and JSON refuse it: the row
                # is refused here so that one stray byte does not fail a whole batch.
                self._nul.append(self._lines_read)
            yield line

    def records(self) -> Iterator[Record]:
        # strict: a quote left open at the end of the file is an error, not a giant last field.
        reader = csv.reader(self._lines(), delimiter=self.delimiter, strict=True)
        previous = 0
        oversize, nul = self._oversize, self._nul
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                first, previous = previous + 1, reader.line_num
                del oversize[:]
                del nul[:]
                yield first, None, _explain(str(exc), first, previous)
                continue
            first, previous = previous + 1, reader.line_num
            if oversize or nul:  # rare: the common row pays one test
                nul_lines, long_lines = _take_through(nul, previous), _take_through(oversize, previous)
                if nul_lines:
                    yield first, None, (f"line {nul_lines[0]} contains a NUL character (binary data, not text); "
                                        "the row was skipped")
                    continue
                if long_lines:
                    yield first, None, (f"line {long_lines[0]} is longer than {MAX_LINE_CHARS:,} characters; "
                                        "the row was skipped")
                    continue
            yield first, fields, ""


def _take_through(lines: list[int], last: int) -> list[int]:
    """Remove and return the line numbers up to `last` from the front of the sorted `lines`."""
    count = bisect.bisect_right(lines, last)
    taken = lines[:count]
    del lines[:count]
    return taken


def _locate_decode_error(path: Path, encoding: str) -> tuple[int, int]:
    """The line (and byte in it) of the first undecodable byte. The text layer decodes 8 KiB at
    a time, so its error comes too early to name the line; this second pass runs only then."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with open(path, "rb") as f:
        for number, line in enumerate(f, start=1):
            try:
                decoder.decode(line)
            except UnicodeDecodeError as exc:
                return number, exc.start + 1
    return 0, 0


def _explain(message: str, first: int, last: int) -> str:
    span = f"line {first}" if first == last else f"lines {first}–{last}"
    if "field larger than field limit" in message:
        return (f"a field is longer than {MAX_FIELD_CHARS:,} characters, often a quote that is never "
                f"closed; {span} skipped")
    if "unexpected end of data" in message:
        return f"a quote opened on line {first} is never closed; {span} skipped"
    if "expected after" in message:
        return f"text after a closing quote (write a quote inside a quoted field as \"\"); {span} skipped"
    return f"malformed CSV ({message}); {span} skipped"


def read_head(path: Path, encoding: str, delimiter: str, rows: int) -> tuple[list[str] | None, list[Record]]:
    """The header and up to `rows` records after it, for previews and column guessing."""
    with CsvSource(path, encoding, delimiter) as source:
        records = source.records()
        header: list[str] | None = None
        for line, fields, _error in records:
            if fields:  # leading blank lines are not a header
                header = fields
                break
            if fields is None:
                break
        sample: list[Record] = []
        if header is not None:
            for record in records:
                if record[1] == []:
                    continue
                sample.append(record)
                if len(sample) >= rows:
                    break
        return header, sample
