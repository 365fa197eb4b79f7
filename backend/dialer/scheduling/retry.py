"""What happens to a contact after an attempt: done, tried again later (when, on which of its
phones), exhausted, or failed. Pure: the engine passes the attempt's result and `now`.

The rules, in order:
- unallocated number (Q.850 cause 1): that phone is dead; move to the next phone at once, or
  fail the contact when none is left: retrying a number that does not exist helps nobody;
- an agent's disposition decides for answered calls: final -> done; callback -> due at the
  agreed time (kept for the agent when private);
- abandoned customers are not called again within 72 hours (Ofcom) unless an agent is
  reserved for them;
- otherwise the next phone of the contact is tried at once after a failed one; when all its
  phones were tried, the dial profile's interval for the outcome applies;
- when attempts reach the limit the contact is exhausted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Mapping

from dialer.compliance.law import ABANDON_QUIET_PERIOD
from dialer.models.enums import CallOutcome, ContactStatus

__all__ = ["ABANDON_QUIET_PERIOD", "AttemptResult", "ContactState", "Reschedule", "reschedule"]
CAUSE_UNALLOCATED = 1
DEFAULT_INTERVAL_S = 3600
# A disposition that is neither final nor a callback ("call again some day").
DEFAULT_ANSWERED_INTERVAL_S = 24 * 3600


@dataclass(frozen=True)
class AttemptResult:
    outcome: CallOutcome
    hangup_cause: int | None = None
    disposition_final: bool = False
    callback_at: datetime | None = None
    callback_private: bool = False
    agent_id: int | None = None
    agent_reserved: bool = False  # an agent was guaranteed for a repeat of an abandoned call


@dataclass(frozen=True)
class ContactState:
    attempts: int  # including the attempt just finished
    max_attempts: int
    phone_index: int  # which phone was dialed: 0 main, 1.. alternates
    phone_count: int  # 1 + number of alternates


@dataclass(frozen=True)
class Reschedule:
    status: ContactStatus
    next_attempt_at: datetime | None
    phone_index: int
    is_callback: bool = False
    owner_agent_id: int | None = None
    reason: str = ""


def reschedule(result: AttemptResult, contact: ContactState, intervals: Mapping[str, int],
               now: datetime) -> Reschedule:
    phones = max(1, contact.phone_count)

    if result.outcome is CallOutcome.ANSWERED:
        if result.callback_at is not None:
            return Reschedule(ContactStatus.PENDING, max(result.callback_at, now), contact.phone_index,
                              is_callback=True,
                              owner_agent_id=result.agent_id if result.callback_private else None,
                              reason="callback")
        if result.disposition_final:
            return Reschedule(ContactStatus.DONE, None, contact.phone_index, reason="final disposition")
        if contact.attempts >= contact.max_attempts:
            return Reschedule(ContactStatus.EXHAUSTED, None, contact.phone_index, reason="attempt limit")
        wait = intervals.get("answered", DEFAULT_ANSWERED_INTERVAL_S)
        return Reschedule(ContactStatus.PENDING, now + timedelta(seconds=wait), contact.phone_index,
                          reason="answered, not final")

    if result.hangup_cause == CAUSE_UNALLOCATED:
        if contact.phone_index + 1 < phones:
            return Reschedule(ContactStatus.PENDING, now, contact.phone_index + 1, reason="number unallocated")
        return Reschedule(ContactStatus.FAILED, None, contact.phone_index, reason="number unallocated")

    if contact.attempts >= contact.max_attempts:
        return Reschedule(ContactStatus.EXHAUSTED, None, contact.phone_index, reason="attempt limit")

    next_index = (contact.phone_index + 1) % phones
    wait = timedelta(seconds=intervals.get(result.outcome.value, DEFAULT_INTERVAL_S))
    if result.outcome is CallOutcome.ABANDONED and not result.agent_reserved:
        wait = max(wait, ABANDON_QUIET_PERIOD)
        next_index = contact.phone_index  # the person answered on this phone: call it again
    elif next_index != 0:
        wait = timedelta(0)  # try the next phone now; the interval applies once all were tried
    return Reschedule(ContactStatus.PENDING, now + wait, next_index, reason=f"retry after {result.outcome.value}")
