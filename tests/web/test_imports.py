"""Imports through the web pages (upload -> mapping -> progress -> result) and the API."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from forms import form_in, form_on
from webworld import login
from dialer.accounts.tokens import issue_token
from dialer.importer.jobs import running_task
from dialer.models import Contact, ContactList, ImportJob, ImportMapping

CSV = "Jméno;Telefon;Poznámka\nJan Novák;601 123 456;=1+1\nEva;00420602123456;\nBad;123;x\nJan again;601123456;\n"


async def finish(job_id: int) -> None:
    task = running_task(job_id)
    if task is not None:
        await task


async def test_upload_map_and_see_the_result(client, people) -> None:
    await login(client, "admin")
    page = await client.get("/imports")
    assert page.status_code == 200 and "Upload a CSV file" in page.text
    upload = form_in(client, page, action="/imports")
    r = await upload.fill(list="Jaro 2026").attach("file", "kontakty.csv", CSV.encode("cp1250")).submit()
    assert r.status_code == 303
    mapping_url = r.headers["location"]
    page = await client.get(mapping_url)
    assert page.status_code == 200
    assert "Windows-1250" in page.text and "semicolon" in page.text and "Jan Novák" in page.text
    # The guess is proposed for the user to confirm: they confirm it and name the mapping.
    mapping = form_in(client, page, action=mapping_url.split("?")[0])
    assert mapping.value("map:Telefon") == "phone" and mapping.value("map:Jméno") == "name"
    assert mapping.value("encoding") == "cp1250" and mapping.value("delimiter") == ";"
    r = await mapping.fill(save_as="Kontakty CZ").submit()
    assert r.status_code == 303 and re.fullmatch(r"/imports/\d+", r.headers["location"])
    job_id = int(r.headers["location"].rsplit("/", 1)[1])
    await finish(job_id)
    status = (await client.get(f"/imports/{job_id}/status")).json()
    assert (status["status"], status["imported"], status["duplicates"], status["invalid"]) == ("done", 2, 1, 1)
    assert status["percent"] == 100.0
    page = await client.get(f"/imports/{job_id}")
    assert "Imported 2 contacts" in page.text and "too short" in page.text
    bad_rows = await client.get(f"/imports/{job_id}/errors.csv")
    assert bad_rows.status_code == 200 and bad_rows.text.lstrip("\ufeff").startswith("line,reason,Jméno")
    assert "4,phone '123'" in bad_rows.text
    assert await Contact.filter(contact_list__name="Jaro 2026").count() == 2
    assert (await Contact.get(phone="+420601123456")).custom_fields == {"Poznámka": "=1+1"}
    assert await ImportMapping.filter(name="Kontakty CZ").exists()
    assert "Jaro 2026" in (await client.get("/imports")).text


async def test_mapping_without_a_phone_is_refused_on_the_form(client, people) -> None:
    await login(client, "admin")
    upload = await form_on(client, "/imports", action="/imports")
    r = await upload.fill(list="X").attach("file", "a.csv", CSV.encode()).submit()
    url = r.headers["location"].split("?")[0]
    mapping = await form_on(client, r.headers["location"], action=url)
    r = await mapping.fill(**{"map:Telefon": "name", "map:Jméno": "name"}).submit()
    assert r.status_code == 400 and "phone" in r.text
    assert await ImportJob.all().count() == 0 and not await ContactList.filter(name="X").exists()


async def test_import_pages_are_for_admins(client, people) -> None:
    await login(client, "super")
    assert (await client.get("/imports")).status_code == 403
    r = await client.get("/imports/new/abcdefghijklmnopq")
    assert r.status_code == 403


async def test_unknown_upload_token_is_a_404(client, people) -> None:
    await login(client, "admin")
    assert (await client.get("/imports/new/abcdefghijklmnopq")).status_code == 404
    assert (await client.get("/imports/new/..%2F..%2Fsecret")).status_code == 404


@pytest.fixture
async def contact_list() -> ContactList:
    return await ContactList.create(name="API list")


async def token_for(people, *scopes: str) -> dict[str, str]:
    issued = await issue_token(people.admin, list(scopes), ttl=timedelta(hours=1))
    return {"Authorization": f"Bearer {issued.secret}"}


async def test_api_import_as_text_csv_and_status(client, people, contact_list) -> None:
    headers = await token_for(people, "contacts:write")
    r = await client.post(f"/api/v1/lists/{contact_list.id}/imports?region=CZ&wait=true", content=CSV.encode(),
                          headers={**headers, "content-type": "text/csv"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["status"], body["imported"], body["duplicates"], body["invalid"]) == ("done", 2, 1, 1)
    assert body["errors"] == [{"line": 4, "reason": "phone '123': too short for CZ"}]
    status = await client.get(body["status_url"], headers=headers)
    assert status.status_code == 200 and status.json()["imported"] == 2


async def test_api_import_multipart_in_the_background(client, people, contact_list) -> None:
    headers = await token_for(people, "contacts:write")
    r = await client.post(f"/api/v1/lists/{contact_list.id}/imports", headers=headers,
                          data={"mapping": "Telefon=phone,Jméno=name"},
                          files={"file": ("k.csv", CSV.encode("utf-16"), "text/csv")})
    assert r.status_code == 202 and r.headers["location"] == f"/api/v1/imports/{r.json()['id']}"
    await finish(r.json()["id"])
    status = (await client.get(r.headers["location"], headers=headers)).json()
    assert (status["status"], status["imported"], status["encoding"]) == ("done", 2, "utf-16")


async def test_api_auth(client, people, contact_list) -> None:
    url = f"/api/v1/lists/{contact_list.id}/imports"
    r = await client.post(url, content=CSV.encode(), headers={"content-type": "text/csv"})
    assert r.status_code == 401 and r.json()["error"]
    read_only = await token_for(people, "contacts:read")
    r = await client.post(url, content=CSV.encode(), headers={**read_only, "content-type": "text/csv"})
    assert r.status_code == 403 and "contacts:write" in r.json()["error"]
    job = await ImportJob.create(contact_list=contact_list, filename="x.csv")
    assert (await client.get(f"/api/v1/imports/{job.id}", headers=read_only)).status_code == 200
    calls_only = await token_for(people, "calls:read")
    assert (await client.get(f"/api/v1/imports/{job.id}", headers=calls_only)).status_code == 403
    assert (await client.get(f"/api/v1/imports/{job.id}")).status_code == 401
    r = await client.post(url, content=CSV.encode(), headers={"content-type": "text/csv",
                                                              "Authorization": "Bearer dlr_nope_nope"})
    assert r.status_code == 401


BAD_INPUT = [
    ("?region=CZ", b"", "text/csv", 422, "file"),
    ("?region=CZ", b"Name;City\nJan;Praha\n", "text/csv", 422, "mapping"),
    ("?region=XX", CSV.encode(), "text/csv", 422, "region"),
    ("?encoding=klingon", CSV.encode(), "text/csv", 422, "encoding"),
    ("?mapping=Fax=phone", CSV.encode(), "text/csv", 422, "mapping"),
    ("?mapping=Telefon=telephone", CSV.encode(), "text/csv", 422, "mapping"),
    ("?caller_id_pool=Nope", CSV.encode(), "text/csv", 422, "caller_id_pool"),
    ("?colour=red", CSV.encode(), "text/csv", 422, "colour"),
    ("?wait=maybe", CSV.encode(), "text/csv", 422, "wait"),
    ("", b"PK\x03\x04zipzip", "application/octet-stream", 422, "file"),
    ("", CSV.encode(), "application/json", 415, None),
]


async def test_api_bad_input_is_4xx_json(client, people, contact_list) -> None:
    headers = await token_for(people, "contacts:write")
    for path, content, ctype, status, field in BAD_INPUT:  # one test: each case needs the same world
        r = await client.post(f"/api/v1/lists/{contact_list.id}/imports{path}", content=content,
                              headers={**headers, "content-type": ctype})
        assert r.status_code == status, (path, r.text)
        assert r.headers["content-type"].startswith("application/json") and r.json()["error"]
        assert r.json().get("field") == field, (path, r.json())
    assert await ImportJob.all().count() == 0


async def test_api_unknown_list_and_job_are_404(client, people) -> None:
    headers = await token_for(people, "contacts:write")
    r = await client.post("/api/v1/lists/999/imports", content=CSV.encode(),
                          headers={**headers, "content-type": "text/csv"})
    assert r.status_code == 404 and r.json()["error"]
    assert (await client.get("/api/v1/imports/999", headers=headers)).status_code == 404


DANISH = "Navn;Telefon\nSøren Ærø;601 123 456\nÅse Bødker;602 123 456\nSøren again;601123456\n"


async def test_an_uncertain_encoding_stops_at_the_preview_with_the_choice(client, people) -> None:
    await login(client, "admin")
    upload = await form_on(client, "/imports", action="/imports")
    r = await upload.fill(list="Danes").attach("file", "danes.csv", DANISH.encode("cp1252")).submit()
    url = r.headers["location"].split("?")[0]
    page = await client.get(r.headers["location"])
    # The preview shows the guess, the page names both readings and picks no encoding for the admin.
    assert "Sřren" in page.text and "Søren Ærø" in page.text and "uncertain" in page.text
    mapping = form_in(client, page, action=url)
    assert mapping.value("encoding") == ""
    r = await mapping.submit()  # Import, as rendered: no encoding chosen
    assert r.status_code == 400 and "uncertain" in r.text
    assert await ImportJob.all().count() == 0 and not await ContactList.filter(name="Danes").exists()
    # The admin picks Windows-1252 and reads the file again: the names are right now.
    again = form_in(client, r, action=url)
    page = await again.fill(encoding="Windows-1252 (Western European)").press("Read again").submit()
    assert page.status_code == 200 and "Søren Ærø" in page.text and "Sřren" not in page.text
    confirmed = form_in(client, page, action=url)
    assert confirmed.value("encoding") == "cp1252"
    r = await confirmed.submit()
    assert r.status_code == 303
    job_id = int(r.headers["location"].rsplit("/", 1)[1])
    await finish(job_id)
    contact = await Contact.get(contact_list__name="Danes", phone="+420601123456")
    assert contact.custom_fields == {"Navn": "Søren Ærø"}

    # The result lists the duplicate it skipped with its line, and the download has them all.
    page = await client.get(f"/imports/{job_id}")
    assert "Duplicates skipped" in page.text and re.search(r'<td class="r">4</td><td class="mono">\+420601123456</td>',
                                                             page.text)
    assert "line 2 too" in page.text
    listed = await client.get(f"/imports/{job_id}/duplicates.csv")
    assert listed.status_code == 200 and listed.text.lstrip("\ufeff").splitlines()[1].startswith("4,+420601123456,")
    status = (await client.get(f"/imports/{job_id}/status")).json()
    assert [d["line"] for d in status["duplicate_rows"]] == [4]


async def test_api_refuses_an_uncertain_encoding_until_it_is_named(client, people, contact_list) -> None:
    headers = {**await token_for(people, "contacts:write"), "content-type": "text/csv"}
    url = f"/api/v1/lists/{contact_list.id}/imports"
    r = await client.post(url + "?wait=true", content=DANISH.encode("cp1252"), headers=headers)
    assert r.status_code == 422 and r.json()["field"] == "encoding" and "Søren" in r.json()["error"]
    r = await client.post(url + "?wait=true&encoding=cp1252", content=DANISH.encode("cp1252"), headers=headers)
    assert r.status_code == 200 and r.json()["duplicate_rows"] == [
        {"line": 4, "phone": "+420601123456", "reason": "the number is on line 2 too (that row was imported)"}]
