"""`dialer doctor`: is the dialer's Asterisk reachable and usable? One line per check, a
hint with each failure, exit 0 only when every check passed.

It never opens a websocket for the dialer's own app (that would take the app over from a
running engine: Asterisk keeps one socket per app); the test call uses a separate app.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass

from dialer.ari.client import AriClient
from dialer.ari.errors import AriConnectionError, AriHttpError
from dialer.ari.events import Event
from dialer.config import Settings

DOCTOR_APP = "dialer-doctor"


@dataclass
class Check:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"  [{'ok' if self.ok else 'FAIL'}] {self.name}: {self.detail}"


def _major(version: str) -> int:
    try:
        return int(version.split(".")[0])
    except ValueError:
        return 0


async def diagnose(settings: Settings, call: str | None = None, timeout_s: float = 30.0) -> list[Check]:
    checks: list[Check] = []
    client = AriClient(settings.ari_url, settings.ari_user, settings.ari_password, app=DOCTOR_APP,
                       request_timeout=5.0)
    try:
        await client.start()
        try:
            info = await client.asterisk.info()
        except AriHttpError as exc:
            hint = "check DIALER_ARI_USER / DIALER_ARI_PASSWORD against ari.conf" if exc.status == 401 else str(exc)
            checks.append(Check("ARI reachable", False, f"HTTP {exc.status}: {hint}"))
            return checks
        except AriConnectionError as exc:
            checks.append(Check("ARI reachable", False, f"{exc}; is http.conf enabled and DIALER_ARI_URL "
                                f"({settings.ari_url}) right?"))
            return checks
        checks.append(Check("ARI reachable", True, f"{settings.ari_url} as {settings.ari_user}"))
        major = _major(info.version)
        checks.append(Check("Asterisk version", major >= 20 or major == 0,
                            f"{info.version or 'unknown'}" + ("" if major >= 20 or major == 0 else " (need 20+)")))
        apps = {a.name for a in await client.applications.list()}
        engine_on = settings.ari_app in apps
        checks.append(Check("Stasis app", True, f"{settings.ari_app!r} is "
                            + ("held by a running dialer engine" if engine_on else
                               "free: no dialer engine is connected now (start `dialer run`)")))
        if call:
            checks.append(await _test_call(client, call, timeout_s))
    finally:
        await client.close()
    return checks


async def _test_call(client: AriClient, endpoint: str, timeout_s: float) -> Check:
    answered = asyncio.get_running_loop().create_future()

    async def on_start(event: Event) -> None:
        if not answered.done():
            answered.set_result(time.monotonic())

    client.on("StasisStart", on_start)
    try:
        await client.wait_connected(5)
    except (asyncio.TimeoutError, TimeoutError):
        return Check("test call", False, "could not open the events websocket for the test app")
    leg = uuid.uuid4().hex
    started = time.monotonic()
    try:
        await client.channels.originate(endpoint, app=DOCTOR_APP, channel_id=leg, timeout=int(timeout_s))
        at = await asyncio.wait_for(answered, timeout_s + 2)
    except (asyncio.TimeoutError, TimeoutError):
        return Check("test call", False, f"{endpoint} did not answer within {timeout_s:.0f} s")
    except AriHttpError as exc:
        return Check("test call", False, f"originate refused: HTTP {exc.status} {exc.message}")
    finally:
        await client.channels.hangup(leg, missing_ok=True)
    return Check("test call", True, f"{endpoint} answered after {(at - started) * 1000:.0f} ms (formats=ulaw)")


def run_doctor(settings: Settings, call: str | None, timeout_s: float) -> int:
    print(f"dialer doctor: {settings.ari_url}")
    checks = asyncio.run(diagnose(settings, call, timeout_s))
    for check in checks:
        print(check.line())
    ok = all(c.ok for c in checks)
    print("all checks passed" if ok else "some checks failed")
    return 0 if ok else 1
