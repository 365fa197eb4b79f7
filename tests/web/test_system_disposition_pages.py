"""The call list, its statistics and a call's page show the disposition the dialer set (wrap-up
timed out) where the agent's would be, and the call's record shows what the agent had drafted."""

from __future__ import annotations

import pytest

from dialer.models import CallAttempt, CallEvent
from dialer.models.enums import CallOutcome, SystemDisposition
from stats.world import World, at, seed_world
from webworld import login

ALL = "/calls?from=2026-03-01T00:00&to=2026-03-04T00:00&tz=UTC"


@pytest.fixture
async def world(people) -> World:
    return await seed_world(alice=people.agent)


async def test_a_timed_out_wrap_up_shows_as_such_with_the_drafted_choice(client, people, world) -> None:
    t = at(2, 9, 40)
    attempt = await CallAttempt.create(
        campaign=world.campaigns["Spring"], agent=world.agents["alice"], phone="+420200000099", originated_at=t,
        answered_at=t.replace(second=5), bridged_at=t.replace(second=6), ended_at=t.replace(minute=42),
        outcome=CallOutcome.ANSWERED, talk_s=60, wrap_up_s=30, notes="Wants Premium after payday",
        system_disposition=SystemDisposition.WRAP_UP_TIMED_OUT)
    await CallEvent.create(at=t.replace(minute=42, second=30), kind="wrap_up_timed_out", attempt=attempt,
                           agent_id=world.agents["alice"].id, payload={
                               "drafted_disposition_id": world.dispositions["sale"].id, "drafted_disposition": "SALE",
                               "drafted_disposition_name": "Sale", "drafted_callback_at": None, "notes_kept": True})
    await login(client, "admin")
    page = (await client.get(ALL + "&stats=1")).text
    row = page[page.index(f'href="/calls/{attempt.id}?') - 700:page.index(f'href="/calls/{attempt.id}?')]
    assert "Wrap-up timed out" in row
    assert '<td>Wrap-up timed out</td><td class="r">1</td>' in page, "counted in the selection's statistics"

    call = (await client.get(f"/calls/{attempt.id}")).text
    facts = call[call.index("<dt>Disposition</dt>"):]
    assert facts.index("Wrap-up timed out") < facts.index("</dd>")
    assert "Wants Premium after payday" in call
    timeline = call[call.index("wrap_up_timed_out"):]
    assert "Sale" in timeline[:timeline.index("</tr>")], "the supervisor sees what the agent had chosen"
