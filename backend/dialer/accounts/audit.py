"""The audit log: every change made through the UI, API or CLI says who, what and from where."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dialer.models import AuditLog

if TYPE_CHECKING:
    from dialer.accounts.users import Actor


async def record_audit(actor: "Actor", action: str, entity: str, entity_id: Any,
                       changes: dict[str, Any]) -> AuditLog:
    return await AuditLog.create(
        actor=actor.user, actor_label=actor.label[:100], action=action, entity=entity,
        entity_id=str(entity_id), changes=changes, ip=actor.ip,
    )
