"""Limits every pacer obeys, applied after its own rule: the last word before originating.

Order matters: no active agents stops everything; the abandon cap turns any pacer into a
progressive one; then the trunk and the originate rate cap the count. Spacing is attached here
so that no pacer can ask for a burst.
"""

from __future__ import annotations

from typing import Any, Mapping

from dialer.pacing.decision import Decision, Reason
from dialer.pacing.snapshot import LEGAL_MIN_RING_S, CampaignSettings, Snapshot


def abandon_cap_reached(snapshot: Snapshot) -> bool:
    """The rolling abandon rate is at or above the campaign's cap."""
    learned = snapshot.learned
    if learned.live_answers_in_window == 0:
        return False
    return learned.abandon_rate_in_window >= snapshot.settings.abandon_cap


def progressive_calls(snapshot: Snapshot) -> int:
    """One call per ready agent, counting calls already ringing or waiting for them."""
    return max(0, snapshot.agents_ready - snapshot.calls_in_flight)


def lines_free(snapshot: Snapshot) -> int:
    return max(0, snapshot.settings.max_lines - snapshot.lines_in_use)


def attempts_allowed_now(snapshot: Snapshot) -> int | None:
    limit = snapshot.settings.max_attempts_per_5s
    if limit is None:
        return None
    return max(0, limit - snapshot.attempts_last_5s)


def release_after_s(settings: CampaignSettings) -> float | None:
    """How long a call must ring before the dialer may hang it up: the campaign's setting, never
    less than the law's minimum; None if the campaign lets every call ring to its timeout."""
    after = settings.release_after_s
    return None if after is None else max(after, LEGAL_MIN_RING_S)


def releasable_ages(snapshot: Snapshot) -> list[float]:
    """Ages of the ringing calls a pacer may hang up now, longest-ringing first."""
    after = release_after_s(snapshot.settings)
    if after is None:
        return []
    return sorted((age for age in snapshot.calls_ringing_s if age >= after), reverse=True)


def room_for_calls(snapshot: Snapshot) -> int:
    """The most calls `within_limits` would let through now (cheap, for pacers that search)."""
    if snapshot.agents_active == 0:
        return 0
    if abandon_cap_reached(snapshot):
        room = progressive_calls(snapshot)
    else:
        room = lines_free(snapshot)
    room = min(room, lines_free(snapshot))
    allowed = attempts_allowed_now(snapshot)
    return room if allowed is None else min(room, allowed)


def within_limits(
    snapshot: Snapshot,
    wanted: int,
    reason: Reason,
    detail: Mapping[str, float] | None = None,
    state: Any = None,
    release: int = 0,
) -> Decision:
    """Cut a pacer's wish down to what the campaign allows, saying which limit cut it."""
    settings = snapshot.settings
    spacing = settings.launch_spacing_s
    if settings.max_attempts_per_5s:
        # Spread a full allowance over the 5 s window rather than sending it at once.
        spacing = max(spacing, min(1.0, 5.0 / settings.max_attempts_per_5s))
    release = min(max(0, int(release)), len(releasable_ages(snapshot)))
    decision = Decision(max(0, int(wanted)), reason, dict(detail or {}), spacing, state, release)
    if snapshot.agents_active == 0:
        return decision.with_calls(0, Reason.NO_ACTIVE_AGENTS)
    if abandon_cap_reached(snapshot):
        progressive = progressive_calls(snapshot)
        if decision.calls >= progressive:
            decision = decision.with_calls(progressive, Reason.ABANDON_CAP)
    free = lines_free(snapshot)
    if decision.calls > free:
        decision = decision.with_calls(free, Reason.TRUNK_LIMIT)
    allowed = attempts_allowed_now(snapshot)
    if allowed is not None and decision.calls > allowed:
        decision = decision.with_calls(allowed, Reason.RATE_LIMIT)
    return decision
