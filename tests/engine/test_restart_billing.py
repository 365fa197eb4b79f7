"""A dialer killed (kill -9) in the middle of a prepaid branch's calls bills them all when it
starts again: the call in progress, which the restart ends, from its answer to that end; the
call that had ended but sat in the billing meter's queue; each priced and deducted once."""

from __future__ import annotations

from decimal import Decimal

from crash import kill_9, restarted
from dialer.billing.rating import billable_seconds
from dialer.billing.tariffs import Increments
from dialer.models import AccountEntry, BillingAccount, CallAttempt, Tariff, TariffRate, Team
from dialer.models.billing import AccountMode, EntryKind
from dialer.models.enums import AgentState

STAYERS = ["+420601000118", "+420601000218", "+420601000318"]  # the test world: they talk until hung up


def _price(attempt: CallAttempt) -> Decimal:
    """1.00 connection fee + 1.00 a minute, 1/1 increments: the call's price from its record."""
    seconds = billable_seconds((attempt.ended_at - attempt.answered_at).total_seconds(), Increments(1, 1))
    return (Decimal("1.00") + Decimal(seconds) / 60).quantize(Decimal("0.0001"))


async def test_a_kill_9_loses_no_call_to_billing_and_bills_none_twice(engine_world) -> None:
    w = engine_world
    branch = await Team.create(name="Brno")
    tariff = await Tariff.create(name="Standard", currency="CZK", first_increment_s=1, next_increment_s=1,
                                 connection_fee=Decimal("1.00"))
    await TariffRate.create(tariff=tariff, prefix="420", destination="Czechia", peak=Decimal("1.00"))
    account = await BillingAccount.create(team=branch, mode=AccountMode.PREPAID, currency="CZK",
                                          balance=Decimal("100"))
    campaign, (agent_id,) = await w.campaign("progressive", STAYERS[:2], agents=1, team=branch, wrap_up_s=600)
    # The meter's task is the first to die: what ends from here on waits in its queue.
    w.engine.s.billing._task.cancel()
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    await w.until(lambda: w.engine.agents_in(AgentState.ON_CALL) == [agent_id])
    first = w.engine.s.agents[agent_id].call_id
    await w.engine.agent_hangup(agent_id)  # ended, rated... in half a second
    await w.until(lambda: w.engine.agents_in(AgentState.WRAP_UP) == [agent_id])
    await w.engine.agents.finish_wrap_up(agent_id)
    await w.until(lambda: w.engine.agents_in(AgentState.ON_CALL) == [agent_id])
    second = w.engine.s.agents[agent_id].call_id
    await w.engine.s.writer.flush()
    assert len(w.engine.s.billing._queue) == 1, "the first call waits in the meter's queue"
    await kill_9(w.engine, w.client)
    assert await CallAttempt.filter(price__not_isnull=True).count() == 0

    engine, client = await restarted(w.fake.base_url)
    await engine.s.writer.flush()
    ended, cut = await CallAttempt.get(channel_id=first), await CallAttempt.get(channel_id=second)
    assert cut.hangup_cause_text == "dialer restarted during the call"
    for attempt in (ended, cut):
        assert attempt.price == _price(attempt) and attempt.price_currency == "CZK", attempt.channel_id
    entries = await AccountEntry.filter(account=account, kind=EntryKind.CALL).order_by("attempt_id")
    assert [(e.attempt_id, -e.amount) for e in entries] == [(ended.id, ended.price), (cut.id, cut.price)]
    assert (await BillingAccount.get(id=account.id)).balance == Decimal("100") - ended.price - cut.price

    # Killed and started once more: nothing is priced or deducted again.
    await kill_9(engine, client)
    engine, client = await restarted(w.fake.base_url)
    await engine.s.writer.flush()
    assert [a.price for a in await CallAttempt.filter(id__in=[ended.id, cut.id]).order_by("id")] == [
        ended.price, cut.price]
    assert await AccountEntry.filter(account=account, kind=EntryKind.CALL).count() == 2
    assert (await BillingAccount.get(id=account.id)).balance == Decimal("100") - ended.price - cut.price
    await engine.stop()
    await client.__aexit__(None, None, None)
