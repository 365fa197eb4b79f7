"""Journey 2, the agent: log into the panel, join the campaign, Ready, take a call the
simulated PBX connects, read the card (the imported columns too), fill the form, choose a
callback disposition with its date and time, ask for a pause with a reason, hang up, save,
leave the campaigns and log out."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.journeys import agent_steps as agent
from e2e.journeys.admin_steps import sign_out
from e2e.journeys.floor import INTERNAL

pytestmark = pytest.mark.browser


def test_agent_takes_a_call_sets_a_callback_and_pauses(dialer: Any, people: Any, floor: Any, floors: Any) -> None:
    page = people.open("agent")
    agent.open_panel(page, dialer.base, floor.agent, floor.password)
    expect(page.locator("#ap-campaigns")).to_contain_text(f"{floor.campaign} (predictive, running)")
    # The pause reasons the admin keeps are offered.
    expect(page.get_by_label("Pause:").locator("option", has_text=floor.pause_reason)).to_have_count(1)
    agent.join(page, floor.campaign)
    calls_before = int(page.locator("#fig-calls").inner_text())

    card = agent.take_call(page)
    by_phone = {c.e164: c for c in floor.contacts}
    assert card["Phone"] in by_phone, f"the card shows a phone not in the list: {card}"
    contact = by_phone[card["Phone"]]
    assert (card["Name"], card["Case / external id"], card["Campaign"]) == (contact.name, contact.case, floor.campaign)
    assert (card.get("Tarif"), card.get("Město")) == (contact.plan, contact.city), card
    assert "Interní poznámka" not in card and INTERNAL not in card.values(), "an ignored column reached the agent"
    expect(page.locator("#ap-call-name")).to_have_text(contact.name)

    # The form while talking: notes, a callback disposition asks for its date and time.
    page.get_by_label("Notes").fill("Wants the Premium offer after payday.")
    expect(page.locator("#ap-callback-row")).to_be_hidden()
    page.get_by_label("Disposition").select_option(label=floor.callback)
    expect(page.locator("#ap-callback-row")).to_be_visible()
    page.get_by_label("Call back at").fill("2031-05-05T10:30")
    agent.form_survives_reload(page)
    # A pause asked for during the call waits for the form.
    agent.pause_after_call(page, floor.pause_reason)
    agent.hang_up(page)
    expect(page.locator("#ap-call-state")).to_contain_text("fill in the form")
    agent.wrap_up_counts_down(page)
    expect(page.get_by_label("Disposition")).to_have_value(page.get_by_label("Disposition")
                                                           .locator("option", has_text=floor.callback)
                                                           .get_attribute("value") or "")
    page.locator("#ap-call").get_by_role("button", name="Save").click()
    floors.called(floor.callback, floor.pause_reason)
    floors.callbacks[contact.case] = "2031-05-05 10:30"

    expect(page.locator("#ap-call")).to_be_hidden()
    agent.paused_with(page, floor.pause_reason)
    expect(page.locator("#ap-error")).to_be_hidden()
    expect(page.locator("#fig-calls")).to_have_text(str(calls_before + 1))

    agent.leave(page)
    expect(page.locator("#ap-join")).to_be_visible()
    sign_out(page)
    # Logged out for real: opening the panel again asks for the password.
    page.goto(f"{dialer.base}/agent")
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
