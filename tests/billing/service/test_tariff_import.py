"""Importing a tariff's rates from a CSV file: encodings and delimiters as the contact
importer reads them, good lines written, bad ones reported with their line numbers."""

from __future__ import annotations

from decimal import Decimal

from dialer.accounts.users import Actor
from dialer.billing.service.tariffs import import_rates, load_tariffs
from dialer.models import AuditLog, TariffRate

SYSTEM = Actor.system("test")


async def test_import_writes_good_lines_and_reports_bad_ones(billing_world, tmp_path) -> None:
    path = tmp_path / "rates.csv"
    path.write_bytes("prefix;destination;price;weekend;increments\n"
                     "+421;Slovensko;0,90;0,50;30/6\n"
                     "4206;Mobil ČR;1,10;;\n"
                     "abc;Nikde;1;;\n"
                     "44;UK;levně;;\n".encode("cp1250"))
    result = await import_rates(billing_world.tariff, path, actor=SYSTEM)
    assert (result.imported, result.rows, result.refused) == (2, 4, "")
    assert [line for line, _ in result.errors] == [4, 5]
    rates = {r.prefix: r for r in await TariffRate.filter(tariff=billing_world.tariff)}
    assert rates["421"].weekend == Decimal("0.5") and rates["421"].increments == "30/6"
    assert rates["4206"].peak == Decimal("1.1") and rates["4206"].destination == "Mobil ČR", "updated in place"
    assert "420" in rates, "a rate not in the file stays"
    assert await AuditLog.filter(action="tariff.import").count() == 1
    (tariff,) = await load_tariffs()
    assert tariff.rate_for("421900123456").per_minute == Decimal("0.9")


async def test_replace_and_refusals(billing_world, tmp_path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text("prefix,price\n49,0.7\n", encoding="utf-8")
    result = await import_rates(billing_world.tariff, path, actor=SYSTEM, replace=True)
    assert result.imported == 1
    assert [r.prefix for r in await TariffRate.filter(tariff=billing_world.tariff)] == ["49"]
    bad = tmp_path / "bad.csv"
    bad.write_text("number,cost\n420,1\n", encoding="utf-8")
    refused = await import_rates(billing_world.tariff, bad, actor=SYSTEM)
    assert refused.refused and "prefix" in refused.refused and refused.imported == 0
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    assert (await import_rates(billing_world.tariff, empty, actor=SYSTEM)).refused
