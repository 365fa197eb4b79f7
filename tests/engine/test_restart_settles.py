"""A dialer killed (kill -9) or stopped and started again settles what the earlier run left: no
contact stays leased for ever, no call stays without an end or a disposition, no agent session
stays open, and nothing of the earlier run stays up in Asterisk (issue 19, items 2, 3 and 8)."""

from __future__ import annotations

import asyncio

from crash import kill_9, restarted
from dialer.ari.client import AriClient
from dialer.engine.pbx_ids import engine_tag
from dialer.models import AgentSession, AgentStateChange, CallAttempt, Contact
from dialer.models.enums import AgentState, ContactStatus, SystemDisposition

STAYERS = ["+420601000118", "+420601000218", "+420601000318"]


async def _wait_swept(client: AriClient, timeout: float = 5.0) -> tuple[set[str], set[str]]:
    tag = engine_tag("test-engine")
    for _ in range(int(timeout / 0.05)):
        channels = {c.id for c in await client.channels.list() if c.id.startswith(tag)}
        bridges = {b.id for b in await client.bridges.list() if b.id.startswith(tag)}
        if not channels and not bridges:
            break
        await asyncio.sleep(0.05)
    return channels, bridges


async def test_kill_during_wrap_up_settles_the_contact_the_call_and_the_agent(engine_world) -> None:
    w = engine_world
    campaign, (agent_id,) = await w.campaign("progressive", STAYERS[:1], agents=1, wrap_up_s=600)
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    await w.until(lambda: w.engine.agents_in(AgentState.ON_CALL) == [agent_id])
    await w.engine.agent_hangup(agent_id)
    await w.until(lambda: w.engine.agents_in(AgentState.WRAP_UP) == [agent_id])
    await w.engine.s.writer.flush()
    contact = await Contact.get(phone=STAYERS[0])
    assert contact.status is ContactStatus.LEASED
    tag = engine_tag("test-engine")
    assert any(c.id.startswith(tag) for c in await w.client.channels.list()), "the agent's phone leg is tagged"

    await kill_9(w.engine, w.client)
    engine, client = await restarted(w.fake.base_url)
    try:
        attempt = await CallAttempt.get(contact_id=contact.id)
        assert attempt.system_disposition is SystemDisposition.DIALER_RESTARTED
        assert attempt.disposition_id is None and attempt.ended_at is not None
        contact = await Contact.get(id=contact.id)
        assert contact.status is ContactStatus.PENDING and contact.lease_owner is None
        assert contact.attempts == 1, "the call happened: its attempt counts"
        session = await AgentSession.get(agent_id=agent_id)
        assert session.ended_at is not None and session.end_reason == "dialer restarted"
        last = await AgentStateChange.filter(agent_id=agent_id).order_by("-id").first()
        assert last is not None and last.state is AgentState.LOGGED_OUT
        assert await AgentStateChange.filter(agent_id=agent_id, ended_at=None).count() == 1, \
            "only the closing 'logged out' is open"
        channels, bridges = await _wait_swept(client)
        assert not channels and not bridges, "the earlier run's phone leg and bridge are gone from Asterisk"
    finally:
        await engine.stop()
        await client.close()


async def test_contacts_leased_but_never_dialed_come_back_with_their_attempts(engine_world) -> None:
    w = engine_world
    campaign, _ = await w.campaign("progressive", STAYERS, agents=0)
    contacts = await Contact.filter(phone__in=STAYERS).order_by("id")
    # A launch killed between leasing and dialing: leased to this engine, no attempt made.
    await Contact.filter(id=contacts[0].id).update(status=ContactStatus.LEASED, lease_owner="test-engine",
                                                   attempts=2)
    # Another engine's lease is that engine's business.
    await Contact.filter(id=contacts[1].id).update(status=ContactStatus.LEASED, lease_owner="other-engine")
    await w.engine.stop()
    await w.engine.start()
    first = await Contact.get(id=contacts[0].id)
    assert first.status is ContactStatus.PENDING and first.attempts == 2 and first.lease_owner is None
    assert first.next_attempt_at is not None
    other = await Contact.get(id=contacts[1].id)
    assert other.status is ContactStatus.LEASED and other.lease_owner == "other-engine"


async def test_a_clean_stop_closes_sessions_and_releases_idle_phones(engine_world) -> None:
    w = engine_world
    campaign, (agent_id,) = await w.campaign("progressive", [], agents=1)
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.until(lambda: w.engine.s.agents[agent_id].phone_up)
    await w.engine.stop()
    session = await AgentSession.get(agent_id=agent_id)
    assert session.end_reason == "dialer stopped" and session.ended_at is not None
    tag = engine_tag("test-engine")
    await w.until(lambda: _none_tagged(w.client, tag), timeout=5)
    await w.engine.start()  # for the fixture's own stop


async def _none_tagged(client: AriClient, tag: str) -> bool:
    return not any(c.id.startswith(tag) for c in await client.channels.list())


async def test_another_engines_sessions_stay_open(engine_world) -> None:
    w = engine_world
    _, (agent_id,) = await w.campaign("progressive", [], agents=1)
    from datetime import datetime, timezone

    await AgentSession.create(agent_id=agent_id, extension="Local/agent0@agents", engine_id="other-engine",
                              started_at=datetime.now(timezone.utc))
    await w.engine.stop()
    await w.engine.start()
    assert await AgentSession.filter(engine_id="other-engine", ended_at=None).count() == 1


async def test_a_kill_during_a_spaced_launch_leaves_no_attempt_for_a_call_not_placed(engine_world) -> None:
    """kill -9 while a launch waits between its originates: the calls not yet sent have no
    attempt row (each row is written right before its own originate), and the restart gives
    their contacts back with the attempts they had; the call that was placed counts."""
    w = engine_world
    campaign, _ = await w.campaign("progressive", STAYERS, agents=0)
    await w.run(campaign)  # no agent: the pacer launches nothing; the test launches by hand
    rt = w.engine.s.campaigns[campaign.id]
    launch = asyncio.create_task(w.engine._launch(rt, 3, spacing=30.0))
    tag = engine_tag("test-engine")
    for _ in range(100):
        if any(c.id.startswith(tag) for c in await w.client.channels.list()):
            break
        await asyncio.sleep(0.05)
    await w.engine.s.writer.flush()
    launch.cancel()
    await kill_9(w.engine, w.client)
    assert await CallAttempt.all().count() == 1, "one call placed, one attempt row"
    placed = await CallAttempt.get()
    engine, client = await restarted(w.fake.base_url)
    try:
        channels, _ = await _wait_swept(client)
        assert not channels, "the placed call's channel is hung up"
        placed = await CallAttempt.get(id=placed.id)
        assert placed.ended_at is not None and placed.hangup_cause_text == "dialer restarted during the call"
        for contact in await Contact.filter(phone__in=STAYERS):
            assert contact.status is ContactStatus.PENDING and contact.lease_owner is None
            assert contact.attempts == (1 if contact.id == placed.contact_id else 0), contact.phone
    finally:
        await engine.stop()
        await client.close()
