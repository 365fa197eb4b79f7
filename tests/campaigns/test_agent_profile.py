"""Editing an agent's telephony profile: dial string, skills, wrap-up, phone connection."""

from __future__ import annotations

import pytest

from dialer.accounts.users import Actor, create_user
from dialer.campaigns.saving import SaveError
from dialer.campaigns.staff import save_agent
from dialer.models import Agent
from dialer.models.enums import AgentConnection, Role


async def test_phone_connection_is_saved_and_must_be_chosen(sqlite_db: str) -> None:
    user = await create_user("ada", "password-123", Role.AGENT, actor=Actor.system(), extension="PJSIP/1001")
    agent = await Agent.get(user=user)
    assert agent.connection is AgentConnection.PERSISTENT
    form = {"extension": "PJSIP/1001", "skills": "cz, sales", "wrap_up_s": "15", "connection": "per_call"}
    await save_agent(form, actor=Actor.system(), record=agent)
    saved = await Agent.get(id=agent.id)
    assert saved.connection is AgentConnection.PER_CALL and saved.skills == ["cz", "sales"]
    with pytest.raises(SaveError) as info:
        await save_agent({**form, "connection": "sometimes"}, actor=Actor.system(), record=saved)
    assert "connection" in info.value.errors
