"""The call-centre floor the journeys share, built the way an admin builds it: by clicking.

`build_floor` is journey 1's setup (team, people, dial profile, caller-ID pool, dispositions,
a pause reason, a contact list filled from a CSV through the mapping step, a predictive
campaign, Start); the other journeys take the floor it built, or build one themselves when
run alone. Names carry a suffix so that a second floor in the same database never clashes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from playwright.sync_api import Page

from e2e.journeys import admin_steps as admin
from e2e.journeys.live_dialer import ADMIN


@dataclass(frozen=True)
class Contact:
    phone: str  # as the CSV has it
    e164: str
    name: str
    case: str
    plan: str
    city: str


@dataclass(frozen=True)
class Floor:
    team: str
    agent: str
    agent_name: str
    supervisor: str
    password: str  # both people's
    profile: str
    pool: str
    pool_numbers: tuple[str, ...]
    sale: str  # disposition names as agents see them
    callback: str
    sale_code: str  # and their codes, as admins list them
    callback_code: str
    pause_reason: str
    contact_list: str
    campaign: str
    campaign_id: int
    contacts: tuple[Contact, ...]


def contacts(count: int, first: int) -> tuple[Contact, ...]:
    """Numbers ending in 18: the simulated customer answers after a 1 s ring and stays on the line."""
    people = ("Jana Nováková", "Petr Dvořák", "Eva Černá", "Tomáš Král", "Lenka Šťastná", "Jiří Bláha")
    rows = []
    for i in range(first, first + count):
        national = f"601 {i:03d} 018"
        rows.append(Contact(phone=f"+420 {national}", e164="+420" + national.replace(" ", ""),
                            name=f"{people[i % len(people)]} {i}", case=f"SP-{i:04d}",
                            plan=("Premium", "Basic")[i % 2], city=("Brno", "Plzeň", "Ostrava")[i % 3]))
    return tuple(rows)


INTERNAL = "neukazovat volanému"  # a column the admin maps to Ignore: agents never see it


def write_csv(path: Path, rows: tuple[Contact, ...]) -> Path:
    """As Czech Excel saves it: semicolons, UTF-8, headers the importer does not all know."""
    lines = ["Volat na;Odběratel;Spis;Tarif;Město;Interní poznámka"]
    lines += [f"{c.phone};{c.name};{c.case};{c.plan};{c.city};{INTERNAL}" for c in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def build_floor(page: Page, base: str, workdir: Path, *, suffix: str = "", extension: str = "Local/agent0@agents",
                first_contact: int = 0) -> Floor:
    tag = suffix.replace(" ", "")
    people = contacts(24, first_contact)
    floor = Floor(
        team=f"Brno floor{suffix}", agent=f"jana{tag}", agent_name=f"Jana Agentová{suffix}",
        supervisor=f"sam{tag}", password="Journey-pass-2031", profile=f"All day{suffix}",
        pool=f"Prague lines{suffix}", pool_numbers=("+420221000101", "+420221000102"),
        sale=f"Sale{suffix}", callback=f"Call back{suffix}", sale_code=f"sale{tag}", callback_code=f"callback{tag}",
        pause_reason=f"Lunch{suffix}",
        contact_list=f"Spring leads{suffix}", campaign=f"Spring predictive{suffix}", campaign_id=0,
        contacts=people)
    admin.sign_in(page, base, *ADMIN)
    admin.create_team(page, floor.team, "Outbound sales in Brno")
    admin.create_user(page, floor.agent, floor.password, role="agent", full_name=floor.agent_name,
                      team=floor.team, extension=extension)
    admin.create_user(page, floor.supervisor, floor.password, role="supervisor", full_name=f"Sam Supervisor{suffix}",
                      team=floor.team)
    admin.create_dial_profile(page, floor.profile, attempts=3, ring_s=20, timezone="Europe/Prague",
                              hours="00:00-24:00")
    admin.create_caller_id_pool(page, floor.pool, list(floor.pool_numbers), "CZ")
    admin.create_disposition(page, floor.sale_code, floor.sale, flags=("Final", "Counts as a success"), order=1)
    admin.create_disposition(page, floor.callback_code, floor.callback, flags=("Callback",), order=2)
    admin.create_pause_reason(page, floor.pause_reason)
    admin.create_contact_list(page, floor.contact_list, category="spring", team=floor.team)
    csv = write_csv(workdir / f"spring-leads{tag}.csv", people)
    admin.import_csv(page, csv, floor.contact_list,
                     {"Volat na": "Phone (required)", "Odběratel": "Name", "Spis": "External ID",
                      "Tarif": "Custom field", "Město": "Custom field", "Interní poznámka": "Ignore"},
                     expect_imported=len(people), first_name=people[0].name)
    campaign_id = admin.create_campaign(
        page, floor.campaign, mode="predictive", team=floor.team, lists=[floor.contact_list],
        profile=floor.profile, pool=floor.pool, caller_id="+420221000100", card_fields="Tarif, Město")
    admin.control_campaign(page, "Start", "Started")
    return replace(floor, campaign_id=campaign_id)
