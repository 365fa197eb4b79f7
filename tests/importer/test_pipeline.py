"""Whole imports into a real database, on SQLite and on PostgreSQL (the `db` fixture)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from dialer.importer import limits, writer
from dialer.importer.jobs import import_file, save_mapping
from dialer.importer.pipeline import ImportSummary
from dialer.importer.plan import ImportOptions, ImportRefused, inspect_file
from dialer.models import CallerIdPool, Contact, ContactList, DialProfile, DncEntry, ImportJob

HEADER = "Jméno;Telefon;Poznámka\n"


async def run(tmp_path: Path, content: bytes | str, list_name: str = "Jaro", name: str = "in.csv",
              **options: object) -> ImportSummary:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return await import_file(path, list_name, ImportOptions(**options), tmp_path / "data")


def holds(rows: object, phone: str) -> bool:
    """Whether a batch as the writer gets it (rows, or PostgreSQL's COPY bytes) has this number."""
    if isinstance(rows, (bytes, memoryview)):
        return f'"{phone}"'.encode() in bytes(rows)
    return any(row[0] == phone for row in rows)  # type: ignore[attr-defined]


async def phones(list_name: str = "Jaro") -> list[str]:
    return sorted(await Contact.filter(contact_list__name=list_name).values_list("phone", flat=True))


async def test_each_encoding_keeps_names_intact(db: str, tmp_path: Path) -> None:
    text = HEADER + "Jiří Šťastný;601 123 456;Žluťoučký kůň\nŁukasz Świątek;+48 500 600 700;zażółć\n"
    for i, encoding in enumerate(["utf-8", "utf-8-sig", "utf-16", "cp1250", "iso-8859-2"]):
        summary = await run(tmp_path, text.encode(encoding), list_name=f"L{i}", name=f"{encoding}.csv")
        assert (summary.status, summary.imported) == ("done", 2), encoding
        contact = await Contact.get(contact_list__name=f"L{i}", phone="+420601123456")
        assert contact.name == "Jiří Šťastný" and contact.custom_fields == {"Poznámka": "Žluťoučký kůň"}
        assert (await ImportJob.get(id=summary.job_id)).encoding == {"utf-8-sig": "utf-8-sig"}.get(encoding, encoding)
    western = "Name,Phone\nFrançois Lefèvre,601123456\n".encode("cp1252")
    await run(tmp_path, western, list_name="W", name="w.csv", encoding="cp1252")
    assert (await Contact.get(contact_list__name="W")).name == "François Lefèvre"


async def test_an_uncertain_encoding_is_asked_not_guessed(db: str, tmp_path: Path) -> None:
    # Danish in Windows-1252 reads as Czech-looking "Sřren Ćrř" in Windows-1250: a person decides.
    danish = "Navn,Telefon\nSøren Ærø,601123456\nÅse Bødker,602123456\n".encode("cp1252")
    with pytest.raises(ImportRefused, match="uncertain.*Sřren.*Søren") as refused:
        await run(tmp_path, danish, list_name="D", name="d.csv")
    assert refused.value.field == "encoding"
    assert await ContactList.all().count() == 0 and await ImportJob.all().count() == 0
    summary = await run(tmp_path, danish, list_name="D", name="d.csv", encoding="cp1252")
    assert summary.imported == 2
    assert (await Contact.get(phone="+420601123456")).custom_fields == {"Navn": "Søren Ærø"}


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
async def test_each_delimiter(db: str, tmp_path: Path, delimiter: str) -> None:
    rows = [["name", "phone", "note"], ["Novák", "601123456", "a, b; c"], ["Eva", "602123456", ""]]
    text = "".join(delimiter.join(f'"{v}"' if any(d in v for d in ",;\t") else v for v in row) + "\n" for row in rows)
    summary = await run(tmp_path, text)
    assert summary.imported == 2 and (await ImportJob.get(id=summary.job_id)).delimiter == delimiter
    assert (await Contact.get(phone="+420601123456")).custom_fields == {"note": "a, b; c"}


async def test_quoted_fields_with_newlines_and_delimiters_keep_line_numbers(db: str, tmp_path: Path) -> None:
    text = HEADER + 'Jan;601123456;"řádek 1\nřádek 2; se středníkem"\nEva;"602 123 456";"""citát"""\nBad;123;x\n'
    summary = await run(tmp_path, text)
    assert summary.imported == 2
    assert summary.errors == [{"line": 5, "reason": "phone '123': too short for CZ"}]
    assert (await Contact.get(phone="+420601123456")).custom_fields["Poznámka"] == "řádek 1\nřádek 2; se středníkem"
    assert (await Contact.get(phone="+420602123456")).custom_fields["Poznámka"] == '"citát"'


async def test_refusals_come_before_any_list_or_job(db: str, tmp_path: Path) -> None:
    with pytest.raises(ImportRefused, match="No column looks like a phone"):
        await run(tmp_path, "Jméno;Město\nJan;Praha\nEva;Brno\n")
    with pytest.raises(ImportRefused, match="empty"):
        await run(tmp_path, b"")
    with pytest.raises(ImportRefused, match="no column 'Fax'"):
        await run(tmp_path, HEADER + "Jan;601123456;x\n", mapping={"Fax": "phone"})
    with pytest.raises(ImportRefused, match="caller-ID pool"):
        await run(tmp_path, HEADER + "Jan;601123456;x\n", caller_id_pool="Nope")
    assert await ContactList.all().count() == 0 and await ImportJob.all().count() == 0


async def test_header_only_file_is_done_with_nothing_to_import(db: str, tmp_path: Path) -> None:
    summary = await run(tmp_path, HEADER)
    assert (summary.status, summary.imported, summary.rows) == ("done", 0, 0)
    assert "no rows" in summary.message
    assert await ContactList.filter(name="Jaro").exists()  # the list is created when missing


async def test_a_20_mb_field_costs_its_row_only(db: str, tmp_path: Path) -> None:
    big = "x" * (20 * 2**20)
    text = f'{HEADER}Jan;601123456;a\nEva;602123456;"{big}"\nPetr;603123456;{big}\nIva;604123456;d\n'
    summary = await run(tmp_path, text)
    assert summary.imported == 2 and summary.invalid == 2
    assert [e["line"] for e in summary.errors] == [3, 4]
    assert all("longer than" in e["reason"] for e in summary.errors)
    assert await phones() == ["+420601123456", "+420604123456"]


async def test_a_stray_nul_byte_costs_its_row_only(db: str, tmp_path: Path) -> None:
    # PostgreSQL refuses NUL in text and JSON: unchecked, one such byte failed the whole import.
    rows = "".join(f"Name {i};601{i:06d};note\n" for i in range(1, 201))
    text = HEADER + rows + "Eva;731000001;bad\x00note\nIva\x00;731000002;x\nOta;731000003;ok\n"
    summary = await run(tmp_path, text)
    assert (summary.imported, summary.invalid) == (201, 2), summary.errors
    assert [e["line"] for e in summary.errors] == [202, 203]
    assert all("NUL character" in e["reason"] for e in summary.errors)
    assert "+420731000003" in await phones() and "+420731000001" not in await phones()


async def test_ragged_rows_and_an_unclosed_quote(db: str, tmp_path: Path) -> None:
    text = (HEADER + "Jan;601123456\n"  # short: the missing note is empty
            "Eva;602123456;x;;\n"  # trailing empty fields are fine
            "Petr;603123456;x;extra\n"  # a real extra value: refused
            'Iva;604123456;"never closed\nOta;605123456;y\n')
    summary = await run(tmp_path, text)
    assert await phones() == ["+420601123456", "+420602123456"]
    assert summary.errors[0]["line"] == 4 and "4 fields where the header has 3" in summary.errors[0]["reason"]
    assert summary.errors[1]["line"] == 5 and "never closed" in summary.errors[1]["reason"]
    errors_csv = Path(summary.errors_file).read_text(encoding="utf-8-sig").splitlines()
    assert errors_csv[0] == "line,reason,Jméno,Telefon,Poznámka" and errors_csv[1].startswith("4,")


async def test_invalid_numbers_are_reported_not_imported(db: str, tmp_path: Path) -> None:
    text = HEADER + "A;12345;\nB;+999 123 456;\nC;00420601123456;\nD;;\nE;hello;\n"
    summary = await run(tmp_path, text)
    assert (summary.imported, summary.invalid) == (1, 4)
    assert [e["line"] for e in summary.errors] == [2, 3, 5, 6]
    assert "no phone number" in summary.errors[2]["reason"]


async def test_duplicates_in_the_list_are_skipped_and_counted(db: str, tmp_path: Path) -> None:
    text = HEADER + "Jan;601123456;first\nJan again;+420601123456;second\nEva;602123456;\n"
    first = await run(tmp_path, text)
    assert (first.imported, first.duplicates) == (2, 1)
    assert (await Contact.get(phone="+420601123456")).name == "Jan"  # the first row wins
    again = await run(tmp_path, text)  # re-import of the same file
    assert (again.imported, again.duplicates, again.status) == (0, 3, "done")
    other = await run(tmp_path, text, list_name="Podzim")  # other lists may hold the same number
    assert other.imported == 2 and await Contact.filter(phone="+420601123456").count() == 2


async def test_the_report_lists_the_line_of_each_duplicate(db: str, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    await run(tmp_path, HEADER + "Old;601999999;\n")
    # Batches of 3 records: a repeat inside a batch, of the batch before, of a batch further back,
    # and of a number the list held before this import.
    monkeypatch.setattr(limits, "BATCH_ROWS", 3)
    rows = ["A;601000001;", "B;601000002;", "A2;601000001;",  # lines 2-4: line 4 repeats line 2
            "C;601000003;", "B2;601000002;", "D;601000004;",  # lines 5-7: line 6 repeats line 3 (batch before)
            "E;601000005;", "Old2;601999999;", "A3;601000001;",  # lines 8-10: 9 in the list, 10 repeats line 2
            "F;601000006;"]
    summary = await run(tmp_path, HEADER + "\n".join(rows) + "\n")
    assert (summary.imported, summary.duplicates) == (6, 4), summary
    in_the_list = "the number is already in the list"
    assert [(d["line"], d["phone"]) for d in summary.duplicate_rows] == [
        (4, "+420601000001"), (6, "+420601000002"), (9, "+420601999999"), (10, "+420601000001")]
    assert summary.duplicate_rows[0]["reason"] == "the number is on line 2 too (that row was imported)"
    assert summary.duplicate_rows[1]["reason"] == "the number is on line 3 too (that row was imported)"
    # Line 10 repeats a number imported two batches back: the database found it, as "in the list".
    assert summary.duplicate_rows[2]["reason"] == in_the_list and summary.duplicate_rows[3]["reason"] == in_the_list
    lines = Path(summary.duplicates_file).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "line,phone,reason" and lines[1].startswith("4,+420601000001,") and len(lines) == 5
    assert summary.as_json()["duplicate_rows"] == summary.duplicate_rows


async def test_dnc_numbers_are_imported_flagged(db: str, tmp_path: Path) -> None:
    await DncEntry.create(phone="+420601123456", reason="asked")
    await DncEntry.create(phone="+420602123456", campaign_id=7)  # one campaign only: not at import
    await DncEntry.create(phone="+420603123456", expires_at=datetime.now(timezone.utc) - timedelta(days=1))
    summary = await run(tmp_path, HEADER + "A;601123456;\nB;602123456;\nC;603123456;\n")
    assert (summary.imported, summary.dnc) == (3, 1)
    statuses = dict(await Contact.all().values_list("phone", "status"))
    assert [str(getattr(statuses[p], "value", statuses[p])) for p in sorted(statuses)] == ["dnc", "pending", "pending"]


async def test_formula_like_values_are_stored_as_given(db: str, tmp_path: Path) -> None:
    values = ["=1+2", "+SUM(A1)", "-3", "@cmd"]
    text = "Phone;Name;Note\n" + "".join(f"60112345{i};{v};{v}\n" for i, v in enumerate(values))
    await run(tmp_path, text)
    stored = await Contact.all().order_by("phone").values_list("name", "custom_fields")
    assert [(n, f["Note"]) for n, f in stored] == [(v, v) for v in values]


async def test_mapping_defaults_and_row_overrides(db: str, tmp_path: Path) -> None:
    pool = await CallerIdPool.create(name="Praha")
    await CallerIdPool.create(name="Brno")
    profile = await DialProfile.create(name="Evening")
    text = ("Tel;Tel2;Who;Ref;TZ;CLI;Pool;Extra\n"
            "601123456;602 123 456;Jan;R1;europe/prague;+420 222 111 000;Brno;x\n"
            "603123456;;Eva;;;;;\n"
            "604123456;;Iva;;Mars/Base;;;\n"
            "605123456;;Ota;;;;Nowhere;\n")
    summary = await run(tmp_path, text, mapping={"Tel": "phone", "Tel2": "alt_phone", "Who": "name",
                                                 "Ref": "external_id", "TZ": "timezone", "CLI": "caller_id",
                                                 "Pool": "caller_id_pool"},
                        caller_id="+420 233 000 111", caller_id_pool="Praha", dial_profile="Evening")
    assert summary.imported == 2 and [e["line"] for e in summary.errors] == [4, 5]
    jan = await Contact.get(phone="+420601123456").prefetch_related("caller_id_pool")
    assert (jan.alt_phones, jan.name, jan.external_id, jan.timezone, jan.caller_id) == (
        ["+420602123456"], "Jan", "R1", "Europe/Prague", "+420222111000")
    assert jan.caller_id_pool.name == "Brno" and jan.custom_fields == {"Extra": "x"}
    eva = await Contact.get(phone="+420603123456")
    assert (eva.caller_id, eva.caller_id_pool_id, eva.dial_profile_id, eva.external_id) == (
        "+420233000111", pool.id, profile.id, None)


async def test_a_saved_mapping_is_reused_for_the_same_headers(db: str, tmp_path: Path) -> None:
    text = "Kdo;Kontakt;Číslo smlouvy\nJan;601123456;S-1\n"
    path = tmp_path / "shape.csv"
    path.write_text(text)
    shape = inspect_file(path)
    await save_mapping("Smlouvy", shape.labels, {"Kdo": "name", "Kontakt": "phone", "Číslo smlouvy": "external_id"},
                       ImportOptions())
    summary = await run(tmp_path, text.replace("Jan", "Eva"))
    assert summary.imported == 1
    assert (await Contact.get(phone="+420601123456")).external_id == "S-1"
    assert (await ImportJob.get(id=summary.job_id)).mapping["Kontakt"] == "phone"


async def test_progress_is_recorded_per_batch(db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "BATCH_ROWS", 7)
    text = "phone\n" + "".join(f"6011{i:05d}\n" for i in range(50))
    summary = await run(tmp_path, text)
    job = await ImportJob.get(id=summary.job_id)
    assert (job.imported, job.rows_read, job.processed_bytes, job.total_bytes) == (50, 50, len(text), len(text))
    assert job.options["inserted_ids"] and job.started_at and job.finished_at


async def test_a_failure_halfway_removes_what_the_job_inserted(db: str, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "BATCH_ROWS", 2000)
    await run(tmp_path, "phone\n601000001\n", list_name="Jaro", name="before.csv")  # a contact from before
    # More than the text layer decodes at once (8 KiB), so the bad byte is met halfway, not at the start.
    good = "".join(f"6011{i:05d}\n" for i in range(10_000))
    bad_file = ("phone\n" + good).encode() + b"\xff\n" + b"602000000\n"
    summary = await run(tmp_path, bad_file, encoding="utf-8")
    assert summary.status == "failed" and "line 10002" in summary.message, summary.message
    assert "contacts it had added were removed again" in summary.message
    assert await phones() == ["+420601000001"]

    real_insert = writer._insert_sqlite if db.startswith("sqlite") else writer._insert_postgres

    async def failing_insert(conn, list_id, rows, *args):
        # The third batch (PostgreSQL writes two at once, so not necessarily the third call).
        if holds(rows, "+420601104000"):
            raise RuntimeError("disk full")
        return await real_insert(conn, list_id, rows, *args)

    monkeypatch.setattr(writer, "_insert_sqlite" if db.startswith("sqlite") else "_insert_postgres", failing_insert)
    summary = await run(tmp_path, "phone\n" + good)
    assert summary.status == "failed" and "disk full" in summary.message
    assert "The 4,000 contacts it had added were removed again" in summary.message
    assert await phones() == ["+420601000001"]
    assert (await ImportJob.get(id=summary.job_id)).options["inserted_ids"] == []
