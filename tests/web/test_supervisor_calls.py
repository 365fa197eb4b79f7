"""Call search, a call's timeline and recording: what each role may see, and the filters."""

from __future__ import annotations

import pytest

from webworld import login
from stats.world import World, seed_world


@pytest.fixture
async def world(people) -> World:
    return await seed_world(alice=people.agent)


def ids_in(html: str) -> set[int]:
    import re

    return {int(m) for m in re.findall(r'href="/calls/(\d+)\?', html)}


ALL = "/calls?from=2026-03-01T00:00&to=2026-03-04T00:00&tz=UTC"


async def test_admin_sees_every_call(client, people, world) -> None:
    await login(client, "admin")
    r = await client.get(ALL)
    assert r.status_code == 200 and ids_in(r.text) == {a.id for a in world.attempts} and "10 calls" in r.text
    assert ">nan<" not in r.text  # calls without an agent or disposition show a dash


async def test_supervisor_sees_their_team_only(client, people, world) -> None:
    await login(client, "super")
    r = await client.get(ALL)
    # Sales: every Spring call (including the abandoned ones, which have no agent); not Winter's.
    spring = {a.id for a in world.attempts if a.campaign_id == world.campaigns["Spring"].id}
    assert ids_in(r.text) == spring
    winter_call = world.attempts[7]
    assert (await client.get(f"/calls/{winter_call.id}")).status_code == 404
    # Asking for another team does not widen the view.
    r = await client.get(ALL + f"&team={world.teams['Support'].id}")
    assert ids_in(r.text) == set()


async def test_agent_sees_own_calls_only(client, people, world) -> None:
    await login(client, "agent1")
    r = await client.get(ALL)
    own = {a.id for a in world.attempts if a.agent_id == world.agents["alice"].id}
    assert len(own) == 2 and ids_in(r.text) == own
    bobs = next(a for a in world.attempts if a.agent_id == world.agents["bob"].id)
    assert (await client.get(f"/calls/{bobs.id}")).status_code == 404
    # Agents never hear recordings, their own calls' neither (tests/web/test_recordings_access.py).
    assert (await client.get(f"/calls/{bobs.id}/recording")).status_code == 403


@pytest.mark.parametrize("query, expected", [
    ("&outcome=abandoned", {4, 9, 10}),
    ("&phone=20000005", {6, 7}),
    ("&external_id=CRM-4", {4, 5}),
    ("&min_talk=100", {1, 3, 7}),
    ("&min_talk=60&max_talk=100", {1, 7, 8}),
])
async def test_search_filters(client, people, world, query, expected) -> None:
    await login(client, "admin")
    r = await client.get(ALL + query)
    assert ids_in(r.text) == {world.attempts[n - 1].id for n in expected}


async def test_search_by_campaign_agent_disposition_and_time(client, people, world) -> None:
    await login(client, "admin")
    w = world
    r = await client.get(ALL + f"&campaign={w.campaigns['Winter'].id}")
    assert ids_in(r.text) == {w.attempts[7].id, w.attempts[8].id}
    r = await client.get(ALL + f"&agent={w.agents['bob'].id}")
    assert ids_in(r.text) == {w.attempts[2].id, w.attempts[6].id}
    r = await client.get(ALL + f"&disposition={w.dispositions['sale'].id}")
    assert ids_in(r.text) == {w.attempts[0].id, w.attempts[6].id, w.attempts[7].id}
    r = await client.get("/calls?from=2026-03-02T10:00&to=2026-03-02T11:00&tz=UTC")
    assert ids_in(r.text) == {w.attempts[4].id, w.attempts[5].id, w.attempts[6].id}
    # Local time: 10:00-11:00 in Prague is 09:00-10:00 UTC.
    r = await client.get("/calls?from=2026-03-02T10:00&to=2026-03-02T11:00&tz=Europe/Prague")
    assert ids_in(r.text) == {a.id for a in w.attempts[:4]}


async def test_bad_filter_is_a_400_with_the_reason(client, people, world) -> None:
    await login(client, "admin")
    r = await client.get("/calls?from=yesterday")
    assert r.status_code == 400 and "is not a date" in r.text


async def test_pagination(client, people, world, monkeypatch) -> None:
    from dialer.web.routes import supervisor_calls

    monkeypatch.setattr(supervisor_calls, "PER_PAGE", 4)
    await login(client, "admin")
    seen = set()
    for page in (1, 2, 3):
        r = await client.get(ALL + f"&page={page}")
        seen |= ids_in(r.text)
        assert f"page {page} of 3" in r.text
    assert seen == {a.id for a in world.attempts}


async def test_statistics_over_the_selection(client, people, world) -> None:
    await login(client, "super")
    r = await client.get(ALL + "&stats=1")
    assert "Statistics over the selection" in r.text
    # Spring with the 1 March call: D = 2, AM = 1, AH = 3 -> D' = 1.5; 1.5 / 4.5 = 33.3 %
    assert "33.3 %" in r.text


async def test_timeline_lists_every_event_in_order(client, people, world) -> None:
    await login(client, "super")
    call = world.attempts[0]
    r = await client.get(f"/calls/{call.id}?tz=UTC")
    assert r.status_code == 200
    kinds = [k for k in ("originate", "answered", "agent_ringing", "bridged", "hangup")
             if f"<strong>{k}</strong>" in r.text]
    assert kinds == ["originate", "answered", "agent_ringing", "bridged", "hangup"]
    order = [r.text.index(f"<strong>{k}</strong>") for k in kinds]
    assert order == sorted(order)
    assert "2026-03-02 09:00:00.000" in r.text and "Normal Clearing" in r.text and "cause" in r.text
    # Recorded, but the file is not with the dialer yet: no player, the reason instead.
    assert "<audio" not in r.text and "Recording not yet retrieved" in r.text


async def test_no_recording_is_a_404(client, people, world) -> None:
    # Playing a stored file, with Range, is in tests/web/test_recordings_playback.py.
    await login(client, "admin")
    call = world.attempts[0]
    assert (await client.get(f"/calls/{call.id}/recording")).status_code == 404  # not fetched yet
    no_recording = world.attempts[3]
    assert (await client.get(f"/calls/{no_recording.id}/recording")).status_code == 404
    assert (await client.get("/calls/999999")).status_code == 404



async def test_selection_exports(client, people, world) -> None:
    import io

    import openpyxl
    import pandas as pd

    await login(client, "agent1")
    r = await client.get("/calls/export?from=2026-03-01T00:00&to=2026-03-04T00:00&format=csv")
    frame = pd.read_csv(io.StringIO(r.text))
    assert r.status_code == 200 and len(frame) == 2 and set(frame.agent) == {"agent1"}
    r = await client.get("/calls/export?from=2026-03-01T00:00&to=2026-03-04T00:00&format=xlsx")
    assert openpyxl.load_workbook(io.BytesIO(r.content))["calls"].max_row == 3


async def _export(client, page, button: str, **typed):
    """Press an export button of the form the calls page rendered (the CSV choice as typed)."""
    from forms import form_in

    form = form_in(client, page, action="/calls/export", method="get")
    return await form.fill(**typed).press(button).submit()


async def test_the_export_form_gives_csv_for_the_browsers_excel(client, people, world) -> None:
    import codecs
    import csv
    import io

    await login(client, "admin")
    client.headers["Accept-Language"] = "cs-CZ,cs;q=0.9,en;q=0.8"
    page = await client.get(ALL + f"&campaign={world.campaigns['Spring'].id}")
    r = await _export(client, page, "CSV")
    assert r.status_code == 200 and r.content.startswith(codecs.BOM_UTF8)  # Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(r.content[3:].decode()), delimiter=";"))  # Czech Excel: semicolons
    head = rows[0]
    assert head[:3] == ["id", "started", "campaign"] and len(rows) == 1 + 8  # Spring, 1 March included
    no_answer = next(dict(zip(head, row)) for row in rows[1:] if row[0] == str(world.attempts[5].id))
    assert no_answer["outcome"] == "No answer" and no_answer["started"] == "2026-03-02 10:05:00"
    # The person may pick another format on the form; the selection travels with it.
    r = await _export(client, page, "CSV", delimiter="comma")
    rows = list(csv.reader(io.StringIO(r.content[3:].decode())))
    assert len(rows) == 1 + 8 and rows[0][:3] == ["id", "started", "campaign"]


async def test_the_export_form_gives_typed_xlsx(client, people, world) -> None:
    import io
    from datetime import datetime, timedelta

    import openpyxl

    await login(client, "admin")
    page = await client.get(ALL)
    r = await _export(client, page, "XLSX")
    sheet = openpyxl.load_workbook(io.BytesIO(r.content))["calls"]
    head = [c.value for c in sheet[1]]
    row = next(dict(zip(head, cells)) for cells in sheet.iter_rows(min_row=2) if cells[0].value == world.attempts[0].id)
    assert row["phone"].value == "+42020000001" and row["phone"].data_type == "s"  # text, no apostrophe
    assert row["talk_s"].value == timedelta(seconds=100) and row["talk_s"].number_format == "[h]:mm:ss"
    assert row["started"].value == datetime(2026, 3, 2, 9, 0)
    assert row["outcome"].value == "Answered"


async def test_the_pages_speak_words_not_enum_values(client, people, world) -> None:
    import re

    await login(client, "admin")
    r = await client.get(ALL + "&stats=1")
    text = re.sub(r'<[^>]*>', " ", r.text)  # what a person reads, not attribute values
    assert "No answer" in text and "no_answer" not in text
    r = await client.get(f"/calls/{world.attempts[5].id}")
    assert "No answer" in re.sub(r'<[^>]*>', " ", r.text)
