"""Tariffs as the admin edits them: the form's fields and checks, rates edited one by one or
imported from CSV (bad lines reported line by line, as contact imports do), and the loading
of every active tariff as the pure model rating uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from dialer.accounts.audit import record_audit
from dialer.accounts.users import Actor
from dialer.billing.money import ZERO, check_currency, parse_amount
from dialer.billing.tariff_csv import HeaderError, ParsedRates, parse_rate, parse_rates
from dialer.billing.tariffs import Increments, Rate, Tariff, TimeBands
from dialer.campaigns.fields import Field, clean
from dialer.campaigns.saving import SaveError, delete_record, save_record
from dialer.importer.dialect import detect_delimiter
from dialer.importer.encoding import NotText, detect_encoding, read_sample
from dialer.importer.reader import CsvSource, Unreadable
from dialer.models import Team
from dialer.models import Tariff as TariffRow
from dialer.models import TariffRate

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

TARIFF_FIELDS: tuple[Field, ...] = (
    Field("name", "Name", required=True, max_length=100, section="Tariff"),
    Field("currency", "Currency", required=True, max_length=3, section="Tariff", help="Three letters: CZK, EUR."),
    Field("increments", "Billing increments", required=True, max_length=9, section="Tariff",
          help="First/next seconds: 60/60 whole minutes, 30/6, 1/1 per second. A rate may have its own."),
    Field("connection_fee", "Connection fee", max_length=20, section="Tariff",
          help="Charged once per answered call; a rate may have its own."),
    Field("team", "Branch (team)", "ref", section="Applies to", help="Empty: every branch."),
    Field("line", "Line (caller ID)", max_length=32, section="Applies to",
          help="The caller ID calls go out with, like +420221000100. Empty: every line."),
    Field("valid_from", "Valid from", max_length=10, section="Validity", help="YYYY-MM-DD, the tariff's time zone."),
    Field("valid_to", "Valid until (not included)", max_length=10, section="Validity", help="Empty: open-ended."),
    Field("timezone", "Time zone of the time bands", "timezone", required=True, max_length=64,
          section="Time bands"),
    Field("peak_start", "Peak from", required=True, max_length=5, section="Time bands",
          help="Working days; off-peak outside, weekend on Saturday and Sunday."),
    Field("peak_end", "Peak until", required=True, max_length=5, section="Time bands"),
    Field("active", "Active", "bool", section="Tariff"),
)

RATE_FIELDS = ("prefix", "destination", "price", "off_peak", "weekend", "connection_fee", "increments")


def _date(text: str, zone: ZoneInfo) -> datetime | None:
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError("write a date as YYYY-MM-DD") from None
    return datetime.combine(day, time(), zone)


def tariff_form_values(row: Any) -> dict[str, Any]:
    zone = ZoneInfo(getattr(row, "timezone", None) or "UTC")

    def day(value: datetime | None) -> str:
        return value.astimezone(zone).date().isoformat() if value else ""

    return {"name": getattr(row, "name", "") or "", "currency": getattr(row, "currency", "CZK") or "CZK",
            "increments": f"{getattr(row, 'first_increment_s', 60) or 60}/{getattr(row, 'next_increment_s', 60) or 60}",
            "connection_fee": str(getattr(row, "connection_fee", None) or "0"),
            "team": getattr(row, "team_id", None) or "", "line": getattr(row, "line", "") or "",
            "valid_from": day(getattr(row, "valid_from", None)), "valid_to": day(getattr(row, "valid_to", None)),
            "timezone": getattr(row, "timezone", None) or "UTC",
            "peak_start": getattr(row, "peak_start", None) or "08:00",
            "peak_end": getattr(row, "peak_end", None) or "18:00",
            "active": True if getattr(row, "active", None) is None else row.active}


def validate_tariff(data: Mapping[str, Any]) -> dict[str, Any]:
    cleaned, errors = clean(TARIFF_FIELDS, data)
    values: dict[str, Any] = {k: cleaned.get(k) for k in ("name", "line", "timezone", "active")}
    values["line"] = values["line"] or ""
    values["team_id"] = cleaned.get("team")
    for key, check in (("currency", check_currency),
                       ("increments", Increments.parse),
                       ("connection_fee", lambda t: parse_amount(t or "0"))):
        if key in errors:
            continue
        try:
            result = check(cleaned.get(key) or "")
        except ValueError as exc:
            errors[key] = str(exc)[:1].upper() + str(exc)[1:] + "."
            continue
        if key == "increments":
            values["first_increment_s"], values["next_increment_s"] = result.first, result.next
        else:
            values[key] = result
    for key in ("peak_start", "peak_end"):
        if key not in errors and not _HHMM.match(cleaned.get(key) or ""):
            errors[key] = "A time like 08:00."
        values[key] = cleaned.get(key) or ""
    if not errors.get("peak_start") and not errors.get("peak_end") and values["peak_start"] >= values["peak_end"]:
        errors["peak_end"] = "Peak ends after it starts."
    zone = ZoneInfo(values["timezone"] or "UTC") if "timezone" not in errors else ZoneInfo("UTC")
    for key in ("valid_from", "valid_to"):
        try:
            values[key] = _date(cleaned.get(key) or "", zone)
        except ValueError as exc:
            errors[key] = str(exc).capitalize() + "."
    if values.get("valid_from") and values.get("valid_to") and values["valid_to"] <= values["valid_from"]:
        errors["valid_to"] = "The end comes after the start."
    if errors:
        raise SaveError(errors)
    return values


async def save_tariff(data: Mapping[str, Any], *, actor: Actor, record: TariffRow | None = None) -> TariffRow:
    values = validate_tariff(data)
    if values["team_id"] is not None and not await Team.exists(id=values["team_id"]):
        raise SaveError({"team": "Choose one of the options."})
    return await save_record(TariffRow, values, actor=actor, entity="tariff", record=record)


async def delete_tariff(record: TariffRow, *, actor: Actor) -> None:
    await delete_record(record, actor=actor, entity="tariff", label=record.name)


def _rate_values(rate: Rate) -> dict[str, Any]:
    return {"prefix": rate.prefix, "destination": rate.destination, "peak": rate.per_minute,
            "off_peak": rate.off_peak, "weekend": rate.weekend, "connection_fee": rate.connection_fee,
            "increments": str(rate.increments) if rate.increments else ""}


async def save_rate(tariff: TariffRow, data: Mapping[str, str], *, actor: Actor,
                    record: TariffRate | None = None) -> TariffRate:
    """Add (or change) one rate from the form under the tariff; SaveError naming the field."""
    columns = {name: i for i, name in enumerate(RATE_FIELDS)}
    try:
        rate = parse_rate([str(data.get(k, "") or "") for k in RATE_FIELDS], columns)
    except ValueError as exc:
        text = str(exc)
        name = text.split(":")[0].split(" ")[0]
        raise SaveError({name if name in RATE_FIELDS else "prefix": text}) from None
    clash = TariffRate.filter(tariff=tariff, prefix=rate.prefix)
    if record is not None:
        clash = clash.exclude(id=record.id)
    if await clash.exists():
        raise SaveError({"prefix": f"Prefix {rate.prefix} already has a rate in this tariff."})
    values = {"tariff_id": tariff.id, **_rate_values(rate)}
    saved = await save_record(TariffRate, values, actor=actor, entity="tariff_rate", record=record)
    await TariffRow.filter(id=tariff.id).update(updated_at=datetime.now(ZoneInfo("UTC")))
    return saved


async def delete_rate(tariff: TariffRow, rate: TariffRate, *, actor: Actor) -> None:
    async with in_transaction():
        await rate.delete()
        await TariffRow.filter(id=tariff.id).update(updated_at=datetime.now(ZoneInfo("UTC")))
        await record_audit(actor, "tariff_rate.delete", "tariff_rate", rate.id, {"prefix": rate.prefix})


async def tariffs_version() -> tuple[tuple[int, datetime | None], ...]:
    """What changes whenever a tariff or one of its rates does: the meter reloads on a change."""
    return tuple(await TariffRow.filter(active=True).order_by("id").values_list("id", "updated_at"))


@dataclass
class RateImport:
    """What an import did: rates written, and every bad line with its reason."""

    imported: int = 0
    rows: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    refused: str = ""  # the whole file could not be read (encoding, header)


def read_rates_file(path: Path) -> tuple[ParsedRates | None, str]:
    """The rates in a CSV file, read with the contact importer's reader (encoding and delimiter
    detected, each record with its physical line); (None, why) when the file is unusable."""
    try:
        detected = detect_encoding(read_sample(path))
    except NotText as exc:
        return None, str(exc)
    encoding = detected.encoding if hasattr(detected, "encoding") else str(detected)
    sample = read_sample(path).decode(encoding, errors="replace")
    try:
        with CsvSource(path, encoding, detect_delimiter(sample)) as source:
            records = source.records()
            first = next(records, None)
            if first is None or first[1] is None:
                return None, "the file is empty" if first is None else f"line {first[0]}: {first[2]}"
            return parse_rates(first[1], records), ""
    except HeaderError as exc:
        return None, str(exc)
    except Unreadable as exc:
        return None, str(exc)


async def import_rates(tariff: TariffRow, path: Path, *, actor: Actor, replace: bool = False) -> RateImport:
    """Add the file's good rates to the tariff (a prefix it already has is updated); with
    `replace`, the tariff's rates become the file's. Bad lines are skipped and reported."""
    parsed, why = read_rates_file(path)
    if parsed is None:
        return RateImport(refused=why)
    result = RateImport(rows=parsed.rows, errors=list(parsed.errors))
    async with in_transaction():
        if replace:
            await TariffRate.filter(tariff=tariff).delete()
        existing = {r.prefix: r for r in await TariffRate.filter(tariff=tariff)}
        new = []
        for rate in parsed.rates:
            values = _rate_values(rate)
            row = existing.get(rate.prefix)
            if row is None:
                new.append(TariffRate(tariff_id=tariff.id, **values))
            else:
                await TariffRate.filter(id=row.id).update(**values)
        if new:
            await TariffRate.bulk_create(new, batch_size=1000)
        await TariffRow.filter(id=tariff.id).update(updated_at=datetime.now(ZoneInfo("UTC")))
        await record_audit(actor, "tariff.import", "tariff", tariff.id,
                           {"rates": len(parsed.rates), "bad_lines": len(parsed.errors), "replace": replace})
    result.imported = len(parsed.rates)
    return result


def pure_tariff(row: TariffRow, rates: list[TariffRate]) -> Tariff:
    return Tariff(
        id=row.id, name=row.name, currency=row.currency,
        rates=tuple(Rate(prefix=r.prefix, per_minute=r.peak, destination=r.destination, off_peak=r.off_peak,
                         weekend=r.weekend, connection_fee=r.connection_fee,
                         increments=Increments.parse(r.increments) if r.increments else None) for r in rates),
        increments=Increments(row.first_increment_s, row.next_increment_s),
        connection_fee=row.connection_fee if row.connection_fee is not None else ZERO,
        bands=TimeBands(time.fromisoformat(row.peak_start), time.fromisoformat(row.peak_end), row.timezone),
        valid_from=row.valid_from, valid_to=row.valid_to, team_id=row.team_id, line=row.line)


async def load_tariffs() -> list[Tariff]:
    """Every active tariff with its rates, as rating reads them."""
    rows = await TariffRow.filter(active=True)
    by_tariff: dict[int, list[TariffRate]] = {r.id: [] for r in rows}
    if rows:
        for rate in await TariffRate.filter(tariff_id__in=list(by_tariff)):
            by_tariff[rate.tariff_id].append(rate)
    return [pure_tariff(r, by_tariff[r.id]) for r in rows]


def decimal_text(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")
