"""Campaign pages: list, settings form (fields of the chosen mode only), the campaign's own page
with start / pause / resume / stop / clear, live counters and why it is not dialing."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from dialer.campaigns.control import ClearMode, ControlError, allowed_actions, control_campaign, may_see
from dialer.campaigns.fields import display_values
from dialer.campaigns.preflight import campaign_report
from dialer.campaigns.regulation import campaign_regulation
from dialer.campaigns.settings import CAMPAIGN_FIELDS, delete_campaign, save_campaign
from dialer.campaigns.status import campaign_status
from dialer.compliance.profiles import profile_for
from dialer.engine.engine import Engine
from dialer.models import CallerIdPool, Campaign, ContactList, DialProfile, Disposition, Team, User, WebhookEndpoint
from dialer.models.enums import Role
from dialer.not_dialing import NotDialingReason
from dialer.web.auth import SUPERVISORS, guard
from dialer.web.errors import ApiError
from dialer.web.routes.admin_crud import Area, Column, actor_of, choices, flash, render


async def _options() -> dict[str, list[tuple[Any, str]]]:
    return {"team": await choices(Team), "dial_profile": await choices(DialProfile),
            "caller_id_pool": await choices(CallerIdPool), "contact_lists": await choices(ContactList)}


async def _form_values(campaign: Any) -> dict[str, Any]:
    values = display_values(CAMPAIGN_FIELDS, campaign)
    values["contact_lists"] = ([cl.id for cl in await campaign.contact_lists.all()]
                               if isinstance(campaign, Campaign) else [])
    return values


def visible_campaigns(user: User):  # -> QuerySet[Campaign]
    query = Campaign.all()
    if user.role is not Role.ADMIN:
        query = query.filter(team_id=user.team_id) if user.team_id else query.filter(id=-1)
    return query.order_by("archived", "name")


campaigns = Area(
    entity="campaign", title="Campaigns", singular="campaign", prefix="/campaigns", model=Campaign,
    fields=CAMPAIGN_FIELDS, save=save_campaign, delete=delete_campaign, options=_options,
    form_values=_form_values, query=visible_campaigns, related=("team", "dial_profile"), view_roles=SUPERVISORS,
    new_defaults={"abandon_window": ""},  # the regulatory profile's (settings.prepare)
    label=lambda c: c.name, link=lambda c: f"/campaigns/{c.pk}",
    columns=[Column("Name", lambda c: c.name), Column("Mode", lambda c: c.mode.value),
             Column("Status", lambda c: "archived" if c.archived else c.status.value),
             Column("Team", lambda c: c.team.name if c.team else None),
             Column("Dial profile", lambda c: c.dial_profile.name if c.dial_profile else "defaults")],
)


async def _visible(request: Request) -> Campaign:
    campaign = await Campaign.get_or_none(id=request.path_params["record_id"]).select_related(
        "team", "dial_profile", "caller_id_pool")
    if campaign is None or not may_see(request.state.principal.user, campaign):
        raise ApiError(404, "No such campaign.")
    return campaign


async def _detail(request: Request, campaign: Campaign, *, error: str = "", status: int = 200) -> Response:
    user = request.state.principal.user
    state = await campaign_status(campaign, live=live_reasons(request, campaign))
    return render(
        request, "admin/campaign.html", status=status, campaign=campaign, state=state, error=error,
        actions=[a.value for a in allowed_actions(campaign.status, user.role)],
        lists=await campaign.contact_lists.all(),
        dispositions=await Disposition.filter(campaign_id=campaign.id),
        webhooks=await WebhookEndpoint.filter(campaign_id=campaign.id) if user.role is Role.ADMIN else [],
        clear_modes=[m.value for m in ClearMode],
        preflight=await _preflight(campaign),
    )


async def _preflight(campaign: Campaign) -> dict[str, Any]:
    """The compliance check's rules, as `dialer campaign check` lists them (campaigns/preflight.py)."""
    doc = await campaign_report(campaign, datetime.now(timezone.utc))
    return {**doc, "profile": profile_for(campaign_regulation(campaign.regulatory_profile)).label}


def live_reasons(request: Request, campaign: Campaign) -> tuple[NotDialingReason, ...] | None:
    """What the engine knows and the database does not (Asterisk gone or refusing, credit), if it
    runs in this process (None when it does not)."""
    engine: Engine | None = getattr(request.app.state, "engine", None)
    return engine.not_dialing_reasons(campaign.id) if engine is not None else None


@guard(roles=SUPERVISORS)
async def detail(request: Request) -> Response:
    return await _detail(request, await _visible(request))


@guard(roles=SUPERVISORS)
async def control(request: Request) -> Response:
    campaign = await _visible(request)
    form = await request.form()
    action = str(form.get("action", ""))
    try:
        event = await control_campaign(campaign, action, actor=actor_of(request),
                                       clear_mode=str(form.get("clear_mode", "")) or None,
                                       hub=getattr(request.app.state, "hub", None))
    except ControlError as exc:
        return await _detail(request, campaign, error=exc.message, status=exc.status)
    done = {"start": "Started", "pause": "Paused", "resume": "Resumed", "stop": "Stopped"}.get(action)
    flash(request, f"{done} {campaign.name}." if done else
          f"Cleared {campaign.name}: {event.get('contacts', 0)} contact(s) reset.")
    return RedirectResponse(f"/campaigns/{campaign.id}", 303)


routes = [
    *campaigns.routes(),
    Route("/campaigns/{record_id:id}", detail, methods=["GET"]),
    Route("/campaigns/{record_id:id}/control", control, methods=["POST"]),
]
