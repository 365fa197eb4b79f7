"""What a request carries, read into values a service can take, or refused with a 4xx that names
the field: ids (in the path, the query, a JSON body), page numbers, free text of search boxes
and filters, times and time zone names, and JSON bodies.

Every route reads these through here, so a number past 2**31-1, a NUL byte, a 15,000-character
zone name or JSON nested a million deep is a 4xx (JSON under /api, the error page elsewhere)
instead of an exception in the database driver or the standard library. What a field means
(a valid phone number, an existing campaign) is the services' business, not this module's.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any

from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request

from dialer.models.ids import MAX_ID
from dialer.scheduling.zones import MAX_ZONE_NAME, zone_named
from dialer.web.errors import ApiError

SEARCH_MAX = 128  # a search box or text filter: the longest value it is compared with (external ids)
MAX_JSON_DEPTH = 32  # API bodies nest three or four levels; custom fields a few more
# ASCII digits only (str.isdigit() takes "²", which int() refuses), and no more of them than
# any limit here needs: int() of a huge digit string is itself slow (CVE-2020-10735).
_WHOLE = re.compile(r"-?[0-9]{1,18}")


class InputError(ApiError):
    """A parameter or body that cannot be what it names: 422 with the field (400 for a body
    that is not JSON at all)."""

    def __init__(self, field: str | None, message: str, status: int = 422) -> None:
        super().__init__(status, message, field=field)


# -- ids -------------------------------------------------------------------------------------

def _decimal_up_to(limit: int) -> str:
    """A regular expression for the numbers 1..limit written without leading zeros."""
    digits = str(limit)
    parts = [f"[1-9][0-9]{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []
    for i, d in enumerate(digits):
        low = 1 if i == 0 else 0
        if int(d) > low:  # a smaller digit at this place, anything after it
            parts.append(f"{digits[:i]}[{low}-{int(d) - 1}][0-9]{{{len(digits) - i - 1}}}")
    parts.append(digits)
    return "(?:" + "|".join(parts) + ")"


class IdConvertor(Convertor[int]):
    """`{name:id}` in a route path: 1..MAX_ID. A path with any other number matches no route,
    so it is a plain 404, never a query the database driver cannot bind."""

    regex = _decimal_up_to(MAX_ID)

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(int(value))


register_url_convertor("id", IdConvertor())


def to_id(raw: Any, field: str, message: str = "") -> int:
    """An id given in JSON (an integer) or a form or query (its digits), else InputError."""
    if isinstance(raw, str) and _WHOLE.fullmatch(raw.strip()):
        raw = int(raw.strip())
    if not isinstance(raw, int) or isinstance(raw, bool) or not 1 <= raw <= MAX_ID:
        raise InputError(field, message or f"{field}: an id, a whole number from 1 to {MAX_ID}.")
    return raw


def optional_id(raw: Any, field: str, message: str = "") -> int | None:
    """`to_id`, with None (and "" from a form) meaning no id."""
    return None if raw is None or raw == "" else to_id(raw, field, message)


def query_id(request: Request, name: str) -> int | None:
    """An id filter in the query string (None when absent or empty)."""
    return optional_id(request.query_params.get(name, "").strip(), name)


# -- numbers and pages -----------------------------------------------------------------------

def query_int(request: Request, name: str, default: int | None = None, *, low: int = 0,
              high: int = MAX_ID) -> int | None:
    raw = request.query_params.get(name, "").strip()
    if raw == "":
        return default
    if not _WHOLE.fullmatch(raw):
        raise InputError(name, f"{name}: a whole number from {low} to {high}.")
    value = int(raw)
    if not low <= value <= high:
        raise InputError(name, f"{name}: a whole number from {low} to {high}.")
    return value


def page_number(request: Request, name: str = "page") -> int:
    """The page a list shows, from 1 (the default); past the last page is the service's to clamp."""
    return query_int(request, name, 1, low=1, high=MAX_ID) or 1


# -- text ------------------------------------------------------------------------------------

def text(raw: Any, field: str, max_length: int = SEARCH_MAX) -> str:
    """Free text, stripped: refused when it holds a NUL (PostgreSQL cannot store or compare it,
    and nobody types one) or is longer than the column it is compared with."""
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise InputError(field, f"{field}: text expected.")
    value = raw.strip()
    if "\x00" in value:
        raise InputError(field, f"{field}: may not contain NUL characters.")
    if len(value) > max_length:
        raise InputError(field, f"{field}: at most {max_length} characters.")
    return value


def query_text(request: Request, name: str, max_length: int = SEARCH_MAX) -> str:
    """A search box or text filter from the query string ("" when absent)."""
    return text(request.query_params.get(name, ""), name, max_length)


# -- time zones ------------------------------------------------------------------------------

def time_zone(raw: Any, field: str = "tz") -> str:
    """An IANA time zone name that exists (Europe/Prague), else InputError."""
    name = raw.strip() if isinstance(raw, str) else ""
    if zone_named(name) is None:
        shown = name if len(name) <= MAX_ZONE_NAME else name[:MAX_ZONE_NAME] + "…"
        raise InputError(field, f"{field}: unknown time zone {shown!r}; use a name such as Europe/Prague.")
    return name


def query_time_zone(request: Request, default: str, name: str = "tz") -> str:
    """The zone a page shows times in: the query's `tz`, else `default`."""
    raw = request.query_params.get(name, "")
    return time_zone(raw if raw.strip() else default, name)


# -- times -----------------------------------------------------------------------------------

_LEAP_SECOND = re.compile(r"(T\d\d:\d\d):60")
_EARLIEST = datetime.min.replace(tzinfo=timezone.utc)
_LATEST = datetime.max.replace(tzinfo=timezone.utc)


def parse_time(raw: Any, field: str, *, zone_required: bool = False) -> datetime | None:
    """An RFC 3339 / ISO 8601 date-time in UTC, None when absent; InputError otherwise.

    A time without a zone is UTC (unless `zone_required`). Lower-case `t`/`z` and a leap
    second (read as the second before it) are RFC 3339 too. A time whose UTC falls outside
    years 1-9999 becomes the first or last instant there is: as a bound of a filter that is
    what it means."""
    if raw is None or raw == "":
        return None
    example = "e.g. 2026-03-01T08:00:00Z"
    if not isinstance(raw, str) or len(raw) > 64:
        raise InputError(field, f"{field}: a date and time expected, {example}.")
    text = _LEAP_SECOND.sub(r"\1:59", raw.strip().upper().replace("Z", "+00:00"))
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(field, f"{field}: a date and time expected, {example}.") from None
    if value.tzinfo is None:
        if zone_required:
            raise InputError(field, f"{field}: give the time zone, e.g. 2026-05-01T14:00:00+02:00.")
        value = value.replace(tzinfo=timezone.utc)
    try:
        return value.astimezone(timezone.utc)
    except OverflowError:
        return _EARLIEST if value.year == 1 else _LATEST


def query_time(request: Request, name: str) -> datetime | None:
    return parse_time(request.query_params.get(name), name)


# -- JSON bodies -----------------------------------------------------------------------------

async def json_object(request: Request, *, empty_ok: bool = False) -> dict[str, Any]:
    """The body as a JSON object. Refused with 400 when it is not JSON or not an object, or
    nests deeper than MAX_JSON_DEPTH; with 422 naming the field when a string holds a NUL.
    `empty_ok`: an empty body is {} (actions that take no arguments)."""
    raw = await request.body()
    if empty_ok and not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise InputError(None, "The body must be a JSON object.", 400) from None
    except RecursionError:  # deeper than the interpreter's stack: far past any limit here
        raise InputError(None, f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels.", 400) from None
    if not isinstance(body, dict):
        raise InputError(None, "The body must be a JSON object.", 400)
    _check_tree(body)
    return body


def _check_tree(body: dict[str, Any]) -> None:
    # Iterative, so checking a deep body cannot itself run out of stack.
    stack: list[tuple[Any, int, str | None]] = [(body, 1, None)]
    while stack:
        value, depth, top = stack.pop()
        if isinstance(value, dict):
            if depth > MAX_JSON_DEPTH:
                raise InputError(top, f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels.", 400)
            for key, item in value.items():
                where = top if top is not None else key
                if "\x00" in key:
                    raise InputError(where, f"{where}: keys may not contain NUL characters.")
                stack.append((item, depth + 1, where))
        elif isinstance(value, list):
            if depth > MAX_JSON_DEPTH:
                raise InputError(top, f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels.", 400)
            stack.extend((item, depth + 1, top) for item in value)
        elif isinstance(value, str) and "\x00" in value:
            raise InputError(top, f"{top}: text may not contain NUL characters.")


def reject_unknown(body: dict[str, Any], known: frozenset[str] | set[str]) -> None:
    extra = sorted(set(body) - set(known))
    if extra:
        raise InputError(extra[0], f"{extra[0]}: unknown field; the known ones are {', '.join(sorted(known))}.")
