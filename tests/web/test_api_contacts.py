"""Pushing contacts, updating and removing them, and the DNC list over the API."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from admin_fixtures import *  # noqa: F401,F403
from admin_fixtures import bearer
from dialer.accounts.tokens import issue_token
from dialer.models import AuditLog, Contact, DncEntry
from dialer.models.enums import ContactStatus


async def test_push_one_normalises_the_phone_with_the_region(client, world, admin_token) -> None:
    r = await client.post(f"/api/v1/lists/{world.contact_list.id}/contacts", headers=admin_token,
                          json={"phone": "602 123 456", "region": "cz", "name": "Jana", "external_id": "CRM-1",
                                "custom_fields": {"plan": "Plus"}})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["phone"] == "+420602123456" and body["status"] == "pending"
    assert body["custom_fields"] == {"plan": "Plus"}
    assert await AuditLog.filter(action="contact.push").exists()


async def test_push_one_duplicate_is_409_naming_the_contact(client, world, admin_token) -> None:
    url = f"/api/v1/lists/{world.contact_list.id}/contacts"
    r = await client.post(url, headers=admin_token, json={"phone": "+420602123401"})
    existing = await Contact.get(contact_list=world.contact_list, phone="+420602123401")
    assert r.status_code == 409 and r.json()["field"] == "phone" and r.json()["contact_id"] == existing.id


@pytest.mark.parametrize("body,field", [
    ({"name": "no phone"}, "phone"),
    ({"phone": "12"}, "phone"),
    ({"phone": "602123456"}, "phone"),  # national without a region
    ({"phone": "+420602123456", "timezone": "Mars/Olympus"}, "timezone"),
    ({"phone": "+420602123456", "max_attempts": 0}, "max_attempts"),
    ({"phone": "+420602123456", "custom_fields": [1]}, "custom_fields"),
    ({"phone": "+420602123456", "colour": "red"}, "colour"),
    ({"phone": 420602123456}, "phone"),
    ({"phone": "+420602123456", "region": "CZE"}, "region"),
])
async def test_push_one_validation_errors_are_422_with_the_field(client, world, admin_token, body, field) -> None:
    r = await client.post(f"/api/v1/lists/{world.contact_list.id}/contacts", headers=admin_token, json=body)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field


async def test_batch_stores_the_good_and_reports_the_bad_by_index(client, world, admin_token) -> None:
    await DncEntry.create(phone="+420602000003")
    items = [{"phone": "602000001"}, {"phone": "nonsense"}, {"phone": "+420 602 000 001"},
             {"phone": "602000003", "name": "Barred"}, {"phone": "+420602123400"}, "not an object",
             {"phone": "602000002", "external_id": "E2"}]
    r = await client.post(f"/api/v1/lists/{world.contact_list.id}/contacts/batch", headers=admin_token,
                          json={"region": "CZ", "contacts": items})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["created"] == 3 and body["rejected"] == 4 and len(body["ids"]) == 3
    assert [e["index"] for e in body["errors"]] == [1, 2, 4, 5]
    assert "Repeats item 0" in body["errors"][1]["error"]
    assert body["errors"][2]["contact_id"]
    barred = await Contact.get(phone="+420602000003")
    assert barred.status is ContactStatus.DNC


async def test_batch_limits_and_shape(client, world, admin_token) -> None:
    url = f"/api/v1/lists/{world.contact_list.id}/contacts/batch"
    r = await client.post(url, headers=admin_token, json={"contacts": []})
    assert r.status_code == 422 and r.json()["field"] == "contacts"
    r = await client.post(url, headers=admin_token, json={"contacts": [{"phone": "+420602000001"}] * 1001})
    assert r.status_code == 422 and "1000" in r.json()["error"]
    r = await client.post(url, headers=admin_token, content=b"{oops", )
    assert r.status_code == 400


async def test_update_find_and_delete_a_contact(client, world, admin_token) -> None:
    contact = await Contact.get(phone="+420602123402")
    r = await client.patch(f"/api/v1/contacts/{contact.id}", headers=admin_token, json={"name": "Renamed"})
    assert r.status_code == 200 and r.json()["name"] == "Renamed" and r.json()["phone"] == "+420602123402"
    r = await client.patch(f"/api/v1/contacts/{contact.id}", headers=admin_token, json={"phone": "+420602123401"})
    assert r.status_code == 409 and r.json()["field"] == "phone"
    r = await client.get("/api/v1/contacts", headers=admin_token, params={"external_id": "X2"})
    assert r.json()["total"] == 1 and r.json()["items"][0]["name"] == "Renamed"
    r = await client.get("/api/v1/contacts", headers=admin_token, params={"phone": "602123402", "region": "CZ"})
    assert r.json()["total"] == 1
    r = await client.delete(f"/api/v1/contacts/{contact.id}", headers=admin_token)
    assert r.status_code == 204 and not await Contact.exists(id=contact.id)
    r = await client.get(f"/api/v1/contacts/{contact.id}", headers=admin_token)
    assert r.status_code == 404


async def test_dnc_add_check_remove(client, world, admin_token) -> None:
    r = await client.post("/api/v1/dnc", headers=admin_token, json={"phone": "602 123 401", "region": "CZ",
                                                                    "reason": "asked"})
    assert r.status_code == 201 and r.json()["phone"] == "+420602123401"
    assert (await Contact.get(phone="+420602123401")).status is ContactStatus.DNC
    r = await client.post("/api/v1/dnc", headers=admin_token, json={"phone": "+420602123401"})
    assert r.status_code == 200  # already there
    r = await client.get("/api/v1/dnc", headers=admin_token, params={"phone": "+420602123401"})
    assert len(r.json()["items"]) == 1
    r = await client.delete("/api/v1/dnc", headers=admin_token, params={"phone": "+420602123401"})
    assert r.status_code == 200 and r.json()["contacts_restored"] == 1
    r = await client.delete("/api/v1/dnc", headers=admin_token, params={"phone": "+420602123401"})
    assert r.status_code == 404
    r = await client.post("/api/v1/dnc", headers=admin_token, json={"phone": "+420602123401", "campaign_id": 99999})
    assert r.status_code == 422 and r.json()["field"] == "campaign_id"


@pytest.mark.parametrize("case", ["no token", "wrong scope", "expired", "revoked-role"])
async def test_auth_matrix_for_pushing(client, world, people, case) -> None:
    url = f"/api/v1/lists/{world.contact_list.id}/contacts"
    if case == "no token":
        headers, status = {}, 401
    elif case == "wrong scope":
        headers, status = bearer((await issue_token(people.admin, ["contacts:read"])).secret), 403
    elif case == "expired":
        issued = await issue_token(people.admin, ["contacts:write"], ttl=timedelta(hours=1),
                                   now=datetime.now(timezone.utc) - timedelta(hours=2))
        headers, status = bearer(issued.secret), 401
    else:  # a supervisor cannot hold contacts:write, and the role check holds even if a token had it
        headers, status = bearer((await issue_token(people.supervisor, ["contacts:write"])).secret), 403
    r = await client.post(url, headers=headers, json={"phone": "+420602123456"})
    assert r.status_code == status and r.headers["content-type"].startswith("application/json")


async def test_supervisor_reads_only_their_teams_lists_and_contacts(client, world, supervisor_token) -> None:
    from dialer.models import Contact, ContactList
    night = await ContactList.create(name="Night list", team=world.other_team)
    stranger = await Contact.create(contact_list=night, phone="+420777000001")
    r = await client.get("/api/v1/lists", headers=supervisor_token)
    assert [x["name"] for x in r.json()["items"]] == ["Spring"]
    r = await client.get(f"/api/v1/contacts/{stranger.id}", headers=supervisor_token)
    assert r.status_code == 404
    r = await client.get("/api/v1/contacts", headers=supervisor_token)
    assert r.json()["total"] == 5
