"""Compliance rules enforced by the engine: the abandon message and release, the 72-hour
quiet period, the abandon count surviving a restart, DNC added while running."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from dialer.demo import DEMO_ABANDON_MESSAGE
from dialer.engine.campaign_runtime import CampaignRuntime
from dialer.models import CallAttempt, CallEvent, Contact, DncEntry
from dialer.models.enums import CallOutcome, ContactStatus, NoAgentAction

# Persons who answer after 1 s and stay on the line until released.
STAYERS = ["+420601000118", "+420601000218", "+420601000318", "+420601000418"]


async def test_customers_without_an_agent_hear_the_message_and_are_released(engine_world) -> None:
    w = engine_world
    campaign, (agent_id,) = await w.campaign("predictive", STAYERS, agents=1, pacer="ratio", calls_per_agent=4.0,
                                             max_wait_s=1, abandon_message="sorry-we-will-call-back",
                                             no_agent_action=NoAgentAction.HOLD)
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    await w.until(lambda: CallAttempt.filter(outcome=CallOutcome.ABANDONED).count(), timeout=20)
    await w.engine.s.writer.flush()

    abandoned = await CallAttempt.filter(outcome=CallOutcome.ABANDONED).first()
    assert abandoned.answered_at is not None and abandoned.bridged_at is None
    assert 0.9 <= abandoned.wait_s < 3.0, "released after the campaign's max wait"
    assert await CallEvent.filter(attempt_id=abandoned.id, kind="abandoned").exists()
    contact = await Contact.get(id=abandoned.contact_id)
    await w.until(lambda: Contact.filter(id=contact.id, status=ContactStatus.PENDING).exists())
    contact = await Contact.get(id=contact.id)
    assert contact.next_attempt_at >= abandoned.ended_at + timedelta(hours=71, minutes=59), "72 h quiet period"
    rt: CampaignRuntime = w.engine.s.campaigns[campaign.id]
    now = w.engine.s.clock()
    assert rt.counters.window.counts(now).abandons >= 1 and rt.abandon_rate(now) > 0


async def test_hang_up_mode_releases_at_once_with_the_message(engine_world) -> None:
    w = engine_world
    # The demo's message: two stock prompts, the `&` list admins know from Playback().
    campaign, (agent_id,) = await w.campaign("predictive", STAYERS[:3], agents=1, pacer="ratio",
                                             calls_per_agent=3.0, no_agent_action=NoAgentAction.HANG_UP,
                                             abandon_message=DEMO_ABANDON_MESSAGE)
    played = []

    async def on_playback(event) -> None:  # type: ignore[no-untyped-def]
        played.append((event.playback.media_uri, event.playback.next_media_uri))

    w.client.on("PlaybackStarted", on_playback)
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    await w.until(lambda: CallAttempt.filter(outcome=CallOutcome.ABANDONED).count(), timeout=20)
    await w.engine.s.writer.flush()
    abandoned = await CallAttempt.filter(outcome=CallOutcome.ABANDONED).first()
    assert abandoned.wait_s < 2.0
    assert played and played[0] == ("sound:sorry", "sound:please-try-call-later")


async def test_the_abandon_count_survives_a_restart(engine_world) -> None:
    w = engine_world
    campaign, _ = await w.campaign("predictive", [], agents=0)
    now = w.engine.s.clock()
    for i in range(40):
        await CallAttempt.create(campaign=campaign, phone=f"+4206010{i:05d}", originated_at=now - timedelta(days=2),
                                 answered_at=now - timedelta(days=2), ended_at=now - timedelta(days=2),
                                 outcome=CallOutcome.ABANDONED if i < 2 else CallOutcome.ANSWERED,
                                 wait_s=3.5 if i == 2 else 0.1)
    await CallAttempt.create(campaign=campaign, phone="+420601999999", originated_at=now - timedelta(days=40),
                             answered_at=now - timedelta(days=40), outcome=CallOutcome.ABANDONED)
    await w.run(campaign)
    rt = w.engine.s.campaigns[campaign.id]
    # 2 abandoned + 1 connected after 3.5 s (late) of 40 live answers in the last 30 days.
    counts = rt.counters.window.counts(w.engine.s.clock())
    assert (counts.abandons, counts.live) == (3, 40)


async def test_what_the_pacer_learned_survives_a_restart(engine_world) -> None:
    w = engine_world
    campaign, _ = await w.campaign("predictive", [], agents=0)
    now = w.engine.s.clock()
    at = now - timedelta(hours=3)
    for i in range(30):  # every third answers after 7 s and talks 90 s; one is a machine
        answered = at + timedelta(seconds=7) if i % 3 == 0 else None
        await CallAttempt.create(campaign=campaign, phone=f"+4206020{i:05d}", originated_at=at, answered_at=answered,
                                 ended_at=at + timedelta(seconds=120),
                                 outcome=(CallOutcome.MACHINE if i == 3 else CallOutcome.ANSWERED) if answered
                                 else CallOutcome.NO_ANSWER,
                                 talk_s=90.0 if answered and i != 3 else None,
                                 wrap_up_s=12.0 if answered and i != 3 else None)
    old = now - timedelta(days=8)  # too old to teach anything
    await CallAttempt.create(campaign=campaign, phone="+420602999999", originated_at=old, answered_at=old,
                             ended_at=old, outcome=CallOutcome.ANSWERED, talk_s=5.0, wrap_up_s=1.0)
    await w.run(campaign)
    learned = w.engine.s.campaigns[campaign.id].counters.learned(w.engine.s.clock())
    assert (learned.recent_attempts, learned.recent_answers) == (30, 9)
    assert learned.time_to_answer_s == (7.0,) * 9
    assert learned.talk_s == (90.0,) * 9 and learned.wrap_up_s == (12.0,) * 9


async def test_numbers_put_on_dnc_while_running_are_never_dialed(engine_world) -> None:
    w = engine_world
    numbers = ["+420601000015", "+420601000025"]
    campaign, (agent_id,) = await w.campaign("progressive", numbers, agents=1)
    await DncEntry.create(phone="+420601000025", reason="asked on another call")
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    await w.until(lambda: CallAttempt.filter(phone="+420601000015").exists())
    await w.until(lambda: not any(c.live for c in w.engine.s.calls.values()))
    await w.engine.tick()
    await asyncio.sleep(0.3)
    assert not await CallAttempt.filter(phone="+420601000025").exists()
    # It is not leased either: the contact waits, dialable again if the entry is removed.
    assert (await Contact.get(phone="+420601000025")).status is ContactStatus.PENDING


async def test_ring_time_below_15_seconds_needs_an_explicit_override(engine_world) -> None:
    w = engine_world
    campaign, _ = await w.campaign("progressive", [], agents=0)
    profile = await campaign.dial_profile
    profile.ring_timeout_s = 8
    await profile.save()
    await w.run(campaign)
    assert w.engine.s.campaigns[campaign.id].config.ring_timeout_s == 15
    profile.allow_short_ring = True
    await profile.save()
    campaign.description = "touched"
    await campaign.save()
    await w.engine.sync_campaigns()
    # Under a regulatory profile (the deployment's EU here) the law's 15 s holds all the same ...
    assert w.engine.s.campaigns[campaign.id].config.ring_timeout_s == 15
    # ... and only a campaign explicitly outside US, UK and EU law rings shorter.
    campaign.regulatory_profile = "none"
    await campaign.save()
    await w.engine.sync_campaigns()
    assert w.engine.s.campaigns[campaign.id].config.ring_timeout_s == 8
