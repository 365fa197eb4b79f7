from __future__ import annotations

from datetime import datetime, timedelta, timezone

from dialer.models.enums import CallOutcome, ContactStatus
from dialer.scheduling.retry import AttemptResult, ContactState, reschedule

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
INTERVALS = {"busy": 600, "no_answer": 3600, "abandoned": 3600, "machine": 7200}


def state(attempts: int = 1, max_attempts: int = 5, index: int = 0, phones: int = 1) -> ContactState:
    return ContactState(attempts=attempts, max_attempts=max_attempts, phone_index=index, phone_count=phones)


def test_busy_retries_after_the_profiles_interval() -> None:
    r = reschedule(AttemptResult(CallOutcome.BUSY, 17), state(), INTERVALS, NOW)
    assert r.status is ContactStatus.PENDING and r.next_attempt_at == NOW + timedelta(seconds=600)


def test_attempt_limit_exhausts_the_contact() -> None:
    r = reschedule(AttemptResult(CallOutcome.NO_ANSWER, 19), state(attempts=5), INTERVALS, NOW)
    assert r.status is ContactStatus.EXHAUSTED and r.next_attempt_at is None


def test_unallocated_number_fails_without_retry() -> None:
    r = reschedule(AttemptResult(CallOutcome.FAILED, 1), state(attempts=1), INTERVALS, NOW)
    assert r.status is ContactStatus.FAILED


def test_unallocated_main_number_moves_to_the_alternate_at_once() -> None:
    r = reschedule(AttemptResult(CallOutcome.FAILED, 1), state(phones=2), INTERVALS, NOW)
    assert r.status is ContactStatus.PENDING and r.phone_index == 1 and r.next_attempt_at == NOW


def test_alternate_phones_are_tried_in_order_then_the_interval_applies() -> None:
    r = reschedule(AttemptResult(CallOutcome.NO_ANSWER, 19), state(index=0, phones=3), INTERVALS, NOW)
    assert (r.phone_index, r.next_attempt_at) == (1, NOW)
    r = reschedule(AttemptResult(CallOutcome.BUSY, 17), state(attempts=2, index=1, phones=3), INTERVALS, NOW)
    assert (r.phone_index, r.next_attempt_at) == (2, NOW)
    r = reschedule(AttemptResult(CallOutcome.BUSY, 17), state(attempts=3, index=2, phones=3), INTERVALS, NOW)
    assert (r.phone_index, r.next_attempt_at) == (0, NOW + timedelta(seconds=600))


def test_abandoned_customer_waits_72_hours_unless_an_agent_is_reserved() -> None:
    r = reschedule(AttemptResult(CallOutcome.ABANDONED, 16), state(phones=2), INTERVALS, NOW)
    assert r.next_attempt_at == NOW + timedelta(hours=72) and r.phone_index == 0
    r = reschedule(AttemptResult(CallOutcome.ABANDONED, 16, agent_reserved=True), state(), INTERVALS, NOW)
    assert r.next_attempt_at == NOW + timedelta(seconds=3600)


def test_final_disposition_marks_done_and_callbacks_are_due_at_their_time() -> None:
    r = reschedule(AttemptResult(CallOutcome.ANSWERED, 16, disposition_final=True), state(), INTERVALS, NOW)
    assert r.status is ContactStatus.DONE
    at = NOW + timedelta(days=2)
    r = reschedule(AttemptResult(CallOutcome.ANSWERED, 16, callback_at=at, callback_private=True, agent_id=7),
                   state(attempts=5), INTERVALS, NOW)
    assert (r.status, r.next_attempt_at, r.is_callback, r.owner_agent_id) == (ContactStatus.PENDING, at, True, 7)
