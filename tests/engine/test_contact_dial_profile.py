"""A contact's own dial profile, set on the contact or by the import that brought it, governs its
calls through the fake Asterisk (issue 21: "a dial profile set per contact or per import is
stored and ignored"): its calling hours, cut to the campaign's law, and closure days; its retry
interval and attempt limit; its ring time; its calls per number. Contacts without one keep the
campaign's."""

from __future__ import annotations

import asyncio
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from dialer.engine.contact_feed import select_contacts
from dialer.importer.jobs import import_file
from dialer.importer.plan import ImportOptions
from dialer.models import CallAttempt, Contact, ContactList, DialProfile
from dialer.models.enums import CallDirection, ContactStatus

PRAGUE = ZoneInfo("Europe/Prague")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
EVENINGS = {d: [["18:00", "20:00"]] for d in WEEKDAYS}
WEDNESDAY_10 = datetime(2026, 12, 2, 10, 0, tzinfo=PRAGUE)
# The test world's numbers: the last digit is the outcome (8 answers and stays, 0 busy).
CAMPAIGNS, OWN = "+420601000118", "+420601000218"


def moving_clock(start_local: datetime):  # type: ignore[no-untyped-def]
    """The engine's clock, set to a local wall time and running on from there."""
    origin, start = datetime.now(timezone.utc), start_local.astimezone(timezone.utc)
    return lambda: start + (datetime.now(timezone.utc) - origin)


async def dialing(w, campaign, agent_ids, ticks: int = 10) -> None:  # type: ignore[no-untyped-def]
    for agent_id in agent_ids:
        await w.engine.agent_login(agent_id, {campaign.id})
        await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    await ticking(w, ticks)


async def ticking(w, ticks: int = 10) -> None:  # type: ignore[no-untyped-def]
    for _ in range(ticks):
        await w.engine.tick()
        await asyncio.sleep(0.02)


async def own_profile(phone: str, name: str, **settings) -> DialProfile:  # type: ignore[no-untyped-def]
    profile = await DialProfile.create(name=name, **settings)
    await Contact.filter(phone=phone).update(dial_profile_id=profile.id)
    return profile


async def test_a_contact_is_dialed_only_in_its_own_profiles_hours(engine_world) -> None:
    w = engine_world
    w.engine.s.clock = moving_clock(WEDNESDAY_10)
    campaign, agents = await w.campaign("progressive", [CAMPAIGNS, OWN], agents=2)
    await own_profile(OWN, "Evenings", calling_windows=EVENINGS)
    await dialing(w, campaign, agents)
    await w.until(lambda: CallAttempt.filter(phone=CAMPAIGNS).exists())  # the campaign's hours: any time
    await ticking(w)
    assert not await CallAttempt.filter(phone=OWN).exists(), "10:00 is outside its own profile's evening hours"
    waiting = await Contact.get(phone=OWN)
    assert waiting.status is ContactStatus.PENDING
    assert waiting.next_attempt_at == datetime(2026, 12, 2, 18, 0, tzinfo=PRAGUE), "due when its evening opens"

    w.engine.s.clock = moving_clock(datetime(2026, 12, 2, 18, 1, tzinfo=PRAGUE))
    await w.until(lambda: CallAttempt.filter(phone=OWN).exists())


async def test_a_contacts_own_hours_are_cut_to_the_campaigns_law(engine_world) -> None:
    w = engine_world
    # Saturday 5 December, 21:30 in Prague; the campaign dials under the EU profile (08:00-21:00, no Sundays).
    w.engine.s.clock = moving_clock(datetime(2026, 12, 5, 21, 30, tzinfo=PRAGUE))
    campaign, agents = await w.campaign("progressive", [OWN], agents=1, regulatory_profile="eu")
    every_day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    await own_profile(OWN, "Night owls", calling_windows={d: [["06:00", "23:00"]] for d in every_day})
    await dialing(w, campaign, agents)
    assert not await CallAttempt.filter(phone=OWN).exists()
    waiting = await Contact.get(phone=OWN)
    # Its own hours say 21:30 and Sunday 06:00; the law says Monday 08:00.
    assert waiting.next_attempt_at == datetime(2026, 12, 7, 8, 0, tzinfo=PRAGUE)


async def test_its_retry_interval_and_attempt_limit_are_its_own_profiles(engine_world) -> None:
    w = engine_world
    w.engine.s.clock = moving_clock(WEDNESDAY_10)
    campaigns, quick, once = "+420601000100", "+420601000200", "+420601000300"  # all busy
    # The campaign's profile: 3 attempts, busy retried after an hour.
    campaign, agents = await w.campaign("progressive", [campaigns, quick, once], agents=3)
    await own_profile(quick, "Quick retry", max_attempts=5, retry_intervals={"busy": 300})
    await own_profile(once, "Once", max_attempts=1, retry_intervals={"busy": 300})
    await dialing(w, campaign, agents)

    async def settled() -> bool:
        return await Contact.filter(phone__in=[campaigns, quick, once], attempts=1,
                                    status__in=[ContactStatus.PENDING, ContactStatus.EXHAUSTED],
                                    lease_owner=None).count() == 3
    await w.until(settled, timeout=30)

    async def wait_after(phone: str) -> timedelta:
        """From the end of its busy call (the PBX's time, as the engine reschedules by it) to its next."""
        contact = await Contact.get(phone=phone)
        attempt = await CallAttempt.get(phone=phone)
        assert contact.status is ContactStatus.PENDING and contact.next_attempt_at and attempt.ended_at, phone
        return contact.next_attempt_at - attempt.ended_at

    assert await wait_after(campaigns) == timedelta(hours=1), "the campaign's profile"
    assert await wait_after(quick) == timedelta(minutes=5), "its own profile"
    assert (await Contact.get(phone=once)).status is ContactStatus.EXHAUSTED, "its own limit: one attempt"


async def test_its_ring_time_is_its_own_profiles_held_to_the_law(engine_world) -> None:
    w = engine_world
    w.engine.s.clock = moving_clock(WEDNESDAY_10)
    asked: dict[str, float] = {}
    originate = w.engine.s.port.originate

    async def spy(request):  # type: ignore[no-untyped-def]
        if request.endpoint.endswith("@customers"):  # the agents' phones are rung too
            asked[request.endpoint] = request.timeout_s
        return await originate(request)
    w.engine.s.port.originate = spy
    short = "+420601000318"
    campaign, agents = await w.campaign("progressive", [CAMPAIGNS, OWN, short], agents=3)  # rings 20 s
    await own_profile(OWN, "Long ring", ring_timeout_s=40)
    await own_profile(short, "Short ring", ring_timeout_s=8)  # no short ring allowed: the law's 15 s
    await dialing(w, campaign, agents)
    await w.until(lambda: len(asked) == 3)
    assert asked == {"Local/420601000118@customers": 20, "Local/420601000218@customers": 40,
                     "Local/420601000318@customers": 15}


async def test_an_imports_dial_profile_governs_its_contacts(engine_world, tmp_path: Path) -> None:
    w = engine_world
    w.engine.s.clock = moving_clock(WEDNESDAY_10)
    await DialProfile.create(name="Evenings", calling_windows=EVENINGS)
    await DialProfile.create(name="Daytime", calling_windows={d: [["09:00", "17:00"]] for d in WEEKDAYS})
    campaign, agents = await w.campaign("progressive", [], agents=2)
    # The import's option gives every row the evening profile; a row's own column names another.
    path = tmp_path / "spring.csv"
    path.write_text("Name;Phone;Profile\nEva;601000418;\nJan;601000518;Daytime\n")
    summary = await import_file(path, "Spring import", ImportOptions(
        mapping={"Name": "name", "Phone": "phone", "Profile": "dial_profile"}, dial_profile="Evenings"),
        tmp_path / "data")
    assert summary.imported == 2, summary
    await campaign.contact_lists.add(await ContactList.get(name="Spring import"))
    await dialing(w, campaign, agents)
    await w.until(lambda: CallAttempt.filter(phone="+420601000518").exists())  # its row's profile: daytime
    await ticking(w)
    assert not await CallAttempt.filter(phone="+420601000418").exists(), "the import's profile: evenings only"
    assert (await Contact.get(phone="+420601000418")).next_attempt_at == datetime(2026, 12, 2, 18, 0, tzinfo=PRAGUE)


async def test_its_own_profiles_closure_day_keeps_it_off_that_day(engine_world) -> None:
    w = engine_world
    w.engine.s.clock = moving_clock(WEDNESDAY_10)
    campaign, agents = await w.campaign("progressive", [CAMPAIGNS, OWN], agents=2)
    await own_profile(OWN, "Office", timezone="Europe/Prague",
                      calling_windows={d: [["08:00", "20:00"]] for d in WEEKDAYS},
                      closure_days=[{"date": "2026-12-02", "note": "Inventory"}])
    await dialing(w, campaign, agents)
    await w.until(lambda: CallAttempt.filter(phone=CAMPAIGNS).exists())
    await ticking(w)
    assert not await CallAttempt.filter(phone=OWN).exists()
    assert (await Contact.get(phone=OWN)).next_attempt_at == datetime(2026, 12, 3, 8, 0, tzinfo=PRAGUE)


async def test_its_calls_per_number_are_its_own_profiles(engine_world) -> None:
    w = engine_world
    today, ever = "+420601000418", "+420601000518"
    campaign, _ = await w.campaign("progressive", [CAMPAIGNS, today, ever], agents=0)  # no limits
    await own_profile(today, "Once a day", daily_limit_per_number=1)
    await own_profile(ever, "Once ever", lifetime_limit_per_number=1)
    now = WEDNESDAY_10.astimezone(timezone.utc)
    for phone, at in ((CAMPAIGNS, now - timedelta(hours=1)), (today, now - timedelta(hours=1)),
                      (ever, now - timedelta(days=30))):
        contact = await Contact.get(phone=phone)
        await CallAttempt.create(campaign_id=campaign.id, contact_id=contact.id, phone=phone, caller_id="",
                                 direction=CallDirection.OUTBOUND, originated_at=at, ended_at=at)
    await w.run(campaign)
    config = w.engine.s.campaigns[campaign.id].config
    feed = await select_contacts(config, "test-engine", 3, now, random.Random(1))
    assert [c.phone for c in feed.candidates] == [CAMPAIGNS], "the campaign's profile sets no limit"
    waiting = await Contact.get(phone=today)
    assert waiting.status is ContactStatus.PENDING
    assert waiting.next_attempt_at == datetime(2026, 12, 3, 0, 0, tzinfo=PRAGUE), "the callee's next midnight"
    closed = await Contact.get(phone=ever)
    assert (closed.status, closed.last_outcome) == (ContactStatus.EXHAUSTED, "limit")
