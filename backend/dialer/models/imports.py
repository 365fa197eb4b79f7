"""Contact imports: each upload as a job with its progress and result, and saved column mappings."""

from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model

from dialer.models.accounts import User
from dialer.models.contacts import ContactList


class ImportStatus(str, Enum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"  # rolled back: the message says why and what was kept
    CANCELLED = "cancelled"


class ImportJob(Model):
    id = fields.IntField(primary_key=True)
    contact_list: fields.ForeignKeyRelation[ContactList] = fields.ForeignKeyField(
        "models.ContactList", related_name="imports", on_delete=fields.CASCADE
    )
    filename = fields.CharField(max_length=255, db_default="")
    source = fields.CharField(max_length=16, db_default="web")  # web | api | cli
    status = fields.CharEnumField(ImportStatus, max_length=16, db_default=ImportStatus.PENDING.value)
    encoding = fields.CharField(max_length=32, db_default="")
    delimiter = fields.CharField(max_length=4, db_default="")
    mapping = fields.JSONField(default=dict)  # column -> target field
    options = fields.JSONField(default=dict)  # default region, caller ID, pool, profile
    total_bytes = fields.BigIntField(db_default=0)
    processed_bytes = fields.BigIntField(db_default=0)
    rows_read = fields.IntField(db_default=0)
    imported = fields.IntField(db_default=0)
    duplicates = fields.IntField(db_default=0)
    invalid = fields.IntField(db_default=0)
    dnc_flagged = fields.IntField(db_default=0)
    errors = fields.JSONField(default=list)  # the first bad rows: [{"line": n, "reason": "..."}]
    errors_file = fields.CharField(max_length=500, db_default="")  # CSV of every bad row
    message = fields.TextField(db_default="")
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="imports", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    started_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "import_job"
        ordering = ["-created_at"]


class ImportMapping(Model):
    """A column mapping saved for reuse with the next file of the same shape (same headers)."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100, unique=True)
    header_signature = fields.CharField(max_length=64, db_index=True)  # hash of normalised headers
    headers = fields.JSONField(default=list)
    mapping = fields.JSONField(default=dict)
    options = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "import_mapping"
        ordering = ["name"]
