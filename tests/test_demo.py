"""The demo's seed: everything a newcomer needs to look around, and safe to run twice."""

from __future__ import annotations

import json
from pathlib import Path

from dialer.accounts.users import check_login
from dialer.demo import DEMO_USERS, seed
from dialer.models import Agent, Campaign, Contact, Disposition, User
from dialer.models.enums import Role


async def test_seed_creates_users_with_working_passwords_and_a_campaign(sqlite_db: str, tmp_path: Path) -> None:
    passwords = await seed(tmp_path / "pw.json", contacts=60)
    assert set(passwords) == {u[0] for u in DEMO_USERS}
    admin = await check_login("admin", passwords["admin"])
    assert admin is not None and admin.role is Role.ADMIN
    assert await Agent.filter(user__role=Role.AGENT).count() == 4
    campaign = await Campaign.get(name="Spring offer").prefetch_related("contact_lists")
    assert len(campaign.contact_lists) == 1
    assert 55 <= await Contact.all().count() <= 60
    assert await Disposition.filter(campaign=None, is_callback=True).exists()


async def test_second_seed_changes_nothing_and_keeps_passwords(sqlite_db: str, tmp_path: Path) -> None:
    first = await seed(tmp_path / "pw.json", contacts=20)
    counts = (await User.all().count(), await Contact.all().count())
    second = await seed(tmp_path / "pw.json", contacts=20)
    assert second == first == json.loads((tmp_path / "pw.json").read_text())
    assert (await User.all().count(), await Contact.all().count()) == counts


async def test_the_demo_has_a_tariff_and_a_prepaid_branch_with_credit(sqlite_db: str, tmp_path: Path) -> None:
    from decimal import Decimal

    from dialer.models import AccountEntry, BillingAccount, Tariff
    from dialer.models.billing import AccountMode

    await seed(tmp_path / "pw.json", contacts=20)
    await seed(tmp_path / "pw.json", contacts=20)
    account = await BillingAccount.get().select_related("team")
    assert account.team.name == "Sales" and account.mode is AccountMode.PREPAID
    assert account.balance == Decimal("1000") and await AccountEntry.all().count() == 1, "topped up once"
    tariff = await Tariff.get(name="Demo tariff")
    assert await tariff.rates.all().count() == 4


async def test_the_demo_offers_its_keep_for_me_callback_and_a_campaign_without_private_numbers_does_not(
        sqlite_db: str, tmp_path: Path) -> None:
    # "keep for me" on a campaign whose private numbers are off would be assigned and never
    # dialed; the form offers it only where the campaign keeps such contacts (issue 21).
    from dialer.models.enums import PrivateNumbers
    from dialer.web.routes.agent_common import dispositions_for

    await seed(tmp_path / "pw.json", contacts=10)
    demo = await Campaign.get(name="Spring offer")
    offered = {d["code"]: d["private"] for d in await dispositions_for(demo.id)}
    assert offered["callback_me"] is True
    plain = await Campaign.create(name="Plain", private_numbers=PrivateNumbers.OFF)
    assert {d["code"]: d["private"] for d in await dispositions_for(plain.id)}["callback_me"] is False
