"""`dialer campaign list | check | start | pause | resume | stop | clear`: campaign control from the shell.

The same rules as the web pages and the API (`campaigns.control`); a running engine follows
the new status within a second, whichever process it runs in.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone

from dialer.accounts.users import Actor
from dialer.campaigns.control import ControlError, control_campaign
from dialer.campaigns.preflight import campaign_report
from dialer.config import load_settings
from dialer.db import database
from dialer.models import Campaign, Contact
from dialer.models.enums import ContactStatus


async def dispatch(args: argparse.Namespace) -> int:
    settings = load_settings()
    async with database(settings.database_url):
        if args.campaign_command == "list":
            campaigns = await Campaign.filter(archived=False).prefetch_related("contact_lists", "team")
            print(f"{'CAMPAIGN':<32} {'MODE':<12} {'STATUS':<9} {'TEAM':<16} PENDING / TOTAL")
            for c in campaigns:
                list_ids = [cl.id for cl in c.contact_lists]
                total = await Contact.filter(contact_list_id__in=list_ids).count() if list_ids else 0
                pending = await Contact.filter(contact_list_id__in=list_ids, status=ContactStatus.PENDING).count() \
                    if list_ids else 0
                print(f"{c.name:<32} {c.mode.value:<12} {c.status.value:<9} {(c.team.name if c.team else '-'):<16} "
                      f"{pending} / {total}")
            return 0
        campaign = await Campaign.get_or_none(name=args.name)
        if campaign is None:
            print(f"dialer: no campaign named {args.name!r} (see `dialer campaign list`)", file=sys.stderr)
            return 2
        if args.campaign_command == "check":
            return await check(campaign, as_json=args.json)
        try:
            event = await control_campaign(campaign, args.campaign_command, actor=Actor.system("cli"),
                                           clear_mode=getattr(args, "mode", None))
        except ControlError as exc:
            print(f"dialer: {exc.message}", file=sys.stderr)
            return 2
        fresh = await Campaign.get(id=campaign.id)
        extra = f", {event.get('contacts')} contacts reset" if event.get("contacts") is not None else ""
        print(f"{fresh.name}: {args.campaign_command} done, status {fresh.status.value}{extra}")
        return 0


async def check(campaign: Campaign, *, as_json: bool) -> int:
    """The preflight: each rule with pass / fail / n/a and why; 1 when any rule fails."""
    doc = await campaign_report(campaign, datetime.now(timezone.utc))
    if as_json:
        print(json.dumps(doc, ensure_ascii=False))
    else:
        print(f"{doc['campaign']}: {'ready' if doc['ok'] else 'NOT ready'} to dial")
        for rule in doc["rules"]:
            print(f"  {rule['status']:<5} {rule['rule']:<15} {rule['detail']}")
    return 0 if doc["ok"] else 1
