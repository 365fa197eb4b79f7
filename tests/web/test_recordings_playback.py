"""Playing a call's recording: the player and the download link only when the stored file is there,
the file served with Range (206, the asked bytes) so a player can seek, 404 when missing; the call
search's "has recording" filter, used through the form the page renders."""

from __future__ import annotations

import re

import pytest

from dialer.models import Recording
from forms import form_on
from recording_world import RecordedWorld, downloads, players, recorded_world
from webworld import login

ALL = "/calls?from=2026-03-01T00:00&to=2026-03-04T00:00&tz=UTC"


@pytest.fixture
async def rw(app, people) -> RecordedWorld:
    return await recorded_world(app, people)


async def test_the_call_page_plays_a_stored_recording_with_seeking(client, people, rw) -> None:
    await login(client, "admin")
    call, data = rw.sales_call, rw.data[rw.sales_call.id]
    page = await client.get(f"/calls/{call.id}")
    assert players(page.text) == {call.id} and downloads(page.text) == {call.id}

    r = await client.get(f"/calls/{call.id}/recording")
    assert r.status_code == 200 and r.content == data and r.headers["content-type"].startswith("audio/")
    assert r.headers["accept-ranges"] == "bytes" and r.headers["content-disposition"].startswith("inline")

    r = await client.get(f"/calls/{call.id}/recording", headers={"Range": "bytes=1000-1099"})
    assert r.status_code == 206 and r.content == data[1000:1100]
    assert r.headers["content-range"] == f"bytes 1000-1099/{len(data)}"
    r = await client.get(f"/calls/{call.id}/recording", headers={"Range": "bytes=-10"})
    assert r.status_code == 206 and r.content == data[-10:]

    r = await client.get(f"/calls/{call.id}/recording/download")
    assert r.status_code == 200 and r.content == data
    assert r.headers["content-disposition"].startswith("attachment") and f"call-{call.id}.wav" in \
        r.headers["content-disposition"]


async def test_no_player_and_404_when_the_file_is_not_there(client, people, rw) -> None:
    await login(client, "admin")
    pending = rw.pending_call  # recorded, not fetched yet
    page = await client.get(f"/calls/{pending.id}")
    assert players(page.text) == set() and downloads(page.text) == set()
    assert "Recording not yet retrieved" in page.text
    assert (await client.get(f"/calls/{pending.id}/recording")).status_code == 404
    assert (await client.get(f"/calls/{pending.id}/recording/download")).status_code == 404

    # The row says stored, the disk lost it: no player, a 404, and the page says so.
    call = rw.sales_call
    (rw.store.root / (await Recording.get(attempt_id=call.id)).path).unlink()
    page = await client.get(f"/calls/{call.id}")
    assert players(page.text) == set() and "missing from storage" in page.text
    assert (await client.get(f"/calls/{call.id}/recording")).status_code == 404

    never = rw.world.attempts[3]  # abandoned: never recorded
    page = await client.get(f"/calls/{never.id}")
    assert "<h3>Recording</h3>" not in page.text
    assert (await client.get(f"/calls/{never.id}/recording")).status_code == 404


async def test_a_failed_fetch_shows_on_the_call(client, people, rw) -> None:
    from datetime import datetime, timezone

    from dialer.models import Recording, RecordingState

    await Recording.create(attempt=rw.pending_call, name=rw.pending_call.recording_name, state=RecordingState.PENDING,
                           tries=3, error="GET /recordings/stored/rec-3.wav/file: 500 Internal Server Error",
                           next_try_at=datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc))
    await login(client, "super")
    page = await client.get(f"/calls/{rw.pending_call.id}?tz=UTC")
    assert "Recording not yet retrieved from Asterisk after 3 tries." in page.text
    assert "Next try 2026-03-02 09:30:00" in page.text and "500 Internal Server Error" in page.text


async def test_the_search_shows_players_and_filters_by_recording(client, people, rw) -> None:
    await login(client, "admin")
    page = await client.get(ALL)
    assert players(page.text) == {rw.sales_call.id, rw.support_call.id}
    assert downloads(page.text) == {rw.sales_call.id, rw.support_call.id}

    form = await form_on(client, ALL, action="/calls", method="get")
    r = await form.fill(recording="Has a recording").submit()
    ids = {int(m) for m in re.findall(r'href="/calls/(\d+)\?', r.text)}
    assert r.status_code == 200 and ids == {rw.sales_call.id, rw.support_call.id}

    form = await form_on(client, ALL, action="/calls", method="get")
    r = await form.fill(recording="No recording").submit()
    ids = {int(m) for m in re.findall(r'href="/calls/(\d+)\?', r.text)}
    assert ids == {a.id for a in rw.world.attempts} - {rw.sales_call.id, rw.support_call.id}
    assert (await client.get(ALL + "&recording=maybe")).status_code == 400


async def test_the_api_says_which_calls_have_a_recording(client, people, rw) -> None:
    from dialer.accounts.tokens import issue_token

    headers = {"Authorization": f"Bearer {(await issue_token(people.admin, ['calls:read'])).secret}"}
    r = await client.get("/api/v1/calls?has_recording=true&limit=100", headers=headers)
    assert r.status_code == 200, r.text
    assert {c["id"] for c in r.json()["items"]} == {rw.sales_call.id, rw.support_call.id}
    assert all(c["recorded"] for c in r.json()["items"])
    r = await client.get("/api/v1/calls?has_recording=false&limit=100", headers=headers)
    assert rw.sales_call.id not in {c["id"] for c in r.json()["items"]} and r.json()["total"] == 8
    r = await client.get(f"/api/v1/calls/{rw.pending_call.id}", headers=headers)
    assert r.json()["recorded"] is False
    assert (await client.get("/api/v1/calls?has_recording=yes", headers=headers)).status_code == 422
