"""The engine's billing meter: rates every answered call when it ends, off the event path,
and tells the engine which branches' prepaid credit can no longer pay the next minute.

A handler calls `meter.call_ended(...)` and goes on (no await); a task rates the queue every
`interval` seconds, writes the prices, deducts prepaid credit, and warns (wallboard and
webhook) when a branch's credit falls below its threshold. Tariffs and balances are re-read
every `refresh_s` seconds, so a top-up made in the web app lets the branch dial again.
"""

from __future__ import annotations

import asyncio
import logging
import time as monotonic
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Callable, Mapping

from tortoise.transactions import in_transaction

from dialer.billing.credit import covers, next_minute_cost, stop_text
from dialer.billing.rating import CallToRate, Rater, Rating
from dialer.billing.service.accounts import Charge, LowCredit, deduct, prepaid_balances
from dialer.billing.service.prices import store_ratings
from dialer.billing.service.tariffs import load_tariffs, tariffs_version
from dialer.billing.tariffs import Tariff
from dialer.stopping import let_finish

log = logging.getLogger(__name__)

LOW_CREDIT_EVENT = "billing.low_credit"


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _nothing(*_: Any) -> None:
    return None


class BillingMeter:
    def __init__(self, clock: Callable[[], datetime] = _utc_now, *,
                 publish: Callable[..., None] = _nothing,
                 notify: Callable[[str, Mapping[str, Any], int | None], None] = _nothing,
                 interval: float = 0.5, refresh_s: float = 2.0) -> None:
        self.clock = clock
        self.publish = publish  # (event, *topics): the wallboard
        self.notify = notify  # (event, payload, campaign_id): the webhooks
        self.interval = interval
        self.refresh_s = refresh_s
        self.tariffs: list[Tariff] = []
        self._rater = Rater(())
        self.balances: dict[int, tuple[Decimal, str]] = {}  # prepaid branch -> (balance, currency)
        self.next_minute: dict[int, Decimal] = {}
        self._queue: list[CallToRate] = []
        self._loaded_at = float("-inf")
        self._tariffs_version: tuple[tuple[int, datetime | None], ...] | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self.rated = 0
        self.unrated = 0

    # -- what the engine calls (never awaits) ----------------------------------------------

    def call_ended(self, attempt_id: int, number: str, answered_at: datetime, ended_at: datetime,
                   team_id: int | None, line: str) -> None:
        self._queue.append(CallToRate(attempt_id, number, answered_at, ended_at, team_id, line))

    def stop_reason(self, team_id: int | None) -> str | None:
        """Why a branch's campaigns must not dial: its prepaid credit cannot pay the next minute."""
        if team_id is None or team_id not in self.balances:
            return None
        balance, currency = self.balances[team_id]
        cost = self.next_minute.get(team_id, Decimal(0))
        if covers(balance, cost):
            return None
        return stop_text(balance, cost, currency)

    # -- the task ---------------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._run(), name="billing-meter")

    async def stop(self) -> None:
        if self._task is not None:
            self._stopping = True
            self._wake.set()
            await let_finish(self._task)
            self._task = None
        await self.flush()

    async def _run(self) -> None:
        while not self._stopping:
            try:
                if monotonic.monotonic() - self._loaded_at >= self.refresh_s:
                    await self.refresh()
                await self.flush()
            except Exception:
                log.exception("billing failed; the calls stay queued for the next try")
            try:
                await asyncio.wait_for(self._wake.wait(), self.interval)
            except asyncio.TimeoutError:
                pass
            self._wake.clear()

    async def refresh(self) -> None:
        """Re-read prepaid balances, and the tariffs when one changed (a top-up or a tariff
        edit in the web app)."""
        version = await tariffs_version()
        if version != self._tariffs_version:
            self.tariffs = await load_tariffs()
            self._tariffs_version = version
        self._rater = Rater(self.tariffs)  # afresh: its caches stay small in a long-running engine
        self.balances = await prepaid_balances()
        self._loaded_at = monotonic.monotonic()
        self._price_next_minute()

    def _price_next_minute(self) -> None:
        now = self.clock()
        lines = tuple({t.line for t in self.tariffs if t.line})
        self.next_minute = {team: next_minute_cost(self.tariffs, team, lines, now) for team in self.balances}

    async def flush(self) -> None:
        async with self._lock:
            batch, self._queue = self._queue, []
            if not batch:
                return
            try:
                if self._loaded_at == float("-inf"):
                    await self.refresh()
                await self._rate(batch)
            except BaseException:
                self._queue[:0] = batch  # kept, in order, for the next try
                raise

    async def _rate(self, batch: list[CallToRate]) -> None:
        ratings: list[Rating] = []
        teams: dict[int, int | None] = {}
        for call in batch:
            result = self._rater.rate(call)
            if isinstance(result, Rating):
                ratings.append(result)
                teams[call.attempt_id] = call.team_id
            else:
                self.unrated += 1
                # A dialer with no tariffs does no billing: only a gap in a tariff set is worth a warning.
                log.log(logging.WARNING if self.tariffs else logging.DEBUG,
                        "call %s not rated: %s", result.attempt_id, result.reason)
        ended = {c.attempt_id: c.ended_at for c in batch}
        charges = [Charge(team, r.attempt_id, r.price, r.currency, ended[r.attempt_id]) for r in ratings
                   if (team := teams[r.attempt_id]) is not None and team in self.balances]
        async with in_transaction():  # prices and deductions together: a retry repeats neither half
            await store_ratings(ratings, self.clock())
            warnings = await deduct(charges) if charges else []
        self.rated += len(ratings)
        for warning in warnings:
            self._warn(warning)
        if charges:
            try:
                self.balances = await prepaid_balances()
            except Exception:  # the next refresh reads them; the calls are rated and deducted
                log.exception("reading prepaid balances failed")

    def _warn(self, low: LowCredit) -> None:
        event = {"type": LOW_CREDIT_EVENT, **low.payload(), "at": self.clock().isoformat()}
        self.publish(event, "floor", f"team:{low.team_id}")
        self.notify(LOW_CREDIT_EVENT, low.payload(), None)
        log.warning("branch %s: prepaid credit %s %s is below %s", low.team, low.balance, low.currency,
                    low.threshold)
