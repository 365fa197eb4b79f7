"""The do-not-call list page: search, add (everywhere or one campaign), remove."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from dialer.campaigns.contacts import Page
from dialer.campaigns.dnc import add_dnc, find_dnc, remove_dnc
from dialer.campaigns.saving import SaveError
from dialer.models import Campaign, DncEntry
from dialer.web.auth import ADMINS, guard
from dialer.web.errors import ApiError
from dialer.web.input import page_number, query_text
from dialer.web.routes.admin_crud import actor_of, choices, flash, render

PER_PAGE = 50


async def _page(request: Request, *, errors: dict[str, str] | None = None, values: dict | None = None,
                status: int = 200) -> Response:
    text, number = query_text(request, "q"), page_number(request)
    entries, total = await find_dnc(text, limit=PER_PAGE, offset=(number - 1) * PER_PAGE)
    campaigns = dict(await choices(Campaign))
    return render(request, "admin/dnc.html", status=status, entries=entries, campaigns=campaigns,
                  page=Page(entries, total, number, PER_PAGE), q=text,
                  base="/dnc?" + (urlencode({"q": text}) + "&" if text else ""),
                  errors=errors or {}, values=values or {})


@guard(roles=ADMINS)
async def dnc_list(request: Request) -> Response:
    return await _page(request)


@guard(roles=ADMINS)
async def add(request: Request) -> Response:
    form = await request.form()
    values = {k: str(form.get(k, "")).strip() for k in ("phone", "region", "campaign_id", "reason")}
    try:
        campaign_id = int(values["campaign_id"]) if values["campaign_id"] else None
        entry, created = await add_dnc(values["phone"], region=values["region"] or None, campaign_id=campaign_id,
                                       reason=values["reason"], actor=actor_of(request))
    except ValueError as exc:  # SaveError is a ValueError; a forged campaign id too
        errors = exc.errors if isinstance(exc, SaveError) else {"campaign_id": "Choose a campaign."}
        return await _page(request, errors=errors, values=values, status=400)
    flash(request, f"Added {entry.phone}." if created else f"{entry.phone} was already on the list.")
    return RedirectResponse("/dnc", 303)


@guard(roles=ADMINS)
async def remove(request: Request) -> Response:
    entry = await DncEntry.get_or_none(id=request.path_params["entry_id"])
    if entry is None:
        raise ApiError(404, "No such entry.")
    restored = await remove_dnc(entry, actor=actor_of(request))
    flash(request, f"Removed {entry.phone}" + (f"; {restored} contact(s) may be dialed again." if restored else "."))
    return RedirectResponse("/dnc", 303)


routes = [
    Route("/dnc", dnc_list, methods=["GET"]),
    Route("/dnc", add, methods=["POST"]),
    Route("/dnc/{entry_id:id}/delete", remove, methods=["POST"]),
]
