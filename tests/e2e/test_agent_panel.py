"""The agent panel's own flows in Chromium (no extension): join, ready, the call form with
every contact field, a callback disposition with its date and time, "private", pause asked
for during wrap-up, preview Call / Skip, and the phone hung up by the PBX then called again
with the panel's button."""

from __future__ import annotations

import time
from typing import Any, Iterator

import pytest

from e2e.agent_server import CHROMIUM, FLAGS, AgentServer, chromium_ready, login

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not chromium_ready(), reason="needs Debian's chromium, playwright and websockets")]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AgentServer]:
    s = AgentServer(tmp_path_factory.mktemp("agent-panel"))
    yield s
    s.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


def _join(page: Any, campaign: str) -> None:
    from playwright.sync_api import expect

    expect(page.locator("#ap-conn")).to_have_text("live", timeout=10_000)
    page.get_by_label(campaign, exact=False).check()
    page.click("#ap-join-btn")
    expect(page.locator("#ap-state")).to_have_attribute("data-state", "paused")


def test_call_form_callback_private_and_pause_in_wrap_up(server: AgentServer, browser: Any) -> None:
    from playwright.sync_api import expect

    from dialer.models import CallAttempt, Contact

    page = browser.new_page()
    login(page, server.world.base, "carl")
    _join(page, "Panel calls")
    page.click("#ap-ready")
    expect(page.locator("#ap-call")).to_be_visible(timeout=15_000)
    expect(page.locator("#ap-state")).to_have_attribute("data-state", "on_call")
    fields = page.locator("#ap-call-fields")
    for label, value in (("plan", "Premium"), ("city", "Brno"), ("note", "x"), ("Campaign", "Panel calls")):
        expect(fields.locator(f'dd[data-field="{label}"]')).to_have_text(value)  # every field, not only the card's
    case = fields.locator('dd[data-field="Case / external id"]').inner_text()
    phone = fields.locator('dd[data-field="Phone"]').inner_text()
    crm = f"http://127.0.0.1:{server.world.crm.port}"
    expect(page.locator("#ap-call-link")).to_have_attribute("href", f"{crm}/customers/{case}?tel={phone}")
    # Pause during the call: it waits for the form. Then hang up: wrap-up, the form stays.
    page.select_option("#ap-pause-reason", label="Training")
    page.click("#ap-pause")
    expect(page.locator("#ap-pending")).to_contain_text("Training")
    page.click("#ap-hangup")
    expect(page.locator("#ap-state")).to_have_attribute("data-state", "wrap_up")
    expect(page.locator("#ap-extend")).to_be_visible()
    page.click("#ap-extend")
    # A callback disposition asks for a date and time; "private" keeps the contact for carl.
    expect(page.locator("#ap-callback-row")).to_be_hidden()
    page.select_option("#ap-disposition", label="Call back")
    expect(page.locator("#ap-callback-row")).to_be_visible()
    page.fill("#ap-notes", "wants a call on Monday")
    page.fill("#ap-callback", "2031-05-05T10:30")
    page.check("#ap-private")
    time.sleep(0.1)
    assert server.agent_state("carl") == "wrap_up"  # while the form is open, no new call
    page.click("#ap-save")
    expect(page.locator("#ap-state")).to_have_attribute("data-state", "paused")
    expect(page.locator("#ap-state")).to_contain_text("Training")
    expect(page.locator("#ap-call")).to_be_hidden()
    expect(page.locator("#fig-calls")).to_have_text("1", timeout=5000)
    server.run(lambda: server.engine.s.writer.flush())  # records are written in batches
    contact = server.run(lambda: Contact.get(external_id=case))
    assert contact.owner_agent_id == server.world.ids["carl"] and contact.is_callback
    assert contact.next_attempt_at.year == 2031
    attempt = server.run(lambda: CallAttempt.get(contact_id=contact.id))
    assert attempt.notes == "wants a call on Monday"
    # The private contact is listed for manual dialing (the list as the page loads it).
    page.reload()
    expect(page.locator("#ap-private-list")).to_contain_text(contact.phone)
    page.click("#ap-logout")
    expect(page.locator("#ap-state")).to_have_attribute("data-state", "logged_out")
    page.close()


def test_preview_skip_then_call(server: AgentServer, browser: Any) -> None:
    from playwright.sync_api import expect

    page = browser.new_page()
    login(page, server.world.base, "bea")
    _join(page, "Preview calls")
    page.click("#ap-ready")
    expect(page.locator("#ap-offer")).to_be_visible(timeout=15_000)
    first = page.locator("#ap-offer-name").inner_text()
    assert first.startswith("Customer 2-")
    expect(page.locator('#ap-offer-fields dd[data-field="plan"]')).to_have_text("Premium")
    # The next offer comes over the socket; hold the skip's own reply back until it has, as a
    # slow network does, so the page must not let the late reply hide the new offer.
    offered_before = len(server.world.offers)

    def slow_reply(route: Any) -> None:
        reply = route.fetch()
        deadline = time.monotonic() + 5
        while len(server.world.offers) == offered_before and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)  # the page has the new offer by now
        route.fulfill(response=reply)

    page.route("**/preview/skip", slow_reply)
    page.click("#ap-offer-skip")
    expect(page.locator("#ap-offer-name")).not_to_have_text(first, timeout=15_000)
    expect(page.locator("#ap-offer")).to_be_visible()
    second = page.locator("#ap-offer-name").inner_text()
    page.click("#ap-offer-call")
    expect(page.locator("#ap-call")).to_be_visible(timeout=15_000)
    expect(page.locator("#ap-call-name")).to_have_text(second)
    page.click("#ap-hangup")
    expect(page.locator("#ap-state")).to_have_attribute("data-state", "wrap_up")
    page.select_option("#ap-pause-reason", label="Lunch")
    page.click("#ap-pause")
    page.select_option("#ap-disposition", label="Sale")
    page.click("#ap-save")
    expect(page.locator("#ap-state")).to_have_attribute("data-state", "paused")
    page.close()


def test_a_phone_hung_up_by_the_pbx_shows_not_ready_and_the_button_calls_it_again(server: AgentServer,
                                                                                    browser: Any) -> None:
    from playwright.sync_api import expect

    page = browser.new_page()
    login(page, server.world.base, "bea")
    expect(page.locator("#ap-conn")).to_have_text("live", timeout=10_000)
    if server.agent_state("bea") == "logged_out":
        _join(page, "Preview calls")
    page.click("#ap-ready")
    expect(page.locator("#ap-offer")).to_be_visible(timeout=15_000)  # ready, with the phone up
    expect(page.locator("#ap-phone")).to_be_hidden()
    agent_id = server.world.ids["bea"]

    async def hang_up_the_phone() -> None:
        server.fake.request_hangup(f"{server.engine.s.agents[agent_id].leg_id};2")

    server.run(hang_up_the_phone)
    state = page.locator("#ap-state")
    expect(state).to_have_attribute("data-state", "not_ready", timeout=10_000)
    expect(state).to_have_text("Not ready (phone down)")
    expect(page.locator("#ap-offer")).to_be_hidden()
    expect(page.locator("#ap-phone")).to_be_visible()
    page.click("#ap-phone")
    # Answered, the phone makes her ready again by itself, and the next offer comes.
    expect(page.locator("#ap-offer")).to_be_visible(timeout=15_000)
    expect(page.locator("#ap-phone")).to_be_hidden()
    expect(page.locator("#ap-phone-state")).to_have_text("Phone: up")
    page.close()
