"""`dialer demo` and what it runs on: its seed data (`seed`), the app with the simulated PBX
and engine (`app`), and the simulated agents who take its calls (`agents`).

The simulated agents live here, above the engine, so that `dialer.sim` stays a PBX: it
knows nothing of the engine, as a real Asterisk does not.
"""

from __future__ import annotations

from dialer.demo.app import run_demo
from dialer.demo.seed import DEMO_ABANDON_MESSAGE, DEMO_USERS, seed

__all__ = ["DEMO_ABANDON_MESSAGE", "DEMO_USERS", "run_demo", "seed"]
