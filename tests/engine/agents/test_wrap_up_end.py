"""The end of wrap-up without the agent's disposition, through the fake Asterisk: the form's
draft (notes kept, the drafted choice in the call's record), the system disposition, the
contact rescheduled by its profile; and the wrap-up end time the panel counts down to."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from dialer.engine.engine import AgentError
from dialer.models import CallAttempt, CallEvent, Contact, Disposition
from dialer.models.enums import AgentState, CallOutcome, ContactStatus, SystemDisposition

STAYER = "+420601000118"  # answers and stays on the line until hung up


async def _in_wrap_up(w, wrap_up_s: int = 60):  # type: ignore[no-untyped-def]
    campaign, (agent_id,) = await w.campaign("progressive", [STAYER], agents=1, wrap_up_s=wrap_up_s)
    callback = await Disposition.create(code="cb", name="Call back", is_callback=True, campaign=campaign)
    await w.engine.agent_login(agent_id, {campaign.id})
    await w.engine.agent_ready(agent_id)
    await w.run(campaign)
    await w.until(lambda: w.engine.agents_in(AgentState.ON_CALL) == [agent_id])
    call_id = w.engine.s.agents[agent_id].call_id
    await w.engine.agent_hangup(agent_id)
    await w.until(lambda: w.engine.agents_in(AgentState.WRAP_UP) == [agent_id])
    return campaign, agent_id, call_id, callback


async def _record(w, call_id: str) -> tuple[CallAttempt, list[CallEvent]]:  # type: ignore[no-untyped-def]
    await w.engine.s.writer.flush()
    attempt = await CallAttempt.get(channel_id=call_id)
    return attempt, await CallEvent.filter(attempt_id=attempt.id).order_by("at")


async def test_wrap_up_that_times_out_keeps_the_notes_and_records_the_drafted_choice(engine_world) -> None:
    w = engine_world
    campaign, agent_id, call_id, callback = await _in_wrap_up(w)
    call_back_at = datetime.now().astimezone() + timedelta(days=1)
    await w.engine.agents.save_draft(agent_id, call_id, callback.id, "Wants the Plus plan, call after 5",
                                      call_back_at)
    until = w.engine.s.agents[agent_id].wrap_up_until

    await w.engine.agents.check_wrap_ups(until - timedelta(seconds=1))
    assert w.engine.s.agents[agent_id].state is AgentState.WRAP_UP, "not before its time"
    await w.engine.agents.check_wrap_ups(until)

    assert w.engine.s.agents[agent_id].state is AgentState.READY
    assert w.engine.agents.draft_of(agent_id) is None
    attempt, events = await _record(w, call_id)
    assert attempt.system_disposition is SystemDisposition.WRAP_UP_TIMED_OUT
    assert attempt.notes == "Wants the Plus plan, call after 5"
    assert attempt.disposition_id is None, "a drafted choice is not the agent's disposition"
    assert attempt.wrap_up_s is not None and attempt.wrap_up_s >= 0
    [timed_out] = [e for e in events if e.kind == "wrap_up_timed_out"]
    assert timed_out.agent_id == agent_id
    assert timed_out.payload["drafted_disposition_id"] == callback.id
    assert timed_out.payload["drafted_disposition_name"] == "Call back"
    assert datetime.fromisoformat(timed_out.payload["drafted_callback_at"]) == call_back_at
    contact = await Contact.get(phone=STAYER)
    # By the profile, from the call's outcome: answered, not final -> pending again, later.
    assert contact.status is ContactStatus.PENDING and contact.lease_owner is None
    assert contact.last_outcome == CallOutcome.ANSWERED.value
    assert contact.next_attempt_at is not None and contact.next_attempt_at > attempt.ended_at
    assert not contact.is_callback, "an unsubmitted callback is not scheduled"


async def test_wrap_up_with_no_draft_still_gets_a_system_disposition(engine_world) -> None:
    w = engine_world
    _, agent_id, call_id, _ = await _in_wrap_up(w)
    await w.engine.agents.check_wrap_ups(w.engine.s.agents[agent_id].wrap_up_until)
    attempt, events = await _record(w, call_id)
    assert attempt.system_disposition is SystemDisposition.WRAP_UP_TIMED_OUT and attempt.notes == ""
    [timed_out] = [e for e in events if e.kind == "wrap_up_timed_out"]
    assert timed_out.payload["drafted_disposition_id"] is None


async def test_logout_in_wrap_up_keeps_the_notes_with_its_own_system_disposition(engine_world) -> None:
    w = engine_world
    _, agent_id, call_id, callback = await _in_wrap_up(w)
    await w.engine.agents.save_draft(agent_id, call_id, None, "Line was bad")
    await w.engine.agents.save_draft(agent_id, call_id, callback.id, "Line was bad; asked for a call back")

    await w.engine.agent_logout(agent_id)

    assert agent_id not in w.engine.s.agents
    attempt, events = await _record(w, call_id)
    assert attempt.system_disposition is SystemDisposition.AGENT_LOGGED_OUT
    assert attempt.notes == "Line was bad; asked for a call back", "the last draft wins"
    [logged_out] = [e for e in events if e.kind == "agent_logged_out"]
    assert logged_out.payload["drafted_disposition"] == "cb"
    assert logged_out.payload["drafted_callback_at"] is None
    contact = await Contact.get(phone=STAYER)
    assert contact.status is ContactStatus.PENDING and contact.lease_owner is None


async def test_a_disposition_saved_in_time_leaves_no_system_disposition(engine_world) -> None:
    w = engine_world
    _, agent_id, call_id, _ = await _in_wrap_up(w)
    await w.engine.agents.save_draft(agent_id, call_id, None, "draft")
    done = await Disposition.get(code="done")
    await w.engine.save_disposition(agent_id, call_id, done.id, "final notes")
    attempt, events = await _record(w, call_id)
    assert attempt.system_disposition is None and attempt.disposition_id == done.id
    assert attempt.notes == "final notes"
    assert not [e for e in events if e.kind == "wrap_up_timed_out"]


async def test_a_draft_is_only_for_the_agents_own_open_call(engine_world) -> None:
    w = engine_world
    _, agent_id, call_id, _ = await _in_wrap_up(w)
    with pytest.raises(AgentError):
        await w.engine.agents.save_draft(agent_id, "not-a-call", None, "x")
    with pytest.raises(AgentError):
        await w.engine.agents.save_draft(agent_id, call_id, 999_999, "x")
    assert w.engine.agents.draft_of(agent_id) is None
    kept = await w.engine.agents.save_draft(agent_id, call_id, None, "kept")
    assert w.engine.agents.draft_of(agent_id) == kept
    assert kept.as_dict() == {"call_id": call_id, "disposition_id": None, "notes": "kept", "callback_at": None}


async def test_the_agent_state_carries_the_wrap_up_end_and_it_moves_when_extended(engine_world) -> None:
    w = engine_world
    _, agent_id, _, _ = await _in_wrap_up(w)
    before = datetime.fromisoformat(w.engine.agent_state(agent_id)["wrap_up_until"])
    w.engine.extend_wrap_up(agent_id, 60)
    after = datetime.fromisoformat(w.engine.agent_state(agent_id)["wrap_up_until"])
    assert after - before == timedelta(seconds=60)
