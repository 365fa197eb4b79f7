"""Who is asking: the session cookie (pages, and the API from our own pages) or a bearer
token (the API only, within its scopes), and what they may do.

`guard(...)` wraps an endpoint with the role, scope and CSRF checks, so a route states
its access rule in one line: `@guard(roles=ADMINS)`.
"""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Iterable

from starlette.requests import HTTPConnection, Request
from starlette.responses import Response

from dialer.accounts.tokens import TokenError, authenticate_token
from dialer.accounts.sessions import end_session_key, live_session, open_session
from dialer.models import ApiToken, User, WebSession
from dialer.models.enums import Role
from dialer.web.csrf import verify_csrf
from dialer.web.errors import ApiError, LoginRequired

ADMINS = frozenset({Role.ADMIN})
SUPERVISORS = frozenset({Role.ADMIN, Role.SUPERVISOR})
EVERYONE = frozenset(Role)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
API_PREFIX = "/api/"


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: a user, with the token (API) or the web session they came with."""

    user: User
    token: ApiToken | None = None
    session: WebSession | None = None

    @property
    def role(self) -> Role:
        return self.user.role

    def has_scope(self, scope: str) -> bool:
        # A browser session acts with the user's role alone; tokens are limited by scopes.
        return self.token is None or scope in self.token.scopes


def is_api(conn: HTTPConnection) -> bool:
    return conn.url.path.startswith(API_PREFIX)


async def start_session(request: Request, user: User) -> None:
    """Log the user in: a new server-side session (no fixation) and a fresh CSRF token."""
    old = request.session.get("sid")
    if old:
        await end_session_key(old, "replaced")
    settings = request.app.state.settings
    opened = await open_session(user, max_age_s=settings.session_max_age_s, ip=client_ip(request),
                                user_agent=request.headers.get("user-agent", ""))
    request.session.clear()
    request.session.update({"sid": opened.key, "csrf": secrets.token_urlsafe(32)})
    request.scope["principal"] = Principal(user=user, session=opened.session)


async def end_session(request: Request, reason: str = "logout") -> None:
    """Log this browser out: the session ends on the server, so no copy of the cookie works."""
    key = request.session.get("sid")
    if key:
        await end_session_key(key, reason)
    request.session.clear()


def session_key(conn: HTTPConnection) -> str:
    return str(conn.session.get("sid") or "")


async def current_principal(request: Request) -> Principal | None:
    """Who is asking. Bearer tokens count on the API only: pages and forms take the session."""
    if "principal" in request.scope:
        return request.scope["principal"]
    principal: Principal | None = None
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        if not is_api(request):
            raise ApiError(401, "Bearer tokens work on /api/v1 only; pages and forms need a logged-in session.",
                           headers={"WWW-Authenticate": 'Bearer error="invalid_request"'})
        try:
            token = await authenticate_token(header[7:].strip())
        except TokenError as exc:
            raise ApiError(401, f"Invalid bearer token: {exc}.",
                           headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) from None
        principal = Principal(user=token.user, token=token)
    elif session_key(request):
        row = await live_session(session_key(request))
        if row is not None:
            principal = Principal(user=row.user, session=row)
        else:
            request.session.clear()  # ended elsewhere (logout, password change, an admin)
    request.scope["principal"] = principal
    return principal


async def session_user(conn: HTTPConnection) -> User | None:
    """The active user whose live session the cookie names, on a page request or a WebSocket."""
    row = await live_session(session_key(conn))
    return row.user if row is not None else None


Endpoint = Callable[[Request], Awaitable[Response]]


def guard(roles: Iterable[Role] = EVERYONE, scope: str | tuple[str, ...] | None = None,
          any_token: bool = False) -> Callable[[Endpoint], Endpoint]:
    """Allow the endpoint to the given roles; check CSRF on a session's writes.

    A bearer token acts only within `scope` (one scope, or a tuple of which any one will do).
    A route without a scope takes the session alone (creating users and tokens, every page),
    unless it says `any_token` (who am I).
    """
    allowed = frozenset(roles)
    scopes = (scope,) if isinstance(scope, str) else tuple(scope or ())

    def wrap(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def guarded(request: Request) -> Response:
            principal = await current_principal(request)
            if principal is None:
                if is_api(request):
                    raise ApiError(401, "Authentication required: a bearer token or a logged-in session.",
                                   headers={"WWW-Authenticate": "Bearer"})
                raise LoginRequired()
            if principal.role not in allowed:
                raise ApiError(403, f"This needs the role {' or '.join(sorted(r.value for r in allowed))}.")
            if principal.token is not None:
                if not scopes and not any_token:
                    raise ApiError(403, "A bearer token cannot do this: it needs a logged-in session.")
                if scopes and not any(principal.has_scope(s) for s in scopes):
                    raise ApiError(403, f"This token lacks the scope {' or '.join(map(repr, scopes))}.")
            elif request.method not in SAFE_METHODS:
                await verify_csrf(request)
            request.state.principal = principal
            return await endpoint(request)

        guarded.__dict__["access"] = {"roles": sorted(r.value for r in allowed), "scopes": list(scopes),
                                      "tokens": bool(scopes) or any_token}
        return guarded

    return wrap


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def template_context(request: Request, **values: Any) -> dict[str, Any]:
    principal: Principal | None = request.scope.get("principal")
    return {"user": principal.user if principal else None, **values}
