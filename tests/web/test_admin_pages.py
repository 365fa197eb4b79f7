"""Admin pages: forms validate next to the field and save nothing on error, changes are audited,
supervisors see and control their team's campaigns only."""

from __future__ import annotations

import re

from admin_fixtures import *  # noqa: F401,F403
from dialer.models import AuditLog, Campaign, Contact, ContactList, DialProfile, DncEntry, User, WebhookEndpoint
from dialer.models.enums import ContactStatus, Role

CAMPAIGN = {"name": "Autumn", "mode": "predictive", "pacer": "adaptive", "calls_per_agent": "1.2",
            "overdial_pct": "0", "abandon_cap_pct": "3", "abandon_window": "30d", "max_attempts_per_5s": "20",
            "max_lines": "30", "predicted_talk_s": "120", "no_agent_action": "hold", "max_wait_s": "15",
            "wrap_up_s": "10", "private_numbers": "off", "hold_music_class": "default"}


async def test_create_a_campaign_with_lists_and_see_it(admin, world) -> None:
    r = await admin.submit("/campaigns/new", **CAMPAIGN, contact_lists=[world.contact_list.id],
                           team=world.team.id, card_fields="plan, since")
    assert r.status_code == 303, r.text
    c = await Campaign.get(name="Autumn")
    assert [cl.id for cl in await c.contact_lists.all()] == [world.contact_list.id]
    assert c.card_fields == ["plan", "since"] and c.calls_per_agent == 1.2
    assert await AuditLog.filter(action="campaign.create", entity_id=str(c.id)).exists()
    page = await admin.get(r.headers["location"])
    assert "Saved campaign Autumn" in page.text and "Why it is not dialing" in page.text
    form = await admin.get(f"/campaigns/{c.id}/edit")
    assert 'data-modes="predictive"' in form.text and "/static/admin.js" in form.text


async def test_campaign_errors_show_by_the_field_and_nothing_is_saved(admin, world) -> None:
    r = await admin.submit("/campaigns/new", **{**CAMPAIGN, "name": "Spring offer", "abandon_cap_pct": "7",
                                                "max_lines": "many"})
    assert r.status_code == 400
    assert "At most 3." in r.text and "A whole number expected." in r.text
    assert await Campaign.filter(name="Spring offer").count() == 1
    r = await admin.submit(r, **CAMPAIGN | {"name": "Spring offer"})  # corrected on the page shown
    assert r.status_code == 400 and "Another record already uses this value." in r.text


async def test_dial_profile_ring_rule_windows_and_zone(admin, world) -> None:
    form = {"name": "Fast", "max_attempts": "3", "ring_timeout_s": "10", "timezone": "Europe/Prague",
            "win_mon": "09:00-12:00, 13:00-20:00", "win_tue": "9:00-25:00",
            **{f"retry_{o}": "10" for o in ("busy", "no_answer", "congestion", "failed", "machine", "abandoned",
                                            "cancelled")}}
    r = await admin.submit("/profiles/new", **form)
    assert r.status_code == 400 and "Under 15 s is refused" in r.text and "ends before" not in r.text
    assert "9:00-25:00" in r.text  # the typed value stays for correcting
    r = await admin.submit(r, win_tue="", timezone="Prague")
    assert r.status_code == 400 and "is not a time zone" in r.text
    r = await admin.submit(r, timezone="Europe/Prague", allow_short_ring=True)
    assert r.status_code == 303
    p = await DialProfile.get(name="Fast")
    assert p.ring_timeout_s == 10 and p.calling_windows["mon"] == [["09:00", "12:00"], ["13:00", "20:00"]]
    assert p.retry_intervals["busy"] == 600
    r = await admin.submit(f"/profiles/{world.profile.id}/edit", action=f"/profiles/{world.profile.id}/delete")
    assert r.status_code == 409 and "Spring offer" in r.text  # in use


async def test_contact_reset_raise_and_move_respecting_uniqueness(admin, world) -> None:
    contact = await Contact.get(phone="+420602123401")
    contact.status, contact.attempts = ContactStatus.EXHAUSTED, 5
    await contact.save()
    other = await ContactList.create(name="Other")
    await Contact.create(contact_list=other, phone="+420602123401")
    r = await admin.submit(f"/contacts/{contact.id}", action=f"/contacts/{contact.id}/limit", max_attempts=3)
    assert r.status_code == 400 and "More than the 5 attempts" in r.text
    r = await admin.submit(r, action=f"/contacts/{contact.id}/limit", max_attempts=8)
    assert r.status_code == 303
    fresh = await Contact.get(id=contact.id)
    assert fresh.max_attempts == 8 and fresh.status is ContactStatus.PENDING
    r = await admin.submit(f"/contacts/{contact.id}", action=f"/contacts/{contact.id}/move", contact_list=other.id)
    assert r.status_code == 400 and "already has +420602123401" in r.text
    r = await admin.submit(f"/contacts/{contact.id}", action=f"/contacts/{contact.id}/reset")
    assert r.status_code == 303 and (await Contact.get(id=contact.id)).attempts == 0
    r = await admin.get("/contacts", params={"q": "602123401"})
    assert r.text.count("/contacts/") >= 2
    r = await admin.submit(f"/contacts/{contact.id}", action=f"/contacts/{contact.id}", phone="602 123 402",
                           region="CZ", status="pending")
    assert r.status_code == 400 and "This list already has +420602123402" in r.text


async def test_dnc_page_adds_and_removes(admin, world) -> None:
    r = await admin.submit("/dnc", action="/dnc", phone="602123403", region="CZ", reason="asked")
    assert r.status_code == 303
    assert (await Contact.get(phone="+420602123403")).status is ContactStatus.DNC
    entry = await DncEntry.get(phone="+420602123403")
    assert "+420602123403" in (await admin.get("/dnc", params={"q": "123403"})).text
    r = await admin.submit("/dnc", action="/dnc", phone="12")
    assert r.status_code == 400 and "not a" in r.text
    r = await admin.submit("/dnc", action=f"/dnc/{entry.id}/delete")
    assert r.status_code == 303 and (await Contact.get(phone="+420602123403")).status is ContactStatus.PENDING


async def test_user_edit_role_team_and_reactivate(admin, people, world) -> None:
    r = await admin.submit(f"/users/{people.agent.id}/edit", action=f"/users/{people.agent.id}/edit", full_name="Ada",
                           role="supervisor", team=world.other_team.id)
    assert r.status_code == 303
    u = await User.get(id=people.agent.id)
    assert u.role is Role.SUPERVISOR and u.team_id == world.other_team.id and u.full_name == "Ada"
    r = await admin.submit(f"/users/{people.admin.id}/edit", action=f"/users/{people.admin.id}/edit", role="agent")
    assert r.status_code == 400 and "last active admin" in r.text
    assert (await admin.submit("/users", action=f"/users/{people.agent.id}/deactivate")).status_code == 303
    assert not (await User.get(id=people.agent.id)).active
    assert (await admin.submit("/users", action=f"/users/{people.agent.id}/reactivate")).status_code == 303
    assert (await User.get(id=people.agent.id)).active
    assert await AuditLog.filter(action="user.reactivate").exists()


async def test_supervisor_sees_and_controls_only_their_team(supervisor, world) -> None:
    r = await supervisor.get("/campaigns")
    assert "Spring offer" in r.text and "Night offer" not in r.text
    assert (await supervisor.get(f"/campaigns/{world.other_campaign.id}")).status_code == 404
    assert (await supervisor.get(f"/campaigns/{world.campaign.id}/edit")).status_code == 403
    page = await supervisor.get(f"/campaigns/{world.campaign.id}")
    assert 'value="start"' in page.text and 'value="clear"' not in page.text
    stale = await supervisor.form(f"/campaigns/{world.campaign.id}", button="Start")
    r = await supervisor.submit(f"/campaigns/{world.campaign.id}", button="Start")
    assert r.status_code == 303
    r = await stale.press("Start").submit()  # the same button again, from a page left open
    assert r.status_code == 409 and "It is running" in r.text
    assert (await supervisor.get("/profiles")).status_code == 403


async def test_webhook_pages_and_send_test(admin, world, aiohttp_server) -> None:
    from aiohttp import web

    async def ok(request):
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/h", ok)
    server = await aiohttp_server(app, host="127.0.0.1")
    r = await admin.submit("/webhooks/new", name="IS", url="ftp://x", events=["call.ended"],
                           content_type="application/json", timeout_s=2, max_attempts=3)
    assert r.status_code == 400 and "An http:// or https:// address." in r.text
    r = await admin.submit(r, url=str(server.make_url("/h")), headers="{}", active=True)
    assert r.status_code == 303
    endpoint = await WebhookEndpoint.get(name="IS")
    r = await admin.submit(f"/webhooks/{endpoint.id}", button="Send test")
    page = await admin.get(r.headers["location"])
    assert "Test delivered." in page.text and "webhook.test" in page.text and "delivered" in page.text
    assert (await admin.get("/settings/caller-lookup")).status_code == 200
    r = await admin.submit("/settings/caller-lookup", action="/settings/caller-lookup", enabled=True,
                           url_template="https://is/x?p={who}", timeout_s=2, cache_ttl_s=60, headers="{}")
    assert r.status_code == 400 and "Unknown placeholder" in r.text


async def test_an_admin_resets_others_passwords_and_changes_their_own_on_the_account_page(admin, people) -> None:
    # A reset ends every session of its user: on oneself it ended the admin's own with the page.
    page = (await admin.client.get("/users")).text
    assert f'action="/users/{people.admin.id}/password"' not in page and 'href="/account"' in page
    r = await admin.submit("/users", action=f"/users/{people.agent.id}/password")
    assert r.status_code == 200 and "New password of" in r.text
    # The page offers no such form; one sent anyway (its token from the page) is refused.
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = await admin.client.post(f"/users/{people.admin.id}/password", data={"csrf_token": token})
    assert r.status_code == 400 and "account page" in r.text
    assert (await admin.client.get("/users")).status_code == 200, "still logged in"
