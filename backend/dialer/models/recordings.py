"""Call recordings as the dialer keeps them: one row per file of a call (fetched from Asterisk,
stored, later deleted by retention) and one row per time a person played or downloaded it.

A call has at most two files, its parts: `call`, the customer with the agent (from the agent's
bridge), and `wait`, the customer waiting for an agent (hold treatment, abandon message) when
the campaign records the wait too.

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


class RecordingPart(str, Enum):
    CALL = "call"  # the customer in the agent's bridge
    WAIT = "wait"  # the customer waiting for an agent, from a snoop on their channel


class RecordingAction(str, Enum):
    PLAY = "play"
    DOWNLOAD = "download"
    LINK = "link"  # fetched through a signed link (a webhook's receiver)


class Recording(Model):
    """A call's recording file, one per part of the call (its `part`: the call, or the wait before it).

    Asterisk named it as the call's `recording_name` (the call) or `wait_recording_name` (the wait)."""

    id = fields.BigIntField(primary_key=True)
    attempt: fields.ForeignKeyRelation[CallAttempt] = fields.ForeignKeyField(
        "models.CallAttempt", related_name="recordings", on_delete=fields.CASCADE
    )
    part = fields.CharEnumField(RecordingPart, max_length=8, db_default=RecordingPart.CALL.value)
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
        unique_together = (("attempt", "part"),)
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
