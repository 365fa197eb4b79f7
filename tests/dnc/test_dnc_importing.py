"""A file of numbers onto the do-not-call list: 100,000 numbers with bad lines among them
(each reported with its line and reason, every good one listed), headers and columns, the
encodings the contact import reads, scope and expiry, repeats; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from dialer.dnc.export import export_rows
from dialer.dnc.importing import DncFileRefused, import_dnc_file
from dialer.models import Campaign, Contact, ContactList, DncEntry
from dialer.models.enums import ContactStatus, DncSource
from dialer.scheduling.leasing import dnc_blocks

BAD = {17: "abc", 5_000: "12", 50_001: "+999 123", 99_999: "601-12"}


def registry(path: Path, count: int = 100_000) -> dict[int, str]:
    """`count` Czech mobile numbers, one per line in mixed formats, some lines bad; returns the
    bad lines by line number."""
    lines = []
    for i in range(count):
        n = f"601{i:06d}"
        lines.append(BAD.get(i + 1) or (n if i % 3 == 0 else f"+420 {n[:3]} {n[3:6]} {n[6:]}" if i % 3 == 1
                                        else f"00420{n}"))
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return {line: value for line, value in BAD.items() if line <= count}


async def test_a_registry_of_100000_numbers_with_bad_lines(db: str, tmp_path: Path) -> None:
    bad = registry(tmp_path / "registry.txt")
    result = await import_dnc_file(tmp_path / "registry.txt", added_by="admin")
    assert result.lines == 100_000 and result.invalid == len(bad)
    assert [e["line"] for e in result.errors] == sorted(bad)
    assert all(BAD[e["line"]].split()[0] in e["reason"] for e in result.errors), result.errors
    assert result.added == 100_000 - len(bad) == await DncEntry.filter(campaign_id=None).count()
    entry = await DncEntry.get(phone="+420601000001")
    assert entry.source is DncSource.IMPORT and entry.added_by == "admin" and entry.expires_at is None
    assert not await DncEntry.filter(phone="+420601000016").exists(), "line 17 was bad"

    again = await import_dnc_file(tmp_path / "registry.txt")
    assert again.added == 0 and again.already_listed == 100_000 - len(bad)
    assert await DncEntry.all().count() == 100_000 - len(bad), "a number is listed once globally"


async def test_pending_contacts_of_listed_numbers_are_closed(db: str, tmp_path: Path) -> None:
    clist = await ContactList.create(name="L")
    barred = await Contact.create(contact_list=clist, phone="+420601000005", name="A")
    free = await Contact.create(contact_list=clist, phone="+420602000005", name="B")
    (tmp_path / "few.txt").write_text("601000005\n601000006\n")
    result = await import_dnc_file(tmp_path / "few.txt")
    assert result.contacts_closed == 1
    assert (await Contact.get(id=barred.id)).status is ContactStatus.DNC
    assert (await Contact.get(id=free.id)).status is ContactStatus.PENDING


async def test_a_csv_column_by_header_or_number_in_windows_1250(db: str, tmp_path: Path) -> None:
    path = tmp_path / "odhlášení.csv"
    path.write_bytes("Jméno;Poznámka;Telefon\nJiří Šťastný;nevolat;601 123 456\nŽaneta;x;12345\n"
                     "Řehoř;;+420 602 111 222\n".encode("cp1250"))
    result = await import_dnc_file(path)
    assert result.column == "Telefon" and result.encoding in ("cp1250", "iso-8859-2")
    assert result.added == 2 and result.errors == [{"line": 3, "reason": "phone '12345': too short for CZ"}]
    await DncEntry.all().delete()
    by_number = await import_dnc_file(path, column="3")
    assert by_number.added == 2
    with pytest.raises(DncFileRefused, match="Fax"):
        await import_dnc_file(path, column="Fax")


async def test_a_header_of_unknown_names_finds_the_phone_column_by_its_values(db: str, tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    path.write_text("Kód,Údaj,Pozn\nA1,601 000 001,x\nA2,601 000 002,\nA3,hello,y\n", encoding="utf-8")
    result = await import_dnc_file(path)
    assert result.column == "Údaj" and result.added == 2
    assert result.errors == [{"line": 4, "reason": "phone 'hello': not a phone number"}]


async def test_utf16_and_a_campaign_scope_with_expiry(db: str, tmp_path: Path) -> None:
    campaign = await Campaign.create(name="Spring")
    path = tmp_path / "excel.txt"
    path.write_bytes("phone\tname\r\n601 000 111\tA\r\n601 000 222\tB\r\n".encode("utf-16"))
    until = datetime.now(timezone.utc) + timedelta(days=30)
    result = await import_dnc_file(path, campaign_id=campaign.id, expires_at=until)
    assert result.added == 2 and result.encoding == "utf-16"
    entry = await DncEntry.get(phone="+420601000111")
    assert entry.campaign_id == campaign.id and abs((entry.expires_at - until).total_seconds()) < 1
    now = datetime.now(timezone.utc)
    assert await dnc_blocks(["+420601000111"], campaign.id, now) == {"+420601000111": False}
    assert await dnc_blocks(["+420601000111"], campaign.id + 1, now) == {}, "other campaigns dial it"
    assert await dnc_blocks(["+420601000111"], campaign.id, until + timedelta(seconds=1)) == {}, "expired"


async def test_an_unsure_encoding_or_a_workbook_is_refused(db: str, tmp_path: Path) -> None:
    danes = tmp_path / "danes.csv"
    danes.write_bytes("Navn,Telefon\nSøren Ærø,601123456\n".encode("cp1252"))
    with pytest.raises(DncFileRefused) as refused:
        await import_dnc_file(danes)
    assert refused.value.field == "encoding"
    assert (await import_dnc_file(danes, encoding="cp1252")).added == 1
    (tmp_path / "book.xlsx").write_bytes(b"PK\x03\x04rest")
    with pytest.raises(DncFileRefused, match="Excel"):
        await import_dnc_file(tmp_path / "book.xlsx")


async def test_export_lists_every_entry_and_reads_back(db: str, tmp_path: Path) -> None:
    campaign = await Campaign.create(name="Autumn")
    (tmp_path / "a.txt").write_text("601000001\n601000002\n")
    await import_dnc_file(tmp_path / "a.txt", added_by="admin", reason="=registry")
    await import_dnc_file(tmp_path / "a.txt", campaign_id=campaign.id)
    text = "".join([chunk async for chunk in export_rows()])
    assert text.startswith("\ufeffphone,campaign,source,added_by,added_at,expires_at,reason\r\n")
    rows = text.lstrip("\ufeff").splitlines()
    assert len(rows) == 5
    assert rows[1].startswith("+420601000001,,import,admin,") and rows[1].endswith(",'=registry")
    assert rows[3].startswith("+420601000001,Autumn,import,")
    await DncEntry.all().delete()
    (tmp_path / "export.csv").write_text(text, encoding="utf-8")
    assert (await import_dnc_file(tmp_path / "export.csv")).added == 2, "its phone column reads back"
