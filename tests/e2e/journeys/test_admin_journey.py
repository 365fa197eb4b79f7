"""Journey 1, the admin: a team, an agent and a supervisor, a dial profile, a caller-ID pool
with two numbers, dispositions, a pause reason, a contact list filled from a CSV through the
mapping step, a predictive campaign on it; Start; the campaign page says why it does not dial
yet, and — without a reload — that it dials once the agent is ready."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.journeys import agent_steps as agent
from e2e.journeys.admin_steps import word
from e2e.journeys.floor import build_floor

pytestmark = pytest.mark.browser


def test_admin_sets_up_a_predictive_campaign_and_it_dials(dialer: Any, people: Any, floors: Any,
                                                          tmp_path: Path) -> None:
    admin = people.open("admin")
    floor = build_floor(admin, dialer.base, tmp_path, **floors.fresh())
    floors.current = floor

    # Started: the page shows it running, and says honestly why nothing is dialed yet.
    expect(admin.locator("[data-live=status]")).to_have_text(word("running"))
    expect(admin.get_by_role("heading", name="Why it is not dialing")).to_be_visible()
    why = admin.locator("ul.why")
    expect(why).to_contain_text("No agent of the campaign's team is logged in.")
    expect(why).not_to_contain_text("contact")  # the imported contacts are there and due
    expect(admin.locator("[data-live='contacts.pending']")).to_have_text(str(len(floor.contacts)))

    # The agent joins (paused), then goes Ready: the open campaign page follows by itself.
    jana = people.open("agent")
    agent.open_panel(jana, dialer.base, floor.agent, floor.password)
    agent.join(jana, floor.campaign)
    expect(why).to_contain_text("No logged-in agent is ready: all 1 paused.", timeout=12_000)
    card = agent.take_call(jana)
    assert card["Campaign"] == floor.campaign
    expect(admin.get_by_role("heading", name="It is dialing")).to_be_visible(timeout=12_000)
    expect(why).to_contain_text("Nothing stops it")

    agent.pause_after_call(jana, floor.pause_reason)
    agent.hang_up(jana)
    agent.save_call(jana, floor.sale)
    floors.called(floor.sale, floor.pause_reason)
    agent.paused_with(jana, floor.pause_reason)
    agent.leave(jana)
    expect(why).to_contain_text("No agent of the campaign's team is logged in.", timeout=12_000)
