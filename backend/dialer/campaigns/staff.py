"""Teams and the agents' telephony settings (extension, skills, wrap-up) as admins edit them.

Users themselves (roles, passwords) are `dialer.accounts.users`; an agent row belongs to an
agent user and is created with it.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from tortoise.transactions import in_transaction

from dialer.accounts.audit import record_audit
from dialer.accounts.tokens import revoke_user_tokens
from dialer.accounts.users import Actor
from dialer.campaigns.fields import Field, clean
from dialer.campaigns.saving import SaveError, delete_record, save_record
from dialer.campaigns.settings import check_refs
from dialer.models import Agent, Campaign, Team, User
from dialer.models.enums import AgentConnection, Role

# PJSIP/1001, SIP/peer, Local/1001@agents, IAX2/host/ext: a technology, a slash, then a resource.
_DIAL_STRING = re.compile(r"^[A-Za-z0-9]+/[^\s/][^\s]*$")

TEAM_FIELDS: tuple[Field, ...] = (
    Field("name", "Name", required=True, max_length=100),
    Field("description", "Description", "textarea", max_length=2000),
)

AGENT_FIELDS: tuple[Field, ...] = (
    Field("extension", "Extension (dial string)", max_length=128,
          help="What the engine rings: PJSIP/1001, Local/1001@agents …"),
    Field("skills", "Skills", "list", help="Comma-separated, matched against a campaign's required skills."),
    Field("wrap_up_s", "Wrap-up time", "int", required=True, min=0, max=3600, unit="s"),
    Field("connection", "Phone connection", "choice", required=True,
          choices=tuple(c.value for c in AgentConnection),
          help="persistent: called once when going ready and kept connected, calls connect in milliseconds "
               "(needs an auto-answering phone); per_call: the phone rings for each call."),
)


async def save_team(data: Mapping[str, Any], *, actor: Actor, record: Team | None = None) -> Team:
    values, errors = clean(TEAM_FIELDS, data)
    if errors:
        raise SaveError(errors)
    return await save_record(Team, values, actor=actor, entity="team", record=record)


async def delete_team(team: Team, *, actor: Actor) -> None:
    members = await User.filter(team_id=team.id, active=True).count()
    campaigns = await Campaign.filter(team_id=team.id, archived=False).count()
    if members or campaigns:
        raise SaveError({"form": f"The team still has {members} active user(s) and {campaigns} campaign(s); "
                                 "move them to another team first."})
    await delete_record(team, actor=actor, entity="team", label=team.name)


async def save_agent(data: Mapping[str, Any], *, actor: Actor, record: Agent) -> Agent:
    values, errors = clean(AGENT_FIELDS, data)
    if values.get("extension") and not _DIAL_STRING.match(values["extension"]):
        errors["extension"] = "Write a dial string like PJSIP/1001 or Local/1001@agents."
    if errors:
        raise SaveError(errors)
    return await save_record(Agent, values, actor=actor, entity="agent", record=record)



USER_FIELDS: tuple[Field, ...] = (
    Field("full_name", "Full name", max_length=200),
    Field("email", "E-mail", max_length=254),
    Field("role", "Role", "choice", required=True, choices=tuple(r.value for r in Role)),
    Field("team", "Team", "ref"),
)


async def update_user(user: User, data: Mapping[str, Any], *, actor: Actor) -> User:
    """Name, e-mail, role and team. A role change revokes the user's API tokens (their scopes
    were granted for the old role); the last active admin cannot stop being one."""
    values, errors = clean(USER_FIELDS, data)
    errors.update(await check_refs(values, {"team": Team}))
    role = Role(values["role"]) if "role" not in errors else user.role
    if user.role is Role.ADMIN and role is not Role.ADMIN and user.active and \
            await User.filter(role=Role.ADMIN, active=True).exclude(id=user.id).count() == 0:
        errors["role"] = "This is the last active admin; make someone else an admin first."
    if errors:
        raise SaveError(errors)
    values["role"] = role

    async def follow_role(saved: User) -> dict[str, Any] | None:
        if role is Role.AGENT and not await Agent.filter(user_id=saved.id).exists():
            await Agent.create(user=saved)
        if role is not user_role_before:
            return {"tokens_revoked": await revoke_user_tokens(saved)}
        return None

    user_role_before = user.role
    return await save_record(User, values, actor=actor, entity="user", record=user, after=follow_role)


async def reactivate_user(user: User, *, actor: Actor) -> None:
    async with in_transaction():
        user.active = True
        await user.save(update_fields=["active"])
        await record_audit(actor, "user.reactivate", "user", user.id, {})
