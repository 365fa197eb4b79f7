"""The billing tests' world (imported by name: `from billing_world import DAY`): a branch, its
campaign, a tariff, and answered calls made on demand.

Not in conftest.py: `from conftest import …` resolves to whichever conftest module pytest
imported last, so it broke as soon as another folder's tests were collected in the same run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal

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


async def build_billing_world() -> BillingWorld:
    """Brno's campaign, priced by a 60/60 tariff: Czechia 1.00 a minute, Czech mobiles 2.00."""
    team = await Team.create(name="Brno")
    campaign = await Campaign.create(name="Autumn", team=team)
    tariff = await Tariff.create(name="Standard", currency="CZK", first_increment_s=60, next_increment_s=60)
    await TariffRate.create(tariff=tariff, prefix="420", destination="Czechia", peak=Decimal("1.00"))
    await TariffRate.create(tariff=tariff, prefix="4206", destination="Czech mobile", peak=Decimal("2.00"))
    return BillingWorld(team, campaign, tariff)
