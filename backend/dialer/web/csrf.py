"""Cross-site request forgery: one token per session, carried by every form the pages render.

The token reaches templates through `csrf_field()`, a Jinja global fed by a context processor
on every render, so no template (or macro imported without context) can render a form that
the server then refuses. `verify_csrf` checks a write made with the session cookie.
"""

from __future__ import annotations

import hmac
import secrets
from contextvars import ContextVar
from typing import Any

from markupsafe import Markup, escape
from starlette.requests import Request

from dialer.web.errors import ApiError

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

# The token of the request being rendered; set by `csrf_context` at every TemplateResponse.
_rendering: ContextVar[str] = ContextVar("csrf_rendering", default="")


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use (also for anonymous login forms)."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def csrf_context(request: Request) -> dict[str, Any]:
    """Jinja2Templates context processor: the token for this render (and `csrf_token` for scripts)."""
    token = csrf_token(request)
    _rendering.set(token)
    return {"csrf_token": token}


def csrf_field() -> Markup:
    """The hidden input every POST form carries: `{{ csrf_field() }}`."""
    token = _rendering.get()
    if not token:  # rendered outside a request: a form that could never be saved
        raise RuntimeError("csrf_field() used outside a request's render")
    return Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(token)}">')


async def verify_csrf(request: Request) -> None:
    """Refuse a cookie-authenticated write whose token (form field or header) is not the session's."""
    expected = request.session.get("csrf", "")
    supplied = request.headers.get(CSRF_HEADER, "")
    if not supplied and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        supplied = str(form.get(CSRF_FIELD, ""))
    if not expected or not supplied or not hmac.compare_digest(expected, supplied):
        raise ApiError(403, "The form has expired or did not come from this site; reload the page and try again.")
