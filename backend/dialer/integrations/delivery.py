"""The webhook delivery worker: sends pending deliveries, retries failures with exponential backoff.

One asyncio task per process (`start_webhook_worker` / `stop_webhook_worker`); several
processes may run one each on a shared database: a delivery is claimed by a conditional
update before it is sent, so no two workers send it at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta, timezone

import aiohttp

from dialer.integrations.webhooks import on_queued, signed_headers
from dialer.models import WebhookDelivery
from dialer.models.integrations import DeliveryStatus

log = logging.getLogger(__name__)


def backoff_s(attempts: int, base_s: float = 10.0, cap_s: float = 3600.0) -> float:
    """Seconds before retry number `attempts` + 1: 10 s, 20 s, 40 s … at most an hour."""
    return min(cap_s, base_s * 2 ** max(0, attempts - 1))


class WebhookWorker:
    def __init__(self, *, poll_s: float = 5.0, batch: int = 20, base_backoff_s: float = 10.0,
                 max_backoff_s: float = 3600.0, claim_s: float = 120.0) -> None:
        self.poll_s = poll_s
        self.batch = batch
        self.base_backoff_s = base_backoff_s
        self.max_backoff_s = max_backoff_s
        self.claim_s = claim_s  # a claimed delivery whose worker died is retried after this
        self._wake = asyncio.Event()
        self._session: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._unsubscribe = on_queued(self._wake.set)

    async def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def _claim(self, now: datetime) -> list[WebhookDelivery]:
        due = await (WebhookDelivery.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
                     .order_by("next_attempt_at").limit(self.batch))
        claimed = []
        for d in due:
            if await WebhookDelivery.filter(id=d.id, status=DeliveryStatus.PENDING, next_attempt_at=d.next_attempt_at
                                            ).update(next_attempt_at=now + timedelta(seconds=self.claim_s)):
                claimed.append(d)
        return claimed

    async def send(self, delivery: WebhookDelivery, now: datetime | None = None) -> WebhookDelivery:
        """One attempt at one delivery; records the outcome and schedules the next try from `now`."""
        await delivery.fetch_related("endpoint")
        endpoint = delivery.endpoint
        now = now or datetime.now(timezone.utc)
        status_code: int | None = None
        error = ""
        if not endpoint.active:
            error = "The endpoint is deactivated."
        else:
            timestamp = str(int(now.timestamp()))
            try:
                session = await self._http()
                async with session.post(endpoint.url, data=delivery.body.encode(),
                                        headers=signed_headers(endpoint, delivery, timestamp),
                                        timeout=aiohttp.ClientTimeout(total=min(endpoint.timeout_s, 30)),
                                        allow_redirects=False) as response:
                    status_code = response.status
                    if not 200 <= status_code < 300:
                        error = (await response.text(errors="replace"))[:500] or response.reason or ""
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
                error = f"{type(exc).__name__}: {exc}"[:500] or type(exc).__name__
        delivery.attempts += 1
        delivery.last_status_code = status_code
        delivery.last_error = error
        if status_code is not None and 200 <= status_code < 300:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = now
            delivery.next_attempt_at = None
        elif delivery.attempts >= endpoint.max_attempts or not endpoint.active:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = now + timedelta(
                seconds=backoff_s(delivery.attempts, self.base_backoff_s, self.max_backoff_s))
        await delivery.save(update_fields=["attempts", "last_status_code", "last_error", "status", "delivered_at",
                                           "next_attempt_at"])
        return delivery

    async def run_once(self, now: datetime | None = None) -> int:
        """Send what is due now; returns how many deliveries were attempted."""
        now = now or datetime.now(timezone.utc)
        claimed = await self._claim(now)
        await asyncio.gather(*(self.send(d, now) for d in claimed))
        return len(claimed)

    async def run(self) -> None:
        while True:
            try:
                if await self.run_once():
                    continue  # more may be due
            except asyncio.CancelledError:
                raise
            except Exception:  # a database hiccup must not end deliveries for good
                log.exception("webhook delivery round failed")
            self._wake.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_s)

    def start(self) -> "WebhookWorker":
        self._task = asyncio.get_running_loop().create_task(self.run(), name="webhook-worker")
        return self

    async def stop(self) -> None:
        self._unsubscribe()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._session is not None:
            await self._session.close()


def start_webhook_worker(**options: float) -> WebhookWorker:
    """Start delivering in the running loop (the app's lifespan, or whoever runs the engine)."""
    return WebhookWorker(**options).start()  # type: ignore[arg-type]


async def stop_webhook_worker(worker: WebhookWorker) -> None:
    await worker.stop()
