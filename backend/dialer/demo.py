"""`dialer demo`: a ready-to-try installation on SQLite with users, a team and a campaign.

Idempotent: a second run reuses the database and prints the same passwords (kept in the
data directory, readable only by its owner). `--reset` starts from an empty database.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import random
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

from dialer.accounts.passwords import generate_password
from dialer.accounts.users import Actor, create_user, get_or_create_team
from dialer.billing.service.accounts import top_up
from dialer.config import Settings, load_settings
from dialer.db import close_db, init_db, migrate
from dialer.models import (
    BillingAccount,
    CallerIdNumber,
    CallerIdPool,
    Campaign,
    Contact,
    ContactList,
    DialProfile,
    Disposition,
    PauseReason,
    Tariff,
    TariffRate,
    Team,
    User,
)
from dialer.models.billing import AccountMode
from dialer.models.enums import CampaignMode, Role

# Stock Asterisk prompts ("We're sorry." "Please try your call again later."), played one
# after the other: a real deployment records its own message saying who called and how to
# call back, as the law asks, and puts it in /var/lib/asterisk/sounds/<language>/.
DEMO_ABANDON_MESSAGE = "sorry&please-try-call-later"

DEMO_USERS = [  # (username, role, full name, extension)
    ("admin", Role.ADMIN, "Alex Admin", None),
    ("supervisor", Role.SUPERVISOR, "Sam Supervisor", None),
    ("agent1", Role.AGENT, "Ada Agent", "Local/agent1@agents"),
    ("agent2", Role.AGENT, "Ben Agent", "Local/agent2@agents"),
    ("agent3", Role.AGENT, "Cleo Agent", "Local/agent3@agents"),
    ("agent4", Role.AGENT, "Dan Agent", "Local/slow-agent4@agents"),
]

DISPOSITIONS = [  # code, name, final, callback, private, success, machine
    ("sale", "Sale", True, False, False, True, False),
    ("interested", "Interested – call back", False, True, False, False, False),
    ("callback_me", "Call back (keep for me)", False, True, True, False, False),
    ("not_interested", "Not interested", True, False, False, False, False),
    ("wrong_number", "Wrong number", True, False, False, False, False),
    ("machine", "Answering machine", False, False, False, False, True),
    ("dnc", "Do not call", True, False, False, False, False),
]

FIRST = ["Jana", "Petr", "Eva", "Tomáš", "Lucie", "Martin", "Anna", "Jakub", "Tereza", "Ondřej",
         "Zofia", "Piotr", "Marta", "Krzysztof", "Katarzyna"]
LAST = ["Novák", "Svoboda", "Dvořák", "Černá", "Procházka", "Kowalski", "Nowak", "Wiśniewska", "Král", "Horák"]


@dataclass(frozen=True)
class DemoInfo:
    url: str
    passwords: dict[str, str]
    contacts: int


def _demo_phone(rng: random.Random, i: int) -> str:
    # Czech mobile numbers; the last digit follows the test-world convention of the simulated
    # PBX (9: "the world", a realistic mix of outcomes; 5: a person who answers).
    last = "9" if i % 4 else "5"
    return f"+4206{rng.randrange(10_000_000, 99_999_999):08d}"[:-1] + last


async def seed(passwords_file: Path, contacts: int = 500) -> dict[str, str]:
    """Create the demo data unless present; return the demo users' passwords."""
    actor = Actor.system("demo")
    passwords: dict[str, str] = json.loads(passwords_file.read_text()) if passwords_file.exists() else {}
    team = await get_or_create_team("Sales")
    for username, role, full_name, ext in DEMO_USERS:
        if await User.filter(username=username).exists():
            continue
        passwords[username] = generate_password()
        await create_user(username, passwords[username], role, actor=actor, full_name=full_name,
                          team=team if role is not Role.ADMIN else None, extension=ext)
    passwords_file.write_text(json.dumps(passwords, indent=1))
    passwords_file.chmod(0o600)

    await DialProfile.get_or_create(name="Standard")  # weekday office hours, for real campaigns
    # The demo must dial whenever someone tries it, so its own profile calls around the clock.
    profile, _ = await DialProfile.get_or_create(name="Demo (any hour)", defaults={
        "calling_windows": {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
        "max_attempts": 4})
    pool, created = await CallerIdPool.get_or_create(name="Prague office")
    if created:
        for number in ("+420221000100", "+420221000101", "+420221000102"):
            await CallerIdNumber.create(pool=pool, number=number, region="CZ")
    for order, (code, name, final, callback, private, success, machine) in enumerate(DISPOSITIONS):
        await Disposition.get_or_create(campaign=None, code=code, defaults=dict(
            name=name, is_final=final, is_callback=callback, is_private=private, is_success=success,
            is_machine=machine, sort_order=order))
    for reason, productive in (("Break", False), ("Lunch", False), ("Training", True), ("Back office", True)):
        await PauseReason.get_or_create(name=reason, defaults={"productive": productive})

    contact_list, created = await ContactList.get_or_create(name="Spring offer 2026", defaults={
        "category": "prospects", "team": team, "description": "Sample contacts made up for the demo."})
    if created:
        rng = random.Random(2026)
        seen: set[str] = set()
        rows = []
        for i in range(contacts):
            phone = _demo_phone(rng, i)
            if phone in seen:
                continue
            seen.add(phone)
            rows.append(Contact(contact_list=contact_list, phone=phone,
                                name=f"{rng.choice(FIRST)} {rng.choice(LAST)}", external_id=f"CRM-{10000 + i}",
                                custom_fields={"plan": rng.choice(["Basic", "Plus", "Premium"]),
                                               "customer_since": str(rng.randrange(2012, 2026))},
                                timezone="Europe/Prague"))
        await Contact.bulk_create(rows, batch_size=500)
    campaign, created = await Campaign.get_or_create(name="Spring offer", defaults=dict(
        description="Predictive campaign over the sample list.", team=team, mode=CampaignMode.PREDICTIVE,
        dial_profile=profile, caller_id_pool=pool, deep_link_template="https://crm.example.com/customers/{external_id}",
        card_fields=["plan", "customer_since"], abandon_message=DEMO_ABANDON_MESSAGE))
    if created:
        await campaign.contact_lists.add(contact_list)
    await _seed_billing(team, actor)
    return passwords


async def _seed_billing(team: Team, actor: Actor) -> None:
    """A tariff and a prepaid branch: Sales' credit goes down as the demo's calls are rated
    (Billing accounts), the wallboard warns below 100 CZK, and dialing stops when it runs out."""
    tariff, created = await Tariff.get_or_create(name="Demo tariff", defaults=dict(
        currency="CZK", first_increment_s=30, next_increment_s=6, connection_fee=Decimal("0.20"),
        timezone="Europe/Prague"))
    if created:
        for prefix, destination, peak, off_peak, weekend in (
                ("420", "Czechia fixed", "0.90", "0.50", "0.40"), ("4206", "Czech mobile", "1.50", "0.90", "0.60"),
                ("4207", "Czech mobile", "1.50", "0.90", "0.60"), ("421", "Slovakia", "2.20", None, None)):
            await TariffRate.create(tariff=tariff, prefix=prefix, destination=destination, peak=Decimal(peak),
                                    off_peak=Decimal(off_peak) if off_peak else None,
                                    weekend=Decimal(weekend) if weekend else None)
    account, created = await BillingAccount.get_or_create(team=team, defaults=dict(
        mode=AccountMode.PREPAID, currency="CZK", low_credit=Decimal("100"), vat_pct=Decimal("21")))
    if created:
        await top_up(account, "1000", actor=actor, at=datetime.now(timezone.utc), note="demo credit")


SIMULATED_AGENTS = ("agent1", "agent2", "agent3")  # agent4 is left for a person to log in as


def build_demo_app(settings: Settings, time_scale: float = 1.0):  # type: ignore[no-untyped-def]
    """The web app with the simulated PBX, the engine and simulated agents in the same process."""
    from dialer.engine.engine import Engine
    from dialer.models.enums import CampaignStatus
    from dialer.runtime import EngineRuntime
    from dialer.sim.agent_bots import AgentBot
    from dialer.sim.fake_asterisk import FakeAsterisk
    from dialer.web.app import create_app

    fake = FakeAsterisk(seed=2026, time_scale=time_scale, username=settings.ari_user,
                        password=settings.ari_password)
    runtime = EngineRuntime(settings)
    bots: list[AgentBot] = []

    async def start_pbx(app) -> None:  # type: ignore[no-untyped-def]
        await fake.start("127.0.0.1", 0)
        # The simulated world's numbers follow the test-world convention: digits, no "+".
        runtime.settings = dataclasses.replace(runtime.settings, ari_url=fake.base_url,
                                               dial_template="Local/{digits}@customers", engine_id="demo")

    async def start_agents(app) -> None:  # type: ignore[no-untyped-def]
        engine: Engine = app.state.engine
        await runtime.client.wait_connected(10)  # type: ignore[union-attr]
        campaign = await Campaign.get(name="Spring offer")
        if campaign.status is not CampaignStatus.RUNNING:
            campaign.status = CampaignStatus.RUNNING
            await campaign.save()
        await engine.sync_campaigns()
        rng = random.Random(7)
        for username in SIMULATED_AGENTS:
            user = await User.get(username=username).prefetch_related("agent")
            bot = AgentBot(engine, user.agent.id, {campaign.id}, rng)
            bot.start()
            bots.append(bot)

    async def stop_agents(app) -> None:  # type: ignore[no-untyped-def]
        for bot in bots:
            await bot.stop()

    async def stop_pbx(app) -> None:  # type: ignore[no-untyped-def]
        await fake.stop()

    return create_app(settings, on_start=[start_pbx, runtime.start, start_agents],
                      on_stop=[stop_pbx, runtime.stop, stop_agents])


def run_demo(host: str = "127.0.0.1", port: int = 8000, data_dir: str = "data/demo", reset: bool = False,
             time_scale: float = 1.0) -> int:
    base = load_settings()
    directory = Path(data_dir)
    if reset and directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True, exist_ok=True)
    settings: Settings = dataclasses.replace(
        base, data_dir=directory, db_url=f"sqlite://{(directory / 'dialer.sqlite3').as_posix()}", host=host, port=port)

    async def prepare() -> DemoInfo:
        await migrate(settings.database_url)
        await init_db(settings.database_url)
        try:
            passwords = await seed(directory / "demo-passwords.json")
            count = await Contact.all().count()
        finally:
            await close_db()
        return DemoInfo(url=f"http://{host}:{port}", passwords=passwords, contacts=count)

    info = asyncio.run(prepare())
    app = build_demo_app(settings, time_scale=time_scale)
    print()
    print(f"  Dialer demo: {info.url}   (database {settings.database_url})")
    print(f"  {info.contacts} sample contacts in the list 'Spring offer 2026', campaign 'Spring offer'.")
    print("  Log in as:")
    for username, role, _, _ in DEMO_USERS:
        print(f"    {role.value:<11} {username:<11} password {info.passwords.get(username, '(set before)')}")
    print(f"  Simulated PBX (x{time_scale:g}) with simulated agents {', '.join(SIMULATED_AGENTS)} taking calls;")
    print("  the campaign is running. Stop with Ctrl-C.")
    print()
    import logging

    import uvicorn

    logging.basicConfig(level="INFO", format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    uvicorn.run(app, host=host, port=port, log_level="info", lifespan="on")
    return 0
