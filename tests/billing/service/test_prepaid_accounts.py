"""Prepaid accounts: top-ups say who and when, rated calls are deducted, the low-credit
warning comes once until the next top-up."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from dialer.accounts.users import Actor, create_user
from dialer.billing.service.accounts import Charge, deduct, save_account, top_up
from dialer.campaigns.saving import SaveError
from dialer.models import AccountEntry, BillingAccount
from dialer.models.billing import AccountMode, EntryKind
from dialer.models.enums import Role

AT = datetime(2026, 12, 1, 10, tzinfo=timezone.utc)


async def test_top_up_deduct_and_warn_once(billing_world) -> None:
    admin = await create_user("boss", "password-123", Role.ADMIN, actor=Actor.system())
    account = await save_account(billing_world.team, mode="prepaid", currency="czk", vat_pct="21",
                                 low_credit="5", actor=Actor.of(admin))
    entry = await top_up(account, "12,50", actor=Actor.of(admin), at=AT, note="invoice 77")
    assert (entry.kind, entry.amount, entry.balance_after, entry.user_id, entry.at) == (
        EntryKind.TOP_UP, Decimal("12.50"), Decimal("12.50"), admin.id, AT)
    team = billing_world.team.id
    warned = await deduct([Charge(team, 1, Decimal("4.0000"), "CZK", AT), Charge(team, 2, Decimal("4.0000"), "CZK", AT),
                           Charge(team, 3, Decimal("1.0000"), "EUR", AT)])
    assert [w.balance for w in warned] == [Decimal("4.5000")]
    assert await deduct([Charge(team, 4, Decimal("1"), "CZK", AT)]) == [], "warned once"
    await deduct([Charge(team, 4, Decimal("1"), "CZK", AT)])  # a retry of the same call: not charged twice
    account = await BillingAccount.get(id=account.id)
    assert account.balance == Decimal("3.5000")
    calls = await AccountEntry.filter(kind=EntryKind.CALL).order_by("id")
    assert [(c.attempt_id, c.amount, c.balance_after) for c in calls] == [
        (1, Decimal("-4.0000"), Decimal("8.5000")), (2, Decimal("-4.0000"), Decimal("4.5000")),
        (4, Decimal("-1.0000"), Decimal("3.5000"))]
    await top_up(account, "10", actor=Actor.of(admin), at=AT)
    await deduct([Charge(team, 5, Decimal("9"), "CZK", AT)])
    assert (await BillingAccount.get(id=account.id)).low_warned_at == AT, "a top-up re-arms the warning"


async def test_bad_amounts_and_postpaid_top_ups_are_refused(billing_world) -> None:
    account = await BillingAccount.create(team=billing_world.team, mode=AccountMode.POSTPAID, currency="CZK")
    with pytest.raises(SaveError):
        await top_up(account, "10", actor=Actor.system(), at=AT)
    account.mode = AccountMode.PREPAID
    for amount in ("", "-5", "0", "ten", "1.00001"):
        with pytest.raises(SaveError):
            await top_up(account, amount, actor=Actor.system(), at=AT)
    with pytest.raises(SaveError) as refused:
        await save_account(billing_world.team, mode="both", currency="Kč", vat_pct="121", low_credit="x",
                           actor=Actor.system())
    assert set(refused.value.errors) == {"mode", "currency", "vat_pct", "low_credit"}


async def test_the_wallboard_lists_low_credit_branches_in_scope(billing_world) -> None:
    from dialer.billing.service.accounts import low_credit_accounts
    from dialer.models import Team

    other = await Team.create(name="Ostrava")
    await BillingAccount.create(team=billing_world.team, mode=AccountMode.PREPAID, currency="CZK",
                                balance=Decimal("3"), low_credit=Decimal("5"))
    await BillingAccount.create(team=other, mode=AccountMode.PREPAID, currency="CZK", balance=Decimal("1"),
                                low_credit=Decimal("5"))
    assert {x["team"] for x in await low_credit_accounts()} == {"Brno", "Ostrava"}
    (mine,) = await low_credit_accounts((billing_world.team.id,))
    assert mine == {"type": "billing.low_credit", "team_id": billing_world.team.id, "team": "Brno",
                    "balance": "3.0000", "threshold": "5.0000", "currency": "CZK"}
