"""Errors as users see them: JSON under /api (4xx with a message, never a 500 for bad input),
an HTML page elsewhere. Handlers are registered by `app.create_app`."""

from __future__ import annotations

import logging
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

log = logging.getLogger(__name__)


class ApiError(Exception):
    """Raised by routes for a refused request: status, a message for a person, the field at fault."""

    def __init__(self, status: int, message: str, *, field: str | None = None,
                 headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.headers = headers or {}
        self.extra = extra


class LoginRequired(Exception):
    """An anonymous browser asked for a page: send it to the login form."""


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def _body(status: int, message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"error": message, "status": status}
    if field:
        body["field"] = field
    body.update(extra)
    return body


def _page(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    templates = request.app.state.templates
    return templates.TemplateResponse(request, "error.html", {"status": status, "message": message},
                                      status_code=status, headers=headers)


async def on_api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    if wants_json(request):
        return JSONResponse(_body(exc.status, exc.message, exc.field, **exc.extra), exc.status, headers=exc.headers)
    return _page(request, exc.status, exc.message, exc.headers)


_REASONS = {400: "Bad request.", 401: "Please log in.", 403: "You may not do that.", 404: "Not found.",
            405: "Method not allowed.", 413: "Too large.", 429: "Too many requests."}


async def on_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = exc.detail if exc.detail and exc.detail != _default_phrase(exc.status_code) else \
        _REASONS.get(exc.status_code, "Request failed.")
    if wants_json(request):
        return JSONResponse(_body(exc.status_code, message), exc.status_code, headers=exc.headers)
    return _page(request, exc.status_code, message, exc.headers)


def _default_phrase(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


async def on_login_required(request: Request, exc: Exception) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    from urllib.parse import quote

    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


async def on_client_gone(request: Request, exc: Exception) -> Response:
    """The client hung up before its request body arrived (a browser closed, a timeout under
    load): nobody reads the answer, and it is no error of ours to log as one."""
    log.info("client left during %s %s", request.method, request.url.path)
    return Response(status_code=400)


async def on_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    if wants_json(request):
        return JSONResponse(_body(500, "Internal error; it has been logged."), 500)
    return _page(request, 500, "Something went wrong on our side; it has been logged.")
