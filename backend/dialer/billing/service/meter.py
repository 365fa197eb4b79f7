"""The engine's billing meter: rates every answered call when it ends, off the event path,
and tells the engine which branches' prepaid credit can no longer pay the next minute.

A handler calls `meter.call_ended(...)` and goes on (no await); a task rates the queue every
`interval` seconds, writes the prices, deducts prepaid credit, and warns (wallboard and
webhook) when a branch's credit falls below its threshold. Tariffs and balances are re-read
every `refresh_s` seconds, so a top-up made in the web app lets the branch dial again.

The meter prices a call once: a call that already has a price (or is invoiced) is passed
over, so a call queued twice, or rated before a crash and closed again by the restart, is
neither priced again nor deducted twice (re-pricing is `rerate`'s job). At start, the engine
has it rate what a `kill -9` took out of its queue (`catch_up`).
"""

from __future__ import annotations

import asyncio
import logging
import time as monotonic
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Callable, Mapping

from tortoise.transactions import in_transaction

from dialer.billing.credit import covers, next_minute_cost, stop_text
from dialer.billing.rating import CallToRate, Rater, Rating
from dialer.billing.service.accounts import Charge, LowCredit, deduct, prepaid_balances
from dialer.billing.service.prices import store_ratings
from dialer.billing.service.tariffs import load_tariffs, tariffs_version
from dialer.billing.tariffs import Tariff
from dialer.models import CallAttempt
from dialer.stopping import let_finish

log = logging.getLogger(__name__)

LOW_CREDIT_EVENT = "billing.low_credit"
CATCH_UP = timedelta(days=7)
"""How far back `catch_up` looks: a dialer down longer than this has its calls priced by
`dialer billing rerate`."""
_IDS = 10_000  # ids per IN (...) list


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
        self._owed: tuple[str, datetime] | None = None  # a catch-up that failed, retried by the task
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
                if self._owed is not None:
                    await self._catch_up(*self._owed)
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
            await self._flush()

    async def _flush(self) -> None:
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

    async def catch_up(self, engine_id: str, started: datetime) -> None:
        """Rate the calls of this engine's earlier runs that ended answered and unpriced: those
        a `kill -9` took out of the queue (rated every half second, so a crash loses the last
        batch), and those no tariff priced then. Called once at start; a failure is logged and
        retried by the task, the engine starts anyway."""
        self._owed = (engine_id, started)
        try:
            await self._catch_up(engine_id, started)
        except Exception:
            log.exception("rating the calls an earlier run left unrated failed; tried again shortly")

    async def _catch_up(self, engine_id: str, started: datetime) -> None:
        async with self._lock:
            await self._flush()  # what is queued already (the calls the restart closed) first
            if self._loaded_at == float("-inf"):
                await self.refresh()
            if not self.tariffs:
                self._owed = None
                return  # nothing could price them
            queued = {c.attempt_id for c in self._queue}
            rows = await (CallAttempt.filter(engine_id=engine_id, originated_at__gte=started - CATCH_UP,
                                             originated_at__lt=started, answered_at__not_isnull=True,
                                             ended_at__not_isnull=True, rated_at__isnull=True,
                                             invoice_id__isnull=True)
                          .values_list("id", "phone", "answered_at", "ended_at", "campaign__team_id", "caller_id"))
            calls = [CallToRate(attempt_id, phone, answered, ended, team_id, line or "")
                     for attempt_id, phone, answered, ended, team_id, line in rows if attempt_id not in queued]
            rated, unrated = await self._rate(calls, log_each=False) if calls else (0, 0)
            self._owed = None
        if calls:
            log.warning("an earlier run left %d answered calls unrated: %d now rated, %d priced by no tariff",
                        len(calls), rated, unrated)

    async def _rate(self, batch: list[CallToRate], *, log_each: bool = True) -> tuple[int, int]:
        """Price and deduct the calls not priced yet; (rated, unrated)."""
        batch = list({c.attempt_id: c for c in batch}.values())  # one call queued twice: once
        ratings: list[Rating] = []
        teams: dict[int, int | None] = {}
        unrated = 0
        for call in batch:
            result = self._rater.rate(call)
            if isinstance(result, Rating):
                ratings.append(result)
                teams[call.attempt_id] = call.team_id
            else:
                unrated += 1
                # A dialer with no tariffs does no billing: only a gap in a tariff set is worth a warning.
                if log_each:
                    log.log(logging.WARNING if self.tariffs else logging.DEBUG,
                            "call %s not rated: %s", result.attempt_id, result.reason)
        self.unrated += unrated
        ended = {c.attempt_id: c.ended_at for c in batch}
        async with in_transaction():  # prices and deductions together: a retry repeats neither half
            unpriced = await _not_priced_yet([r.attempt_id for r in ratings])
            ratings = [r for r in ratings if r.attempt_id in unpriced]
            charges = [Charge(team, r.attempt_id, r.price, r.currency, ended[r.attempt_id]) for r in ratings
                       if (team := teams[r.attempt_id]) is not None and team in self.balances]
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
        return len(ratings), unrated

    def _warn(self, low: LowCredit) -> None:
        event = {"type": LOW_CREDIT_EVENT, **low.payload(), "at": self.clock().isoformat()}
        self.publish(event, "floor", f"team:{low.team_id}")
        self.notify(LOW_CREDIT_EVENT, low.payload(), None)
        log.warning("branch %s: prepaid credit %s %s is below %s", low.team, low.balance, low.currency,
                    low.threshold)


async def _not_priced_yet(attempt_ids: list[int]) -> set[int]:
    """Those of the attempts with no price and no invoice, locked until the transaction ends
    on PostgreSQL (model instances: `.values_list` would drop the FOR UPDATE)."""
    unpriced: set[int] = set()
    for i in range(0, len(attempt_ids), _IDS):
        rows = await (CallAttempt.filter(id__in=attempt_ids[i:i + _IDS], rated_at__isnull=True,
                                         invoice_id__isnull=True).select_for_update().only("id"))
        unpriced.update(row.id for row in rows)
    return unpriced
