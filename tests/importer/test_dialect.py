"""Delimiter detection honours quotes and prefers the split that matches the header."""

from __future__ import annotations

import pytest

from dialer.importer.dialect import check_delimiter, detect_delimiter


@pytest.mark.parametrize("text,expected", [
    ("name,phone\nJan,601123456\nEva,602123456\n", ","),
    ("jméno;telefon\nNovák, Jan;601123456\nDvořák, Eva;602123456\n", ";"),
    ("name\tphone\tnote\nJan\t601123456\ta, b; c\n", "\t"),
    ('name,phone,note\n"Novák; Jan",601123456,"x;y;z"\n', ","),
    ("cena;telefon\n1,5;601123456\n2,25;602123456\n", ";"),  # decimal commas
    ("phone\n601123456\n", ","),  # one column: any delimiter works
])
def test_detects_the_delimiter(text: str, expected: str) -> None:
    assert detect_delimiter(text) == expected


def test_delimiter_spelled_out() -> None:
    assert check_delimiter("tab") == "\t" and check_delimiter(";") == ";" and check_delimiter("\\t") == "\t"
    with pytest.raises(ValueError, match="delimiter"):
        check_delimiter("#")
