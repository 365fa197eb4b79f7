"""The agent API as the tray app calls it (`/api/v1/agent/...` with the bearer token), and
the user name + password sign-in the extensions fall back to (`POST /api/v1/agent/token`).
One aiohttp session owns the connections; errors carry the HTTP status.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import aiohttp

from dialer.tray.tokens import SavedToken

TIMEOUT = aiohttp.ClientTimeout(total=10, connect=5)


class DialerError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status  # 0: the dialer could not be reached


def normalise_origin(value: str) -> str:
    """`https://dialer.example.com/agent` -> `https://dialer.example.com`; "" when not http(s)."""
    text = value.strip()
    if text and "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


def ws_url(origin: str, token: str) -> str:
    """settings.js's wsUrl: the agent socket with the token in the query."""
    from urllib.parse import urlencode

    scheme = "wss" if origin.startswith("https:") else "ws"
    return f"{scheme}://{urlsplit(origin).netloc}/ws/agent?{urlencode({'token': token})}"


async def _answer(response: aiohttp.ClientResponse) -> dict[str, Any]:
    try:
        data = await response.json(content_type=None)
    except (ValueError, aiohttp.ContentTypeError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    if response.status >= 400:
        raise DialerError(response.status, str(data.get("error") or data.get("detail") or response.reason))
    return data


async def request_token(session: aiohttp.ClientSession, origin: str, username: str, password: str) -> SavedToken:
    try:
        async with session.post(f"{origin}/api/v1/agent/token", json={"username": username, "password": password},
                                timeout=TIMEOUT) as response:
            data = await _answer(response)
    except aiohttp.ClientError as exc:
        raise DialerError(0, f"The dialer cannot be reached ({exc}).") from None
    return SavedToken(origin=origin, username=str(data.get("username") or username), token=str(data["token"]),
                      expires_at=data.get("expires_at"))


class AgentApi:
    def __init__(self, session: aiohttp.ClientSession, token: SavedToken) -> None:
        self.session = session
        self.token = token

    async def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        url = f"{self.token.origin}/api/v1/agent/{path}"
        headers = {"Authorization": f"Bearer {self.token.token}", "Accept": "application/json"}
        try:
            async with self.session.request(method, url, headers=headers, timeout=TIMEOUT,
                                            json=None if method == "GET" else (body or {})) as response:
                return await _answer(response)
        except aiohttp.ClientError as exc:
            raise DialerError(0, f"The dialer cannot be reached ({exc}).") from None
