"""Stopping background tasks without cancelling them inside a database transaction.

Tortoise's SQLite client takes its connection lock in `in_transaction().__aenter__` and
releases it in `__aexit__`. A task cancelled between the two (while BEGIN runs) never reaches
`__aexit__`, the lock stays taken, and every later query of the process waits for ever: a
shutdown that hangs, and records of the last calls never written. So background loops are
asked to stop and allowed to finish the step they are in; cancelling is the last resort.
"""

from __future__ import annotations

import asyncio
import logging

log = logging.getLogger(__name__)

STOP_TIMEOUT_S = 10.0
"""How long a loop may take to finish its step before it is cancelled anyway."""


async def let_finish(task: asyncio.Task[None] | None, timeout: float = STOP_TIMEOUT_S) -> None:
    """Wait for a task that was asked to stop; cancel it only if it overruns `timeout`."""
    if task is None or task.done():
        if task is not None and not task.cancelled() and task.exception() is not None:
            log.error("%s had failed: %r", task.get_name(), task.exception())
        return
    done, _ = await asyncio.wait({task}, timeout=timeout)
    if not done:
        log.error("%s did not stop within %.0f s; cancelling it", task.get_name(), timeout)
        task.cancel()
    results = await asyncio.gather(task, return_exceptions=True)
    if isinstance(results[0], Exception):
        log.error("%s ended with %r", task.get_name(), results[0])
