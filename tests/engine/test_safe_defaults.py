"""Compliance by default, through the fake Asterisk: a campaign with no dial profile calls only
in its regulatory profile's hours (08:00-21:00 callee local time, no Sundays, no public
holidays), the identification message plays within 2 s of answer with the default hold
treatment, and music follows the hold message."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from dialer.models import CallAttempt, Contact
from dialer.models.enums import NoAgentAction

PRAGUE = ZoneInfo("Europe/Prague")
STAYERS = ["+420601000118", "+420601000218", "+420601000318", "+420601000418"]
# Answers after 1 s (the test world's number convention): a Czech number, so Czech holidays.
ANSWERS = "+420601000118"


def moving_clock(start_local: datetime):  # type: ignore[no-untyped-def]
    """The engine's clock, set to a local wall time and running on from there."""
    origin, start = datetime.now(timezone.utc), start_local.astimezone(timezone.utc)
    return lambda: start + (datetime.now(timezone.utc) - origin)


async def no_profile_campaign(w, when: datetime):  # type: ignore[no-untyped-def]
    w.engine.s.clock = moving_clock(when)
    campaign, (agent_id,) = await w.campaign("progressive", [ANSWERS], agents=1)
    campaign.dial_profile = None
    await campaign.save()
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    for _ in range(10):
        await w.engine.tick()
        await asyncio.sleep(0.02)
    return campaign


async def test_no_profile_dials_inside_the_safe_hours(engine_world) -> None:
    # Wednesday 2 December 2026, 10:00 in Prague: the control case.
    await no_profile_campaign(engine_world, datetime(2026, 12, 2, 10, 0, tzinfo=PRAGUE))
    await engine_world.until(lambda: CallAttempt.filter(phone=ANSWERS).exists())


async def test_no_profile_does_not_dial_at_3_on_a_sunday(engine_world) -> None:
    # The case: Sunday 6 December 2026, 03:00 in Prague.
    await no_profile_campaign(engine_world, datetime(2026, 12, 6, 3, 0, tzinfo=PRAGUE))
    assert not await CallAttempt.filter(phone=ANSWERS).exists()
    contact = await Contact.get(phone=ANSWERS)
    assert contact.next_attempt_at == datetime(2026, 12, 7, 8, 0, tzinfo=PRAGUE), "Monday 08:00 local"


async def test_no_profile_does_not_dial_on_a_public_holiday(engine_world) -> None:
    # Thursday 24 December 2026, noon in Prague: Christmas Eve, a public holiday in Czechia.
    await no_profile_campaign(engine_world, datetime(2026, 12, 24, 12, 0, tzinfo=PRAGUE))
    assert not await CallAttempt.filter(phone=ANSWERS).exists()
    contact = await Contact.get(phone=ANSWERS)
    # 25 and 26 December are holidays too, the 27th a Sunday: Monday the 28th, 08:00.
    assert contact.next_attempt_at == datetime(2026, 12, 28, 8, 0, tzinfo=PRAGUE)


class PortSpy:
    """What the engine asked of the PBX for customers on hold, in order, with the engine's time."""

    def __init__(self, w) -> None:  # type: ignore[no-untyped-def]
        self.w, self.port = w, w.engine.s.port
        self.seen: list[tuple[str, str, str, datetime]] = []
        play, music = self.port.play, self.port.start_music

        async def spy_play(target_id, media, playback_id, on_bridge=False):  # type: ignore[no-untyped-def]
            self.seen.append(("play", target_id, media, w.engine.s.clock()))
            return await play(target_id, media, playback_id, on_bridge)

        async def spy_music(leg_id, *args, **kwargs):  # type: ignore[no-untyped-def]
            self.seen.append(("music", leg_id, "", w.engine.s.clock()))
            return await music(leg_id, *args, **kwargs)

        self.port.play, self.port.start_music = spy_play, spy_music

    def of(self, call_id: str) -> list[tuple[str, str, datetime]]:
        return [(kind, media, at) for kind, cid, media, at in self.seen if cid == call_id]


async def held_campaign(w, **settings):  # type: ignore[no-untyped-def]
    campaign, (agent_id,) = await w.campaign("predictive", STAYERS, agents=1, pacer="ratio", calls_per_agent=4.0,
                                             abandon_message="identify-and-callback", **settings)
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    return campaign


async def test_the_identification_message_plays_within_2_s_by_default(engine_world) -> None:
    w = engine_world
    spy = PortSpy(w)
    # The defaults: hold treatment, 15 s longest wait; a hold message set as well.
    await held_campaign(w, hold_message="please-hold")
    identified = lambda: [s for s in spy.seen if s[2] == "sound:identify-and-callback"]  # noqa: E731
    await w.until(identified, timeout=10)
    kind, call_id, _, at = identified()[0]
    call = w.engine.s.calls[call_id]
    assert call.answered_at is not None and (at - call.answered_at).total_seconds() < 2.0
    assert spy.of(call_id)[0][1] == "sound:identify-and-callback", "before the hold message and music"


async def test_music_follows_the_hold_message(engine_world) -> None:
    w = engine_world
    spy = PortSpy(w)
    await held_campaign(w, hold_message="please-hold", max_wait_s=30, no_agent_action=NoAgentAction.HOLD)

    def music_after_hold() -> bool:
        return any([kind for kind, _, _ in spy.of(cid)] == ["play", "play", "music"]
                   for _, cid, _, _ in spy.seen)
    await w.until(music_after_hold, timeout=10)
    call_id = next(cid for _, cid, _, _ in spy.seen if [k for k, _, _ in spy.of(cid)] == ["play", "play", "music"])
    assert [media for _, media, _ in spy.of(call_id)[:2]] == ["sound:identify-and-callback", "sound:please-hold"]
    assert spy.of(call_id)[2][2] - spy.of(call_id)[0][2] < timedelta(seconds=15), "music long before the max wait"
