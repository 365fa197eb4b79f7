"""Admin pages for teams, agents' telephony settings (extension, skills, wrap-up) and the
reasons agents pause with."""

from __future__ import annotations

from tortoise.functions import Count

from dialer.campaigns.pause_reasons import PAUSE_REASON_FIELDS, delete_pause_reason, save_pause_reason
from dialer.campaigns.staff import AGENT_FIELDS, TEAM_FIELDS, delete_team, save_agent, save_team
from dialer.models import Agent, PauseReason, Team
from dialer.web.routes.admin_crud import Area, Column

teams = Area(
    entity="team", title="Teams", singular="team", prefix="/teams", model=Team, fields=TEAM_FIELDS,
    save=save_team, delete=delete_team, label=lambda t: t.name,
    query=lambda user: Team.all().annotate(members=Count("users")),
    intro="A supervisor sees and controls the campaigns of their team; agents take its campaigns' calls.",
    columns=[Column("Name", lambda t: t.name), Column("Description", lambda t: t.description or None),
             Column("Users", lambda t: t.members, True)],
)

agents = Area(
    entity="agent", title="Agents", singular="agent", prefix="/agents", model=Agent, fields=AGENT_FIELDS,
    save=save_agent, can_create=False, related=("user", "user__team"),
    label=lambda a: a.user.username,
    query=lambda user: Agent.all().order_by("user__username"),
    intro="Agents are created as users with the role agent (Users page); here is how the dialer reaches them.",
    columns=[Column("User", lambda a: a.user.username), Column("Name", lambda a: a.user.full_name or None),
             Column("Team", lambda a: a.user.team.name if a.user.team else None),
             Column("Extension", lambda a: a.extension or None),
             Column("Skills", lambda a: ", ".join(a.skills) or None),
             Column("Wrap-up", lambda a: f"{a.wrap_up_s} s", True)],
)

pause_reasons = Area(
    entity="pause_reason", title="Pause reasons", singular="pause reason", prefix="/pause-reasons",
    model=PauseReason, fields=PAUSE_REASON_FIELDS, save=save_pause_reason, delete=delete_pause_reason,
    label=lambda r: r.name, new_defaults={"active": True},
    intro="What agents choose when they pause. Productive pauses count as working time in reports.",
    columns=[Column("Name", lambda r: r.name), Column("Working time", lambda r: "yes" if r.productive else "no"),
             Column("Active", lambda r: "yes" if r.active else "no")],
)

routes = [*teams.routes(), *agents.routes(), *pause_reasons.routes()]
