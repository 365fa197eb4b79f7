"""The counts of bench/faults.py, computed from plain rows: the fake Asterisk's channel record
(backend/dialer/sim/control.py), the dialer's CallAttempt and Contact rows, and what the fake
held at the end. Pure: no I/O; each count comes with the evidence that makes it nonzero.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable

SETTLED = {"done", "failed", "exhausted", "dnc"}


@dataclass
class Leg:
    """One channel the fake accepted: from its originate to its end (or the fake's death)."""

    id: str
    peer: str
    endpoint: str
    name: str
    start: float
    end: float | None = None
    answered: float | None = None
    answered_by: str = ""
    bridged: list[tuple[float, str]] = field(default_factory=list)


@dataclass
class Record:
    starts: list[float] = field(default_factory=list)
    legs: dict[str, Leg] = field(default_factory=dict)


def read_legs(rows: Iterable[dict[str, Any]]) -> Record:
    """Legs by id; one that never went ends when the fake process serving it stopped (the next
    `start` row): a killed Asterisk takes its channels with it, without events."""
    rec = Record()
    open_legs: list[Leg] = []
    for row in rows:
        kind = row.get("kind")
        if kind == "start":
            for leg in open_legs:
                if leg.end is None:
                    leg.end = row["t"]
            open_legs = []
            rec.starts.append(row["t"])
        elif kind in ("originate", "create"):
            leg = Leg(row["id"], row.get("peer", ""), row.get("endpoint", ""), row.get("name", ""), row["t"])
            rec.legs[leg.id] = leg
            open_legs.append(leg)
        elif kind == "answered" and row.get("id") in rec.legs:
            rec.legs[row["id"]].answered = row["t"]
            rec.legs[row["id"]].answered_by = row.get("by", "")
        elif kind == "bridged" and row.get("id") in rec.legs:
            rec.legs[row["id"]].bridged.append((row["t"], row.get("bridge", "")))
        elif kind == "gone" and row.get("id") in rec.legs:
            leg = rec.legs[row["id"]]
            if leg.end is None:
                leg.end = row["t"]
    return rec


def pbx_answers(rec: Record, within_s: float = 2.0) -> list[tuple[float, bool]]:
    """(answer time, abandoned) for every customer leg a person answered, as the PBX saw it:
    abandoned when it never entered a bridge an agent's phone was in, or entered one more than
    `within_s` after the answer. Unlike the dialer's own rows this counts the answers it never
    saw (a callee who answers while the dialer is down is hung up by Asterisk at once)."""
    agent_bridges = {bridge for leg in rec.legs.values() if not customer_digits(leg.endpoint)
                     for _, bridge in leg.bridged}
    rows = []
    for leg in rec.legs.values():
        if leg.answered is None or leg.answered_by == "MACHINE" or not customer_digits(leg.endpoint):
            continue
        joined = min((t for t, bridge in leg.bridged if bridge in agent_bridges), default=None)
        rows.append((leg.answered, joined is None or joined - leg.answered > within_s))
    return sorted(rows)


def running_abandon_max(answers: list[tuple[float, bool]], min_live: int, within_s: float = 2.0
                        ) -> tuple[float, float | None, int]:
    """The highest abandon rate in percent the campaign showed at any moment once `min_live`
    person answers were in, with when and over how many: at time t, over the answers whose fate
    was known (answered by t - within_s)."""
    best: tuple[float, float | None, int] = (0.0, None, 0)
    abandoned = 0
    for n, (at, lost) in enumerate(answers, start=1):
        abandoned += lost
        if n >= min_live:
            rate = 100.0 * abandoned / n
            if rate > best[0]:
                best = (rate, at + within_s, n)
    return best


def customer_digits(endpoint: str) -> str | None:
    """`Local/420601000019@customers` -> "420601000019"; None for agents' phones."""
    if not endpoint.startswith("Local/") or "@customers" not in endpoint:
        return None
    return endpoint[len("Local/"):].split("@", 1)[0]


def _ts(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


def attempts_not_dialed(rec: Record, attempts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Attempt rows (a dropped attempt has no row) whose channel the fake never accepted."""
    return [a for a in attempts if a["channel_id"] not in rec.legs]


def dialed_twice(rec: Record, attempts: list[dict[str, Any]], contacts: list[dict[str, Any]],
                 now: float) -> list[dict[str, Any]]:
    """Contacts with two customer legs live at once, or with more legs than attempt rows or
    than their attempts counter."""
    by_phone = {c["phone"].lstrip("+"): c for c in contacts}
    legs: dict[int, list[Leg]] = defaultdict(list)
    for leg in rec.legs.values():
        digits = customer_digits(leg.endpoint)
        if digits is not None and digits in by_phone:
            legs[by_phone[digits]["id"]].append(leg)
    rows_of: dict[int, int] = defaultdict(int)
    for a in attempts:
        rows_of[a["contact_id"]] += 1
    out = []
    for contact in contacts:
        mine = sorted(legs.get(contact["id"], []), key=lambda leg: leg.start)
        why = []
        for first, second in zip(mine, mine[1:]):
            if second.start < (first.end if first.end is not None else now):
                why.append(f"{second.id} dialed at +{second.start - first.start:.1f} s while {first.id} was live")
        if len(mine) > rows_of[contact["id"]]:
            why.append(f"{len(mine)} legs, {rows_of[contact['id']]} attempt rows")
        if len(mine) > contact["attempts"]:
            why.append(f"{len(mine)} legs, attempts counter {contact['attempts']}")
        if why:
            out.append({"contact_id": contact["id"], "phone": contact["phone"], "why": why,
                        "legs": [leg.id for leg in mine]})
    return out


def contacts_lost(contacts: list[dict[str, Any]], attempts: list[dict[str, Any]],
                  live_channels: set[str]) -> list[dict[str, Any]]:
    """After the settle period: a contact still leased, in no known status, or whose attempt
    row is still open (no end) although no such call is live in the fake."""
    open_rows: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for a in attempts:
        if a["ended_at"] is None and a["channel_id"] not in live_channels:
            open_rows[a["contact_id"]].append(a)
    out = []
    for c in contacts:
        why = []
        if c["status"] == "leased":
            why.append(f"leased by {c['lease_owner']!r} until {c['lease_expires_at']}")
        elif c["status"] not in SETTLED and c["status"] != "pending":
            why.append(f"status {c['status']!r}")
        for a in open_rows.get(c["id"], []):
            why.append(f"attempt {a['id']} ({a['channel_id']}) never ended")
        if why:
            out.append({"contact_id": c["id"], "phone": c["phone"], "attempts": c["attempts"], "why": why})
    return out


def leaks(channels: list[dict[str, Any]], bridges: list[dict[str, Any]], agent_resources: set[str],
          live_calls: set[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Channels and bridges in the fake at the end that belong to no logged-in agent's current
    phone leg (the newest leg to that agent's phone) and no call the dialer still has open."""
    allowed: set[str] = set()
    newest: dict[str, dict[str, Any]] = {}
    for ch in channels:
        name = ch.get("name", "")
        resource = name[len("Local/"):].split("@", 1)[0] if name.startswith("Local/") and "@agents-" in name else ""
        if resource in agent_resources and name.endswith(";1"):
            if resource not in newest or ch.get("creationtime", "") > newest[resource].get("creationtime", ""):
                newest[resource] = ch
    for ch in newest.values():
        allowed.add(ch["id"])
        allowed.add(ch["id"] + ";2")
    for call in live_calls:
        allowed.add(call)
        allowed.add(call + ";2")
    leaked_channels = [ch for ch in channels if ch["id"] not in allowed]
    leaked_bridges = [b for b in bridges if not any(c in allowed for c in b.get("channels", []))]
    return leaked_channels, leaked_bridges
