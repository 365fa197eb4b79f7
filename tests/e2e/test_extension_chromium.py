"""The Chromium extension, loaded unpacked into Debian's Chromium, against the running dialer:
logging into the panel signs the extension in; a connected call pops one card with the right
data; its deep link opens the CRM; the connection comes back after the background is
stopped; logging out of the panel signs the extension out. Prints answer -> card p95.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from e2e.agent_server import CHROMIUM, FLAGS, ROOT, AgentServer, chromium_ready, login, p95

EXTENSION = ROOT / "chrome-extension"
CALLS_MEASURED = 8

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not chromium_ready(), reason="needs Debian's chromium, playwright and websockets")]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AgentServer]:
    s = AgentServer(tmp_path_factory.mktemp("agent-ext"))
    yield s
    s.stop()


def _until(check: Any, timeout: float = 10.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _card(ctx: Any, trigger: Any) -> Any:
    """Run `trigger`, return the card window it makes the extension open (drawn)."""
    with ctx.expect_page(timeout=15_000) as info:
        trigger()
    card = info.value
    card.wait_for_selector('#card[data-state="shown"][data-painted-at]', timeout=10_000)
    return card


def _finish_call(server: AgentServer, agent_id: int, call_id: str, then_pause: bool = False) -> None:
    from dialer.models import Disposition

    engine = server.engine

    async def finish() -> None:
        await engine.agent_hangup(agent_id)
        for _ in range(200):
            if engine.agent_state(agent_id)["state"] == "wrap_up":
                break
            import asyncio
            await asyncio.sleep(0.02)
        if then_pause:
            await engine.agent_pause(agent_id, "Lunch")
        sale = await Disposition.get(code="sale")
        await engine.save_disposition(agent_id, call_id, sale.id)
    server.run(finish)


def test_the_extension_follows_the_agent(server: AgentServer, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    from dialer.models import ApiToken
    from dialer.web.routes.agent_panel import CHROME_EXTENSION_ID

    w = server.world
    ann = w.ids["ann"]
    topic = f"agent:{ann}"
    hub = server.app.state.hub
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True,
            args=[*FLAGS, f"--disable-extensions-except={EXTENSION}", f"--load-extension={EXTENSION}"])
        try:
            worker = ctx.service_workers[0] if ctx.service_workers else ctx.wait_for_event("serviceworker")
            ext_id = worker.url.split("/")[2]
            assert ext_id == CHROME_EXTENSION_ID  # the fixed key gives the id the panel sends to

            # Logging into the panel hands the extension a token; first use asks to confirm the dialer.
            panel = ctx.new_page()
            with ctx.expect_page(timeout=15_000) as confirm_info:
                login(panel, w.base, "ann")
            confirm = confirm_info.value
            confirm.wait_for_selector("#confirm", state="visible")
            expect(confirm.locator("#propose-origin")).to_have_text(w.base)
            confirm.click("#confirm")
            _until(lambda: hub.subscriber_count(topic) >= 3, what="the extension's socket")  # panel, ext, recorder
            confirm.close()
            tokens = server.run(lambda: ApiToken.filter(user__username="ann", revoked_at=None).count())
            assert tokens == 1

            # Join and go ready in the panel: the connected call pops the card.
            panel.get_by_label("Extension calls", exact=False).check()
            panel.click("#ap-join-btn")
            expect(panel.locator("#ap-state")).to_have_attribute("data-state", "paused")
            card = _card(ctx, lambda: panel.click("#ap-ready"))
            key = card.locator("#card").get_attribute("data-key")
            call_id = key.removeprefix("call-")
            fields = {f: card.locator(f'dd[data-field="{f}"]').inner_text()
                      for f in ("external_id", "campaign", "attempt", "phone", "custom:plan", "custom:city")}
            assert fields["campaign"] == "Extension calls" and fields["attempt"] == "1"
            assert fields["custom:plan"] == "Premium" and fields["custom:city"] == "Brno"
            assert card.locator("#name").inner_text() == f"Customer 0-{fields['external_id'].rsplit('-', 1)[1]}"
            assert card.locator('dd[data-field="custom:note"]').count() == 0  # not a chosen card field
            expect(panel.locator("#ap-call")).to_be_visible()  # the panel opened the call form too
            latencies = [float(card.locator("#card").get_attribute("data-painted-at")) / 1000
                         - w.connected[call_id].timestamp()]

            # The deep link (button) opens the CRM at the customer's case.
            with ctx.expect_page() as crm_info:
                card.click("#open")
            crm = crm_info.value
            crm.wait_for_load_state()
            assert crm.url == f"http://127.0.0.1:{w.crm.port}/customers/{fields['external_id']}?tel={fields['phone']}"
            crm.close()
            card.close()

            # More calls: one card each; measure customer answered (connected) -> card painted.
            for _ in range(CALLS_MEASURED - 1):
                previous = call_id
                card = _card(ctx, lambda: _finish_call(server, ann, previous))
                call_id = card.locator("#card").get_attribute("data-key").removeprefix("call-")
                assert call_id != previous
                latencies.append(float(card.locator("#card").get_attribute("data-painted-at")) / 1000
                                 - w.connected[call_id].timestamp())
                card.close()
            cards = [pg for pg in ctx.pages if "card.html" in pg.url]
            assert cards == []  # one card per call, none left over
            ms = sorted(round(x * 1000) for x in latencies)
            print(f"\nanswer -> card painted (Chromium, {len(ms)} calls): median {ms[len(ms) // 2]} ms, "
                  f"p95 {round(p95(latencies) * 1000)} ms, all {ms}")
            assert p95(latencies) <= 1.0  # target 0.3 s; the bound leaves room for a loaded CI machine

            # The background is stopped: an extension page wakes it, and it connects again.
            _finish_call(server, ann, call_id, then_pause=True)
            _until(lambda: server.agent_state("ann") == "paused", what="pause after wrap-up")
            cdp = ctx.new_cdp_session(panel)
            targets = cdp.send("Target.getTargets")["targetInfos"]
            sw = next(t for t in targets if t["type"] == "service_worker" and ext_id in t["url"])
            cdp.send("Target.closeTarget", {"targetId": sw["targetId"]})
            _until(lambda: hub.subscriber_count(topic) == 2, what="the stopped background's socket to close")
            popup = ctx.new_page()
            popup.goto(f"chrome-extension://{ext_id}/popup.html")
            _until(lambda: hub.subscriber_count(topic) == 3, timeout=15, what="the background to reconnect")
            expect(popup.locator("#state")).to_have_attribute("data-state", "paused")
            card = _card(ctx, lambda: server.run(lambda: server.engine.agent_ready(ann)))
            call_id = card.locator("#card").get_attribute("data-key").removeprefix("call-")
            card.close()
            _finish_call(server, ann, call_id, then_pause=True)

            # Click-to-dial on a site the agent allowed: tel: links and numbers in the text.
            options = ctx.new_page()
            options.goto(f"chrome-extension://{ext_id}/options.html")
            expect(options.locator("#origin")).to_have_value(w.base)
            crm_origin = f"http://127.0.0.1:{w.crm.port}"
            options.fill("#dial-origins", crm_origin)
            options.click("#settings button[type=submit]")
            expect(options.locator("#saved")).to_have_text("Saved.")
            options.close()
            crm = ctx.new_page()
            crm.goto(f"{crm_origin}/customers/dial-test")
            expect(crm.locator("#plain a.dialer-number")).to_have_attribute("href", "tel:420600000048")
            card = _card(ctx, lambda: crm.click("#tel"))
            assert card.locator('dd[data-field="phone"]').inner_text() == "+420600000038"
            assert card.locator('dd[data-field="campaign"]').inner_text() == "Manual call"
            call_id = card.locator("#card").get_attribute("data-key").removeprefix("call-")
            card.close()
            crm.close()
            _finish_call(server, ann, call_id)
            _until(lambda: server.agent_state("ann") == "paused", what="back on pause after the manual call")

            # Logging out of the panel signs the extension out (its token is revoked and it is told).
            panel.click('form[action="/logout"] button')
            panel.wait_for_url(f"{w.base}/login")
            _until(lambda: hub.subscriber_count(topic) == 1, what="the extension's socket to end")
            popup.reload()
            expect(popup.locator("#signed-out")).to_be_visible()
            tokens = server.run(lambda: ApiToken.filter(user__username="ann", revoked_at=None).count())
            assert tokens == 0
        finally:
            ctx.close()
