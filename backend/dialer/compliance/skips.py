"""Contacts a rule of the law kept from being dialed: outside the callee's calling hours, on a
public holiday of theirs, or on the do-not-call list. The record keeps one event per contact
passed over (its `call_event.kind` is the value below), which the compliance figures count.
Pure: the names and which one applies; the engine writes the events (`engine/contact_feed.py`).
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from dialer.compliance.hours import Callee, CallingHours, closed_on


class RuleSkip(str, Enum):
    """Why a due contact was not dialed, by rule; the value is the kind of the event recorded."""

    OUTSIDE_HOURS = "skipped_outside_hours"
    """Leased outside the callee's calling window (in their time zone): put back until it opens."""
    HOLIDAY = "skipped_holiday"
    """A public holiday of the callee's country (or a closed day): put back until the next calling day."""
    DNC_GLOBAL = "skipped_dnc_global"
    """The number is on the do-not-call list for every campaign (for good, or until a date)."""
    DNC_CAMPAIGN = "skipped_dnc_campaign"
    """The number is on the do-not-call list of this campaign only."""


HOURS_SKIPS = (RuleSkip.OUTSIDE_HOURS, RuleSkip.HOLIDAY)
DNC_SKIPS = (RuleSkip.DNC_GLOBAL, RuleSkip.DNC_CAMPAIGN)


def hours_skip(now: datetime, callee: Callee, hours: CallingHours) -> RuleSkip:
    """Which hours rule keeps a callee who may not be called at `now`: the day first (a holiday
    at 03:00 is still the holiday's), else the window."""
    return RuleSkip.HOLIDAY if closed_on(now, callee, hours) else RuleSkip.OUTSIDE_HOURS


def dnc_skip(everywhere: bool) -> RuleSkip:
    """A number barred by an entry for every campaign counts as global, though this campaign's
    own list may bar it too: the broader bar is the one that holds."""
    return RuleSkip.DNC_GLOBAL if everywhere else RuleSkip.DNC_CAMPAIGN
