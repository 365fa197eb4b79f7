"""Formula escaping for cells we write to files people open in a spreadsheet."""

from __future__ import annotations

import pytest

from dialer.importer.escape import escape_cell


@pytest.mark.parametrize("value,expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("@SUM(A1)", "'@SUM(A1)"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"), ("+420 601 123 456", "+420 601 123 456"),
    ("-5", "-5"), ("Novák", "Novák"), ("", ""),
])
def test_escape_cell(value: str, expected: str) -> None:
    assert escape_cell(value) == expected
