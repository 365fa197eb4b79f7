"""Campaigns and what shapes their dialing: dial profiles, caller-ID pools, dispositions.

Defaults are the safe, compliant ones (3 % abandon cap over 30 days, 25 s ring, a message
for customers who find no agent); validation of combinations lives in the services that
save them, not here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from dialer.models.accounts import Team
from dialer.models.enums import (
    AbandonWindow,
    CampaignMode,
    CampaignStatus,
    DncScope,
    NoAgentAction,
    PrivateNumbers,
)

if TYPE_CHECKING:  # dialer.models.contacts imports this module
    from dialer.models.contacts import ContactList

# Seconds before a contact is tried again, per outcome of its last attempt. Abandoned calls
# wait 72 h: Ofcom forbids a repeat call within 72 h unless an agent is guaranteed.
DEFAULT_RETRY_INTERVALS: dict[str, int] = {
    "busy": 600,
    "no_answer": 3600,
    "congestion": 300,
    "failed": 3600,
    "machine": 4 * 3600,
    "abandoned": 72 * 3600,
    "cancelled": 600,
}

# Weekday -> list of [start, end) local times; the contact's time zone decides "local".
DEFAULT_CALLING_WINDOWS: dict[str, list[list[str]]] = {
    day: [["09:00", "20:00"]] for day in ("mon", "tue", "wed", "thu", "fri")
} | {"sat": [["10:00", "16:00"]], "sun": []}


# The two default factories are referenced by migrations by name: keep them.
def _default_retry() -> dict[str, int]:
    return dict(DEFAULT_RETRY_INTERVALS)


def _default_windows() -> dict[str, list[list[str]]]:
    return {day: [list(w) for w in spans] for day, spans in DEFAULT_CALLING_WINDOWS.items()}


class DialProfile(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100, unique=True)
    max_attempts = fields.IntField(db_default=5)
    retry_intervals = fields.JSONField(default=_default_retry)
    # FCC and Ofcom: ring at least 15 s; lower only with allow_short_ring set by an admin.
    ring_timeout_s = fields.IntField(db_default=25)
    allow_short_ring = fields.BooleanField(db_default=False)
    calling_windows = fields.JSONField(default=_default_windows)
    timezone = fields.CharField(max_length=64, db_default="UTC")
    daily_limit_per_number = fields.IntField(null=True)
    lifetime_limit_per_number = fields.IntField(null=True)
    # Days the company does not call, each {"date": "YYYY-MM-DD", "note": "..."}, in date order:
    # dates in the profile's time zone (compliance/hours.py says why that zone).
    closure_days = fields.JSONField(default=list, db_default="[]")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "dial_profile"
        ordering = ["name"]


class CallerIdPool(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100, unique=True)
    prefer_local = fields.BooleanField(db_default=True)
    # Never present the same caller ID twice in a row to the same contact.
    avoid_repeat = fields.BooleanField(db_default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "caller_id_pool"
        ordering = ["name"]


class CallerIdNumber(Model):
    id = fields.IntField(primary_key=True)
    pool: fields.ForeignKeyRelation[CallerIdPool] = fields.ForeignKeyField(
        "models.CallerIdPool", related_name="numbers", on_delete=fields.CASCADE
    )
    number = fields.CharField(max_length=32)  # E.164
    # Country (ISO 3166 alpha-2) and optional area, e.g. "CZ" or "US-212"; used to prefer
    # a number local to the callee.
    region = fields.CharField(max_length=16, db_default="")
    active = fields.BooleanField(db_default=True)

    class Meta:
        table = "caller_id_number"
        unique_together = (("pool", "number"),)


class Campaign(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100, unique=True)
    description = fields.TextField(db_default="")
    team: fields.ForeignKeyNullableRelation[Team] = fields.ForeignKeyField(
        "models.Team", related_name="campaigns", null=True, on_delete=fields.SET_NULL
    )
    mode = fields.CharEnumField(CampaignMode, max_length=16, db_default=CampaignMode.PREDICTIVE.value)
    status = fields.CharEnumField(CampaignStatus, max_length=16, db_default=CampaignStatus.DRAFT.value)
    archived = fields.BooleanField(db_default=False)
    contact_lists: fields.ManyToManyRelation["ContactList"] = fields.ManyToManyField(
        "models.ContactList", related_name="campaigns", through="campaign_contact_list"
    )
    dial_profile: fields.ForeignKeyNullableRelation[DialProfile] = fields.ForeignKeyField(
        "models.DialProfile", related_name="campaigns", null=True, on_delete=fields.RESTRICT
    )
    # Caller-ID policy: a contact's own ID wins, then the import's, then this fixed one,
    # then the pool.
    caller_id = fields.CharField(max_length=32, db_default="")
    caller_id_pool: fields.ForeignKeyNullableRelation[CallerIdPool] = fields.ForeignKeyField(
        "models.CallerIdPool", related_name="campaigns", null=True, on_delete=fields.SET_NULL
    )
    # Pacing
    pacer = fields.CharField(max_length=32, db_default="adaptive")
    calls_per_agent = fields.FloatField(db_default=1.0)
    overdial_pct = fields.FloatField(db_default=0.0)
    abandon_cap_pct = fields.FloatField(db_default=3.0)
    abandon_window = fields.CharEnumField(AbandonWindow, max_length=8, db_default=AbandonWindow.DAYS_30.value)
    max_attempts_per_5s = fields.IntField(db_default=20)
    max_lines = fields.IntField(db_default=30)
    predicted_talk_s = fields.IntField(db_default=120)
    # The pacer may hang up a call that has rung the law's 15 s when no agent would be free for it.
    release_ringing = fields.BooleanField(db_default=True)
    wrap_up_s = fields.IntField(db_default=10)
    auto_end_wrap_up = fields.BooleanField(db_default=True)
    # An agent's phone that drops (persistent mode) is called again by itself, with backoff.
    redial_agent_phones = fields.BooleanField(db_default=False)
    # No free agent for an answered customer
    no_agent_action = fields.CharEnumField(NoAgentAction, max_length=16, db_default=NoAgentAction.HOLD.value)
    hold_message = fields.CharField(max_length=200, db_default="")  # sound played first
    hold_music_class = fields.CharField(max_length=64, db_default="default")
    max_wait_s = fields.IntField(db_default=15)
    # The law wants the abandoned customer told who called and a number to call back.
    abandon_message = fields.CharField(max_length=200, db_default="")
    # The law the campaign dials under (compliance/profiles.py): us, uk, eu or none; empty: the
    # deployment's (DIALER_REGULATORY_PROFILE, eu). It fixes the defaults and the limits a save may not cross.
    regulatory_profile = fields.CharField(max_length=8, db_default="")
    private_numbers = fields.CharEnumField(PrivateNumbers, max_length=16, db_default=PrivateNumbers.OFF.value)
    deep_link_template = fields.CharField(max_length=1000, db_default="")
    # The program the agents' tray app runs from the card, by the name their config.toml whitelists
    # it under (never a path: the agent's machine says what the name starts); empty: no Run.
    desktop_program = fields.CharField(max_length=64, db_default="")
    card_fields = fields.JSONField(default=list)  # custom fields shown on the agent's card
    required_skills = fields.JSONField(default=list)
    record_calls = fields.BooleanField(db_default=False)
    # With record_calls: also the customer's wait for an agent (hold treatment, abandon message),
    # as a second file of the call (engine/recording.py).
    record_wait = fields.BooleanField(db_default=False)
    # Recordings older than this are deleted (a call on legal hold keeps its file).
    recording_retention_days = fields.IntField(db_default=90)
    amd_enabled = fields.BooleanField(db_default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    started_at = fields.DatetimeField(null=True)

    class Meta:
        table = "campaign"
        ordering = ["name"]
        indexes = (("status", "archived"),)

    def __str__(self) -> str:
        return self.name


class PacerState(Model):
    """What a campaign's pacer has learned, kept across engine restarts (one row per pacer).

    The adaptive pacer's risk bound, VICIdial's dial level: without them a restarted engine
    learns them again from the start value. One row per pacer, so that switching a campaign to
    another pacer and back finds the first one's learning still there."""

    id = fields.IntField(primary_key=True)
    campaign: fields.ForeignKeyRelation[Campaign] = fields.ForeignKeyField(
        "models.Campaign", related_name="pacer_states", on_delete=fields.CASCADE
    )
    pacer = fields.CharField(max_length=32)
    state = fields.JSONField(default=dict)
    saved_at = fields.DatetimeField()

    class Meta:
        table = "pacer_state"
        unique_together = (("campaign", "pacer"),)


class Disposition(Model):
    """What the agent says a call came to. Global when `campaign` is null."""

    id = fields.IntField(primary_key=True)
    campaign: fields.ForeignKeyNullableRelation[Campaign] = fields.ForeignKeyField(
        "models.Campaign", related_name="dispositions", null=True, on_delete=fields.CASCADE
    )
    code = fields.CharField(max_length=32)
    name = fields.CharField(max_length=100)
    is_final = fields.BooleanField(db_default=False)  # contact done, no more attempts
    is_callback = fields.BooleanField(db_default=False)  # asks for a date and time
    is_private = fields.BooleanField(db_default=False)  # callback kept for the same agent
    is_success = fields.BooleanField(db_default=False)
    # An agent-marked answering machine: Ofcom's abandon-rate adjustment counts these.
    is_machine = fields.BooleanField(db_default=False)
    # Saving a call with it puts the number on the do-not-call list (everywhere or in the
    # call's campaign), for ever or for `dnc_expires_days`.
    adds_dnc = fields.BooleanField(db_default=False)
    dnc_scope = fields.CharEnumField(DncScope, max_length=16, db_default=DncScope.GLOBAL.value)
    dnc_expires_days = fields.IntField(null=True)
    sort_order = fields.IntField(db_default=0)
    active = fields.BooleanField(db_default=True)

    class Meta:
        table = "disposition"
        unique_together = (("campaign", "code"),)
        ordering = ["sort_order", "name"]
