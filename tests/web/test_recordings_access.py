"""Who may hear a recording, and the record of who did: agents never (not even their own calls),
a supervisor only their team's calls, admins all; every play and download written down, listed
on the call's page and in the admin's access log; the legal hold as an admin sets it, through the
form the call page renders; the signed links webhooks carry."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest

from dialer.accounts.users import Actor, create_user, get_or_create_team
from dialer.models import AuditLog, Recording, RecordingAccess
from dialer.models.enums import Role
from dialer.recordings.links import LinkSigner
from forms import form_on
from recording_world import RecordedWorld, downloads, players, recorded_world
from webworld import PASSWORD, login


async def logout(client) -> None:
    """Log out with the header's button, as rendered."""
    form = await form_on(client, "/account", action="/logout")
    assert (await form.submit()).status_code in (302, 303)


@pytest.fixture
async def rw(app, people) -> RecordedWorld:
    return await recorded_world(app, people)


async def test_agents_never_hear_recordings(client, people, rw) -> None:
    await login(client, "agent1")
    own = rw.sales_call  # alice's (agent1's) own call
    page = await client.get(f"/calls/{own.id}")
    assert page.status_code == 200 and players(page.text) == set() and downloads(page.text) == set()
    assert "Who listened" not in page.text
    assert players((await client.get("/calls?from=2026-03-01T00:00&to=2026-03-04T00:00")).text) == set()
    for url in (f"/calls/{own.id}/recording", f"/calls/{own.id}/recording/download"):
        assert (await client.get(url)).status_code == 403
    assert (await client.get("/recordings/access")).status_code == 403
    assert await RecordingAccess.all().count() == 0


async def test_a_supervisor_hears_their_teams_calls_only(client, people, rw) -> None:
    await login(client, "super")  # team Sales
    ours, theirs = rw.sales_call, rw.support_call
    assert (await client.get(f"/calls/{ours.id}/recording")).status_code == 200
    assert (await client.get(f"/calls/{ours.id}/recording/download")).status_code == 200
    for url in (f"/calls/{theirs.id}/recording", f"/calls/{theirs.id}/recording/download"):
        assert (await client.get(url)).status_code == 404  # as if it did not exist
    assert (await client.get("/recordings/access")).status_code == 403  # the report is the admin's

    # Support's supervisor: the other way round.
    support = await get_or_create_team("Support")
    await create_user("super2", PASSWORD, Role.SUPERVISOR, actor=Actor.system("test"), team=support)
    await logout(client)
    await login(client, "super2")
    assert (await client.get(f"/calls/{theirs.id}/recording")).status_code == 200
    assert (await client.get(f"/calls/{ours.id}/recording")).status_code == 404
    assert {(a.username, a.attempt_id) for a in await RecordingAccess.all()} == {
        ("super", ours.id), ("super2", theirs.id)}


async def test_admins_hear_every_call(client, people, rw) -> None:
    await login(client, "admin")
    for call in (rw.sales_call, rw.support_call):
        r = await client.get(f"/calls/{call.id}/recording")
        assert r.status_code == 200 and r.content == rw.data[call.id]


async def test_every_play_and_download_is_recorded_and_listed(client, people, rw) -> None:
    call = rw.sales_call
    await login(client, "super")
    await client.get(f"/calls/{call.id}/recording", headers={"Range": "bytes=0-"})  # the player starts
    await client.get(f"/calls/{call.id}/recording", headers={"Range": "bytes=2000-"})  # and seeks: same listen
    await client.get(f"/calls/{call.id}/recording/download")
    await logout(client)
    await login(client, "admin")
    await client.get(f"/calls/{call.id}/recording")
    await client.get(f"/calls/{rw.support_call.id}/recording/download")

    rows = await RecordingAccess.filter(attempt_id=call.id).order_by("id")
    assert [(r.username, r.action.value, r.ip) for r in rows] == [
        ("super", "play", "10.1.2.3"), ("super", "download", "10.1.2.3"), ("admin", "play", "10.1.2.3")]
    recording = await Recording.get(attempt_id=call.id)
    assert {r.recording_id for r in rows} == {recording.id}

    # Listed on the call's page ...
    page = await client.get(f"/calls/{call.id}?tz=UTC")
    listed = page.text[page.text.index("Who listened"):]
    assert listed.count("<tr><td") == 3 and "super" in listed and "download" in listed

    # ... and in the admin's access log, searched through its form.
    form = await form_on(client, "/recordings/access", action="/recordings/access", method="get")
    r = await form.fill(user="super").submit()
    assert r.status_code == 200 and "2 in all" in r.text and f'href="/calls/{call.id}"' in r.text
    form = await form_on(client, "/recordings/access", action="/recordings/access", method="get")
    r = await form.fill(call=str(rw.support_call.id)).submit()
    assert "1 in all" in r.text and "download" in r.text
    form = await form_on(client, "/recordings/access", action="/recordings/access", method="get")
    r = await form.fill(phone=call.phone).submit()  # a data subject: who listened to my calls
    assert "3 in all" in r.text and f'href="/calls/{rw.support_call.id}"' not in r.text
    menu = await client.get("/calls")
    assert 'href="/recordings/access"' in menu.text


async def test_an_admin_puts_a_call_on_legal_hold_through_its_form(client, people, rw) -> None:
    call = rw.sales_call
    await login(client, "super")
    page = await client.get(f"/calls/{call.id}")
    assert "/recording/hold" not in page.text  # supervisors see the hold, cannot change it
    await logout(client)

    await login(client, "admin")
    form = await form_on(client, f"/calls/{call.id}", action=f"/calls/{call.id}/recording/hold")
    r = await form.press("Put on legal hold").submit()
    assert r.status_code == 303 and r.headers["location"] == f"/calls/{call.id}"
    assert (await Recording.get(attempt_id=call.id)).legal_hold
    page = await client.get(f"/calls/{call.id}")
    assert "On legal hold" in page.text
    audit = await AuditLog.get(action="recording.legal_hold")
    assert audit.entity_id == str(call.id) and audit.changes == {"legal_hold": [False, True]}

    form = await form_on(client, f"/calls/{call.id}", action=f"/calls/{call.id}/recording/hold")
    await form.press("Release legal hold").submit()
    assert not (await Recording.get(attempt_id=call.id)).legal_hold


async def test_a_signed_link_serves_the_file_until_it_expires(client, app, people, rw) -> None:
    s = app.state.settings
    signer = LinkSigner(s.secret_key, s.base_url, s.recording_link_ttl_s)
    call = rw.support_call
    url, _ = signer.link(call.id, datetime.now(timezone.utc))
    target = urlsplit(url)
    r = await client.get(f"{target.path}?{target.query}", headers={"Range": "bytes=4-9"})
    assert r.status_code == 206 and r.content == rw.data[call.id][4:10]
    access = await RecordingAccess.get(attempt_id=call.id)
    assert access.action.value == "link" and access.user_id is None and access.username == "signed link"

    old, _ = signer.link(call.id, datetime.now(timezone.utc) - timedelta(seconds=s.recording_link_ttl_s + 1))
    assert (await client.get(urlsplit(old).path + "?" + urlsplit(old).query)).status_code == 403
    other = f"/recordings/link/{rw.sales_call.id}?{target.query}"  # another call's id, this call's signature
    assert (await client.get(other)).status_code == 403
    pending, _ = signer.link(rw.pending_call.id, datetime.now(timezone.utc))
    assert (await client.get(urlsplit(pending).path + "?" + urlsplit(pending).query)).status_code == 404


async def test_retention_as_the_admin_sets_it_and_the_deletion_on_record(client, people, rw) -> None:
    from dialer.models import Campaign
    from dialer.recordings.retention import apply_retention

    await login(client, "admin")
    spring = rw.world.campaigns["Spring"]
    form = await form_on(client, f"/campaigns/{spring.id}/edit", action=f"/campaigns/{spring.id}/edit")
    assert form.value("recording_retention_days") == "90"
    r = await form.fill(recording_retention_days="30").submit()
    assert r.status_code in (302, 303), r.text[:500]
    assert (await Campaign.get(id=spring.id)).recording_retention_days == 30

    # The calls are of 2 March 2026; on 15 April Spring's (30 days) go, Winter's (90) stay.
    await apply_retention(rw.store, datetime(2026, 4, 15, tzinfo=timezone.utc))
    page = await client.get(f"/calls/{rw.sales_call.id}?tz=UTC")
    assert players(page.text) == set() and "Recording deleted (retention: call older than 30 days)." in page.text
    assert "Deleted 2026-04-15 00:00:00." in page.text
    assert (await client.get(f"/calls/{rw.sales_call.id}/recording")).status_code == 404
    assert players((await client.get(f"/calls/{rw.support_call.id}")).text) == {rw.support_call.id}
