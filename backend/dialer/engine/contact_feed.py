"""Turning leased contacts into calls ready to dial.

Per batch: lease, load, then keep only contacts that may be called now — inside the calling
window in their own time zone, under the daily and lifetime limits per number (across all
campaigns), not on the DNC list (checked again here, so a number added while the campaign
runs is never dialed) — choose the phone and caller ID, and write the attempt rows before
anything is dialed: after a crash the record says what was dialed, and nothing is dialed
twice. Contacts that may not be called now go back with the time they may be; those a rule of
the law kept (hours, holidays, DNC) are recorded as such, one event each (`compliance/skips.py`).

A contact that names its own dial profile is checked by that profile's hours, closure days and
limits (within the campaign's law, `campaigns/regulation.py`), the others by the campaign's.
The lease stays one indexed statement that knows no hours: a contact it hands out that may not
be called now goes back with its next opening as its due time, which takes it off the lease's
index walk until then. Only what holds for a whole day whoever the callee is (a closure day)
is left to the lease: a campaign closed today leases nothing, and the contacts of an own
profile closed today are passed over by the statement itself.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.functions import Count
from tortoise.transactions import in_transaction

from dialer.compliance.hours import callee_of, closure_on, next_call_time
from dialer.compliance.skips import RuleSkip, dnc_skip, hours_skip
from dialer.engine.campaign_runtime import CampaignConfig
from dialer.engine.pbx_ids import new_pbx_id
from dialer.models import CallAttempt, CallerIdNumber, CallerIdPool, CallEvent, Contact
from dialer.models.enums import CallDirection, ContactStatus
from dialer.scheduling.caller_id import CallerIdPolicy, PoolNumber, choose_caller_id
from dialer.scheduling.leasing import LeaseRequest, dnc_bars, lease_contacts
from dialer.scheduling.zones import contact_zones


@dataclass(frozen=True)
class PreparedCall:
    leg_id: str  # the customer leg's id, stored on the attempt before dialing
    attempt_id: int
    contact_id: int
    phone: str
    phone_index: int
    caller_id: str
    attempt_no: int
    card: dict[str, Any]
    phone_count: int = 1
    max_attempts: int | None = None
    dial_profile_id: int | None = None  # the contact's own, whose ring time, retries and limit it gets


@dataclass(frozen=True)
class Candidate:
    """A leased contact that may be called now, with the number and caller ID chosen."""

    contact: Contact
    phone: str
    caller_id: str


@dataclass
class FeedResult:
    candidates: list[Candidate] = field(default_factory=list)
    deferred: int = 0  # outside calling hours / limits: back with a due time
    dnc: int = 0
    leased: int = 0
    skipped: Counter[RuleSkip] = field(default_factory=Counter)  # by the rule that kept them


def _phone_at(contact: Contact, index: int) -> str:
    phones = [contact.phone, *(contact.alt_phones or [])]
    return phones[index] if 0 <= index < len(phones) else contact.phone


@dataclass(frozen=True)
class _Pool:
    numbers: tuple[PoolNumber, ...] = ()
    prefer_local: bool = True
    avoid_repeat: bool = True


async def _pool(pool_id: int | None) -> _Pool:
    """The pool's active numbers and its two switches, which the admin sets on the pool's page."""
    if pool_id is None:
        return _Pool()
    pool = await CallerIdPool.get_or_none(id=pool_id)
    rows = await CallerIdNumber.filter(pool_id=pool_id, active=True).only("number", "region")
    numbers = tuple(PoolNumber(r.number, r.region) for r in rows)
    if pool is None:
        return _Pool(numbers)
    return _Pool(numbers, pool.prefer_local, pool.avoid_repeat)


def _local_day(now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The callee's today in UTC: from their last midnight to their next."""
    today = now.astimezone(zone).date()
    start = datetime.combine(today, time(0), tzinfo=zone)
    end = datetime.combine(today + timedelta(days=1), time(0), tzinfo=zone)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


async def _calls_today(phones: list[str], contacts: list[Contact],
                       days: dict[int, tuple[datetime, datetime]]) -> dict[int, int]:
    """Per contact: calls to its number (from any campaign) since the callee's midnight."""
    if not days:
        return {}
    rows = await CallAttempt.filter(phone__in=phones, originated_at__gte=min(d[0] for d in days.values())) \
        .values_list("phone", "originated_at")
    counts: dict[int, int] = {}
    for contact, phone in zip(contacts, phones):
        start = days[contact.id][0]
        counts[contact.id] = sum(1 for p, at in rows if p == phone and at >= start)
    return counts


async def _calls_per_number(phones: list[str], since: datetime | None) -> dict[str, int]:
    query = CallAttempt.filter(phone__in=phones)
    if since is not None:
        query = query.filter(originated_at__gte=since)
    rows = await query.annotate(n=Count("id")).group_by("phone").values("phone", "n")
    return {r["phone"]: r["n"] for r in rows}


async def _closed_profiles(config: CampaignConfig, now: datetime) -> tuple[int, ...]:
    """The contacts' own dial profiles met so far that are on a closure day now, read afresh
    (an admin may have taken the day off the profile since)."""
    known = [pid for pid, dial in config.own_dials.items() if closure_on(now, dial.closures) is not None]
    if not known:
        return ()
    await config.take_contact_profiles(known)
    return tuple(pid for pid in known if closure_on(now, config.dial_for(pid).closures) is not None)


async def select_contacts(config: CampaignConfig, owner: str, want: int, now: datetime,
                          rng: random.Random, owner_agent_id: int | None = None) -> FeedResult:
    """Lease and check contacts; what may not be called now goes back with its due time."""
    result = FeedResult()
    if want <= 0 or not config.list_ids or closure_on(now, config.dial.closures) is not None:
        # The campaign's company is closed today: its agents are off, whoever the contact (the
        # campaign page says so, `campaigns/status.py`).
        return result
    ids = await lease_contacts(LeaseRequest(config.list_ids, owner, want, now, timedelta(minutes=2),
                                            config.campaign_id, owner_agent_id, await _closed_profiles(config, now)))
    result.leased = len(ids)
    if not ids:
        return result
    contacts = await Contact.filter(id__in=ids).order_by("id")
    await config.take_contact_profiles(c.dial_profile_id for c in contacts)
    dials = {c.id: config.dial_for(c.dial_profile_id) for c in contacts}
    phones = [_phone_at(c, c.phone_index) for c in contacts]
    blocked = await dnc_bars(phones, config.campaign_id, now)
    # The daily limit counts the callee's day, from their midnight (a US callee's "today" began
    # 6-9 hours after UTC's): the zone of the contact, else of the number, else its dial profile's.
    zones = {c.id: contact_zones(c.timezone, phone, dials[c.id].timezone) for c, phone in zip(contacts, phones)}
    days = {cid: _local_day(now, z[0]) for cid, z in zones.items()}
    daily = await _calls_today(phones, contacts, days) if any(d.daily_limit for d in dials.values()) else {}
    lifetime = await _calls_per_number(phones, None) if any(d.lifetime_limit for d in dials.values()) else {}
    pools: dict[int | None, _Pool] = {}

    go_back: dict[int, dict[str, Any]] = {}
    skips: list[CallEvent] = []

    def skip(rule: RuleSkip, contact: Contact, phone: str, until: datetime | None = None) -> None:
        result.skipped[rule] += 1
        skips.append(CallEvent(at=now, kind=rule.value, campaign_id=config.campaign_id, payload={
            "contact_id": contact.id, "phone": phone} | ({"until": until.isoformat()} if until else {})))

    for contact, phone in zip(contacts, phones):
        dial = dials[contact.id]
        if phone in blocked:
            # Closed only when barred for good everywhere; barred in this campaign or until a date,
            # it goes back as it was (the lease passes it over while the bar holds).
            go_back[contact.id] = {"status": ContactStatus.DNC if blocked[phone].forever else ContactStatus.PENDING,
                                   "lease_owner": None, "lease_expires_at": None}
            result.dnc += 1
            skip(dnc_skip(blocked[phone].everywhere), contact, phone)
            continue
        if dial.lifetime_limit and lifetime.get(phone, 0) >= dial.lifetime_limit:
            go_back[contact.id] = {"status": ContactStatus.EXHAUSTED, "lease_owner": None, "lease_expires_at": None,
                                   "last_outcome": "limit"}
            result.deferred += 1
            continue
        if dial.daily_limit and daily.get(contact.id, 0) >= dial.daily_limit:
            go_back[contact.id] = _later(days[contact.id][1])  # the callee's next midnight
            result.deferred += 1
            continue
        # In the callee's own time, not on a public holiday of their country (and region where
        # known) nor on a closure day of the company (compliance/hours.py).
        hours = dial.hours
        callee = callee_of(phone, zones[contact.id])
        when = next_call_time(now, callee, hours)
        if when is None or when > now:
            go_back[contact.id] = _later(when or now + timedelta(days=1))
            result.deferred += 1
            # Once per contact and closed spell: it is not leased again before `when`.
            skip(hours_skip(now, callee, hours), contact, phone, when)
            continue
        pool_id = contact.caller_id_pool_id or config.pool_id
        if pool_id not in pools:
            pools[pool_id] = await _pool(pool_id)
        pool = pools[pool_id]
        policy = CallerIdPolicy(contact_caller_id=contact.caller_id, campaign_caller_id=config.caller_id,
                                pool=pool.numbers, prefer_local=pool.prefer_local, avoid_repeat=pool.avoid_repeat)
        caller_id = choose_caller_id(policy, phone, contact.last_caller_id, rng)
        result.candidates.append(Candidate(contact, phone, caller_id))

    async with in_transaction():
        for contact_id, fields in go_back.items():
            await Contact.filter(id=contact_id).update(**fields)
        # In the same transaction as the contacts put back: a skip is on record exactly when it happened.
        if skips:
            await CallEvent.bulk_create(skips)
    return result


async def start_attempts(config: CampaignConfig, owner: str, candidates: list[Candidate],
                         now: datetime, leg_ids: list[str] | None = None) -> list[PreparedCall]:
    """Write the attempt rows (and count the attempts) right before dialing. `leg_ids` are the
    customer legs' ids when the caller chose them already (else new ones)."""
    calls: list[PreparedCall] = []
    async with in_transaction():
        for i, candidate in enumerate(candidates):
            contact, phone, caller_id = candidate.contact, candidate.phone, candidate.caller_id
            attempt_no = contact.attempts + 1
            leg_id = leg_ids[i] if leg_ids else new_pbx_id(owner)
            attempt = await CallAttempt.create(
                campaign_id=config.campaign_id, contact_id=contact.id, phone=phone, caller_id=caller_id,
                direction=CallDirection.OUTBOUND, originated_at=now, engine_id=owner, channel_id=leg_id)
            await Contact.filter(id=contact.id).update(attempts=attempt_no, last_attempt_at=now,
                                                       last_caller_id=caller_id)
            calls.append(PreparedCall(leg_id, attempt.id, contact.id, phone, contact.phone_index, caller_id,
                                      attempt_no, card_data(contact, config, attempt_no, phone),
                                      1 + len(contact.alt_phones or []), contact.max_attempts,
                                      contact.dial_profile_id))
    return calls


def _later(when: datetime) -> dict[str, Any]:
    return {"status": ContactStatus.PENDING, "next_attempt_at": when.astimezone(timezone.utc),
            "lease_owner": None, "lease_expires_at": None}


def card_data(contact: Contact, config: CampaignConfig, attempt_no: int, phone: str) -> dict[str, Any]:
    from dialer.engine.card import build_card

    return build_card(contact_id=contact.id, name=contact.name, external_id=contact.external_id or "",
                      phone=phone, custom_fields=contact.custom_fields or {}, campaign_id=config.campaign_id,
                      campaign_name=config.name, attempt_no=attempt_no, card_fields=config.card_fields,
                      deep_link_template=config.deep_link_template, desktop_program=config.desktop_program)


async def count_remaining(lists: dict[int, tuple[int, ...]]) -> dict[int, int]:
    """Contacts still to be called (pending or leased) per campaign, given each one's lists.
    Pending ones are counted from the partial dialable index alone, so this stays cheap on
    lists of millions; leased ones are the few in flight, found once by status for all."""
    leased = Counter(await Contact.filter(status=ContactStatus.LEASED).values_list("contact_list_id", flat=True))
    counts: dict[int, int] = {}
    for campaign_id, list_ids in lists.items():
        pending = 0
        if list_ids:
            pending = await Contact.filter(contact_list_id__in=list_ids, status=ContactStatus.PENDING).count()
        counts[campaign_id] = pending + sum(leased[list_id] for list_id in list_ids)
    return counts
