"""Login throttling: too many failures for one user name or from one address lock it out
for a while. In memory, per process: enough for one `dialer run`; several web workers each
keep their own count (each still caps guessing at its own limit)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field


@dataclass
class LoginThrottle:
    max_failures: int = 5
    window_s: float = 300.0
    # Addresses get more room than names: an office behind one NAT shares an address.
    max_failures_per_ip: int = 50
    _fails: dict[str, deque[float]] = field(default_factory=dict)

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._fails.setdefault(key, deque())
        while q and q[0] <= now - self.window_s:
            q.popleft()
        return q

    def retry_after(self, username: str, ip: str, now: float) -> float:
        """Seconds until a login may be tried again; 0 when it may be tried now."""
        waits = []
        for key, limit in ((f"u:{username.lower()}", self.max_failures), (f"ip:{ip}", self.max_failures_per_ip)):
            q = self._recent(key, now)
            if len(q) >= limit:
                waits.append(q[0] + self.window_s - now)
        return max(waits, default=0.0)

    def record_failure(self, username: str, ip: str, now: float) -> None:
        for key in (f"u:{username.lower()}", f"ip:{ip}"):
            self._recent(key, now).append(now)
        if len(self._fails) > 100_000:  # bound memory under a spray of random names
            for key in [k for k, q in self._fails.items() if not q]:
                del self._fails[key]

    def record_success(self, username: str) -> None:
        self._fails.pop(f"u:{username.lower()}", None)
