"""A prepaid branch through the fake Asterisk: each answered call is rated and deducted when it
ends, the wallboard hears of the low credit, and the engine stops dialing the branch's
campaigns once the credit cannot pay the next minute, saying why; a top-up lets it dial again."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from decimal import Decimal

from dialer.accounts.users import Actor
from dialer.billing.service.accounts import top_up
from dialer.models import (AccountEntry, BillingAccount, CallAttempt, Disposition, Tariff, TariffRate, Team,
                           WebhookDelivery, WebhookEndpoint)
from dialer.models.billing import AccountMode, EntryKind
from dialer.models.enums import AgentState
from dialer.not_dialing import NotDialing

ANSWERING = [f"+4206010000{n}5" for n in range(10, 40)]  # the test world: ...5 answers


async def test_credit_runs_out_and_the_branch_stops_dialing(engine_world) -> None:
    w = engine_world
    w.engine.s.billing.refresh_s = 0.1
    branch = await Team.create(name="Brno")
    tariff = await Tariff.create(name="Standard", currency="CZK", first_increment_s=1, next_increment_s=1,
                                 connection_fee=Decimal("1.00"))
    await TariffRate.create(tariff=tariff, prefix="420", destination="Czechia", peak=Decimal("1.00"))
    account = await BillingAccount.create(team=branch, mode=AccountMode.PREPAID, currency="CZK",
                                          balance=Decimal("2.50"), low_credit=Decimal("2.00"))
    campaign, (agent_id,) = await w.campaign("progressive", ANSWERING, agents=1, team=branch, wrap_up_s=1)
    done = await Disposition.get(code="done")
    hook = await WebhookEndpoint.create(name="IS", url="http://127.0.0.1:9/hook", events=["billing.low_credit"])
    wallboard = w.engine.hub.subscribe(f"team:{branch.id}")
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)

    async def stopped() -> bool:
        agent = w.engine.s.agents[agent_id]
        if agent.state is AgentState.WRAP_UP and agent.call_id:
            await w.engine.save_disposition(agent_id, agent.call_id, done.id)
        return any(r.code is NotDialing.NO_PREPAID_CREDIT and "prepaid credit" in r.message
                   for r in w.engine.not_dialing_reasons(campaign.id))

    await w.until(stopped, timeout=30)
    rated = await CallAttempt.filter(price__not_isnull=True)
    assert rated, "the answered call was rated"
    call = rated[0]
    expected = (Decimal("1.00") + Decimal(call.billable_s) / 60).quantize(Decimal("0.0001"))
    assert call.price == expected and call.price_currency == "CZK"
    assert call.rate_per_min == Decimal("1.00") and call.rate_prefix == "420"
    entries = await AccountEntry.filter(account=account, kind=EntryKind.CALL)
    account = await BillingAccount.get(id=account.id)
    assert account.balance == Decimal("2.50") - sum(c.price for c in rated)
    assert sorted(-e.amount for e in entries) == sorted(c.price for c in rated)
    assert account.low_warned_at is not None

    async def warned() -> bool:
        _, event = await wallboard.get()
        return event.get("type") == "billing.low_credit" and event["team_id"] == branch.id
    await w.until(warned, timeout=5)
    await w.until(lambda: WebhookDelivery.filter(endpoint=hook, event="billing.low_credit").exists(), timeout=5)

    # Nothing more is dialed while the credit is short, even with the agent ready.
    await w.until(lambda: w.engine.s.agents[agent_id].state is AgentState.READY or stopped(), timeout=10)
    dialed = await CallAttempt.all().count()
    await asyncio.sleep(1.0)
    assert await CallAttempt.all().count() == dialed

    await top_up(account, "100", actor=Actor.system("test"), at=datetime.now(timezone.utc))

    async def dialing_again() -> bool:
        await stopped()  # keeps the agent moving
        return await CallAttempt.all().count() > dialed
    await w.until(dialing_again, timeout=15)
    assert NotDialing.NO_PREPAID_CREDIT not in [r.code for r in w.engine.not_dialing_reasons(campaign.id)]
