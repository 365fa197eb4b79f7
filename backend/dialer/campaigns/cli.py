"""`dialer campaign list | start | pause | resume | stop | clear`: campaign control from the shell.

The same rules as the web pages and the API (`campaigns.control`); a running engine follows
the new status within a second, whichever process it runs in.
"""

from __future__ import annotations

import argparse
import sys


from dialer.accounts.users import Actor
from dialer.campaigns.control import ControlError, control_campaign
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
