"""Contacts to dial, the lists they come in, and the do-not-call list."""

from __future__ import annotations

from tortoise import fields
from tortoise.indexes import PartialIndex
from tortoise.models import Model

from dialer.models.accounts import Team
from dialer.models.agents import Agent
from dialer.models.campaigns import CallerIdPool, DialProfile
from dialer.models.enums import ContactStatus, DncSource


class ContactList(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100, unique=True)
    category = fields.CharField(max_length=64, db_default="")
    description = fields.TextField(db_default="")
    team: fields.ForeignKeyNullableRelation[Team] = fields.ForeignKeyField(
        "models.Team", related_name="contact_lists", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "contact_list"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Contact(Model):
    id = fields.BigIntField(primary_key=True)
    contact_list: fields.ForeignKeyRelation[ContactList] = fields.ForeignKeyField(
        "models.ContactList", related_name="contacts", on_delete=fields.CASCADE
    )
    phone = fields.CharField(max_length=32)  # E.164
    alt_phones = fields.JSONField(default=list)  # E.164, tried in order when `phone` fails
    phone_index = fields.IntField(db_default=0)  # 0 = phone, 1.. = alt_phones[i-1]
    name = fields.CharField(max_length=200, db_default="")
    external_id = fields.CharField(max_length=128, null=True)
    custom_fields = fields.JSONField(default=dict)
    timezone = fields.CharField(max_length=64, db_default="")  # empty: derive from the number
    caller_id = fields.CharField(max_length=32, db_default="")
    caller_id_pool: fields.ForeignKeyNullableRelation[CallerIdPool] = fields.ForeignKeyField(
        "models.CallerIdPool", related_name="contacts", null=True, on_delete=fields.SET_NULL
    )
    dial_profile: fields.ForeignKeyNullableRelation[DialProfile] = fields.ForeignKeyField(
        "models.DialProfile", related_name="contacts", null=True, on_delete=fields.SET_NULL
    )
    status = fields.CharEnumField(ContactStatus, max_length=16, db_default=ContactStatus.PENDING.value)
    attempts = fields.IntField(db_default=0)
    max_attempts = fields.IntField(null=True)  # raises the profile's limit for this contact
    next_attempt_at = fields.DatetimeField(null=True)
    last_attempt_at = fields.DatetimeField(null=True)
    last_outcome = fields.CharField(max_length=16, db_default="")
    last_caller_id = fields.CharField(max_length=32, db_default="")
    is_callback = fields.BooleanField(db_default=False)
    # A lease marks a contact taken by one engine process until it expires (crash recovery).
    lease_owner = fields.CharField(max_length=64, null=True)
    lease_expires_at = fields.DatetimeField(null=True)
    owner_agent: fields.ForeignKeyNullableRelation[Agent] = fields.ForeignKeyField(
        "models.Agent", related_name="private_contacts", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "contact"
        # A phone is unique within a list and may repeat across lists.
        unique_together = (("contact_list", "phone"),)
        indexes = (
            # Leasing scans only dialable rows: 4-6x faster than a plain index (DATA-LAYER.md).
            PartialIndex(fields=("contact_list_id", "next_attempt_at"),
                         condition={"status": "pending"}, name="idx_contact_dialable"),
            ("status", "next_attempt_at"),
            ("lease_expires_at",),
            ("external_id",),
            ("phone",),
        )


class DncEntry(Model):
    """A number never to be dialed: everywhere when `campaign_id` is null, else in that campaign,
    until `expires_at` when set. Global numbers are unique by a partial index (migration 0016)."""

    id = fields.IntField(primary_key=True)
    phone = fields.CharField(max_length=32)
    campaign_id = fields.IntField(null=True)
    reason = fields.CharField(max_length=200, db_default="")
    added_by = fields.CharField(max_length=64, db_default="")
    added_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField(null=True)
    source = fields.CharEnumField(DncSource, max_length=16, db_default=DncSource.MANUAL.value)

    class Meta:
        table = "dnc_entry"
        unique_together = (("phone", "campaign_id"),)
        indexes = (("phone",),)
