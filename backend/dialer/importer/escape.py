"""Escaping for cells written to CSV or XLSX files people open in a spreadsheet.

A value starting with `=`, `+`, `-`, `@` (or a tab / carriage return) is a formula to Excel
and LibreOffice ("CSV injection"); we store such values as given and escape them only on the
way out, with a leading apostrophe as OWASP recommends. Plain numbers (`+420 601 123 456`,
`-5`) stay readable. Used by the import's errors file; exporters may share it.
"""

from __future__ import annotations

import re

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[\d\s().,/]*\d[\d\s().,/]*")


def escape_cell(value: str) -> str:
    if value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value
