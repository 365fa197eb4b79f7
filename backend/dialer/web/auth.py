"""Who is asking: the session cookie (pages) or a bearer token (API), and what they may do.

`guard(...)` wraps an endpoint with the role, scope and CSRF checks, so a route states
its access rule in one line: `@guard(roles=ADMINS)`.
"""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Awaitable, Callable, Iterable

from starlette.requests import HTTPConnection, Request
from starlette.responses import Response

from dialer.accounts.tokens import TokenError, authenticate_token
from dialer.models import ApiToken, User
from dialer.models.enums import Role
from dialer.web.csrf import csrf_token, verify_csrf
from dialer.web.errors import ApiError, LoginRequired

ADMINS = frozenset({Role.ADMIN})
SUPERVISORS = frozenset({Role.ADMIN, Role.SUPERVISOR})
EVERYONE = frozenset(Role)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: a user, and the token they came with (None for a session)."""

    user: User
    token: ApiToken | None = None

    @property
    def role(self) -> Role:
        return self.user.role

    def has_scope(self, scope: str) -> bool:
        # A browser session acts with the user's role alone; tokens are limited by scopes.
        return self.token is None or scope in self.token.scopes


def _stamp(user: User) -> str:
    changed: datetime | None = user.password_changed_at
    return changed.isoformat() if changed else ""


def start_session(request: Request, user: User) -> None:
    """Log the user in: a fresh session (no fixation) bound to their current password."""
    request.session.clear()
    request.session.update({"uid": user.id, "pw": _stamp(user), "csrf": secrets.token_urlsafe(32)})


def end_session(request: Request) -> None:
    request.session.clear()


async def current_principal(request: Request) -> Principal | None:
    if "principal" in request.scope:
        return request.scope["principal"]
    principal: Principal | None = None
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        try:
            token = await authenticate_token(header[7:].strip())
        except TokenError as exc:
            raise ApiError(401, f"Invalid bearer token: {exc}.",
                           headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) from None
        principal = Principal(user=token.user, token=token)
    elif request.session.get("uid"):
        user = await session_user(request)
        if user is not None:
            principal = Principal(user=user)
        else:
            end_session(request)
    request.scope["principal"] = principal
    return principal


async def session_user(conn: HTTPConnection) -> User | None:
    """The active user a session cookie names, on a page request or a WebSocket alike.

    A password change or deactivation ends every other session of that user: the session
    carries the password's stamp, and a stale one names nobody.
    """
    uid = conn.session.get("uid")
    if not uid:
        return None
    user = await User.get_or_none(id=uid, active=True).select_related("team")
    if user is None or conn.session.get("pw") != _stamp(user):
        return None
    return user


Endpoint = Callable[[Request], Awaitable[Response]]


def guard(roles: Iterable[Role] = EVERYONE, scope: str | None = None) -> Callable[[Endpoint], Endpoint]:
    """Allow the endpoint to the given roles (and, for tokens, the scope); check CSRF on writes."""
    allowed = frozenset(roles)

    def wrap(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def guarded(request: Request) -> Response:
            principal = await current_principal(request)
            if principal is None:
                if request.url.path.startswith("/api/"):
                    raise ApiError(401, "Authentication required: a bearer token or a logged-in session.",
                                   headers={"WWW-Authenticate": "Bearer"})
                raise LoginRequired()
            if principal.role not in allowed:
                raise ApiError(403, f"This needs the role {' or '.join(sorted(r.value for r in allowed))}.")
            if scope and not principal.has_scope(scope):
                raise ApiError(403, f"This token lacks the scope {scope!r}.")
            if request.method not in SAFE_METHODS and principal.token is None:
                await verify_csrf(request)
            request.state.principal = principal
            return await endpoint(request)

        guarded.__dict__["access"] = {"roles": sorted(r.value for r in allowed), "scope": scope}
        return guarded

    return wrap


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def template_context(request: Request, **values: Any) -> dict[str, Any]:
    principal: Principal | None = request.scope.get("principal")
    return {"user": principal.user if principal else None, "csrf_token": csrf_token(request), **values}
