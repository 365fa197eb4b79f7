"""Guess a CSV file's delimiter: comma, semicolon (what Excel writes where the decimal
separator is a comma, as in Czech and Polish) or tab (Excel's "Unicode text").

The right delimiter splits the header and the first rows into the same number of fields;
quotes are honoured by parsing the sample with each candidate. Not a general csv.Sniffer.
"""

from __future__ import annotations

import csv
import io

DELIMITERS: dict[str, str] = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_SAMPLE_RECORDS = 50


def delimiter_label(delimiter: str) -> str:
    return DELIMITERS.get(delimiter, repr(delimiter))


def check_delimiter(value: str) -> str:
    """Accept the delimiter as a user types it: ';', 'tab', '\\t', 'comma'..."""
    spelled = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
    value = spelled.get(value.strip().lower(), value) if value.strip() else value
    if value not in DELIMITERS:
        raise ValueError(f"delimiter must be one of: comma (,), semicolon (;), tab, pipe (|); got {value!r}")
    return value


def _counts(sample: str, delimiter: str) -> list[int]:
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    counts: list[int] = []
    try:
        for row in reader:
            if row:
                counts.append(len(row))
            if len(counts) >= _SAMPLE_RECORDS:
                break
    except csv.Error:
        pass
    return counts


def detect_delimiter(sample: str) -> str:
    """The candidate under which most sampled rows have as many fields as the header."""
    # Cut at the last newline: a sample ending mid-row would skew the last count.
    cut = sample.rfind("\n")
    if cut > 0:
        sample = sample[:cut + 1]
    best: tuple[float, int, int] = (-1.0, 0, 0)
    choice = ","
    for order, delimiter in enumerate((",", ";", "\t", "|")):
        counts = _counts(sample, delimiter)
        if not counts or counts[0] < 2:
            continue
        header = counts[0]
        rows = counts[1:] or [header]
        agree = sum(1 for n in rows if n == header) / len(rows)
        candidate = (agree, header, -order)
        if candidate > best:
            best, choice = candidate, delimiter
    return choice
