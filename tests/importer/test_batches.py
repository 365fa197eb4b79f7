"""A file as batches: boundaries by records read, bad rows with the batch they were met in, the
final batch always there, and the COPY payload PostgreSQL reads back as the same values."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from dialer.importer import columns as c
from dialer.importer.batches import COPY_CSV, ROWS, ParseSpec, copy_csv, parse_batches
from dialer.importer.rows import Defaults, Lookups


def spec(path: Path, batch_rows: int, payload: str = ROWS) -> ParseSpec:
    return ParseSpec(path, "utf-8", ";", ["Jméno", "Telefon"], {"Jméno": c.NAME, "Telefon": c.PHONE}, "CZ",
                     Defaults(), Lookups(), batch_rows, payload)


def test_batches_count_records_and_carry_their_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("Jméno;Telefon\nA;601000001\nB;123\n\nC;601000003\nD;601000004\n", encoding="utf-8")
    batches = list(parse_batches(spec(path, 2)))
    assert [(b.count, b.rows, b.final, b.last_line) for b in batches] == [
        (1, 2, False, 3), (1, 3, False, 5), (1, 4, True, 6)]
    assert [e[:2] for e in batches[0].errors] == [(3, "phone '123': too short for CZ")]
    assert batches[0].errors[0][2] == ["B", "123"] and not batches[1].errors
    assert batches[-1].bytes_read == path.stat().st_size


def test_an_empty_file_body_still_gives_the_final_batch(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("Jméno;Telefon\n", encoding="utf-8")
    assert [(b.count, b.rows, b.final) for b in parse_batches(spec(path, 10))] == [(0, 0, True)]


def test_copy_csv_keeps_values_exactly_and_nulls_apart(tmp_path: Path) -> None:
    rows = [("+420601000001", "[]", 'Jan "Honza"\nNovák; \\N', None, '{"a":"\\\\."}', "", "", None, 7)]
    text = copy_csv(rows).decode("utf-8")
    # What COPY ... (FORMAT csv) sees: quoted strings are values (also ""), bare empty is NULL.
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed == [["0", "+420601000001", "[]", 'Jan "Honza"\nNovák; \\N', "", '{"a":"\\\\."}', "", "", "", "7"]]
    assert '""' in text.split(",")[4]  # None goes out quoted; FORCE_NULL makes it NULL for nullable columns
    path = tmp_path / "a.csv"
    path.write_text("Jméno;Telefon\nA;601000001\n", encoding="utf-8")
    [batch] = parse_batches(spec(path, 10, COPY_CSV))
    assert batch.payload == b'0,"+420601000001","[]","A","","{}","","","",""\n'
