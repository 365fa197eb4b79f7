"""The `/applications` and `/asterisk` REST resources: which Stasis apps exist and what they
are subscribed to, Asterisk's identity and a cheap liveness ping.
"""

from __future__ import annotations

from dialer.ari.models import Application, AsteriskInfo, AsteriskPing
from dialer.ari.transport import Transport


class Applications:
    def __init__(self, transport: Transport) -> None:
        self._t = transport

    async def list(self) -> list[Application]:
        return [Application.from_json(item) for item in await self._t.request("GET", "/applications") or ()]

    async def get(self, name: str) -> Application:
        return Application.from_json(await self._t.request("GET", f"/applications/{name}"))


class AsteriskResource:
    def __init__(self, transport: Transport) -> None:
        self._t = transport

    async def info(self) -> AsteriskInfo:
        return AsteriskInfo.from_json(await self._t.request("GET", "/asterisk/info") or {})

    async def ping(self) -> AsteriskPing:
        return AsteriskPing.from_json(await self._t.request("GET", "/asterisk/ping") or {})

    async def get_global_variable(self, variable: str) -> str:
        data = await self._t.request("GET", "/asterisk/variable", params={"variable": variable})
        value = data.get("value") if isinstance(data, dict) else None
        return "" if value is None else str(value)
