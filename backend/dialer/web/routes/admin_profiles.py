"""Admin pages for what shapes dialing: dial profiles, caller-ID pools (with numbers), dispositions."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from dialer.campaigns.callerids import (POOL_FIELDS, add_numbers, delete_pool, remove_number, save_pool,
                                        set_number_active)
from dialer.campaigns.dispositions import DISPOSITION_FIELDS, delete_disposition, save_disposition
from dialer.campaigns.profiles import (PROFILE_FIELDS, delete_profile, profile_form_values, revived_notice,
                                       save_profile)
from dialer.campaigns.saving import SaveError
from dialer.models import CallerIdNumber, CallerIdPool, Campaign, DialProfile, Disposition
from dialer.web.auth import ADMINS, guard
from dialer.web.errors import ApiError
from dialer.web.routes.admin_crud import Area, Column, actor_of, choices, flash


def _hours(profile: DialProfile) -> str:
    days = [d for d, spans in (profile.calling_windows or {}).items() if spans]
    return f"{len(days)} days a week"


def _closure_days(profile: DialProfile) -> str:
    days = len(profile.closure_days or [])
    return f"{days} day{'s' if days != 1 else ''}" if days else "—"


profiles = Area(
    entity="dial_profile", title="Dial profiles", singular="dial profile", prefix="/profiles", model=DialProfile,
    fields=PROFILE_FIELDS, save=save_profile, delete=delete_profile, form_values=profile_form_values,
    label=lambda p: p.name, saved_notice=revived_notice,
    intro="Retries, ring time, calling hours and closure days. A campaign uses one profile; a contact may name "
          "its own, which then governs its calls within the campaign's regulatory profile.",
    columns=[Column("Name", lambda p: p.name), Column("Attempts", lambda p: p.max_attempts, True),
             Column("Ring", lambda p: f"{p.ring_timeout_s} s", True), Column("Time zone", lambda p: p.timezone),
             Column("Calling", _hours), Column("Closure days", _closure_days)],
)


async def _pool_context(request: Request, pool: CallerIdPool | None) -> dict[str, Any]:
    if pool is None:
        return {"numbers": []}
    return {"number_values": getattr(request.state, "number_values", {}),
            "numbers": await CallerIdNumber.filter(pool=pool).order_by("number"),
            "used_by": await Campaign.filter(caller_id_pool_id=pool.id).values_list("name", flat=True)}


pools = Area(
    entity="caller_id_pool", title="Caller-ID pools", singular="caller-ID pool", prefix="/caller-ids",
    model=CallerIdPool, fields=POOL_FIELDS, save=save_pool, delete=delete_pool, label=lambda p: p.name,
    form_extra="admin/pool_numbers.html", extra_context=_pool_context, new_defaults={"prefer_local": True,
                                                                                    "avoid_repeat": True},
    intro="Sets of numbers presented to callees; add the numbers after creating the pool.",
    columns=[Column("Name", lambda p: p.name), Column("Prefer local", lambda p: "yes" if p.prefer_local else "no"),
             Column("Avoid repeats", lambda p: "yes" if p.avoid_repeat else "no")],
)


async def _disposition_options() -> dict[str, list[tuple[Any, str]]]:
    return {"campaign": await choices(Campaign)}


dispositions = Area(
    entity="disposition", title="Dispositions", singular="disposition", prefix="/dispositions", model=Disposition,
    fields=DISPOSITION_FIELDS, save=save_disposition, delete=delete_disposition, options=_disposition_options,
    related=("campaign",), label=lambda d: d.code,
    new_defaults={"active": True, "sort_order": 0, "dnc_scope": "global"},
    query=lambda user: Disposition.all().order_by("campaign_id", "sort_order", "name"),
    intro="What agents say a call came to. Global ones are offered in every campaign.",
    columns=[Column("Code", lambda d: d.code), Column("Name", lambda d: d.name),
             Column("Campaign", lambda d: d.campaign.name if d.campaign else "all campaigns"),
             Column("Kind", lambda d: ", ".join(k for k, on in (("final", d.is_final), ("callback", d.is_callback),
                                                               ("private", d.is_private), ("success", d.is_success),
                                                               ("machine", d.is_machine),
                                                               ("adds to DNC", d.adds_dnc)) if on) or "—"),
             Column("Active", lambda d: "yes" if d.active else "no")],
)


async def _number(request: Request) -> CallerIdNumber:
    number = await CallerIdNumber.get_or_none(id=request.path_params["number_id"],
                                              pool_id=request.path_params["record_id"])
    if number is None:
        raise ApiError(404, "No such number in this pool.")
    return number


@guard(roles=ADMINS)
async def add_pool_numbers(request: Request) -> Response:
    pool = await pools.get_record(request)
    form = await request.form()
    try:
        added = await add_numbers(pool, str(form.get("numbers", "")), str(form.get("region", "")).strip(),
                                  actor=actor_of(request))
    except SaveError as exc:
        # The numbers typed stay in the box for correcting (see _pool_context).
        request.state.number_values = {"numbers": str(form.get("numbers", "")), "region": str(form.get("region", ""))}
        return await pools.form_page(request, pool, errors=exc.errors, status=400)
    flash(request, f"Added {len(added)} number(s).")
    return RedirectResponse(pools.edit_url(pool), 303)


@guard(roles=ADMINS)
async def toggle_number(request: Request) -> Response:
    number = await _number(request)
    await set_number_active(number, not number.active, actor=actor_of(request))
    return RedirectResponse(f"/caller-ids/{number.pool_id}/edit", 303)


@guard(roles=ADMINS)
async def delete_number(request: Request) -> Response:
    number = await _number(request)
    await remove_number(number, actor=actor_of(request))
    flash(request, f"Removed {number.number}.")
    return RedirectResponse(f"/caller-ids/{number.pool_id}/edit", 303)


routes = [
    *profiles.routes(), *pools.routes(), *dispositions.routes(),
    Route("/caller-ids/{record_id:id}/numbers", add_pool_numbers, methods=["POST"]),
    Route("/caller-ids/{record_id:id}/numbers/{number_id:id}/toggle", toggle_number, methods=["POST"]),
    Route("/caller-ids/{record_id:id}/numbers/{number_id:id}/delete", delete_number, methods=["POST"]),
]
