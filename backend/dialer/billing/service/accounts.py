"""Branch accounts: opening one, prepaid top-ups (who and when, in the ledger), the deduction
of rated calls, and the low-credit warning given once until the next top-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Iterable

from tortoise.transactions import in_transaction

from dialer.accounts.audit import record_audit
from dialer.accounts.users import Actor
from dialer.billing.credit import covers, is_low, next_minute_cost, stop_text
from dialer.billing.money import check_currency, parse_amount
from dialer.billing.service.tariffs import load_tariffs
from dialer.campaigns.saving import SaveError
from dialer.models import AccountEntry, BillingAccount, Team
from dialer.models.billing import AccountMode, EntryKind


@dataclass(frozen=True)
class Charge:
    """A rated call to deduct from its branch's prepaid credit."""

    team_id: int
    attempt_id: int
    amount: Decimal
    currency: str
    at: datetime


@dataclass(frozen=True)
class LowCredit:
    team_id: int
    team: str
    balance: Decimal
    threshold: Decimal
    currency: str

    def payload(self) -> dict[str, object]:
        return {"team_id": self.team_id, "team": self.team, "balance": str(self.balance),
                "threshold": str(self.threshold), "currency": self.currency}


async def save_account(team: Team, *, mode: str, currency: str, vat_pct: str, low_credit: str,
                       actor: Actor) -> BillingAccount:
    """Open or change a branch's account (the balance only moves by top-ups and calls)."""
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    try:
        values["mode"] = AccountMode(mode)
    except ValueError:
        errors["mode"] = "Prepaid or postpaid."
    for key, raw, check in (("currency", currency, check_currency),
                            ("vat_pct", vat_pct or "0", parse_amount),
                            ("low_credit", low_credit or "0", parse_amount)):
        try:
            values[key] = check(raw)
        except ValueError as exc:
            errors[key] = str(exc).capitalize() + "."
    if "vat_pct" in values and values["vat_pct"] > 100:  # type: ignore[operator]
        errors["vat_pct"] = "At most 100 %."
    if errors:
        raise SaveError(errors)
    async with in_transaction():
        account = await BillingAccount.get_or_none(team=team)
        if account is None:
            account = await BillingAccount.create(team=team, **values)
            action = "billing_account.create"
        else:
            if account.currency != values["currency"] and await AccountEntry.exists(account=account):
                raise SaveError({"currency": "The account has movements in its currency; it cannot change."})
            await BillingAccount.filter(id=account.id).update(**values)
            action = "billing_account.update"
        await record_audit(actor, action, "billing_account", account.id,
                           {k: str(getattr(v, "value", v)) for k, v in values.items()})
    return await BillingAccount.get(id=account.id)


async def top_up(account: BillingAccount, amount: str | Decimal, *, actor: Actor, at: datetime,
                 note: str = "") -> AccountEntry:
    """Credit a prepaid account; the entry says who and when. SaveError on a bad amount."""
    try:
        value = parse_amount(amount)
    except ValueError as exc:
        raise SaveError({"amount": str(exc).capitalize() + "."}) from None
    if value <= 0:
        raise SaveError({"amount": "A top-up is more than zero."})
    if account.mode is not AccountMode.PREPAID:
        raise SaveError({"amount": "Only a prepaid account is topped up."})
    async with in_transaction():
        fresh = await BillingAccount.select_for_update().get(id=account.id)
        fresh.balance += value
        # A top-up ends the warning: the next fall below the threshold warns again.
        await BillingAccount.filter(id=fresh.id).update(balance=fresh.balance, low_warned_at=None)
        entry = await AccountEntry.create(account=fresh, at=at, kind=EntryKind.TOP_UP, amount=value,
                                          balance_after=fresh.balance, user=actor.user,
                                          actor_label=actor.label[:100], note=note[:200])
        await record_audit(actor, "billing_account.top_up", "billing_account", fresh.id,
                           {"amount": str(value), "balance": str(fresh.balance)})
    return entry


async def deduct(charges: Iterable[Charge], *, kind: EntryKind = EntryKind.CALL,
                 note: str = "") -> list[LowCredit]:
    """Take rated calls off their branches' prepaid credit (postpaid branches and calls in
    another currency are skipped); the branches that just fell below their threshold."""
    by_team: dict[int, list[Charge]] = {}
    for charge in charges:
        by_team.setdefault(charge.team_id, []).append(charge)
    if not by_team:
        return []
    warnings: list[LowCredit] = []
    async with in_transaction():
        if kind is EntryKind.CALL:  # a call is deducted once, whatever retries happen
            ids = [c.attempt_id for group in by_team.values() for c in group]
            done = set(await AccountEntry.filter(attempt_id__in=ids, kind=EntryKind.CALL)
                       .values_list("attempt_id", flat=True))
            by_team = {team: _once(group, done) for team, group in by_team.items()}
        accounts = await BillingAccount.filter(team_id__in=list(by_team), mode=AccountMode.PREPAID) \
            .select_for_update()
        for account in accounts:
            balance = account.balance
            entries = []
            for charge in by_team[account.team_id]:
                if charge.currency != account.currency or not charge.amount:
                    continue
                balance -= charge.amount
                entries.append(AccountEntry(account_id=account.id, at=charge.at, kind=kind, amount=-charge.amount,
                                            balance_after=balance, attempt_id=charge.attempt_id, note=note))
            if not entries:
                continue
            update: dict[str, object] = {"balance": balance}
            if is_low(balance, account.low_credit) and account.low_warned_at is None:
                update["low_warned_at"] = entries[-1].at
                team = await Team.get(id=account.team_id)
                warnings.append(LowCredit(account.team_id, team.name, balance, account.low_credit, account.currency))
            await BillingAccount.filter(id=account.id).update(**update)
            await AccountEntry.bulk_create(entries)
    return warnings


def _once(charges: list[Charge], done: set[int]) -> list[Charge]:
    """The charges of calls not deducted yet, each call once (`done` grows)."""
    kept = []
    for charge in charges:
        if charge.attempt_id not in done:
            done.add(charge.attempt_id)
            kept.append(charge)
    return kept


async def prepaid_balances() -> dict[int, tuple[Decimal, str]]:
    """Branch -> (balance, currency) of every prepaid account."""
    rows = await BillingAccount.filter(mode=AccountMode.PREPAID).values_list("team_id", "balance", "currency")
    return {team_id: (balance, currency) for team_id, balance, currency in rows}


async def low_credit_accounts(team_ids: tuple[int, ...] | None = None) -> list[dict[str, object]]:
    """Prepaid branches whose credit is below their threshold, as the wallboard shows them
    (the same shape as the `billing.low_credit` event)."""
    query = BillingAccount.filter(mode=AccountMode.PREPAID).select_related("team")
    if team_ids is not None:
        query = query.filter(team_id__in=list(team_ids))
    return [{"type": "billing.low_credit",
             **LowCredit(a.team_id, a.team.name, a.balance, a.low_credit, a.currency).payload()}
            for a in await query if is_low(a.balance, a.low_credit)]


async def prepaid_stop_reason(team_id: int, now: datetime) -> str | None:
    """Why the branch's campaigns do not dial, from the database (for a web process without
    an engine of its own; the engine's meter says the same from memory)."""
    account = await BillingAccount.get_or_none(team_id=team_id, mode=AccountMode.PREPAID)
    if account is None:
        return None
    tariffs = await load_tariffs()
    cost = next_minute_cost(tariffs, team_id, tuple({t.line for t in tariffs if t.line}), now)
    return None if covers(account.balance, cost) else stop_text(account.balance, cost, account.currency)
