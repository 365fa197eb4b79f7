"""A billing world on each database (built in billing_world.py, which tests import by name)."""

from __future__ import annotations

import pytest

from billing_world import BillingWorld, build_billing_world


@pytest.fixture
async def billing_world(db: str) -> BillingWorld:
    return await build_billing_world()
