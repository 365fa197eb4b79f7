"""The CSV format a user's language asks for, and numbers written without float noise."""

from __future__ import annotations

import pyarrow as pa
import pytest

from dialer.stats.csv_format import FORMATS, csv_format, for_language, numbers_for_csv


@pytest.mark.parametrize("header, name", [
    ("cs-CZ,cs;q=0.9,en;q=0.8", "semicolon"),
    ("de-DE", "semicolon"),
    ("pl", "semicolon"),
    ("fr-FR,fr;q=0.9", "semicolon"),
    ("en-US,en;q=0.9", "comma"),
    ("en-GB,cs;q=0.5", "comma"),
    ("en;q=0.3, sk;q=0.8", "semicolon"),  # the preferred language wins, not the first written
    ("", "comma"),
    (None, "comma"),
    ("*", "comma"),
    ("ja-JP", "comma"),
])
def test_the_browsers_language_picks_the_delimiter(header: str | None, name: str) -> None:
    assert for_language(header).name == name


@pytest.mark.parametrize("given, name", [(";", "semicolon"), ("semicolon", "semicolon"), (",", "comma"),
                                         ("COMMA", "comma"), ("tab", "tab"), ("\t", "tab"), ("\\t", "tab")])
def test_a_format_by_name_or_by_its_delimiter(given: str, name: str) -> None:
    assert csv_format(given).name == name


def test_an_unknown_delimiter_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="semicolon, comma, tab"):
        csv_format("|")


def test_each_column_keeps_its_own_precision() -> None:
    table = pa.table({"aht_s": [28.597125000000002], "abandon_rate": [0.0312499], "calls_per_hour": [2 / 3],
                      "attempts": pa.array([7], pa.int64())})
    out = numbers_for_csv(table, FORMATS["comma"])
    assert out.to_pylist() == [{"aht_s": 28.6, "abandon_rate": 0.0312, "calls_per_hour": 0.67, "attempts": 7}]
    out = numbers_for_csv(table, FORMATS["semicolon"])
    assert out.to_pylist() == [{"aht_s": "28,6", "abandon_rate": "0,0312", "calls_per_hour": "0,67", "attempts": 7}]
