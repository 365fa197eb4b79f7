"""The record of every call: attempts with their timings and outcome, and the event database."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from dialer.models.agents import Agent
from dialer.models.campaigns import Campaign, Disposition
from dialer.models.contacts import Contact
from dialer.models.enums import CallDirection, CallOutcome, SystemDisposition


class CallAttempt(Model):
    id = fields.BigIntField(primary_key=True)
    # A campaign with call history cannot be deleted (archive it): the record must stay whole.
    campaign: fields.ForeignKeyNullableRelation[Campaign] = fields.ForeignKeyField(
        "models.Campaign", related_name="call_attempts", null=True, on_delete=fields.RESTRICT
    )
    contact: fields.ForeignKeyNullableRelation[Contact] = fields.ForeignKeyField(
        "models.Contact", related_name="call_attempts", null=True, on_delete=fields.SET_NULL
    )
    agent: fields.ForeignKeyNullableRelation[Agent] = fields.ForeignKeyField(
        "models.Agent", related_name="call_attempts", null=True, on_delete=fields.SET_NULL
    )
    direction = fields.CharEnumField(CallDirection, max_length=16, db_default=CallDirection.OUTBOUND.value)
    phone = fields.CharField(max_length=32)  # the number dialed (main or alternate)
    caller_id = fields.CharField(max_length=32, db_default="")
    channel_id = fields.CharField(max_length=64, db_default="")
    originated_at = fields.DatetimeField()
    ringing_at = fields.DatetimeField(null=True)
    answered_at = fields.DatetimeField(null=True)
    bridged_at = fields.DatetimeField(null=True)
    ended_at = fields.DatetimeField(null=True)
    outcome = fields.CharEnumField(CallOutcome, max_length=16, null=True)
    hangup_cause = fields.IntField(null=True)  # Q.850
    hangup_cause_text = fields.CharField(max_length=100, db_default="")
    amd_status = fields.CharField(max_length=16, db_default="")
    wait_s = fields.FloatField(null=True)  # answered -> bridged (or released)
    talk_s = fields.FloatField(null=True)
    wrap_up_s = fields.FloatField(null=True)
    disposition: fields.ForeignKeyNullableRelation[Disposition] = fields.ForeignKeyField(
        "models.Disposition", related_name="call_attempts", null=True, on_delete=fields.SET_NULL
    )
    # Set by the dialer when no agent disposition came (wrap-up timed out, dialer restarted, ...).
    system_disposition = fields.CharEnumField(SystemDisposition, max_length=24, null=True)
    notes = fields.TextField(db_default="")
    callback_at = fields.DatetimeField(null=True)
    recording_name = fields.CharField(max_length=200, db_default="")
    recording_duration_s = fields.IntField(null=True)
    # The customer's wait before an agent took them (campaign's record_wait), the same way.
    wait_recording_name = fields.CharField(max_length=200, db_default="")
    wait_recording_duration_s = fields.IntField(null=True)
    engine_id = fields.CharField(max_length=64, db_default="")
    # Billing (dialer.billing): the price of an answered call and how it was reached.
    price = fields.DecimalField(max_digits=14, decimal_places=4, null=True)
    price_currency = fields.CharField(max_length=3, db_default="")
    rate_per_min = fields.DecimalField(max_digits=12, decimal_places=4, null=True)
    rate_prefix = fields.CharField(max_length=16, db_default="")
    rate_destination = fields.CharField(max_length=100, db_default="")
    billable_s = fields.IntField(null=True)
    tariff_id = fields.IntField(null=True)
    rated_at = fields.DatetimeField(null=True)
    invoice_id = fields.IntField(null=True)  # set once invoiced: the price is then final

    class Meta:
        table = "call_attempt"
        indexes = (
            ("originated_at",),
            ("campaign_id", "originated_at"),
            ("agent_id", "originated_at"),
            ("contact_id",),
            ("outcome", "originated_at"),
        )


class CallEvent(Model):
    """One call or agent event, as it happened: the timeline of every call is rebuilt from these."""

    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField()
    kind = fields.CharField(max_length=48)
    attempt: fields.ForeignKeyNullableRelation[CallAttempt] = fields.ForeignKeyField(
        "models.CallAttempt", related_name="events", null=True, on_delete=fields.CASCADE,
        db_constraint=True,
    )
    campaign_id = fields.IntField(null=True)
    agent_id = fields.IntField(null=True)
    channel_id = fields.CharField(max_length=64, db_default="")
    payload = fields.JSONField(default=dict)

    class Meta:
        table = "call_event"
        indexes = (("at",), ("attempt_id", "at"), ("agent_id", "at"), ("campaign_id", "at"))
