"""Billing as stored: tariffs and their rates, branch accounts with their ledger, and issued
invoices. The rating itself is pure (`dialer.billing`); a call's price and the rate used are
columns of `call_attempt` (see models/calls.py).

Money columns are DECIMAL, never float. Docstrings' first lines end up in the DDL: no quotes.
"""

from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model

from dialer.models.accounts import Team, User


class AccountMode(str, Enum):
    PREPAID = "prepaid"  # calls are deducted from a credit paid in advance
    POSTPAID = "postpaid"  # calls are invoiced after each billing period


class EntryKind(str, Enum):
    TOP_UP = "top_up"
    CALL = "call"
    ADJUSTMENT = "adjustment"  # a re-rating's difference


class Tariff(Model):
    """A price list: rates by destination prefix, increments, fee, time bands, validity."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100, unique=True)
    currency = fields.CharField(max_length=3, db_default="CZK")
    first_increment_s = fields.IntField(db_default=60)
    next_increment_s = fields.IntField(db_default=60)
    connection_fee = fields.DecimalField(max_digits=12, decimal_places=4, db_default=0)
    peak_start = fields.CharField(max_length=5, db_default="08:00")
    peak_end = fields.CharField(max_length=5, db_default="18:00")
    timezone = fields.CharField(max_length=64, db_default="UTC")
    valid_from = fields.DatetimeField(null=True)
    valid_to = fields.DatetimeField(null=True)
    # Assignment: a branch (team) and/or a line (the caller ID a call used); neither: everyone.
    team: fields.ForeignKeyNullableRelation[Team] = fields.ForeignKeyField(
        "models.Team", related_name="tariffs", null=True, on_delete=fields.SET_NULL
    )
    line = fields.CharField(max_length=32, db_default="")
    active = fields.BooleanField(db_default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "tariff"
        table_description = "A price list of call rates by destination prefix"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TariffRate(Model):
    """The per-minute price of one destination prefix in a tariff."""

    id = fields.IntField(primary_key=True)
    tariff: fields.ForeignKeyRelation[Tariff] = fields.ForeignKeyField(
        "models.Tariff", related_name="rates", on_delete=fields.CASCADE
    )
    prefix = fields.CharField(max_length=16)  # E.164 digits without the plus
    destination = fields.CharField(max_length=100, db_default="")
    peak = fields.DecimalField(max_digits=12, decimal_places=4)
    off_peak = fields.DecimalField(max_digits=12, decimal_places=4, null=True)
    weekend = fields.DecimalField(max_digits=12, decimal_places=4, null=True)
    connection_fee = fields.DecimalField(max_digits=12, decimal_places=4, null=True)
    increments = fields.CharField(max_length=9, db_default="")  # "30/6"; empty: the tariff's

    class Meta:
        table = "tariff_rate"
        table_description = "A destination prefix rate of a tariff"
        unique_together = (("tariff", "prefix"),)
        ordering = ["prefix"]


class BillingAccount(Model):
    """A branch account: prepaid credit or postpaid invoicing, with its VAT and currency."""

    id = fields.IntField(primary_key=True)
    team: fields.OneToOneRelation[Team] = fields.OneToOneField(
        "models.Team", related_name="billing_account", on_delete=fields.RESTRICT
    )
    mode = fields.CharEnumField(AccountMode, max_length=16, db_default=AccountMode.POSTPAID.value)
    currency = fields.CharField(max_length=3, db_default="CZK")
    balance = fields.DecimalField(max_digits=14, decimal_places=4, db_default=0)
    low_credit = fields.DecimalField(max_digits=14, decimal_places=4, db_default=0)  # warn below
    vat_pct = fields.DecimalField(max_digits=5, decimal_places=2, db_default=0)
    low_warned_at = fields.DatetimeField(null=True)  # the warning was given; cleared by a top-up
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "billing_account"
        table_description = "A branch billing account, prepaid or postpaid"


class AccountEntry(Model):
    """One movement of a prepaid balance: a top-up, a rated call, a re-rating adjustment."""

    id = fields.BigIntField(primary_key=True)
    account: fields.ForeignKeyRelation[BillingAccount] = fields.ForeignKeyField(
        "models.BillingAccount", related_name="entries", on_delete=fields.CASCADE
    )
    at = fields.DatetimeField()
    kind = fields.CharEnumField(EntryKind, max_length=16)
    amount = fields.DecimalField(max_digits=14, decimal_places=4)  # + credit, - charge
    balance_after = fields.DecimalField(max_digits=14, decimal_places=4)
    attempt_id = fields.BigIntField(null=True)
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="billing_entries", null=True, on_delete=fields.SET_NULL
    )
    actor_label = fields.CharField(max_length=100, db_default="")
    note = fields.CharField(max_length=200, db_default="")

    class Meta:
        table = "account_entry"
        table_description = "A prepaid balance movement"
        indexes = (("account_id", "at"), ("attempt_id",))


class ImmutableInvoice(Exception):
    """An issued invoice is never changed or deleted (issue a credit note instead)."""


class Invoice(Model):
    """An issued postpaid invoice, numbered and immutable."""

    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=20, unique=True)
    account: fields.ForeignKeyRelation[BillingAccount] = fields.ForeignKeyField(
        "models.BillingAccount", related_name="invoices", on_delete=fields.RESTRICT
    )
    period_start = fields.DatetimeField()
    period_end = fields.DatetimeField()
    issued_at = fields.DatetimeField()
    issued_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="invoices_issued", null=True, on_delete=fields.SET_NULL
    )
    currency = fields.CharField(max_length=3)
    calls = fields.IntField()
    billable_s = fields.BigIntField()
    net = fields.DecimalField(max_digits=14, decimal_places=2)
    vat_pct = fields.DecimalField(max_digits=5, decimal_places=2)
    vat = fields.DecimalField(max_digits=14, decimal_places=2)
    total = fields.DecimalField(max_digits=14, decimal_places=2)
    lines = fields.JSONField(default=list)  # by line and destination, as issued

    class Meta:
        table = "invoice"
        table_description = "An issued postpaid invoice"
        ordering = ["-issued_at"]

    async def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def, override]
        if self._saved_in_db:
            raise ImmutableInvoice(f"invoice {self.number} is issued and cannot change")
        await super().save(*args, **kwargs)

    async def delete(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def, override]
        raise ImmutableInvoice(f"invoice {self.number} is issued and cannot be deleted")


__all__ = ["AccountEntry", "AccountMode", "BillingAccount", "EntryKind", "ImmutableInvoice", "Invoice",
           "Tariff", "TariffRate"]
