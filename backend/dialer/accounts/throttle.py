"""Login throttling: too many failures for one user name or from one address lock it out for
a while. The failures are rows in the database, so the count holds across restarts and is
shared by every web process on one database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from dialer.models import LoginFailure


def _keys(username: str, ip: str) -> list[str]:
    return [f"u:{username.lower()}"[:100], f"ip:{ip}"[:100]]


@dataclass
class LoginThrottle:
    max_failures: int = 5
    window_s: float = 300.0
    # Addresses get more room than names: an office behind one NAT shares an address.
    max_failures_per_ip: int = 50

    async def retry_after(self, username: str, ip: str, now: datetime) -> float:
        """Seconds until a login may be tried again; 0 when it may be tried now."""
        since = now - timedelta(seconds=self.window_s)
        waits = []
        for key, limit in zip(_keys(username, ip), (self.max_failures, self.max_failures_per_ip)):
            recent = await LoginFailure.filter(key=key, at__gt=since).order_by("-at").limit(limit) \
                .values_list("at", flat=True)
            if len(recent) >= limit:  # the limit-th most recent failure leaves the window last
                waits.append((recent[-1] - since).total_seconds())
        return max(waits, default=0.0)

    async def record_failure(self, username: str, ip: str, now: datetime) -> None:
        keys = _keys(username, ip)
        await LoginFailure.bulk_create([LoginFailure(key=key, at=now) for key in keys])
        # Forget what left the window, for these keys only (cheap, indexed), so the table stays small.
        await LoginFailure.filter(key__in=keys, at__lte=now - timedelta(seconds=self.window_s)).delete()

    async def record_success(self, username: str) -> None:
        await LoginFailure.filter(key=_keys(username, "")[0]).delete()
