"""The simulated PBX's clock: wall time sped up by a time scale, and Asterisk's timestamp format.

Every duration in the simulated world (ring, talk, greeting, originate timeout) is expressed
in simulated seconds; this clock turns them into real timer delays and stamps events with
the simulated time, so a world running at x20 still reads like a real Asterisk's log.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Callable


class SimClock:
    """Simulated time = the wall clock at start + elapsed real time x `time_scale`."""

    def __init__(self, time_scale: float = 1.0) -> None:
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self.time_scale = float(time_scale)
        self._mono0 = time.monotonic()
        self._epoch0 = time.time()

    def now(self) -> float:
        """Simulated epoch seconds."""
        return self._epoch0 + (time.monotonic() - self._mono0) * self.time_scale

    def real_delay(self, sim_seconds: float) -> float:
        return max(0.0, sim_seconds) / self.time_scale

    def call_later(self, sim_seconds: float, callback: Callable[..., Any], *args: Any
                   ) -> asyncio.TimerHandle:
        """Run `callback` after `sim_seconds` of simulated time (one loop timer, no task)."""
        loop = asyncio.get_running_loop()
        return loop.call_later(self.real_delay(sim_seconds), callback, *args)

    def timestamp(self) -> str:
        return format_timestamp(self.now())


_second_cache: dict[int, str] = {}


def format_timestamp(epoch: float) -> str:
    """Asterisk's ARI timestamp: "2026-11-22T20:15:17.199+0000" (UTC, milliseconds)."""
    whole = int(epoch)
    ms = int((epoch - whole) * 1000)
    prefix = _second_cache.get(whole)
    if prefix is None:
        # Formatting the date is the slow part; many events share one second.
        if len(_second_cache) > 64:
            _second_cache.clear()
        prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole))
        _second_cache[whole] = prefix
    return f"{prefix}.{ms:03d}+0000"
