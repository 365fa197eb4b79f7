"""Leasing on SQLite and PostgreSQL: due callbacks first, DNC never, expiry returns contacts,
and two processes never lease the same contact."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from dialer.models import Contact, ContactList, DialProfile, DncEntry
from dialer.models.enums import ContactStatus
from dialer.scheduling.leasing import (
    LeaseRequest,
    _lease_sql,
    dnc_numbers,
    lease_contacts,
    reclaim_expired_leases,
    release_leases,
    renew_leases,
)

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)


async def make_list(n: int, name: str = "L") -> ContactList:
    clist = await ContactList.create(name=name)
    await Contact.bulk_create([Contact(contact_list=clist, phone=f"+42060100{i:04d}") for i in range(n)])
    return clist


def req(clist: ContactList, limit: int, owner: str = "e1", now: datetime = NOW, **kw) -> LeaseRequest:
    return LeaseRequest((clist.id,), owner, limit, now, **kw)


async def test_leases_each_contact_once_and_marks_it(db: str) -> None:
    clist = await make_list(10)
    first = await lease_contacts(req(clist, 4))
    second = await lease_contacts(req(clist, 10, owner="e2"))
    assert len(first) == 4 and len(second) == 6 and not set(first) & set(second)
    assert await lease_contacts(req(clist, 5)) == []
    leased = await Contact.get(id=first[0])
    assert leased.status is ContactStatus.LEASED and leased.lease_owner == "e1"
    assert leased.lease_expires_at == NOW + timedelta(minutes=2)


async def test_not_yet_due_contacts_wait_and_due_callbacks_come_first(db: str) -> None:
    clist = await make_list(3)
    contacts = await Contact.filter(contact_list=clist).order_by("id")
    contacts[0].next_attempt_at = NOW + timedelta(minutes=5)
    await contacts[0].save()
    contacts[2].is_callback, contacts[2].next_attempt_at = True, NOW - timedelta(minutes=1)
    await contacts[2].save()
    got = await lease_contacts(req(clist, 1))
    assert got == [contacts[2].id]
    assert await lease_contacts(req(clist, 5)) == [contacts[1].id]
    assert await lease_contacts(req(clist, 5, now=NOW + timedelta(minutes=5))) == [contacts[0].id]


async def test_private_callbacks_go_only_to_their_agent(db: str) -> None:
    from dialer.accounts.users import Actor, create_user
    from dialer.models.enums import Role

    user = await create_user("ada", "password-123", Role.AGENT, actor=Actor.system())
    agent = await user.agent
    clist = await make_list(2)
    mine = await Contact.filter(contact_list=clist).first()
    mine.owner_agent_id, mine.is_callback, mine.next_attempt_at = agent.id, True, NOW
    await mine.save()
    everyone = await lease_contacts(req(clist, 5))
    assert mine.id not in everyone and len(everyone) == 1
    assert await lease_contacts(req(clist, 5, owner_agent_id=agent.id)) == [mine.id]


async def test_dnc_numbers_are_never_leased(db: str) -> None:
    clist = await make_list(3)
    await DncEntry.create(phone="+420601000000")
    await DncEntry.create(phone="+420601000001", campaign_id=99)
    await DncEntry.create(phone="+420601000002", expires_at=NOW - timedelta(days=1))
    got = await lease_contacts(req(clist, 5, campaign_id=99))
    phones = {c.phone for c in await Contact.filter(id__in=got)}
    assert phones == {"+420601000002"}
    assert await dnc_numbers(["+420601000000", "+420601000001", "+420601000002"], 7, NOW) == {"+420601000000"}


async def test_expired_leases_return_and_renewed_ones_stay(db: str) -> None:
    clist = await make_list(4)
    crashed = await lease_contacts(req(clist, 2, owner="dead"))
    alive = await lease_contacts(req(clist, 2, owner="alive"))
    later = NOW + timedelta(minutes=3)
    assert await renew_leases("alive", later + timedelta(minutes=2)) == 2
    assert await reclaim_expired_leases(later) == 2
    again = await lease_contacts(req(clist, 5, owner="new", now=later))
    assert sorted(again) == sorted(crashed) and not set(again) & set(alive)


async def test_release_gives_unused_leases_back(db: str) -> None:
    clist = await make_list(3)
    got = await lease_contacts(req(clist, 3))
    assert await release_leases("other-owner", got) == 0
    assert await release_leases("e1", got[:2]) == 2
    assert sorted(await lease_contacts(req(clist, 3, owner="e2"))) == sorted(got[:2])


async def test_two_processes_never_lease_the_same_contact(db: str) -> None:
    clist = await make_list(2000)
    worker = Path(__file__).with_name("lease_worker.py")
    procs = [await asyncio.create_subprocess_exec(sys.executable, str(worker), db, owner, str(clist.id),
                                                  stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
             for owner in ("engine-a", "engine-b")]
    for p in procs:
        assert (await asyncio.wait_for(p.stdout.readline(), 60)).strip() == b"ready"
    for p in procs:
        p.stdin.write(b"go\n")
        await p.stdin.drain()
    outputs = [json.loads((await p.communicate())[0]) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    a, b = set(outputs[0]), set(outputs[1])
    assert len(outputs[0]) == len(a) and len(outputs[1]) == len(b)
    assert not a & b and len(a | b) == 2000
    assert a and b, "both processes should have got work (they ran concurrently)"


async def test_contacts_of_an_own_profile_closed_today_are_passed_over(db: str) -> None:
    closed, working = await DialProfile.create(name="closed"), await DialProfile.create(name="working")
    clist = await make_list(6)
    contacts = await Contact.filter(contact_list=clist).order_by("id")
    for contact, profile in zip(contacts, (closed, closed, working, None, closed, working)):
        await Contact.filter(id=contact.id).update(dial_profile_id=profile.id if profile else None)
    got = await lease_contacts(req(clist, 10, closed_profiles=(closed.id, 999)))
    assert got == [contacts[2].id, contacts[3].id, contacts[5].id], "its own profile's, none and the other's"
    assert await lease_contacts(req(clist, 10, owner="e2")) == [contacts[0].id, contacts[1].id, contacts[4].id]
    conn = Tortoise.get_connection("default")
    if conn.capabilities.dialect == "postgres":
        # The filter rides on the walk of the ordered index: no sort of the whole list.
        sql, values = _lease_sql(conn, req(clist, 50, closed_profiles=(closed.id,)), False, 50)
        async with in_transaction() as tx:
            await tx.execute_script("SET LOCAL enable_seqscan = off")
            plan = "\n".join(r["QUERY PLAN"] for r in await tx.execute_query_dict("EXPLAIN " + sql, values))
        assert "idx_contact_dialable_order" in plan and "Sort" not in plan.split("SubPlan")[0], plan
