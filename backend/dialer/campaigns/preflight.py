"""The preflight of one campaign: gathers what the compliance rules need from the record (its
settings and dial profile, caller IDs, the DNC list's freshness, the abandon rate over the
rule's window) and returns the rules' verdicts. Used by `dialer campaign check` and the
campaign page; the rules themselves are pure (`compliance/preflight.py`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dialer.campaigns.callees import callee_groups
from dialer.campaigns.regulation import DialSettings, campaign_dial_settings, facts_of
from dialer.compliance.hours import Callee, holiday_for
from dialer.compliance.law import FCC_WINDOW, MESSAGE_WITHIN_S, OFCOM_WINDOW
from dialer.compliance.preflight import CampaignFacts, RuleResult, preflight, report
from dialer.engine.compliance_window import load_compliance_window
from dialer.models import CallerIdNumber, Campaign, Contact, DncEntry
from dialer.models.enums import AbandonWindow, ContactStatus, DncSource
from dialer.scheduling.zones import zone_named

HOLIDAY_SAMPLE = 500


async def campaign_facts(campaign: Campaign, now: datetime) -> CampaignFacts:
    dial = await campaign_dial_settings(campaign)
    caller_ids = [campaign.caller_id] if campaign.caller_id else []
    if campaign.caller_id_pool_id:
        caller_ids += await CallerIdNumber.filter(pool_id=campaign.caller_id_pool_id, active=True).values_list(
            "number", flat=True)
    latest = await DncEntry.filter(campaign_id=None, source=DncSource.IMPORT).order_by("-added_at").first()
    length = OFCOM_WINDOW if campaign.abandon_window is AbandonWindow.HOURS_24 else FCC_WINDOW
    window = await load_compliance_window(campaign.id, length, MESSAGE_WITHIN_S, now)
    live, abandons = window.rule_counts(now)
    return facts_of(campaign, dial, caller_ids=tuple(caller_ids), dnc_updated_at=latest.added_at if latest else None,
                    abandon_rate=abandons / live if live else None, now=now,
                    holidays_today=await _holidays_today(campaign, dial, now))


async def _holidays_today(campaign: Campaign, dial: DialSettings, now: datetime) -> tuple[str, ...]:
    """The public holidays today of the campaign's callees, from the contacts it would dial next
    (a sample): where the law skips holidays, these keep it off today."""
    if not dial.skip_holidays:
        return ()
    list_ids = await campaign.contact_lists.all().values_list("id", flat=True)
    if not list_ids:
        return ()
    pending = Contact.filter(contact_list_id__in=list_ids, status=ContactStatus.PENDING).order_by("next_attempt_at")
    named: dict[str, int] = {}
    for group in await callee_groups(pending, dial.timezone, HOLIDAY_SAMPLE):
        callee = Callee(tuple(z for name in group.zones if (z := zone_named(name))), group.country, group.subdivision)
        if (off := holiday_for(now, callee)) is not None:
            named[off.describe()] = named.get(off.describe(), 0) + group.count
    return tuple(sorted(named, key=lambda d: -named[d]))


async def campaign_check(campaign: Campaign, now: datetime) -> list[RuleResult]:
    """Every rule with pass / fail / n/a and why."""
    return preflight(await campaign_facts(campaign, now))


async def campaign_report(campaign: Campaign, now: datetime) -> dict[str, Any]:
    """The `dialer campaign check --json` document: {"campaign", "ok", "rules": [...]}."""
    return report(await campaign_facts(campaign, now))
