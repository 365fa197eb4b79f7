"""The caller look-up hook: ask the customer's IS who is calling, quickly, and remember the answer.

Settings live in the SystemSetting `caller_lookup`: a URL template with {phone} (E.164),
{digits} (without the +) and {national}, a timeout of at most 3 s and a cache time. The
answer is the IS's JSON object (e.g. {"name": …, "external_id": …, "url": …}), or None when
the IS does not know the number, is slow or fails — a call never waits longer than the timeout.
"""

from __future__ import annotations

import asyncio
import logging
import time
from string import Formatter
from typing import Any, Mapping
from urllib.parse import quote, urlsplit

import aiohttp
import phonenumbers

from dialer.accounts.audit import record_audit
from dialer.accounts.users import Actor
from dialer.campaigns.fields import Field, clean
from dialer.campaigns.saving import SaveError
from dialer.models import SystemSetting

log = logging.getLogger(__name__)
KEY = "caller_lookup"
PLACEHOLDERS = ("phone", "digits", "national")
MAX_TIMEOUT_S = 3.0

LOOKUP_FIELDS: tuple[Field, ...] = (
    Field("enabled", "Ask the IS who is calling", "bool"),
    Field("url_template", "URL template", max_length=1000,
          help="e.g. https://is.example.com/customers?phone={phone} — also {digits}, {national}."),
    Field("headers", "Headers (JSON object)", "json", help='e.g. {"Authorization": "Bearer …"}'),
    Field("timeout_s", "Timeout", "float", required=True, min=0.1, max=MAX_TIMEOUT_S, unit="s"),
    Field("cache_ttl_s", "Remember answers for", "int", required=True, min=0, max=86400, unit="s"),
)
DEFAULTS: dict[str, Any] = {"enabled": False, "url_template": "", "headers": {}, "timeout_s": 2.0, "cache_ttl_s": 300}


async def load_settings() -> dict[str, Any]:
    row = await SystemSetting.get_or_none(key=KEY)
    return {**DEFAULTS, **(row.value if row else {})}


def lookup_url(template: str, phone: str) -> str:
    number = phonenumbers.parse(phone, None)
    values = {"phone": quote(phone, safe=""), "digits": phone.lstrip("+"),
              "national": str(number.national_number)}
    return template.format(**values)


def _check_template(template: str) -> str | None:
    try:
        names = {name for _, name, _, _ in Formatter().parse(template) if name is not None}
    except ValueError as exc:
        return f"Braces do not pair up: {exc}."
    if unknown := names - set(PLACEHOLDERS):
        return f"Unknown placeholder(s): {', '.join(sorted(unknown))}; use {{phone}}, {{digits}} or {{national}}."
    parts = urlsplit(template.replace("{", "").replace("}", ""))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "An http:// or https:// address."
    return None


async def save_lookup_settings(data: Mapping[str, Any], *, actor: Actor) -> dict[str, Any]:
    values, errors = clean(LOOKUP_FIELDS, data)
    if values.get("url_template"):
        if problem := _check_template(values["url_template"]):
            errors["url_template"] = problem
    elif values.get("enabled"):
        errors["url_template"] = "Required when the look-up is on."
    if any(not isinstance(v, str) for v in (values.get("headers") or {}).values()):
        errors["headers"] = "Header values are text."
    if errors:
        raise SaveError(errors)
    row, _ = await SystemSetting.get_or_create(key=KEY, defaults={"value": DEFAULTS})
    row.value = values
    await row.save()
    await record_audit(actor, "setting.update", "setting", KEY,
                       {k: v for k, v in values.items() if k != "headers"} | {"headers": sorted(values["headers"])})
    default_lookup.clear()
    return values


class CallerLookup:
    """Look-ups with an in-memory TTL cache (per process) and one HTTP session."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[float, dict[str, Any] | None]] = {}
        self._session: aiohttp.ClientSession | None = None

    def clear(self) -> None:
        self._cache.clear()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def __call__(self, phone: str, settings: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
        settings = settings if settings is not None else await load_settings()
        if not settings.get("enabled") or not settings.get("url_template"):
            return None
        hit = self._cache.get(phone)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        try:
            url = lookup_url(settings["url_template"], phone)
        except phonenumbers.NumberParseException:
            return None
        answer, cacheable = await self._ask(url, settings)
        if cacheable and settings.get("cache_ttl_s", 0) > 0:
            if len(self._cache) > 10_000:  # bounded: drop the lot rather than grow without end
                self._cache.clear()
            self._cache[phone] = (time.monotonic() + settings["cache_ttl_s"], answer)
        return answer

    async def _ask(self, url: str, settings: Mapping[str, Any]) -> tuple[dict[str, Any] | None, bool]:
        """(answer, whether to cache it): "unknown number" is cached, a failure is not."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        timeout = aiohttp.ClientTimeout(total=min(float(settings.get("timeout_s", 2.0)), MAX_TIMEOUT_S))
        try:
            async with self._session.get(url, headers=settings.get("headers") or {}, timeout=timeout,
                                         allow_redirects=False) as response:
                if response.status == 404:
                    return None, True
                if response.status != 200:
                    log.warning("caller look-up: HTTP %s from %s", response.status, url.split("?")[0])
                    return None, False
                body = await response.json(content_type=None)
                return (body if isinstance(body, dict) else None), True
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError, OSError) as exc:
            log.warning("caller look-up failed: %s", type(exc).__name__)
            return None, False


default_lookup = CallerLookup()


async def lookup_caller(phone: str) -> dict[str, Any] | None:
    """Who is calling from `phone` (E.164), per the IS; None when unknown, off, slow or failing."""
    return await default_lookup(phone)
