"""Accounts: users, teams, API tokens, web sessions, login failures and the audit log.

Only the stored shape lives here; hashing, token checks and throttling are in
`dialer.accounts`.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from dialer.models.enums import Role


class Team(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100, unique=True)
    description = fields.TextField(db_default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "team"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(Model):
    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=64, unique=True)
    full_name = fields.CharField(max_length=200, db_default="")
    email = fields.CharField(max_length=254, db_default="")
    password_hash = fields.CharField(max_length=255)
    role = fields.CharEnumField(Role, max_length=16, db_default=Role.AGENT.value)
    active = fields.BooleanField(db_default=True)
    team: fields.ForeignKeyNullableRelation[Team] = fields.ForeignKeyField(
        "models.Team", related_name="users", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    password_changed_at = fields.DatetimeField(null=True)
    last_login_at = fields.DatetimeField(null=True)

    class Meta:
        table = "user"
        ordering = ["username"]

    def __str__(self) -> str:
        return self.username


class ApiToken(Model):
    """A bearer token. Only the SHA-256 of the secret is stored, and `prefix` names it in lists."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="api_tokens", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=100, db_default="")
    prefix = fields.CharField(max_length=12)
    token_hash = fields.CharField(max_length=64, unique=True)
    scopes = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    last_used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_token"


class WebSession(Model):
    """A browser's login. The cookie carries a random key, and only its SHA-256 is stored, so the
    table cannot be replayed. Ending a row ends that browser's session at once, whatever copy
    of the cookie exists."""

    id = fields.BigIntField(primary_key=True)
    key_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="web_sessions", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    last_seen_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    ended_at = fields.DatetimeField(null=True)
    end_reason = fields.CharField(max_length=32, db_default="")
    ip = fields.CharField(max_length=64, db_default="")
    user_agent = fields.CharField(max_length=200, db_default="")

    class Meta:
        table = "web_session"
        # Tortoise writes the description into the DDL unescaped: no quotes in it.
        table_description = "A browser login, ended by logout or by an admin"
        indexes = (("user_id", "ended_at"),)


class LoginFailure(Model):
    """One failed login, by user name ("u:ada") and by address ("ip:10.0.0.1"): the throttle's
    memory, shared by every process and kept across restarts."""

    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=100)
    at = fields.DatetimeField()

    class Meta:
        table = "login_failure"
        table_description = "A failed login, by user name and by address"
        indexes = (("key", "at"),)


class AuditLog(Model):
    """Who changed what, when, from where. Kept when the actor is deleted (actor_label)."""

    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="audit_entries", null=True, on_delete=fields.SET_NULL
    )
    actor_label = fields.CharField(max_length=100, db_default="")
    action = fields.CharField(max_length=64)
    entity = fields.CharField(max_length=64, db_default="")
    entity_id = fields.CharField(max_length=64, db_default="")
    changes = fields.JSONField(default=dict)
    ip = fields.CharField(max_length=64, db_default="")

    class Meta:
        table = "audit_log"
        ordering = ["-at"]
        indexes = (("entity", "entity_id"),)
