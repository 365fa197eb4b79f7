"""Journey 4, the admin again: edits and then deletes each kind of object journey 1 created —
campaign, dial profile, caller-ID pool and its numbers, dispositions, pause reason, a contact,
the contact list, the people, the team — through the edit forms and the confirm dialogs.

What has history is kept as the product says (a campaign with calls is archived, a disposition
given to calls is deactivated): the journey expects that exactly when this session made calls.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from e2e.journeys import admin_steps as admin
from e2e.journeys.live_dialer import ADMIN

pytestmark = pytest.mark.browser


def edit_in_settings(page: Page, area: str, name: str) -> None:
    admin.settings(page, area)
    admin.open_row(page, name)
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)


def delete_here(page: Page, singular: str, label: str, *, then: str) -> None:
    """The Delete button of an edit page, which must ask first; `then` is what the page says after."""
    admin.confirm(page, page.get_by_role("button", name=f"Delete {singular}"), f"Delete {singular} {label}?", then)


def kept_not_deleted(page: Page, singular: str, label: str, why: str) -> None:
    """Delete asks, then is refused with `why`: the record has history."""
    admin.confirm(page, page.get_by_role("button", name=f"Delete {singular}"), f"Delete {singular} {label}?", why,
                  refused=True)


def test_admin_edits_and_deletes_what_the_floor_is_made_of(dialer: Any, people: Any, floor: Any, floors: Any) -> None:
    page = people.open("admin")
    admin.sign_in(page, dialer.base, *ADMIN)

    # The campaign: Pause, Resume, Stop (asks first), Clear (asks first), edit its settings, then
    # delete it — or archive it when it has calls.
    admin.menu(page, "Campaigns")
    admin.open_row(page, floor.campaign)
    admin.control_campaign(page, "Pause", "Paused")
    expect(page.locator("[data-live=status]")).to_have_text(admin.word("paused"))
    admin.control_campaign(page, "Resume", "Resumed")
    stop = page.locator(".controls").get_by_role("button", name="Stop", exact=True)
    admin.confirm(page, stop, f"Stop {floor.campaign}? Calls in progress finish; no new ones start.",
                  f"Stopped {floor.campaign}.")
    expect(page.locator("[data-live=status]")).to_have_text(admin.word("stopped"))
    clear = page.locator("form.clear-form")
    clear.get_by_label("only attempt counters reset", exact=False).check()
    admin.confirm(page, clear.get_by_role("button", name="Clear"),
                  f"Clear {floor.campaign}? This resets contacts in its lists (shared lists too).",
                  f"Cleared {floor.campaign}: ")
    page.get_by_role("link", name="Edit settings").click()
    admin.field(page, "description").fill("Spring offer, second wave.")
    admin.field(page, "max_lines").fill("12")
    page.get_by_role("button", name="Save").click()
    admin.saved(page, f"Saved campaign {floor.campaign}.")
    expect(page.locator("main")).to_contain_text("Spring offer, second wave.")
    page.get_by_role("link", name="Edit settings").click()
    expect(admin.field(page, "max_lines")).to_have_value("12")
    if floors.dialed:
        kept_not_deleted(page, "campaign", floor.campaign, "This campaign has call history; archive it")
        admin.tick(page, "Archived")
        # Archived, it lets go of the profile and the pool, so they can be deleted below.
        admin.field(page, "dial_profile").select_option(label="— none —")
        admin.field(page, "caller_id_pool").select_option(label="— none —")
        page.get_by_role("button", name="Save").click()
        admin.saved(page, f"Saved campaign {floor.campaign}.")
        admin.menu(page, "Campaigns")
        expect(page.locator("main table tr", has_text=floor.campaign).locator("td", has_text=admin.word("archived"))
               ).to_have_count(1)
    else:
        delete_here(page, "campaign", floor.campaign, then=f"Deleted campaign {floor.campaign}.")
        expect(page.locator("main table").get_by_role("link", name=floor.campaign)).to_have_count(0)

    # The dial profile.
    edit_in_settings(page, "Dial profiles", floor.profile)
    admin.field(page, "max_attempts").fill("5")
    admin.field(page, "win_sun").fill("")
    page.get_by_role("button", name="Save").click()
    admin.saved(page, f"Saved dial profile {floor.profile}.")
    expect(page.locator("main table tr", has_text=floor.profile)).to_contain_text("6 days a week")
    admin.open_row(page, floor.profile)
    expect(admin.field(page, "max_attempts")).to_have_value("5")
    delete_here(page, "dial profile", floor.profile, then=f"Deleted dial profile {floor.profile}.")

    # The caller-ID pool: rename, switch one number off, remove the other (asks), delete the pool.
    renamed_pool = floor.pool + " (old)"
    edit_in_settings(page, "Caller-ID pools", floor.pool)
    admin.field(page, "name").fill(renamed_pool)
    admin.tick(page, "Prefer a number local", False)
    page.get_by_role("button", name="Save").click()
    admin.saved(page, f"Saved caller-ID pool {renamed_pool}.")
    expect(page.locator("main table tr", has_text=renamed_pool)).to_contain_text("no")
    admin.open_row(page, renamed_pool)
    first, second = floor.pool_numbers
    page.locator("tr", has_text=first).get_by_role("button", name="Turn off").click()
    expect(page.locator("tr", has_text=first).locator("td", has_text=admin.word("off"))).to_have_count(1)
    admin.confirm(page, page.locator("tr", has_text=second).get_by_role("button", name="Remove"),
                  f"Remove {second}?", f"Removed {second}.")
    expect(page.locator("main table td.mono", has_text=second)).to_have_count(0)
    delete_here(page, "caller-ID pool", renamed_pool, then=f"Deleted caller-ID pool {renamed_pool}.")

    # The dispositions: rename each, then delete it — or deactivate it when calls were given it.
    for name, code in ((floor.sale, floor.sale_code), (floor.callback, floor.callback_code)):
        edit_in_settings(page, "Dispositions", code)
        admin.field(page, "name").fill(name + " (2026)")
        page.get_by_role("button", name="Save").click()
        admin.saved(page, f"Saved disposition {code}.")
        expect(page.locator("main table tr", has_text=code)).to_contain_text(name + " (2026)")
        admin.open_row(page, code)
        if name in floors.used:
            kept_not_deleted(page, "disposition", code, "Calls were given this disposition; deactivate it")
            admin.tick(page, "Active", False)
            page.get_by_role("button", name="Save").click()
            admin.saved(page, f"Saved disposition {code}.")
            expect(page.locator("main table tr", has_text=code).locator("td").last).to_have_text(admin.word("no"))
        else:
            delete_here(page, "disposition", code, then=f"Deleted disposition {code}.")

    # The pause reason.
    edit_in_settings(page, "Pause reasons", floor.pause_reason)
    admin.tick(page, "Counts as working time")
    page.get_by_role("button", name="Save").click()
    admin.saved(page, f"Saved pause reason {floor.pause_reason}.")
    admin.open_row(page, floor.pause_reason)
    if floor.pause_reason in floors.used:
        kept_not_deleted(page, "pause reason", floor.pause_reason, "deactivate it instead")
        admin.tick(page, "Active", False)
        page.get_by_role("button", name="Save").click()
        admin.saved(page, f"Saved pause reason {floor.pause_reason}.")
    else:
        delete_here(page, "pause reason", floor.pause_reason, then=f"Deleted pause reason {floor.pause_reason}.")

    # The callback the agent set shows on the contact, at the time the agent chose.
    for case, when in floors.callbacks.items():
        admin.menu(page, "Contacts")
        page.get_by_label("Phone, name or external id").fill(case)
        page.get_by_role("button", name="Search").click()
        expect(page.locator("main table tbody tr")).to_have_count(1)  # the case's contact, no other
        expect(page.locator("main table tbody tr", has_text=case)).to_contain_text(when)

    # One imported contact: find it, correct its name, delete it (asks first).
    contact = floor.contacts[-1]
    admin.menu(page, "Contacts")
    page.get_by_label("Phone, name or external id").fill(contact.case)
    page.get_by_role("button", name="Search").click()
    expect(page.locator("main table tbody tr")).to_have_count(1)
    page.locator("main table tbody tr", has_text=contact.case).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(contact.e164)
    admin.field(page, "name").fill(contact.name + " ml.")
    page.get_by_role("button", name="Save", exact=True).click()
    admin.saved(page, "Saved the contact.")
    expect(admin.field(page, "name")).to_have_value(contact.name + " ml.")
    admin.confirm(page, page.get_by_role("button", name="Delete contact"),
                  f"Delete {contact.e164}? Its calls stay in the record.", f"Deleted contact {contact.e164}.")

    # The contact list.
    edit_in_settings(page, "Contact lists", floor.contact_list)
    admin.field(page, "category").fill("spring-2026")
    page.get_by_role("button", name="Save").click()
    admin.saved(page, f"Saved contact list {floor.contact_list}.")
    expect(page.locator("main table tr", has_text=floor.contact_list)).to_contain_text("spring-2026")
    expect(page.locator("main table tr", has_text=floor.contact_list)).to_contain_text(str(len(floor.contacts) - 1))
    admin.open_row(page, floor.contact_list)
    delete_here(page, "contact list", floor.contact_list, then=f"Deleted contact list {floor.contact_list}.")

    # The people: the agent's name and telephony settings, then both deactivated (asks first).
    admin.menu(page, "Users")
    page.locator("main table tr", has_text=floor.agent).get_by_role("link", name="Edit").click()
    admin.field(page, "full_name").fill(floor.agent_name + " Nová")
    page.get_by_role("button", name="Save").click()
    admin.saved(page, f"Saved {floor.agent}.")
    expect(page.locator("main table tr", has_text=floor.agent)).to_contain_text(floor.agent_name + " Nová")
    edit_in_settings(page, "Agents", floor.agent)
    admin.field(page, "wrap_up_s").fill("45")
    admin.field(page, "skills").fill("czech, sales")
    page.get_by_role("button", name="Save").click()
    admin.saved(page, f"Saved agent {floor.agent}.")
    expect(page.locator("main table tr", has_text=floor.agent)).to_contain_text("czech, sales")
    admin.menu(page, "Users")
    for username in (floor.agent, floor.supervisor):
        row = page.locator("main table tr", has_text=username)
        admin.confirm(page, row.get_by_role("button", name="Deactivate"),
                      f"Deactivate {username}? They are logged out and can no longer log in.",
                      f"Deactivated {username}.")
        expect(page.locator("main table tr", has_text=username).locator("td", has_text=admin.word("deactivated"))
                   ).to_have_count(1)

    # The team, last: nothing active is left in it.
    edit_in_settings(page, "Teams", floor.team)
    admin.field(page, "description").fill("Closed for the summer.")
    page.get_by_role("button", name="Save").click()
    admin.saved(page, f"Saved team {floor.team}.")
    expect(page.locator("main table tr", has_text=floor.team)).to_contain_text("Closed for the summer.")
    admin.open_row(page, floor.team)
    delete_here(page, "team", floor.team, then=f"Deleted team {floor.team}.")
    expect(page.locator("main table").get_by_role("link", name=floor.team, exact=True)).to_have_count(0)
