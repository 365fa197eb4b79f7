"""An oversized upload is refused as it arrives (413, nothing kept), not after being spooled."""

from __future__ import annotations

from typing import AsyncIterator

import pytest

from dialer.accounts.tokens import issue_token
from dialer.importer.uploads import uploads_dir
from dialer.models import ContactList
from dialer.web import body_limit
from forms import form_on
from webworld import login

LIMIT = 4096


@pytest.fixture(autouse=True)
def small_limit(monkeypatch) -> None:
    # Autouse fixtures are set up first: the app (conftest's `app`) is created with this limit.
    monkeypatch.setattr(body_limit, "MAX_BODY_BYTES", LIMIT)


def _uploads(data_dir) -> list:
    folder = uploads_dir(data_dir)
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


async def test_a_page_upload_over_the_limit_gets_413_and_keeps_nothing(client, people, tmp_path) -> None:
    await login(client, "admin")
    form = await form_on(client, "/imports", action="/imports")
    form.fill(list="Big").attach("file", "big.csv", b"phone\n" + b"601123456\n" * 1000)
    r = await form.submit()
    assert r.status_code == 413 and "larger than the limit" in r.text
    assert _uploads(tmp_path) == []
    # Within the limit the same form goes through.
    form = await form_on(client, "/imports", action="/imports")
    r = await form.fill(list="Small").attach("file", "small.csv", b"phone\n601123456\n").submit()
    assert r.status_code == 303


async def test_a_streamed_body_without_length_is_cut_off_at_the_limit(client, people, tmp_path) -> None:
    # No Content-Length (chunked): the count of bytes received trips the limit.
    await login(client, "admin")
    clist = await ContactList.create(name="Streamed")
    sent = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(100):
            sent += 1024
            yield b"x" * 1024

    token = (await issue_token(people.admin, ["contacts:write"])).secret
    r = await client.post(f"/api/v1/lists/{clist.id}/imports", content=body(),
                         headers={"content-type": "text/csv", "authorization": f"Bearer {token}"})
    assert r.status_code == 413 and r.json()["status"] == 413 and r.json()["field"] == "file"
    assert sent < 100 * 1024, "the rest of the body was never read"
    assert _uploads(tmp_path) == []


async def test_small_bodies_are_untouched(client, people) -> None:
    r = await client.post("/login", data={"username": "admin", "password": "wrong"})
    assert r.status_code in (200, 400, 401, 403)
