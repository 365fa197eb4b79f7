"""The customer's information system: outbound webhooks with their delivery log, and
system-wide settings such as the caller look-up hook."""

from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model

from dialer.models.campaigns import Campaign


class DeliveryStatus(str, Enum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"  # gave up after the last retry


class WebhookEndpoint(Model):
    """Where call events are POSTed. Global when `campaign` is null."""

    id = fields.IntField(primary_key=True)
    campaign: fields.ForeignKeyNullableRelation[Campaign] = fields.ForeignKeyField(
        "models.Campaign", related_name="webhooks", null=True, on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=100)
    url = fields.CharField(max_length=1000)
    # call.started, call.connected, call.ended, disposition.saved, customer.abandoned
    events = fields.JSONField(default=list)
    headers = fields.JSONField(default=dict)
    body_template = fields.TextField(db_default="")  # empty: the event as JSON
    content_type = fields.CharField(max_length=100, db_default="application/json")
    secret = fields.CharField(max_length=128, db_default="")  # HMAC-SHA256 signing key
    timeout_s = fields.FloatField(db_default=5.0)
    max_attempts = fields.IntField(db_default=8)
    active = fields.BooleanField(db_default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "webhook_endpoint"
        ordering = ["name"]


class WebhookDelivery(Model):
    id = fields.BigIntField(primary_key=True)
    endpoint: fields.ForeignKeyRelation[WebhookEndpoint] = fields.ForeignKeyField(
        "models.WebhookEndpoint", related_name="deliveries", on_delete=fields.CASCADE
    )
    event = fields.CharField(max_length=48)
    event_id = fields.CharField(max_length=64)  # idempotency key for the receiver
    body = fields.TextField()
    status = fields.CharEnumField(DeliveryStatus, max_length=16, db_default=DeliveryStatus.PENDING.value)
    attempts = fields.IntField(db_default=0)
    next_attempt_at = fields.DatetimeField(null=True)
    last_status_code = fields.IntField(null=True)
    last_error = fields.TextField(db_default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    delivered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "webhook_delivery"
        indexes = (("status", "next_attempt_at"), ("endpoint_id", "created_at"))


class SystemSetting(Model):
    """A named system-wide setting edited in the UI (e.g. `caller_lookup`: URL template, timeout)."""

    key = fields.CharField(max_length=64, primary_key=True)
    value = fields.JSONField(default=dict)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "system_setting"
