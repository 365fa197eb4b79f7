"""Asterisk refusing calls: how long the engine holds off dialing, and what the campaign page
says meanwhile. A refused originate is not an attempt (see CallFlow.not_dialed); this only
keeps the engine from re-leasing and re-offering the same contacts in a tight loop.

While Asterisk stops gracefully it refuses every originate for as long as calls remain
(shutdown-rest-errors.jsonl), so after a refusal the engine waits 1 s, then 2, 4... up to
15 s, and then offers one call at a time until one is taken again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from dialer.not_dialing import NotDialing, NotDialingReason

FIRST_HOLD_S = 1.0
LONGEST_HOLD_S = 15.0


@dataclass
class Refusals:
    reason: str = ""
    count: int = 0            # refusals since Asterisk last took a call
    until: datetime | None = None

    def refused(self, reason: str, now: datetime) -> None:
        self.count += 1
        self.reason = reason
        hold = min(LONGEST_HOLD_S, FIRST_HOLD_S * 2 ** (self.count - 1))
        self.until = now + timedelta(seconds=hold)

    def reconnected(self) -> None:
        """Asterisk is back after its socket closed (a restart, mostly): no waiting out the
        hold, but one call at a time until it takes one."""
        self.until = None

    def accepted(self) -> None:
        self.reason, self.count, self.until = "", 0, None

    @property
    def probing(self) -> bool:
        """Refused lately: one call at a time until Asterisk takes one."""
        return self.count > 0

    def holding(self, now: datetime) -> bool:
        return self.until is not None and now < self.until

    def not_dialing(self, now: datetime) -> NotDialingReason:
        """The campaign page's line: "Asterisk refused calls: 500 Allocation failed (3 calls
        went back to the queue; trying again in 4 s)"."""
        calls = "1 call" if self.count == 1 else f"{self.count} calls"
        if self.holding(now):
            assert self.until is not None
            then = f"trying again in {max(1, round((self.until - now).total_seconds()))} s"
        else:
            then = "trying one call at a time"
        return NotDialingReason(NotDialing.ASTERISK_REFUSED, f"{self.reason} ({calls} went back to the queue; {then})")
