"""The wallboard in a real browser: it draws the snapshot, updates from hub events within a
second, shows "reconnecting…" when the server goes away and recovers by itself.

Needs Debian's Chromium (`apt-get install chromium`) and Python Playwright (`pip install
playwright`; never `playwright install`, which downloads a browser). Skipped without them.
"""

from __future__ import annotations

import asyncio
import importlib.util
import shutil
import socket
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
PASSWORD = "wallboard-pass-1"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None,
                       reason="Chromium is not installed (apt-get install chromium)"),
    pytest.mark.skipif(importlib.util.find_spec("playwright") is None,
                       reason="Playwright is not installed (pip install playwright)"),
    # uvicorn serves WebSockets only with one of these installed (uvicorn[standard] has both).
    pytest.mark.skipif(not any(importlib.util.find_spec(m) for m in ("websockets", "wsproto")),
                       reason="uvicorn has no WebSocket library (pip install websockets)"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The real app under uvicorn in a thread with its own event loop (as `dialer run`)."""

    def __init__(self, settings: Any, port: int) -> None:
        import uvicorn

        from dialer.web.app import create_app

        self.app = create_app(settings)
        self.loop = asyncio.new_event_loop()
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.loop.run_until_complete, args=(self.server.serve(),), daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)

    def publish(self, topic: str, event: dict) -> int:
        return asyncio.run_coroutine_threadsafe(self.app.state.hub.publish(topic, event), self.loop).result(5)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(15)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Any, dict]]:
    from dialer.accounts.users import Actor, create_user
    from dialer.config import Settings
    from dialer.db import close_db, init_db, migrate
    from dialer.models import AgentStateChange, Team
    from dialer.models.enums import Role
    from stats.world import seed_world

    url = f"sqlite://{(tmp_path / 'e2e.sqlite3').as_posix()}"

    async def seed() -> dict:
        await migrate(url)
        await init_db(url)
        try:
            team = (await Team.get_or_create(name="Sales"))[0]
            await create_user("boss", PASSWORD, Role.SUPERVISOR, actor=Actor.system("test"), team=team)
            w = await seed_world()
            alice = w.agents["alice"]
            await AgentStateChange.create(agent=alice, at=datetime.now(timezone.utc), state="ready")
            return {"alice": alice.id, "spring": w.campaigns["Spring"].id, "sales": w.teams["Sales"].id}
        finally:
            await close_db()

    ids = asyncio.run(seed())
    yield Settings(data_dir=tmp_path, db_url=url, secret_key="e2e-secret"), ids


def test_wallboard_follows_hub_events_and_survives_a_restart(world) -> None:
    from playwright.sync_api import expect, sync_playwright

    settings, ids = world
    port = free_port()
    server = Server(settings, port)
    base = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            page = browser.new_page()
            page.goto(f"{base}/login?next=/wallboard")
            page.fill("input[name=username]", "boss")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/wallboard")
            expect(page.locator("#wb-status")).to_have_text("live", timeout=10_000)
            alice = page.locator(f'li[data-agent="{ids["alice"]}"]')
            expect(alice).to_have_attribute("data-state", "ready")
            expect(page.locator(f'[data-campaign="{ids["spring"]}"] h2')).to_have_text("Spring")

            sent = time.monotonic()
            assert server.publish(f"team:{ids['sales']}", {
                "type": "agent.state", "agent_id": ids["alice"], "username": "alice", "name": "Alice",
                "team_id": ids["sales"], "state": "paused", "reason": "Coffee",
                "since": datetime.now(timezone.utc).isoformat(), "campaign_ids": [ids["spring"]]}) == 1
            expect(alice).to_have_attribute("data-state", "paused", timeout=1000)
            expect(alice).to_contain_text("Coffee")
            assert time.monotonic() - sent < 1.0

            server.publish(f"campaign:{ids['spring']}", {
                "type": "campaign.stats", "campaign_id": ids["spring"], "name": "Spring", "status": "running",
                "ringing": 2, "waiting": 1, "longest_wait_s": 4, "answered_today": 40, "abandoned_today": 1,
                "abandon_rate": 0.027, "abandon_cap": 0.03, "dial_level": 1.7, "pacer_reason": "forecast says 2",
                "contacts_remaining": 99, "not_dialing": []})
            rate = page.locator(f'[data-campaign="{ids["spring"]}"] [data-field="abandon_rate"]')
            expect(rate).to_have_class("fig abandon near", timeout=1000)  # 2.7 % against a 3 % cap: red
            level = page.locator(f'[data-campaign="{ids["spring"]}"] [data-field="dial_level"] .num')
            expect(level).to_have_text("1.70")

            # The backend restarts: the page says so, then comes back by itself.
            server.stop()
            expect(page.locator("#wb-status")).to_have_text("reconnecting…", timeout=5000)
            server = Server(settings, port)
            expect(page.locator("#wb-status")).to_have_text("live", timeout=15_000)
            assert server.publish(f"team:{ids['sales']}", {
                "type": "agent.state", "agent_id": ids["alice"], "username": "alice", "name": "Alice",
                "team_id": ids["sales"], "state": "on_call", "reason": "",
                "since": datetime.now(timezone.utc).isoformat(), "campaign_ids": []}) == 1
            expect(alice).to_have_attribute("data-state", "on_call", timeout=1000)
            browser.close()
    finally:
        server.stop()


@pytest.fixture
def compliance_world(tmp_path: Path) -> Iterator[tuple[Any, dict]]:
    """The same world, with the last hour's calls of Spring and the contacts rules kept from it."""
    from datetime import timedelta

    from dialer.accounts.users import Actor, create_user
    from dialer.compliance.skips import RuleSkip
    from dialer.config import Settings
    from dialer.db import close_db, init_db, migrate
    from dialer.models import CallAttempt, CallEvent, Team
    from dialer.models.enums import Role
    from stats.world import seed_world

    url = f"sqlite://{(tmp_path / 'e2e.sqlite3').as_posix()}"

    async def seed() -> dict:
        await migrate(url)
        await init_db(url)
        try:
            team = (await Team.get_or_create(name="Sales"))[0]
            await create_user("boss", PASSWORD, Role.SUPERVISOR, actor=Actor.system("test"), team=team)
            w = await seed_world()
            spring, now = w.campaigns["Spring"], datetime.now(timezone.utc)
            # One customer an agent took in time, one connected 3 s after the answer: 1 of 2 abandoned.
            for wait in (1.0, 3.0):
                at = now - timedelta(minutes=20)
                await CallAttempt.create(campaign=spring, agent=w.agents["alice"], phone="+420777000444",
                                         outcome="answered", originated_at=at, answered_at=at + timedelta(seconds=5),
                                         bridged_at=at + timedelta(seconds=5 + wait), wait_s=wait,
                                         ended_at=at + timedelta(minutes=2))
            for rule in (RuleSkip.OUTSIDE_HOURS, RuleSkip.OUTSIDE_HOURS, RuleSkip.DNC_GLOBAL):
                await CallEvent.create(at=now - timedelta(seconds=30), kind=rule.value, campaign_id=spring.id,
                                       payload={"phone": "+420777000555"})
            return {"spring": spring.id, "winter": w.campaigns["Winter"].id, "sales": w.teams["Sales"].id}
        finally:
            await close_db()

    ids = asyncio.run(seed())
    yield Settings(data_dir=tmp_path, db_url=url, secret_key="e2e-secret"), ids


def test_the_supervisor_sees_the_compliance_panel(compliance_world) -> None:
    from playwright.sync_api import expect, sync_playwright

    settings, ids = compliance_world
    port = free_port()
    server = Server(settings, port)
    base = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            page = browser.new_page()
            page.goto(f"{base}/login?next=/wallboard")
            page.fill("input[name=username]", "boss")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/wallboard")
            expect(page.locator("#wb-status")).to_have_text("live", timeout=10_000)
            panel = page.locator(f'[data-campaign="{ids["spring"]}"] [data-field="compliance"]')
            expect(panel).to_contain_text("EU default")
            day = panel.locator('tr[data-window="24h"]')
            # 1 abandoned (the late one) of 2 live answers: 50 % against the 3 % cap, in red.
            expect(day).to_have_class("standing-over")
            expect(day).to_contain_text("50.0 %")
            expect(day).to_contain_text("1 / 2")
            expect(day).to_contain_text("(1 late)")
            expect(panel.locator('tr[data-window="30d"]')).to_contain_text("paced")
            expect(panel.locator('[data-skip="outside_hours"]')).to_have_text("2")
            expect(panel.locator('[data-skip="dnc"]')).to_have_text("1")
            expect(page.locator(f'[data-campaign="{ids["winter"]}"]')).to_have_count(0)  # another team's

            # The figures read again (the server's periodic message) replace the panel's.
            update = {"type": "campaign.compliance", "campaigns": [{"campaign_id": ids["spring"], "compliance": {
                "regulation": "eu", "regulation_label": "EU default", "windows": [
                    {"window": "24h", "abandoned": 1, "connected_late": 0, "live": 40, "machines": 0, "rate": 0.025,
                     "cap": 0.03, "standing": "near", "capped": True}],
                "skipped": {"outside_hours": 5, "holiday": 0, "dnc_global": 1, "dnc_campaign": 2}}}]}
            server.publish(f"team:{ids['sales']}", update)
            expect(panel.locator('tr[data-window="24h"]')).to_have_class("standing-near", timeout=1000)
            expect(panel.locator('[data-skip="outside_hours"]')).to_have_text("5")
            expect(panel).to_contain_text("1 global, 2 this campaign")
            browser.close()
    finally:
        server.stop()
