"""The recordings tests' world: a small Asterisk serving the `/recordings/stored` resource over real
HTTP on loopback, answering as Asterisk 23 did in `bridge-recording-lifecycle.jsonl` (GET the
recording and its file, DELETE it, then 404 "Recording not found") with failures on demand; real
WAV bytes; and recorded calls."""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass, field
from datetime import datetime, timezone

from aiohttp import web

from dialer.models import CallAttempt, CallEvent, Campaign


def wav(seconds: float, rate: int = 8000) -> bytes:
    """A real 8 kHz mono 16-bit WAV of this length (a ramp, so that byte ranges differ)."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes((i * 7) % 256 for i in range(int(seconds * rate) * 2)))
    return out.getvalue()


@dataclass
class StoredRecordingsStub:
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # name -> (format, bytes)
    fail_file: int = 0  # the next N GETs of a file answer 500
    seen: list[tuple[str, str]] = field(default_factory=list)
    port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/ari"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/ari/recordings/stored/{name}", self._get)
        app.router.add_get("/ari/recordings/stored/{name}/file", self._file)
        app.router.add_delete("/ari/recordings/stored/{name}", self._delete)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        await self._runner.cleanup()

    def _missing(self) -> web.Response:
        return web.json_response({"message": "Recording not found"}, status=404)

    async def _get(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        self.seen.append(("GET", name))
        if name not in self.files:
            return self._missing()
        return web.json_response({"name": name, "format": self.files[name][0]})

    async def _file(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        self.seen.append(("GET file", name))
        if self.fail_file > 0:
            self.fail_file -= 1
            return web.json_response({"error": "Internal Server Error"}, status=500)
        if name not in self.files:
            return self._missing()
        return web.Response(body=self.files[name][1], content_type="audio/wav")

    async def _delete(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        self.seen.append(("DELETE", name))
        if self.files.pop(name, None) is None:
            return self._missing()
        return web.Response(status=204)


T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


async def recorded_call(campaign: Campaign | None, name: str, *, duration: int | None = 3, engine_id: str = "",
                        when: datetime = T0, cut: bool = False) -> CallAttempt:
    attempt = await CallAttempt.create(campaign=campaign, phone="+420601000001", originated_at=when,
                                       recording_name=name, recording_duration_s=duration, engine_id=engine_id)
    if cut:
        await CallEvent.create(at=when, kind="recording_cut", attempt=attempt,
                               campaign_id=campaign.id if campaign else None)
    return attempt
