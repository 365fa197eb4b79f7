"""`dialer doctor`: is the dialer's Asterisk reachable and usable? One line per check, a
hint with each failure, exit 0 only when every check passed.

It never opens a websocket for the dialer's own app (that would take the app over from a
running engine: Asterisk keeps one socket per app); the test call uses a separate app.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from dialer.ari.client import AriClient
from dialer.ari.errors import AriConnectionError, AriHttpError
from dialer.config import Settings
from dialer.telephony.ari_port import AriPort
from dialer.telephony.port import (
    FailReason,
    LegAnswered,
    LegFailed,
    LegKind,
    NotConnected,
    OriginateRefused,
    OriginateRequest,
    TelephonyEvent,
)

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
        checks.append(await _recordings(client, settings))
        if call:
            checks.append(await _test_call(client, call, timeout_s))
    finally:
        await client.close()
    return checks


async def _recordings(client: AriClient, settings: Settings) -> Check:
    """Where fetched recordings go (writable?) and how many wait on Asterisk: the fetcher of a
    running engine deletes each file it has stored, so a long list means it cannot fetch."""
    folder = settings.recordings_path
    existing = next((p for p in (folder, *folder.parents) if p.exists()), Path("."))
    if not (existing.is_dir() and os.access(existing, os.W_OK | os.X_OK)):
        return Check("recordings", False, f"cannot write to {folder} ({existing} is not a writable folder); "
                     "set DIALER_RECORDINGS_DIR or fix the folder's owner")
    try:
        waiting = len(await client.recordings.list_stored())
    except AriHttpError as exc:
        return Check("recordings", False, f"GET /recordings/stored: HTTP {exc.status} {exc.message}")
    return Check("recordings", True, f"stored in {folder}; {waiting} finished recording(s) on Asterisk "
                 "not fetched yet" + (" (is a dialer engine running?)" if waiting > 100 else ""))


# Why a test call was not answered, in words, with what to look at (the cause follows).
_FAILURES = {
    FailReason.BUSY: ("is busy", "the phone is in another call or set to do-not-disturb"),
    FailReason.CONGESTION: ("could not be reached: congestion",
                            "is the endpoint registered (pjsip show endpoints) and the trunk up?"),
    FailReason.UNALLOCATED: ("does not exist: unallocated number",
                             "check the number and DIALER_DIAL_TEMPLATE"),
    FailReason.NO_ANSWER: ("rang but nobody answered",
                           "for an agent's phone: is auto-answer on? (see [agents-out] in extensions.conf)"),
    FailReason.REJECTED: ("rejected the call", "the callee declined it"),
    FailReason.FAILED: ("could not be called", "see Asterisk's log for the channel"),
}


async def _test_call(client: AriClient, endpoint: str, timeout_s: float) -> Check:
    """Call `endpoint` into the doctor's own app through the telephony port, which tells busy,
    congestion, unallocated and no answer apart (with Asterisk's cause) as the engine hears them."""
    port = AriPort(client)
    leg = uuid.uuid4().hex
    outcome: asyncio.Future[tuple[TelephonyEvent, float]] = asyncio.get_running_loop().create_future()

    async def on_event(event: TelephonyEvent) -> None:
        if isinstance(event, (LegAnswered, LegFailed)) and event.leg_id == leg and not outcome.done():
            outcome.set_result((event, time.monotonic()))

    port.subscribe(on_event)
    try:
        await client.wait_connected(5)
    except (asyncio.TimeoutError, TimeoutError):
        return Check("test call", False, "could not open the events websocket for the test app")
    started = time.monotonic()
    try:
        await port.originate(OriginateRequest(leg, LegKind.AGENT, endpoint, timeout_s=timeout_s))
        event, at = await asyncio.wait_for(outcome, timeout_s + 2)
    except (asyncio.TimeoutError, TimeoutError):
        return Check("test call", False, f"{endpoint} did not answer within {timeout_s:.0f} s")
    except (OriginateRefused, NotConnected) as exc:
        return Check("test call", False, f"Asterisk refused the call: {exc}")
    except AriHttpError as exc:
        return Check("test call", False, f"originate refused: HTTP {exc.status} {exc.message}")
    finally:
        with contextlib.suppress(Exception):  # gone already, or Asterisk unwell: said above
            await client.channels.hangup(leg, missing_ok=True)
    if isinstance(event, LegFailed):
        what, hint = _FAILURES[event.reason]
        cause = f"cause {event.cause}" + (f" {event.cause_text}" if event.cause_text else "")
        return Check("test call", False, f"{endpoint} {what} ({cause}); {hint}")
    return Check("test call", True, f"{endpoint} answered after {(at - started) * 1000:.0f} ms (formats=ulaw)")


def run_doctor(settings: Settings, call: str | None, timeout_s: float) -> int:
    print(f"dialer doctor: {settings.ari_url}")
    checks = asyncio.run(diagnose(settings, call, timeout_s))
    for check in checks:
        print(check.line())
    ok = all(c.ok for c in checks)
    print("all checks passed" if ok else "some checks failed")
    return 0 if ok else 1
