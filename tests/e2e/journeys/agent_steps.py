"""What an agent does in the panel, by clicking and typing only: join campaigns, Ready, the
call form, Pause with a reason, leave. Each step waits for the state the panel shows."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e.journeys.admin_steps import sign_in, word


def paused_with(page: Page, reason: str) -> None:
    expect(page.locator("#ap-state")).to_have_attribute("data-state", "paused")
    expect(page.locator("#ap-state")).to_have_text(word(f"paused: {reason}"))


def open_panel(page: Page, base: str, username: str, password: str) -> None:
    sign_in(page, base, username, password, "/agent")
    expect(page.locator("#ap-conn")).to_have_text("live", timeout=15_000)
    # The socket's snapshot shows either the campaigns to join or, for an agent still joined
    # from an earlier visit, the controls: leave them first, as the agent would.
    expect(page.locator("#ap-join:visible, #ap-controls:visible")).to_have_count(1)
    if page.locator("#ap-controls").is_visible():
        leave(page)
    expect(page.locator("#ap-state")).to_have_attribute("data-state", "logged_out")


def join(page: Page, campaign: str) -> None:
    page.locator("#ap-campaigns").get_by_label(campaign, exact=False).check()
    page.get_by_role("button", name="Join").click()
    expect(page.locator("#ap-state")).to_have_attribute("data-state", "paused")


def take_call(page: Page) -> dict[str, str]:
    """Ready, then wait for the simulated PBX to connect a customer; returns the card's fields."""
    page.get_by_role("button", name="Ready").click()
    expect(page.locator("#ap-call")).to_be_visible(timeout=20_000)
    expect(page.locator("#ap-state")).to_have_attribute("data-state", "on_call")
    fields = page.locator("#ap-call-fields dd")
    expect(fields.first).to_be_visible()
    return {dd.get_attribute("data-field") or "": dd.inner_text() for dd in fields.all()}


def pause_after_call(page: Page, reason: str) -> None:
    page.get_by_label("Pause:").select_option(label=reason)
    page.get_by_role("button", name="Pause", exact=True).click()
    expect(page.locator("#ap-pending")).to_contain_text(reason)


def hang_up(page: Page) -> None:
    page.locator("#ap-call").get_by_role("button", name="Hang up").click()
    expect(page.locator("#ap-state")).to_have_attribute("data-state", "wrap_up")


def form_survives_reload(page: Page) -> None:
    """The form is kept as a draft as the agent types: a reload of the panel gives it back."""
    values = {sel: page.locator(sel).input_value() for sel in ("#ap-notes", "#ap-disposition", "#ap-callback")}
    expect(page.locator("#ap-draft")).to_have_text("Draft saved")
    page.reload()
    expect(page.locator("#ap-conn")).to_have_text("live", timeout=15_000)
    expect(page.locator("#ap-draft")).to_have_text("Draft restored")
    for selector, value in values.items():
        expect(page.locator(selector)).to_have_value(value)


def _remaining(page: Page) -> int:
    return int(page.locator("#ap-wrap").get_attribute("data-remaining") or "-1")


def wrap_up_counts_down(page: Page) -> None:
    """The wrap-up countdown is shown, counts down, and moves when the agent asks for more time."""
    expect(page.locator("#ap-wrap")).to_contain_text("Wrap-up ends in")
    first = _remaining(page)
    assert first > 0, first
    page.wait_for_function("(v) => Number(document.getElementById('ap-wrap').dataset.remaining) < v", arg=first,
                           timeout=3_000)
    before = _remaining(page)
    page.get_by_role("button", name="More time (+60 s)").click()
    page.wait_for_function("(v) => Number(document.getElementById('ap-wrap').dataset.remaining) > v + 50",
                           arg=before, timeout=3_000)


def save_call(page: Page, disposition: str, notes: str = "") -> None:
    if notes:
        page.get_by_label("Notes").fill(notes)
    page.get_by_label("Disposition").select_option(label=disposition)
    page.locator("#ap-call").get_by_role("button", name="Save").click()
    expect(page.locator("#ap-call")).to_be_hidden()


def leave(page: Page) -> None:
    page.get_by_role("button", name="Leave campaigns").click()
    expect(page.locator("#ap-state")).to_have_attribute("data-state", "logged_out")

