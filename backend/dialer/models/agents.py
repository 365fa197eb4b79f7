"""Agents: the telephony profile of an agent user, their sessions and state history."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from dialer.models.accounts import User
from dialer.models.enums import AgentConnection, AgentState


class Agent(Model):
    id = fields.IntField(primary_key=True)
    user: fields.OneToOneRelation[User] = fields.OneToOneField(
        "models.User", related_name="agent", on_delete=fields.CASCADE
    )
    # The dial string the engine rings or keeps connected, e.g. PJSIP/1001 or Local/1001@agents.
    extension = fields.CharField(max_length=128, db_default="")
    skills = fields.JSONField(default=list)
    wrap_up_s = fields.IntField(db_default=10)
    connection = fields.CharEnumField(AgentConnection, max_length=16, db_default=AgentConnection.PERSISTENT.value)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "agent"


class PauseReason(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64, unique=True)
    # Whether paused time counts as working time in reports (training, coaching) or not (lunch).
    productive = fields.BooleanField(db_default=False)
    active = fields.BooleanField(db_default=True)

    class Meta:
        table = "pause_reason"
        ordering = ["name"]


class AgentSession(Model):
    """One login .. logout of an agent, bound to the extension they used."""

    id = fields.IntField(primary_key=True)
    agent: fields.ForeignKeyRelation[Agent] = fields.ForeignKeyField(
        "models.Agent", related_name="sessions", on_delete=fields.CASCADE
    )
    extension = fields.CharField(max_length=128, db_default="")
    started_at = fields.DatetimeField(db_index=True)
    ended_at = fields.DatetimeField(null=True)
    end_reason = fields.CharField(max_length=64, db_default="")
    ip = fields.CharField(max_length=64, db_default="")
    # The engine that holds the session: a restarted engine closes the sessions of its crashed
    # run, and only those (another engine's agents are live).
    engine_id = fields.CharField(max_length=64, db_default="")

    class Meta:
        table = "agent_session"
        indexes = (("agent_id", "started_at"),)


class AgentStateChange(Model):
    """An agent entering a state, and when the agent's next state began (null while it lasts)."""

    id = fields.BigIntField(primary_key=True)
    agent: fields.ForeignKeyRelation[Agent] = fields.ForeignKeyField(
        "models.Agent", related_name="state_changes", on_delete=fields.CASCADE
    )
    session: fields.ForeignKeyNullableRelation[AgentSession] = fields.ForeignKeyField(
        "models.AgentSession", related_name="state_changes", null=True, on_delete=fields.SET_NULL
    )
    state = fields.CharEnumField(AgentState, max_length=16)
    reason = fields.CharField(max_length=64, db_default="")
    campaign_id = fields.IntField(null=True)
    at = fields.DatetimeField(db_index=True)
    # Filled in by the engine's record writer as it writes the agent's next change, so
    # time-in-state reports sum intervals instead of searching for each row's successor.
    ended_at = fields.DatetimeField(null=True)

    class Meta:
        table = "agent_state_change"
        # The second one lets time-in-state reports group without sorting (SQLite: 4.4 s -> 2.5 s
        # over a million changes, bench/stats.py).
        indexes = (("agent_id", "at"), ("agent_id", "state", "reason", "at"))
