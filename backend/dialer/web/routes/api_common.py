"""What every /api/v1 route needs beyond `dialer.web.input`: paging, team scoping, and service
errors turned into 4xx JSON that names the field."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Awaitable, Callable, NoReturn

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from tortoise.queryset import QuerySet

from dialer.campaigns.saving import SaveError
from dialer.models import User
from dialer.models.enums import Role
from dialer.web.errors import ApiError
from dialer.web.input import query_int

MAX_LIMIT = 1000


def paging(request: Request) -> tuple[int, int]:
    return (query_int(request, "limit", 100, low=1, high=MAX_LIMIT) or 100,
            query_int(request, "offset", 0, low=0, high=10**9) or 0)


async def page_of(query: QuerySet, request: Request, shape: Any, order: str = "-id") -> dict[str, Any]:
    limit, offset = paging(request)
    total = await query.count()
    rows = await query.order_by(order).offset(offset).limit(limit)
    return {"items": [shape(r) for r in rows], "total": total, "limit": limit, "offset": offset}


def team_filter(user: User) -> dict[str, Any]:
    """The filter that limits a non-admin to their team's rows (via a `team_id` column)."""
    if user.role is Role.ADMIN:
        return {}
    return {"team_id": user.team_id if user.team_id is not None else -1}


def raise_save_error(exc: SaveError, status: int = 422) -> NoReturn:
    field = next(iter(exc.errors), None)
    message = exc.errors.get(field, str(exc)) if field else str(exc)
    raise ApiError(status, f"{field}: {message}" if field and field != "form" else message,
                   field=None if field == "form" else field, errors=exc.errors) from None


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def resource(path: str, **handlers: Callable[[Request], Awaitable[Response]]) -> Route:
    """One route for every method on a path (`get=…, patch=…`), so a 405 names them all in `Allow`."""
    by_method = {m.upper(): h for m, h in handlers.items()}

    async def dispatch(request: Request) -> Response:
        return await by_method[request.method if request.method != "HEAD" else "GET"](request)

    rules = [getattr(h, "access", None) for h in by_method.values()]
    if rules[0] is not None and all(rule == rules[0] for rule in rules):
        dispatch.__dict__["access"] = rules[0]  # one access rule for every method: say it as guard() does
    # Each method's own rule too, so a route whose methods differ (read vs write) still says who may
    # do what: tests/web/test_scope_matrix.py checks every route-method by it.
    access_by_method: dict[str, dict[str, Any]] = {m: rule for m, rule in zip(by_method, rules) if rule is not None}
    dispatch.__dict__["access_by_method"] = access_by_method
    return Route(path, dispatch, methods=list(by_method))
