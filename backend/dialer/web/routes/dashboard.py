"""The home page: what matters to each role at a glance, from the database."""

from __future__ import annotations

from tortoise.functions import Count

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from dialer.models import Agent, Campaign, Contact, ContactList, User
from dialer.models.enums import CampaignStatus, ContactStatus, Role
from dialer.web.auth import guard, template_context


async def _campaign_rows(campaigns: list[Campaign]) -> list[dict]:
    rows = []
    for c in campaigns:
        list_ids = [cl.id for cl in await c.contact_lists.all()]
        counts = dict.fromkeys((s.value for s in ContactStatus), 0)
        if list_ids:
            grouped = await (Contact.filter(contact_list_id__in=list_ids).annotate(n=Count("id"))
                             .group_by("status").values("status", "n"))
            for g in grouped:
                counts[str(getattr(g["status"], "value", g["status"]))] = g["n"]
        rows.append({"campaign": c, "counts": counts, "total": sum(counts.values())})
    return rows


@guard()
async def home(request: Request) -> Response:
    user: User = request.state.principal.user
    campaigns_q = Campaign.filter(archived=False).select_related("team")
    if user.role is not Role.ADMIN:
        campaigns_q = campaigns_q.filter(team_id=user.team_id) if user.team_id else campaigns_q.filter(id=-1)
    campaigns = await campaigns_q
    ctx = template_context(
        request,
        campaigns=await _campaign_rows(campaigns),
        running=sum(1 for c in campaigns if c.status is CampaignStatus.RUNNING),
        user_count=await User.filter(active=True).count() if user.role is not Role.AGENT else None,
        list_count=await ContactList.all().count() if user.role is not Role.AGENT else None,
        agent=await Agent.get_or_none(user=user) if user.role is Role.AGENT else None,
    )
    return request.app.state.templates.TemplateResponse(request, "dashboard.html", ctx)


routes = [Route("/", home, methods=["GET"])]
