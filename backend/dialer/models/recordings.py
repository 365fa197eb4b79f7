"""Call recordings as the dialer keeps them: one row per call's file (fetched from Asterisk,
stored, later deleted by retention) and one row per time a person played or downloaded it.

Only the stored shape lives here; fetching, storage and retention are in `dialer.recordings`.
"""

from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model

from dialer.models.accounts import User
from dialer.models.calls import CallAttempt
from dialer.models.campaigns import Campaign


class RecordingState(str, Enum):
    PENDING = "pending"  # finished on Asterisk, not yet in our storage (fetch due or retrying)
    STORED = "stored"  # the file is in our storage
    FAILED = "failed"  # gave up fetching (Asterisk no longer has it, or every try failed)
    DELETED = "deleted"  # was stored, deleted (retention or by hand); the row stays as the record


class RecordingAction(str, Enum):
    PLAY = "play"
    DOWNLOAD = "download"
    LINK = "link"  # fetched through a signed link (a webhook's receiver)


class Recording(Model):
    """A call's recording file. The call's `recording_name` is what Asterisk named it."""

    id = fields.BigIntField(primary_key=True)
    attempt: fields.OneToOneRelation[CallAttempt] = fields.OneToOneField(
        "models.CallAttempt", related_name="recording", on_delete=fields.CASCADE
    )
    campaign: fields.ForeignKeyNullableRelation[Campaign] = fields.ForeignKeyField(
        "models.Campaign", related_name="recordings", null=True, on_delete=fields.SET_NULL
    )
    name = fields.CharField(max_length=200)  # the name Asterisk stored it under
    state = fields.CharEnumField(RecordingState, max_length=16, db_default=RecordingState.PENDING.value)
    path = fields.CharField(max_length=500, db_default="")  # below the storage folder
    format = fields.CharField(max_length=16, db_default="")
    size_bytes = fields.BigIntField(null=True)
    duration_s = fields.IntField(null=True)
    sha256 = fields.CharField(max_length=64, db_default="")
    tries = fields.IntField(db_default=0)
    next_try_at = fields.DatetimeField(null=True)
    error = fields.CharField(max_length=500, db_default="")
    # Cut short by a dialer restart (the call event "recording_cut"): kept, flagged.
    cut = fields.BooleanField(db_default=False)
    legal_hold = fields.BooleanField(db_default=False)  # retention never deletes it while set
    created_at = fields.DatetimeField(auto_now_add=True)
    stored_at = fields.DatetimeField(null=True)
    deleted_at = fields.DatetimeField(null=True)
    deleted_reason = fields.CharField(max_length=200, db_default="")

    class Meta:
        table = "recording"
        indexes = (("state", "next_try_at"), ("state", "stored_at"))


class RecordingAccess(Model):
    """Who listened to or downloaded a call's recording, when and from where (GDPR: who heard my
    call). Kept when the user or the file is deleted: the names and the call id stay."""

    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField()
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="recording_accesses", null=True, on_delete=fields.SET_NULL
    )
    username = fields.CharField(max_length=100, db_default="")
    attempt_id = fields.BigIntField()
    recording: fields.ForeignKeyNullableRelation[Recording] = fields.ForeignKeyField(
        "models.Recording", related_name="accesses", null=True, on_delete=fields.SET_NULL
    )
    action = fields.CharEnumField(RecordingAction, max_length=16)
    ip = fields.CharField(max_length=64, db_default="")

    class Meta:
        table = "recording_access"
        indexes = (("attempt_id", "at"), ("user_id", "at"), ("at",))
