"""The wait recorded too (issue 20): the campaign form offers it (ticked by a person, through the
form the page renders; refused without Record calls), and a call's page plays both its files,
the wait for an agent and the call with the agent, each with Range, each access written down
with the file it was; an abandoned call's wait plays from the call search."""

from __future__ import annotations

import re

import pytest

from admin_fixtures import *  # noqa: F401,F403
from dialer.models import CallAttempt, Campaign, Recording, RecordingAccess, RecordingState
from dialer.models.recordings import RecordingPart
from dialer.recordings.storage import relative_path
from forms import form_on
from recording_world import RecordedWorld, audio_bytes, recorded_world
from webworld import login

WAIT_LABEL = "Also record the wait and the abandon message"


async def test_a_person_ticks_recording_the_wait_on_the_campaign_form(admin, world) -> None:
    edit = f"/campaigns/{world.campaign.id}/edit"
    page = await admin.get(edit)
    assert WAIT_LABEL in page.text and 'name="record_wait"' in page.text
    # Ticked alone: the wait is recorded only with the calls; the page says so, nothing is saved.
    r = await admin.submit(edit, edit, record_calls=False, record_wait=True)
    assert r.status_code == 400 and "tick Record calls too" in r.text
    assert not (await Campaign.get(id=world.campaign.id)).record_wait
    r = await admin.submit(r, edit, record_calls=True, record_wait=True)  # corrected on the page shown
    assert r.status_code == 303, r.text
    campaign = await Campaign.get(id=world.campaign.id)
    assert campaign.record_calls and campaign.record_wait
    form = await admin.form(edit, edit)
    assert [c.checked for c in form.controls if c.name == "record_wait" and c.type == "checkbox"] == [True]
    r = await admin.submit(edit, edit, record_calls=False, record_wait=False)
    assert r.status_code == 303, r.text
    campaign = await Campaign.get(id=world.campaign.id)
    assert not campaign.record_calls and not campaign.record_wait


@pytest.fixture
async def rw(app, people) -> RecordedWorld:
    return await recorded_world(app, people)


async def store_wait(rw: RecordedWorld, attempt: CallAttempt, data: bytes) -> Recording:
    name = f"rec-{attempt.id}-wait-0123456789abcdef"
    await CallAttempt.filter(id=attempt.id).update(wait_recording_name=f"{name}.wav", wait_recording_duration_s=5)
    path = relative_path(name, "wav", attempt.campaign_id, attempt.originated_at)
    stored = await rw.store.write(path, data, "wav")
    return await Recording.create(attempt=attempt, campaign_id=attempt.campaign_id, name=f"{name}.wav",
                                  part=RecordingPart.WAIT, state=RecordingState.STORED, path=path, format="wav",
                                  size_bytes=stored.size_bytes, sha256=stored.sha256, duration_s=5, tries=1,
                                  stored_at=attempt.originated_at)


def sources(html: str) -> set[str]:
    return set(re.findall(r'<audio[^>]*src="(/calls/[^"]+)"', html))


async def test_the_call_page_plays_the_wait_and_the_call(client, people, rw) -> None:
    call = rw.sales_call
    wait_data = audio_bytes(3000)
    await store_wait(rw, call, wait_data)
    await login(client, "super")  # Sales
    page = await client.get(f"/calls/{call.id}")
    assert sources(page.text) == {f"/calls/{call.id}/recording", f"/calls/{call.id}/recording?part=wait"}
    assert "Waiting for an agent" in page.text and "With the agent" in page.text
    assert page.text.index("Waiting for an agent") < page.text.index("With the agent"), "in the order they happened"
    assert f'href="/calls/{call.id}/recording/download?part=wait"' in page.text

    r = await client.get(f"/calls/{call.id}/recording?part=wait", headers={"Range": "bytes=100-199"})
    assert r.status_code == 206 and r.content == wait_data[100:200]
    r = await client.get(f"/calls/{call.id}/recording", headers={"Range": "bytes=0-99"})
    assert r.status_code == 206 and r.content == rw.data[call.id][:100], "the call's own file"
    r = await client.get(f"/calls/{call.id}/recording/download?part=wait")
    assert r.status_code == 200 and r.content == wait_data
    assert f"call-{call.id}-wait.wav" in r.headers["content-disposition"]
    assert (await client.get(f"/calls/{call.id}/recording?part=hold")).status_code == 400

    heard = {(a.action.value, (await a.recording).part.value) for a in await RecordingAccess.filter(attempt_id=call.id)}
    assert heard == {("play", "wait"), ("play", "call"), ("download", "wait")}
    page = await client.get(f"/calls/{call.id}")
    assert re.search(r"<td>super</td><td>wait</td><td>download</td>", page.text)


async def test_an_abandoned_calls_wait_plays_from_the_search_and_only_for_those_who_may(client, people, rw) -> None:
    abandoned = rw.world.attempts[3]  # Spring (Sales), answered, never given an agent
    await store_wait(rw, abandoned, audio_bytes(2000))
    await login(client, "super")
    calls = await client.get("/calls?from=2026-03-01T00:00&to=2026-03-04T00:00&tz=UTC&recording=yes")
    assert f"/calls/{abandoned.id}/recording?part=wait" in sources(calls.text)
    page = await client.get(f"/calls/{abandoned.id}")
    assert sources(page.text) == {f"/calls/{abandoned.id}/recording?part=wait"}
    assert (await client.get(f"/calls/{abandoned.id}/recording")).status_code == 404  # no call part

    other = rw.support_call  # Support's: as if it did not exist
    await store_wait(rw, other, audio_bytes(2000))
    assert (await client.get(f"/calls/{other.id}/recording?part=wait")).status_code == 404
    await (await form_on(client, "/account", action="/logout")).submit()  # the header's button
    await login(client, "agent1")
    assert (await client.get(f"/calls/{abandoned.id}/recording?part=wait")).status_code == 403


async def test_a_signed_link_to_the_wait_opens_that_file_only(client, app, people, rw) -> None:
    from datetime import datetime, timezone
    from urllib.parse import urlsplit

    from dialer.recordings.links import LinkSigner

    call = rw.support_call
    wait_data = audio_bytes(1500)
    await store_wait(rw, call, wait_data)
    s = app.state.settings
    signer = LinkSigner(s.secret_key, s.base_url, s.recording_link_ttl_s)
    url = urlsplit(signer.link(call.id, datetime.now(timezone.utc), RecordingPart.WAIT)[0])
    r = await client.get(f"{url.path}?{url.query}")
    assert r.status_code == 200 and r.content == wait_data
    call_link = urlsplit(signer.link(call.id, datetime.now(timezone.utc))[0])
    assert (await client.get(f"{call_link.path}?{call_link.query}&part=wait")).status_code == 403
    access = await RecordingAccess.get(attempt_id=call.id)
    assert access.action.value == "link" and (await access.recording).part is RecordingPart.WAIT
