"""The do-not-call list at lease time, on SQLite and PostgreSQL: a number barred everywhere or
in this campaign is not leased, one barred in another campaign or whose bar has ended is; the
same with one list (PostgreSQL walks the ordered index and probes the DNC index per row) and
with several; and the plan is the one that stays fast against a registry-sized list."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from dialer.models import Campaign, Contact, ContactList, DncEntry
from dialer.models.enums import DncSource
from dialer.scheduling.leasing import LeaseRequest, _lease_sql, dnc_blocks, lease_contacts

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=timezone.utc)


async def _world() -> tuple[int, list[int], dict[str, str]]:
    here, other = await Campaign.create(name="here"), await Campaign.create(name="other")
    first, second = await ContactList.create(name="first"), await ContactList.create(name="second")
    bars = {  # phone -> what bars it
        "+420601000001": "everywhere, for good",
        "+420601000002": "everywhere, ended",
        "+420601000003": "here",
        "+420601000004": "the other campaign",
        "+420601000005": "everywhere, until tomorrow",
        "+420601000006": "nothing",
    }
    for n, phone in enumerate(bars):
        await Contact.create(contact_list=first if n % 2 else second, phone=phone, name=phone)
    await DncEntry.create(phone="+420601000001", source=DncSource.IMPORT)
    await DncEntry.create(phone="+420601000002", expires_at=NOW - timedelta(seconds=1), source=DncSource.IMPORT)
    await DncEntry.create(phone="+420601000003", campaign_id=here.id, source=DncSource.AGENT)
    await DncEntry.create(phone="+420601000004", campaign_id=other.id, source=DncSource.DISPOSITION)
    await DncEntry.create(phone="+420601000005", expires_at=NOW + timedelta(days=1), source=DncSource.MANUAL)
    return here.id, [first.id, second.id], bars


async def _leased(list_ids: list[int], campaign_id: int, now: datetime = NOW) -> set[str]:
    ids = await lease_contacts(LeaseRequest(tuple(list_ids), "t", 100, now, campaign_id=campaign_id))
    leased = set(await Contact.filter(id__in=ids).values_list("phone", flat=True))
    await Contact.filter(id__in=ids).update(status="pending", lease_owner=None, lease_expires_at=None)
    return leased


async def test_scope_and_expiry_at_lease_with_one_list_and_with_several(db: str) -> None:
    here, lists, _ = await _world()
    dialable = {"+420601000002", "+420601000004", "+420601000006"}
    assert await _leased(lists, here) == dialable
    for one in lists:  # one list: the ordered index and the per-row probe on PostgreSQL
        wanted = set(await Contact.filter(contact_list_id=one).values_list("phone", flat=True)) & dialable
        assert await _leased([one], here) == wanted
    assert await _leased(lists, here, NOW + timedelta(days=2)) == dialable | {"+420601000005"}, "the bar ended"
    # Just before dialing: barred now, and whether for good everywhere (only then is the contact closed).
    asked = ["+420601000001", "+420601000003", "+420601000005", "+420601000006"]
    assert await dnc_blocks(asked, here, NOW) == {"+420601000001": True, "+420601000003": False,
                                                  "+420601000005": False}


async def test_postgres_walks_the_ordered_index_and_probes_the_dnc_index(db: str) -> None:
    conn = Tortoise.get_connection("default")
    if conn.capabilities.dialect != "postgres":
        return  # SQLite plans a correlated NOT EXISTS as an index probe per row by itself
    here, lists, _ = await _world()
    sql, values = _lease_sql(conn, LeaseRequest((lists[0],), "t", 50, NOW, campaign_id=here), False, 50)
    async with in_transaction() as tx:
        await tx.execute_script("SET LOCAL enable_seqscan = off")  # the plan a big table gets, on a small one
        plan = "\n".join(r["QUERY PLAN"] for r in await tx.execute_query_dict("EXPLAIN " + sql, values))
    assert "idx_contact_dialable_order" in plan and "SubPlan" in plan, plan
    assert "Anti Join" not in plan and "Sort" not in plan.split("SubPlan")[0], plan
