"""Caller-ID pools and their numbers: the identities the dialer presents to callees.

Numbers are stored in E.164; a number appears once per pool. A pool in use by a campaign can
still be deleted (the campaign then falls back to its fixed caller ID), which the page says.
"""

from __future__ import annotations

from typing import Any, Mapping

from tortoise.transactions import in_transaction

from dialer.accounts.audit import record_audit
from dialer.accounts.users import Actor
from dialer.campaigns.fields import Field, Invalid, clean, normalise_phone
from dialer.campaigns.saving import SaveError, delete_record, save_record
from dialer.models import CallerIdNumber, CallerIdPool

POOL_FIELDS: tuple[Field, ...] = (
    Field("name", "Name", required=True, max_length=100),
    Field("prefer_local", "Prefer a number local to the callee", "bool"),
    Field("avoid_repeat", "Never the same caller ID twice in a row to one contact", "bool"),
)


async def save_pool(data: Mapping[str, Any], *, actor: Actor, record: CallerIdPool | None = None) -> CallerIdPool:
    values, errors = clean(POOL_FIELDS, data)
    if errors:
        raise SaveError(errors)
    return await save_record(CallerIdPool, values, actor=actor, entity="caller_id_pool", record=record)


async def delete_pool(pool: CallerIdPool, *, actor: Actor) -> None:
    await delete_record(pool, actor=actor, entity="caller_id_pool", label=pool.name)


async def add_numbers(pool: CallerIdPool, text: str, region: str, *, actor: Actor) -> list[str]:
    """Add the numbers in `text` (one per line or comma-separated); all or none. Returns them in E.164."""
    numbers: list[str] = []
    problems: list[str] = []
    for raw in filter(None, (p.strip() for p in text.replace(",", "\n").splitlines())):
        try:
            numbers.append(normalise_phone(raw, region or None))
        except Invalid as exc:
            problems.append(str(exc))
    if not numbers and not problems:
        problems.append("Enter one or more numbers.")
    existing = set(await CallerIdNumber.filter(pool=pool, number__in=numbers).values_list("number", flat=True))
    if existing:
        problems.append(f"Already in the pool: {', '.join(sorted(existing))}.")
    if problems:
        raise SaveError({"numbers": " ".join(problems)})
    numbers = list(dict.fromkeys(numbers))
    area = region.upper()[:16]
    async with in_transaction():
        for number in numbers:
            await CallerIdNumber.create(pool=pool, number=number, region=area)
        await record_audit(actor, "caller_id_pool.numbers_add", "caller_id_pool", pool.id, {"numbers": numbers})
    return numbers


async def set_number_active(number: CallerIdNumber, active: bool, *, actor: Actor) -> None:
    async with in_transaction():
        number.active = active
        await number.save(update_fields=["active"])
        await record_audit(actor, "caller_id_pool.number_" + ("activate" if active else "deactivate"),
                           "caller_id_pool", number.pool_id, {"number": number.number})


async def remove_number(number: CallerIdNumber, *, actor: Actor) -> None:
    async with in_transaction():
        await number.delete()
        await record_audit(actor, "caller_id_pool.number_remove", "caller_id_pool", number.pool_id,
                           {"number": number.number})
