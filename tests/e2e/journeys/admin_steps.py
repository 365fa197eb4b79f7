"""What an admin does in the browser, one function per task, by clicking and typing only:
the menu, the forms as the pages render them, the buttons. Each step checks what the page
says back (the notice, the row in the list), so a form that does not save fails right there.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect


def sign_in(page: Page, base: str, username: str, password: str, landing: str = "/") -> None:
    page.goto(f"{base}/login?next={landing}")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(re.escape(base + landing) + r"(\?.*)?$"))


def sign_out(page: Page) -> None:
    page.locator("header.topbar").get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login(\?.*)?$"))


def menu(page: Page, item: str) -> None:
    """A top-level menu link (Campaigns, Users, Imports, Calls...)."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name=item, exact=True).click()


def settings(page: Page, item: str) -> None:
    """An entry of the Settings drop-down (Teams, Dial profiles, Caller-ID pools...)."""
    nav = page.get_by_role("navigation", name="Main")
    nav.locator("summary", has_text="Settings").click()
    nav.get_by_role("link", name=item, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(item)


def word(text: str) -> re.Pattern[str]:
    """A status as the page words it, whatever its case ("running", "Running")."""
    return re.compile(rf"^\s*{re.escape(text)}\s*$", re.IGNORECASE)


def saved(page: Page, text: str) -> None:
    expect(page.locator(".alert.ok")).to_contain_text(text)


def field(page: Page, name: str) -> Any:
    """A settings form's input by its name (labels repeat across sections: "Name", "Team")."""
    return page.locator(f"form.settings [name='{name}']")


def tick(page: Page, label_start: str, on: bool = True) -> None:
    """A form's check box by the start of its label ("Final", "Callback", "Archived")."""
    box = page.locator("form.settings").get_by_role("checkbox", name=re.compile("^" + re.escape(label_start)))
    box.set_checked(on)


def open_row(page: Page, label: str) -> None:
    page.locator("main table").get_by_role("link", name=label, exact=True).click()


def record_id(page: Page) -> int:
    """The id in the URL of an edit page or a campaign page."""
    match = re.search(r"/(\d+)(?:/edit)?(?:\?.*)?$", page.url)
    assert match, f"no record id in {page.url}"
    return int(match.group(1))


# -- teams and people ------------------------------------------------------------------------
def create_team(page: Page, name: str, description: str) -> None:
    settings(page, "Teams")
    page.get_by_role("link", name="New team").click()
    field(page, "name").fill(name)
    field(page, "description").fill(description)
    page.get_by_role("button", name="Create").click()
    saved(page, f"Saved team {name}.")
    expect(page.locator("main table").get_by_role("link", name=name, exact=True)).to_be_visible()


def create_user(page: Page, username: str, password: str, *, role: str, full_name: str, team: str,
                extension: str = "") -> None:
    menu(page, "Users")
    form = page.locator("form[action='/users']")
    form.get_by_label("User name").fill(username)
    form.get_by_label("Full name").fill(full_name)
    form.get_by_label("Role").select_option(role)
    form.get_by_label("Team").fill(team)
    if extension:
        form.get_by_label("Extension").fill(extension)
    form.get_by_label("Password").fill(password)
    form.get_by_role("button", name="Create user").click()
    saved(page, f"Created {username}.")
    row = page.locator("main table tr", has_text=username)
    expect(row.locator("td", has_text=word(role))).to_have_count(1)
    expect(row).to_contain_text(team)


# -- what shapes dialing ---------------------------------------------------------------------
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def create_dial_profile(page: Page, name: str, *, attempts: int, ring_s: int, timezone: str,
                        hours: str) -> None:
    settings(page, "Dial profiles")
    page.get_by_role("link", name="New dial profile").click()
    field(page, "name").fill(name)
    field(page, "max_attempts").fill(str(attempts))
    field(page, "ring_timeout_s").fill(str(ring_s))
    field(page, "timezone").fill(timezone)
    for day in DAYS:
        field(page, f"win_{day}").fill(hours)
    page.get_by_role("button", name="Create").click()
    saved(page, f"Saved dial profile {name}.")
    expect(page.locator("main table tr", has_text=name)).to_contain_text(timezone)


def create_caller_id_pool(page: Page, name: str, numbers: list[str], region: str) -> None:
    settings(page, "Caller-ID pools")
    page.get_by_role("link", name="New caller-ID pool").click()
    field(page, "name").fill(name)
    page.get_by_role("button", name="Create").click()
    saved(page, f"Saved caller-ID pool {name}.")
    open_row(page, name)
    page.get_by_label("Numbers, one per line").fill("\n".join(numbers))
    page.get_by_label("Region of national numbers").fill(region)
    page.get_by_role("button", name="Add", exact=True).click()
    saved(page, f"Added {len(numbers)} number(s).")
    for number in numbers:
        expect(page.locator("main table td.mono", has_text=number)).to_be_visible()


def create_disposition(page: Page, code: str, name: str, *, flags: tuple[str, ...] = (), order: int = 0) -> None:
    """`flags`: the check boxes to tick, by their label's start ("Final", "Callback", "Counts as a success")."""
    settings(page, "Dispositions")
    page.get_by_role("link", name="New disposition").click()
    field(page, "code").fill(code)
    field(page, "name").fill(name)
    for flag in flags:
        tick(page, flag)
    field(page, "sort_order").fill(str(order))
    page.get_by_role("button", name="Create").click()
    saved(page, f"Saved disposition {code}.")
    expect(page.locator("main table tr", has_text=code)).to_contain_text(name)


def create_pause_reason(page: Page, name: str, *, productive: bool = False) -> None:
    settings(page, "Pause reasons")
    page.get_by_role("link", name="New pause reason").click()
    field(page, "name").fill(name)
    if productive:
        tick(page, "Counts as working time")
    page.get_by_role("button", name="Create").click()
    saved(page, f"Saved pause reason {name}.")
    expect(page.locator("main table").get_by_role("link", name=name, exact=True)).to_be_visible()


def create_contact_list(page: Page, name: str, *, category: str, team: str) -> None:
    settings(page, "Contact lists")
    page.get_by_role("link", name="New contact list").click()
    field(page, "name").fill(name)
    field(page, "category").fill(category)
    field(page, "team").select_option(label=team)
    page.get_by_role("button", name="Create").click()
    saved(page, f"Saved contact list {name}.")
    expect(page.locator("main table tr", has_text=name)).to_contain_text(team)


def import_csv(page: Page, path: Path, list_name: str, mapping: dict[str, str], *, expect_imported: int,
               first_name: str) -> None:
    """Upload; on the mapping step read the file again with another delimiter and back (the
    preview follows), then choose each column's meaning by its option label, and import."""
    menu(page, "Imports")
    page.get_by_label("File").set_input_files(path)
    page.get_by_label("Into the list").fill(list_name)
    page.get_by_role("button", name="Upload and preview").click()
    preview = page.locator(".import-preview")
    expect(preview).to_contain_text(first_name)  # the file's accents read right
    expect(preview.locator("thead th")).to_have_count(len(mapping))
    page.get_by_label("Delimiter").select_option(label="comma")
    page.get_by_role("button", name="Read again").click()
    expect(preview.locator("thead th")).to_have_count(1)
    page.get_by_label("Delimiter").select_option(label="semicolon")
    page.get_by_role("button", name="Read again").click()
    expect(preview.locator("thead th")).to_have_count(len(mapping))
    expect(page.get_by_label("Contact list")).to_have_value(list_name)
    for column, target in mapping.items():
        page.get_by_label(f"Column {column}", exact=True).select_option(label=target)
    expect(page.get_by_label("Contact list")).to_have_value(list_name)
    page.get_by_role("button", name="Import", exact=True).click()
    # The job page follows the import and reloads itself with the result.
    expect(page.locator(".alert.ok[role=status]")).to_be_visible(timeout=30_000)
    expect(page.locator("[data-field=imported]")).to_have_text(f"{expect_imported:,}")


# -- campaigns -------------------------------------------------------------------------------
def create_campaign(page: Page, name: str, *, mode: str, team: str, lists: list[str], profile: str,
                    pool: str, caller_id: str, card_fields: str) -> int:
    menu(page, "Campaigns")
    page.get_by_role("link", name="New campaign").click()
    field(page, "name").fill(name)
    field(page, "mode").select_option(mode)
    field(page, "team").select_option(label=team)
    field(page, "contact_lists").select_option(label=lists)
    field(page, "dial_profile").select_option(label=profile)
    field(page, "caller_id").fill(caller_id)
    field(page, "caller_id_pool").select_option(label=pool)
    # The journey's dial profile calls around the clock (CI runs at any hour, holidays too): a
    # campaign explicitly outside US, UK and EU law, else saving it is refused (issue 21).
    field(page, "regulatory_profile").select_option("none")
    # Predictive-only fields appear once the mode is chosen.
    expect(field(page, "pacer")).to_be_visible()
    field(page, "pacer").select_option("adaptive")
    field(page, "card_fields").fill(card_fields)
    page.get_by_role("button", name="Create").click()
    saved(page, f"Saved campaign {name}.")
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    return record_id(page)


def control_campaign(page: Page, action: str, done: str) -> None:
    """On the campaign page: Start / Pause / Resume / Stop (Stop asks first: the dialog is accepted)."""
    page.locator(".controls").get_by_role("button", name=action, exact=True).click()
    saved(page, f"{done} ")


# -- confirm dialogs -------------------------------------------------------------------------
_QUESTIONS: dict[int, list[str]] = {}


def answer_dialogs(page: Page) -> None:
    """Accept every JS dialog of this page, remembering what it asked (once per page)."""
    asked = _QUESTIONS.setdefault(id(page), [])

    def accept(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)


def confirm(page: Page, button: Any, question: str, then: str, *, refused: bool = False) -> None:
    """Click a button that must ask `question` first; accept it and wait for the notice `then`
    (or, `refused`, for the error saying why it was not done)."""
    asked = _QUESTIONS[id(page)]
    before = len(asked)
    button.click()
    if refused:
        expect(page.locator(".alert.error")).to_contain_text(then)
    else:
        saved(page, then)
    assert asked[before:] == [question], f"expected the question {question!r}, the page asked {asked[before:]}"
