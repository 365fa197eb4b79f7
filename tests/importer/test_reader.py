"""The streaming reader: records with the line they start on, and malformed ones reported, not fatal."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialer.importer.limits import MAX_LINE_CHARS
from dialer.importer.reader import CsvSource, Unreadable


def records(path: Path, text: str, encoding: str = "utf-8", delimiter: str = ",") -> list:
    path.write_bytes(text.encode(encoding))
    with CsvSource(path, encoding, delimiter) as source:
        return list(source.records())


def test_line_numbers_count_lines_inside_quoted_fields(tmp_path: Path) -> None:
    got = records(tmp_path / "a.csv", 'h1,h2\r\n1,"two\r\nlines, and a comma"\r\n2,x\r\n\r\n3,"a ""quote"""\r\n')
    assert [(line, fields) for line, fields, _ in got] == [
        (1, ["h1", "h2"]), (2, ["1", "two\r\nlines, and a comma"]), (4, ["2", "x"]), (5, []), (6, ["3", 'a "quote"'])]


def test_unclosed_quote_at_the_end_is_an_error_with_its_line(tmp_path: Path) -> None:
    got = records(tmp_path / "a.csv", 'h\n1\n"2\n3\n4\n')
    assert got[:2] == [(1, ["h"], ""), (2, ["1"], "")]
    line, fields, error = got[2]
    assert line == 3 and fields is None and "never closed" in error and "lines 3–5" in error


def test_text_after_a_closing_quote_spoils_only_its_row(tmp_path: Path) -> None:
    got = records(tmp_path / "a.csv", 'a,b\n"x"y,1\nok,2\n')
    assert got[1][1] is None and got[1][0] == 2 and "closing quote" in got[1][2]
    assert got[2] == (3, ["ok", "2"], "")


@pytest.mark.parametrize("quoted", [False, True])
def test_a_20_mb_field_is_skipped_without_holding_it(tmp_path: Path, quoted: bool) -> None:
    big = "x" * (20 * 2**20)
    field = f'"{big}"' if quoted else big
    got = records(tmp_path / "big.csv", f"phone,note\n601123456,a\n602123456,{field}\n603123456,c\n")
    assert got[1] == (2, ["601123456", "a"], "")
    assert got[2][0] == 3 and got[2][1] is None
    assert ("longer than" in got[2][2])
    assert got[3] == (4, ["603123456", "c"], "")


def test_an_overlong_line_is_cut_at_the_limit(tmp_path: Path) -> None:
    got = records(tmp_path / "long.csv", "a,b\n" + ",".join(["y" * 1000] * (MAX_LINE_CHARS // 1000 + 5)) + "\n1,2\n")
    assert got[1][1] is None and f"{MAX_LINE_CHARS:,}" in got[1][2]
    assert got[2] == (3, ["1", "2"], "")


def test_an_undecodable_byte_stops_reading_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"a,b\n1,2\n3,\xff\xfe\n")
    with CsvSource(path, "utf-8", ",") as source:
        with pytest.raises(Unreadable, match="line 3"):
            list(source.records())


def test_a_nul_byte_spoils_only_its_record(tmp_path: Path) -> None:
    got = records(tmp_path / "nul.csv", 'a,b\n1,x\x00y\n"2\nmore\x00",z\n3,ok\n')
    assert got[1][:2] == (2, None) and "line 2 contains a NUL" in got[1][2]
    assert got[2][:2] == (3, None) and "line 4 contains a NUL" in got[2][2]
    assert got[3] == (5, ["3", "ok"], "")
