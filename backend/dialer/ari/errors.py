"""The exceptions of the ARI client: HTTP errors that carry Asterisk's status and message, and
the failures of the connection itself. Nothing here does I/O; the transport raises these.
"""

from __future__ import annotations

from typing import Any


class AriError(Exception):
    """Base of everything this client raises on purpose."""


class AriHttpError(AriError):
    """Asterisk answered a REST call with a 4xx or 5xx status.

    `message` is Asterisk's own text (`{"message": ...}`, or `{"error": ...}` for some 500s),
    so callers can tell "Channel not found" from "Bridge not found" on the same status.
    """

    status: int = 0

    def __init__(self, status: int, message: str, *, method: str = "", path: str = "") -> None:
        super().__init__(f"{method} {path}: {status} {message}".strip())
        self.status = status
        self.message = message
        self.method = method
        self.path = path


class BadRequest(AriHttpError):
    """400: invalid parameters (missing endpoint, unknown channel passed to addChannel...)."""


class NotFound(AriHttpError):
    """404: the channel, bridge, playback or recording does not exist (any more).

    For a channel this is usually a race, not a bug: the callee hung up while we acted.
    """


class Conflict(AriHttpError):
    """409: the object is in the wrong state (not in Stasis, duplicate or prefix channel id)."""


class UnprocessableEntity(AriHttpError):
    """422: e.g. a recording or playback target that cannot be used right now."""


class ServerError(AriHttpError):
    """5xx: Asterisk failed (e.g. 500 "Allocation failed" for an unknown technology)."""


class AriConnectionError(AriError):
    """The HTTP request did not get an answer: connection refused, reset, or similar."""


class AriTimeout(AriConnectionError):
    """The request took longer than its timeout; Asterisk may or may not have acted on it."""


class NotConnected(AriError):
    """The events websocket of the application is down, so the call is refused.

    Asterisk would accept an originate into an app with no websocket and then hang up the
    callee the moment they answer ("Stasis app doesn't exist"); better not to dial at all.
    """


_BY_STATUS: dict[int, type[AriHttpError]] = {
    400: BadRequest,
    404: NotFound,
    409: Conflict,
    422: UnprocessableEntity,
}


def error_for_status(status: int, body: Any, *, method: str = "", path: str = "") -> AriHttpError:
    """Build the typed exception for an error response; `body` is the decoded JSON or text."""
    message = _message_of(body)
    if status >= 500:
        cls: type[AriHttpError] = ServerError
    else:
        cls = _BY_STATUS.get(status, AriHttpError)
    return cls(status, message, method=method, path=path)


def _message_of(body: Any) -> str:
    if isinstance(body, dict):
        for key in ("message", "error"):
            value = body.get(key)
            if isinstance(value, str):
                return value
        return str(body)
    if body is None:
        return ""
    return str(body).strip()
