"""What every /api/v1 route needs: the JSON body, ids and paging from the URL, team scoping,
and service errors turned into 4xx JSON that names the field."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Awaitable, Callable, NoReturn

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from tortoise.queryset import QuerySet

from dialer.campaigns.saving import SaveError
from dialer.models import User
from dialer.models.enums import Role
from dialer.web.errors import ApiError

MAX_ID = 2**31 - 1  # ids are 32-bit in the database; larger ones cannot exist
MAX_LIMIT = 1000


async def json_object(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "The body must be a JSON object.") from None
    if not isinstance(body, dict):
        raise ApiError(400, "The body must be a JSON object.")
    return body


def reject_unknown(body: dict[str, Any], known: frozenset[str] | set[str]) -> None:
    extra = sorted(set(body) - set(known))
    if extra:
        raise ApiError(422, f"{extra[0]}: unknown field; the known ones are {', '.join(sorted(known))}.",
                       field=extra[0])


def path_id(request: Request, name: str, what: str) -> int:
    value = request.path_params[name]
    if not 1 <= value <= MAX_ID:
        raise ApiError(404, f"No such {what}.")
    return value


def query_int(request: Request, name: str, default: int | None = None, *, low: int = 0,
              high: int = MAX_ID) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(422, f"{name}: a whole number expected.", field=name) from None
    if not low <= value <= high:
        raise ApiError(422, f"{name}: from {low} to {high}.", field=name)
    return value


def query_text(request: Request, name: str, max_length: int) -> str:
    """A text filter ("" when absent); longer than its column could hold is a 422, not a query."""
    value = request.query_params.get(name, "")
    if len(value) > max_length or "\x00" in value:
        raise ApiError(422, f"{name}: at most {max_length} characters.", field=name)
    return value


def query_time(request: Request, name: str) -> datetime | None:
    return parse_time(request.query_params.get(name), name)


def parse_time(raw: Any, name: str) -> datetime | None:
    """An ISO 8601 date-time (UTC when it names no zone), None when absent; 422 otherwise."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        raise ApiError(422, f"{name}: an ISO 8601 date-time expected.", field=name)
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(422, f"{name}: an ISO 8601 date-time expected, e.g. 2026-03-01T08:00:00Z.", field=name) from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


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

    return Route(path, dispatch, methods=list(by_method))
