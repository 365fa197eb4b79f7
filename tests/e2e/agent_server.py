"""The dialer as the agent browser tests see it: uvicorn on 127.0.0.1 with the fake Asterisk
and the engine in-process (as `dialer demo` runs them), a seeded world of agents and
campaigns, a recorder of the hub's `call.connected` events, and a tiny fake CRM.
"""

from __future__ import annotations

import asyncio
import http.server
import shutil
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Coroutine

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
PASSWORD = "agent-pass-123"
ROOT = Path(__file__).resolve().parents[2]
ALWAYS = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
# (username, extension, campaign, mode): one campaign per agent, so calls go where a test expects.
AGENTS = [("ann", "Local/agent0@agents", "Extension calls", "progressive"),
          ("carl", "Local/agent1@agents", "Panel calls", "progressive"),
          ("bea", "Local/agent2@agents", "Preview calls", "preview")]
# The desktop program a campaign's card names (the tray test's config whitelists `record`).
PROGRAMS = {"Extension calls": "record"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chromium_ready() -> bool:
    import importlib.util

    return Path(CHROMIUM).exists() and shutil.which(CHROMIUM) is not None and \
        importlib.util.find_spec("playwright") is not None and importlib.util.find_spec("websockets") is not None


class FakeCrm:
    """Answers every GET with a page naming the path, so a test can see where a link went."""

    def __init__(self) -> None:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                body = (f"<!doctype html><title>CRM</title><h1 id=crm>{self.path}</h1>"
                        "<p>Office: <a id=tel href='tel:+420%20600%20000%20038'>+420 600 000 038</a></p>"
                        "<p id=plain>Mobile 420 600 000 048</p>").encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()


@dataclass
class AgentWorld:
    base: str
    crm: FakeCrm
    ids: dict[str, int]
    connected: dict[str, datetime] = field(default_factory=dict)  # call id -> when the engine connected it
    offers: list[tuple[int, str]] = field(default_factory=list)  # (agent id, card name) as the hub sent them


async def seed(url: str, crm_port: int) -> dict[str, int]:
    from dialer.accounts.users import Actor, create_user, get_or_create_team
    from dialer.db import close_db, init_db, migrate
    from dialer.models import Campaign, Contact, ContactList, DialProfile, Disposition, PauseReason
    from dialer.models.enums import CampaignMode, CampaignStatus, PrivateNumbers, Role

    await migrate(url)
    await init_db(url)
    try:
        team = await get_or_create_team("Floor")
        profile = await DialProfile.create(name="always", calling_windows=ALWAYS, ring_timeout_s=20)
        ids: dict[str, int] = {}
        for n, (username, ext, name, mode) in enumerate(AGENTS):
            user = await create_user(username, PASSWORD, Role.AGENT, actor=Actor.system("e2e"), team=team,
                                     extension=ext, full_name=username.title() + " Agent")
            ids[username] = (await user.agent).id
            clist = await ContactList.create(name=f"list {name}")
            # Numbers ending in 18: the person answers after 1 s (time-scaled) and stays on the line.
            await Contact.bulk_create([
                Contact(contact_list=clist, phone=f"4206{n}{i:05d}18", name=f"Customer {n}-{i}",
                        external_id=f"CASE-{n}-{i}", custom_fields={"plan": "Premium", "city": "Brno", "note": "x"})
                for i in range(40)])
            campaign = await Campaign.create(
                name=name, team=team, mode=CampaignMode(mode), dial_profile=profile, caller_id="+420221000100",
                status=CampaignStatus.RUNNING, wrap_up_s=120, auto_end_wrap_up=False,
                private_numbers=PrivateNumbers.MANUAL, card_fields=["plan", "city"],
                deep_link_template=f"http://127.0.0.1:{crm_port}/customers/{{external_id}}?tel={{phone}}",
                desktop_program=PROGRAMS.get(name, ""))
            await campaign.contact_lists.add(clist)
            ids[name] = campaign.id
        for order, (code, label, callback) in enumerate([("sale", "Sale", False), ("later", "Call back", True)]):
            await Disposition.create(code=code, name=label, is_final=not callback, is_callback=callback,
                                     sort_order=order)
        await PauseReason.create(name="Lunch")
        await PauseReason.create(name="Training", productive=True)
        return ids
    finally:
        await close_db()


class AgentServer:
    """The app with engine + fake Asterisk under uvicorn, in a thread with its own loop."""

    def __init__(self, tmp: Path) -> None:
        import uvicorn

        from dialer.ari.client import AriClient
        from dialer.config import Settings
        from dialer.engine.engine import Engine
        from dialer.sim.fake_asterisk import FakeAsterisk
        from dialer.telephony.ari_port import AriPort
        from dialer.web.app import create_app

        self.crm = FakeCrm()
        url = f"sqlite://{(tmp / 'agent-e2e.sqlite3').as_posix()}"
        ids = asyncio.run(seed(url, self.crm.port))
        port = free_port()
        self.world = AgentWorld(f"http://127.0.0.1:{port}", self.crm, ids)
        fake = FakeAsterisk(seed=8, time_scale=10.0)
        self.fake = fake  # for faults made from the PBX side (run them on the server's loop: `run`)
        parts: dict[str, Any] = {}

        async def start(app: Any) -> None:
            await fake.start("127.0.0.1", 0)
            client = AriClient(fake.base_url, "dialer", "dialer", app="dialer")
            await client.__aenter__()
            await client.wait_connected(10)
            engine = Engine(AriPort(client), hub=app.state.hub, engine_id="e2e",
                            dial_template="Local/{digits}@customers", tick_s=0.05)
            await engine.start()
            parts.update(client=client, engine=engine)
            app.state.engine = engine
            parts["recorder"] = asyncio.create_task(self._record(app.state.hub))

        async def stop(app: Any) -> None:
            parts["recorder"].cancel()
            await parts["engine"].stop()
            await parts["client"].__aexit__(None, None, None)
            await fake.stop()

        settings = Settings(data_dir=tmp, db_url=url, secret_key="agent-e2e-secret")
        self.app = create_app(settings, on_start=[start], on_stop=[stop])
        self.loop = asyncio.new_event_loop()
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.loop.run_until_complete, args=(self.server.serve(),), daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)

    async def _record(self, hub: Any) -> None:
        sub = hub.subscribe(*(f"agent:{self.world.ids[u]}" for u, *_ in AGENTS))
        async for _, event in sub:
            if event.get("type") == "call.connected":
                self.world.connected[event["call_id"]] = datetime.fromisoformat(event["at"])
            elif event.get("type") == "call.offered":
                self.world.offers.append((event["agent_id"], event["card"].get("name", "")))

    @property
    def engine(self) -> Any:
        return self.app.state.engine

    def run(self, make: Callable[[], Coroutine[Any, Any, Any]], timeout: float = 10) -> Any:
        """Run a coroutine on the server's loop (engine calls, hub publishing) and wait for it."""
        async def wrapped() -> Any:
            return await make()
        return asyncio.run_coroutine_threadsafe(wrapped(), self.loop).result(timeout)

    def agent_state(self, username: str) -> str:
        state = self.run(lambda: _state(self.engine, self.world.ids[username]))
        return state["state"] if state else "logged_out"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(15)
        self.crm.stop()


async def _state(engine: Any, agent_id: int) -> dict | None:
    return engine.agent_state(agent_id)


def login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login?next=/agent")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/agent")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
