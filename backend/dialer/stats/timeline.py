"""One call's timeline from the event database: every event in order, with offsets.

Loading is one indexed query (attempt_id, at); shaping is pure: offsets from the first
event, local times, agent names, and the payload as readable details.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from dialer.models import CallEvent


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    local: str
    offset_s: float
    kind: str
    agent: str
    details: list[tuple[str, str]]


def shape_timeline(events: list[dict[str, Any]], agents: dict[int, str], tz: str) -> list[TimelineEntry]:
    """events: dicts with at (aware), kind, agent_id, channel_id, payload."""
    if not events:
        return []
    zone = ZoneInfo(tz)
    first = events[0]["at"]
    out = []
    for e in events:
        payload = e.get("payload") or {}
        details = [(str(k), v if isinstance(v, str) else repr(v)) for k, v in sorted(payload.items())] \
            if isinstance(payload, dict) else [("payload", repr(payload))]
        if e.get("channel_id"):
            details.append(("channel", e["channel_id"]))
        agent_id = e.get("agent_id")
        out.append(TimelineEntry(at=e["at"], local=e["at"].astimezone(zone).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3],
                                 offset_s=(e["at"] - first).total_seconds(), kind=e["kind"],
                                 agent=agents.get(agent_id, f"#{agent_id}") if agent_id else "", details=details))
    return out


async def load_events(attempt_id: int) -> list[dict[str, Any]]:
    return await CallEvent.filter(attempt_id=attempt_id).order_by("at", "id").values(
        "at", "kind", "agent_id", "channel_id", "payload")
