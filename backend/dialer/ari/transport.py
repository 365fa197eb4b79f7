"""The one HTTP path to Asterisk: a request over the shared aiohttp session with basic auth and
an explicit timeout, decoded JSON back, typed exceptions on 4xx/5xx and on network failures.
The REST resources (`channels.py`, `bridges.py`, ...) are thin shapes on top of `request`.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Callable, Mapping

import aiohttp

from dialer.ari.errors import AriConnectionError, AriTimeout, error_for_status

Params = Mapping[str, Any]


def query_params(params: Params | None) -> dict[str, str]:
    """ARI query strings: drop None, booleans as true/false, lists comma-joined."""
    out: dict[str, str] = {}
    for key, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, (list, tuple)):
            out[key] = ",".join(str(v) for v in value)
        else:
            out[key] = str(value)
    return out


class Transport:
    """Issues REST calls below `base_url` (e.g. `http://127.0.0.1:8088/ari`).

    It borrows the session from the client, which owns (and closes) it; the session is looked
    up at each call so that the transport can exist before the client has started.
    """

    def __init__(
        self,
        base_url: str,
        session: Callable[[], aiohttp.ClientSession],
        *,
        timeout: aiohttp.ClientTimeout,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._session = session
        self.timeout = timeout

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        body: Any = None,
        timeout: float | None = None,
        raw: bool = False,
    ) -> Any:
        """Send one request; return decoded JSON (None for 204), or bytes when `raw`."""
        url = self.base_url + path
        request_timeout = aiohttp.ClientTimeout(total=timeout) if timeout is not None else self.timeout
        try:
            async with self._session().request(
                method,
                url,
                params=query_params(params),
                # `variables` and similar go in a JSON body; other keys stay in the query.
                json=body,
                timeout=request_timeout,
            ) as response:
                payload = await response.read()
                status = response.status
                content_type = response.content_type
        except asyncio.TimeoutError as exc:
            raise AriTimeout(f"{method} {path}: no answer within the timeout") from exc
        except aiohttp.ClientError as exc:
            raise AriConnectionError(f"{method} {path}: {exc}") from exc

        if status >= 400:
            raise error_for_status(status, _decode(payload, content_type), method=method, path=path)
        if raw:
            return payload
        if status == 204 or not payload:
            return None
        return _decode(payload, content_type)


def _decode(payload: bytes, content_type: str) -> Any:
    if not payload:
        return None
    text = payload.decode("utf-8", errors="replace")
    # Asterisk labels its JSON correctly, but a proxy in front of it may not; try anyway.
    try:
        return json.loads(text)
    except ValueError:
        if content_type == "application/json":
            return {"message": text}
        return text
