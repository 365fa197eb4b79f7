"""A billing world on each database: a branch, its campaign, a tariff and answered calls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from dialer.models import CallAttempt, Campaign, Tariff, TariffRate, Team
from dialer.models.enums import CallOutcome

DAY = datetime(2026, 11, 10, 9, 0, tzinfo=timezone.utc)  # a Tuesday


@dataclass
class BillingWorld:
    team: Team
    campaign: Campaign
    tariff: Tariff

    async def answered(self, seconds: float, phone: str = "+420601000015", at: datetime = DAY,
                       line: str = "+420221000100") -> CallAttempt:
        return await CallAttempt.create(campaign=self.campaign, phone=phone, caller_id=line, originated_at=at,
                                        answered_at=at + timedelta(seconds=5),
                                        ended_at=at + timedelta(seconds=5 + seconds), outcome=CallOutcome.ANSWERED)


@pytest.fixture
async def billing_world(db: str) -> BillingWorld:
    team = await Team.create(name="Brno")
    campaign = await Campaign.create(name="Autumn", team=team)
    tariff = await Tariff.create(name="Standard", currency="CZK", first_increment_s=60, next_increment_s=60)
    await TariffRate.create(tariff=tariff, prefix="420", destination="Czechia", peak=Decimal("1.00"))
    await TariffRate.create(tariff=tariff, prefix="4206", destination="Czech mobile", peak=Decimal("2.00"))
    return BillingWorld(team, campaign, tariff)
