"""Call events for the customer's IS (webhooks), queued off the event path.

Handlers call `notify(...)` and go on; one task hands the events to the integrations layer,
which stores a signed delivery per matching endpoint and retries them on its own.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Mapping

log = logging.getLogger(__name__)


class Notifier:
    def __init__(self, max_queue: int = 100_000) -> None:
        self._queue: asyncio.Queue[tuple[str, dict[str, Any], int | None]] = asyncio.Queue(max_queue)
        self._task: asyncio.Task[None] | None = None
        self.dropped = 0

    def notify(self, event: str, payload: Mapping[str, Any], campaign_id: int | None) -> None:
        try:
            self._queue.put_nowait((event, dict(payload), campaign_id))
        except asyncio.QueueFull:
            self.dropped += 1  # never block a call for a webhook; the record still has it
            if self.dropped % 1000 == 1:
                log.error("webhook queue full: %d events not sent", self.dropped)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="engine-notifier")

    async def stop(self, timeout: float = 5.0) -> None:
        """Hand over what is queued (bounded: shutdown never hangs on a slow database)."""
        if self._task is not None:
            if not self._task.done():
                try:
                    await asyncio.wait_for(self.drain(), timeout)
                except (asyncio.TimeoutError, TimeoutError):
                    log.error("stopping with %d webhook events not handed over", self._queue.qsize())
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def drain(self) -> None:
        await self._queue.join()

    async def _run(self) -> None:
        from dialer.integrations.webhooks import emit_event

        while True:
            event, payload, campaign_id = await self._queue.get()
            try:
                await emit_event(event, payload, campaign_id)
            except Exception:
                log.exception("queueing webhook %s failed", event)
            finally:
                self._queue.task_done()
