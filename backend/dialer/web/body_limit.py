"""Request bodies over the upload limit are refused as they arrive, not after the server has
spooled them: at the first read when Content-Length already says too much, else as soon as
the bytes received pass the limit. Either way the endpoint reading the body gets ApiError 413
(a JSON error under /api, the error page elsewhere), and nothing of it is kept.

Starlette's multipart parser, and the CSRF check that reads a form, would otherwise write a
whole oversized upload to a temporary file before any route could look at its size.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dialer.importer.limits import MAX_FILE_BYTES
from dialer.importer.uploads import TooLarge
from dialer.web.errors import ApiError

# The largest file the importer takes, plus room for the multipart framing and form fields.
MAX_BODY_BYTES = MAX_FILE_BYTES + (1 << 20)


def too_large() -> ApiError:
    # The importer's own message: the file limit is what a person can act on.
    return ApiError(413, str(TooLarge()), field="file")


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length", b"")
        over = declared.isdigit() and int(declared) > self.limit
        received = 0

        async def limited() -> Message:
            nonlocal received
            if over:
                raise too_large()
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise too_large()
            return message

        await self.app(scope, limited, send)
