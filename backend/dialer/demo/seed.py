"""The demo's data: users, a team, dispositions, a list of made-up contacts, a campaign and a
prepaid branch with a tariff, ready to try.

Idempotent: a second run reuses the database and keeps the same passwords (in a file of the
data directory, readable only by its owner). `dialer.demo.app` runs the demo on it.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

from dialer.accounts.passwords import generate_password
from dialer.accounts.users import Actor, create_user, get_or_create_team
from dialer.billing.service.accounts import top_up
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
from dialer.models.enums import CampaignMode, PrivateNumbers, Role

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
            is_machine=machine, adds_dnc=code == "dnc", sort_order=order))
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
        card_fields=["plan", "customer_since"], abandon_message=DEMO_ABANDON_MESSAGE,
        record_calls=True,  # every connected call is recorded: play one on its page a minute in
        record_wait=True,  # and the wait of those no agent took at once (hold music, abandon message)
        # Its "Call back (keep for me)" disposition keeps the contact for that agent, dialed when
        # they are free: with private numbers off the form would not offer it.
        private_numbers=PrivateNumbers.AUTOMATIC,
        # Simulated numbers at any hour, holidays too: explicitly outside any market's law (README, Compliance).
        regulatory_profile="none"))
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
