"""Saving settings records: one transaction holding the change and its audit entry.

Every admin change goes through `save_record` / `delete_record`, so nothing is half-saved and
nothing is saved without saying who changed what (the audit entry lists the changed fields).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum
from types import SimpleNamespace
from typing import Any, Awaitable, Callable, Mapping, TypeVar

from tortoise.exceptions import IntegrityError, OperationalError
from tortoise.models import Model
from tortoise.transactions import in_transaction

from dialer.accounts.audit import record_audit
from dialer.accounts.users import Actor

M = TypeVar("M", bound=Model)


class SaveError(ValueError):
    """The save was refused; `errors` maps field names ("form" for the whole) to messages."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


def model_defaults(model: type[Model]) -> SimpleNamespace:
    """A new record's values as the database would fill them, for an empty form."""
    values: dict[str, Any] = {}
    for name, field in model._meta.fields_map.items():
        default = getattr(field, "db_default", None)
        # Tortoise marks "no database default" with sentinel objects (their names differ by
        # version); a sentinel must never reach a form as the text "NOT_PROVIDED".
        if default is None or type(default).__name__ in ("_NoDefault", "_DB_DEFAULT_NOT_SET"):
            default = field.default() if callable(field.default) else field.default
        values[name] = default
    return SimpleNamespace(**values)


def _plain(value: Any) -> Any:
    """A value as it goes into the audit log's JSON."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):  # money (billing): exact, as text
        return str(value)
    if isinstance(value, Model):
        return value.pk
    return value


# Secrets are never copied into the audit log; it only says that they changed.
SECRET_FIELDS = frozenset({"secret", "password_hash", "token_hash"})


def changed_fields(record: Model | None, values: Mapping[str, Any]) -> dict[str, Any]:
    """{field: [old, new]} for an update, {field: new} for a creation."""
    if record is None:
        return {k: "(set)" if k in SECRET_FIELDS else _plain(v) for k, v in values.items()}
    changes: dict[str, Any] = {}
    for key, new in values.items():
        old = _plain(getattr(record, key, None))
        if old != _plain(new):
            changes[key] = "(changed)" if key in SECRET_FIELDS else [old, _plain(new)]
    return changes


async def save_record(model: type[M], values: Mapping[str, Any], *, actor: Actor, entity: str,
                      record: M | None = None,
                      after: Callable[[M], Awaitable[dict[str, Any] | None]] | None = None) -> M:
    """Create (`record` None) or update a row with `values`, audit it, all in one transaction.

    `after(record)` runs inside the transaction (e.g. many-to-many links) and may return more
    changes for the audit entry. A unique-constraint clash becomes a `SaveError` on the form.
    """
    changes = changed_fields(record, values)
    try:
        async with in_transaction():
            if record is None:
                record = await model.create(**values)
                action = f"{entity}.create"
            else:
                for key, value in values.items():
                    setattr(record, key, value)
                await record.save()
                action = f"{entity}.update"
            if after is not None:
                changes.update(await after(record) or {})
            await record_audit(actor, action, entity, record.pk, changes)
    except IntegrityError as exc:
        raise SaveError({_clash_field(values, exc): "Another record already uses this value."}) from None
    return record


def _clash_field(values: Mapping[str, Any], exc: Exception) -> str:
    text = str(exc).lower()
    for key in ("name", "code", "number", "phone", "username"):
        if key in values and key in text:
            return key
    return "name" if "name" in values else "form"


async def delete_record(record: Model, *, actor: Actor, entity: str, label: str = "") -> None:
    """Delete a row and audit it; a row still referenced by history is refused, not broken."""
    try:
        async with in_transaction():
            pk = record.pk
            await record.delete()
            await record_audit(actor, f"{entity}.delete", entity, pk, {"label": label} if label else {})
    except (IntegrityError, OperationalError) as exc:
        raise SaveError({"form": "It is still in use (calls or other records refer to it); "
                                 "archive or deactivate it instead."}) from exc
