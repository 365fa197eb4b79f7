"""The call form's DNC button in Chromium, as an agent uses it: a call comes, the customer asks
never to be called again, the agent clicks "Do not call", dismissing the confirmation adds
nothing, accepting it does, the form says so (after a reload too), and the call is closed as usual."""

from __future__ import annotations

import time
from typing import Any, Iterator

import pytest

from e2e.agent_server import CHROMIUM, FLAGS, AgentServer, chromium_ready, login

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not chromium_ready(), reason="needs Debian's chromium, playwright and websockets")]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AgentServer]:
    s = AgentServer(tmp_path_factory.mktemp("dnc-panel"))
    yield s
    s.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


def test_the_dnc_button_asks_then_bars_the_number_and_says_so(server: AgentServer, browser: Any) -> None:
    from playwright.sync_api import expect

    from dialer.models import DncEntry

    page = browser.new_page()
    login(page, server.world.base, "ann")
    expect(page.locator("#ap-conn")).to_have_text("live", timeout=10_000)
    page.get_by_label("Extension calls", exact=False).check()
    page.click("#ap-join-btn")
    expect(page.locator("#ap-state")).to_have_attribute("data-state", "paused")
    page.click("#ap-ready")
    expect(page.locator("#ap-call")).to_be_visible(timeout=15_000)
    phone = page.locator('#ap-call-fields dd[data-field="Phone"]').inner_text()
    button, said = page.locator("#ap-dnc"), page.locator("#ap-dnc-state")
    expect(button).to_be_enabled()
    expect(said).to_be_hidden()

    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    button.click()
    time.sleep(0.3)
    assert asked and phone in asked[0] and "do-not-call" in asked[0]
    assert not server.run(lambda: DncEntry.filter(phone=phone).exists()), "dismissed: nothing added"

    page.once("dialog", lambda dialog: dialog.accept())
    button.click()
    expect(said).to_be_visible()
    expect(said).to_contain_text(f"{phone} is on the do-not-call list in every campaign")
    expect(button).to_be_disabled()
    entry = server.run(lambda: DncEntry.get(phone=phone))
    assert entry.source.value == "agent" and entry.added_by == "ann" and entry.campaign_id is None

    page.reload()  # the form as the server gives it back
    expect(page.locator("#ap-call")).to_be_visible(timeout=10_000)
    expect(said).to_contain_text("is on the do-not-call list")
    expect(button).to_be_disabled()
    # The disposition is still the agent's to choose; paused after it, no next call comes.
    page.select_option("#ap-pause-reason", label="Lunch")
    page.click("#ap-pause")
    page.click("#ap-hangup")
    expect(page.locator("#ap-state")).to_have_attribute("data-state", "wrap_up")
    page.select_option("#ap-disposition", label="Sale")
    page.click("#ap-save")
    expect(page.locator("#ap-state")).to_have_attribute("data-state", "paused")
    expect(page.locator("#ap-call")).to_be_hidden()
    page.close()
