"""The call machine, every state × every event, pure (no I/O, no clock).

The table below is the specification: what each event makes of each call state. The tests
after it follow whole calls through the machine as the call flow moves them.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from dialer.engine.calls import CallEvent, CallState, CustomerCall, step

S, E = CallState, CallEvent
DI, RG, DT, WT, CN, BR, RL, EN = (S.DIALING, S.RINGING, S.DETECTING, S.WAITING, S.CONNECTING, S.BRIDGED,
                                  S.RELEASING, S.ENDED)

EVENTS = [E.RINGING, E.ANSWERED, E.HUMAN, E.MACHINE, E.HUNG_UP, E.FAILED, E.REFUSED, E.AGENT_CHOSEN,
          E.AGENT_RINGING, E.AGENT_ANSWERED, E.AGENT_MISSED, E.BRIDGED, E.RELEASED, E.AGENT_LEFT, E.ABANDONED]
TABLE: dict[CallState, list[CallState]] = {
    #   RING ANSW HUMAN MACH HUNG FAIL REFU CHOSEN A_RING A_ANSW A_MISS BRIDGED RELEASED A_LEFT ABAND
    DI: [RG,  DT,  DI,   DI,  EN,  EN,  EN,  DI,    DI,    DI,    DI,    DI,     DI,      RL,    DI],
    RG: [RG,  DT,  RG,   RG,  EN,  EN,  EN,  RG,    RG,    RG,    RG,    RG,     RL,      RL,    RG],
    DT: [DT,  DT,  WT,   RL,  EN,  EN,  DT,  DT,    DT,    DT,    DT,    DT,     DT,      DT,    DT],
    WT: [WT,  WT,  WT,   WT,  EN,  EN,  WT,  CN,    WT,    WT,    WT,    WT,     WT,      WT,    RL],
    CN: [CN,  CN,  CN,   CN,  EN,  EN,  CN,  CN,    CN,    CN,    WT,    BR,     CN,      CN,    CN],
    BR: [BR,  BR,  BR,   BR,  EN,  EN,  BR,  BR,    BR,    BR,    BR,    BR,     BR,      BR,    BR],
    RL: [RL,  RL,  RL,   RL,  EN,  EN,  EN,  RL,    RL,    RL,    RL,    RL,     RL,      RL,    RL],
    EN: [EN,  EN,  EN,   EN,  EN,  EN,  EN,  EN,    EN,    EN,    EN,    EN,     EN,      EN,    EN],
}


@pytest.mark.parametrize("state", list(TABLE))
@pytest.mark.parametrize("index", range(len(EVENTS)), ids=[e.value for e in EVENTS])
def test_every_state_and_event(state: CallState, index: int) -> None:
    assert step(state, EVENTS[index]) is TABLE[state][index]


def test_the_table_covers_every_state_and_event() -> None:
    assert set(TABLE) == set(CallState)
    assert set(EVENTS) == set(CallEvent) and len(EVENTS) == len(CallEvent)


def test_only_the_endings_leave_the_bridge() -> None:
    assert {event for event in CallEvent if step(S.BRIDGED, event) is not S.BRIDGED} == {E.HUNG_UP, E.FAILED}


def test_nothing_brings_an_ended_call_back() -> None:
    assert {step(S.ENDED, event) for event in CallEvent} == {S.ENDED}


def test_an_answered_call_is_never_released_for_its_agent_leaving() -> None:
    # Only a call nobody answered is hung up when its agent goes: a person on the line is not dropped.
    answered = [DT, WT, CN, BR]
    assert all(step(state, E.AGENT_LEFT) is state for state in answered)
    assert step(DI, E.AGENT_LEFT) is RL and step(RG, E.AGENT_LEFT) is RL


def test_the_pacer_releases_only_a_call_that_rings() -> None:
    # The law's minimum ring time counts from the ringing: a call still dialing is not released.
    assert step(DI, E.RELEASED) is DI and step(RG, E.RELEASED) is RL


# -- whole calls, as the call flow moves them --------------------------------------------------

def a_call() -> CustomerCall:
    return CustomerCall(call_id="c1", attempt_id=1, campaign_id=1, contact_id=1, phone="+420601000118",
                        phone_index=0, caller_id="+420221000100", attempt_no=1,
                        originated_at=datetime(2026, 12, 5, 10, 0, tzinfo=timezone.utc))


def walk(call: CustomerCall, *events: CallEvent) -> list[CallState]:
    """The states the call passes through, one per event."""
    states = []
    for event in events:
        call.move(event)
        states.append(call.state)
    return states


def test_a_call_answered_and_bridged_to_a_persistent_agent() -> None:
    call = a_call()
    assert call.state is DI and call.live
    assert walk(call, E.RINGING, E.ANSWERED, E.HUMAN, E.AGENT_CHOSEN, E.BRIDGED, E.HUNG_UP) == [
        RG, DT, WT, CN, BR, EN]
    assert not call.live


def test_a_per_call_agent_who_misses_sends_the_customer_back_to_wait() -> None:
    call = a_call()
    walk(call, E.RINGING, E.ANSWERED, E.HUMAN, E.AGENT_CHOSEN, E.AGENT_RINGING)
    assert call.state is CN
    assert walk(call, E.AGENT_MISSED, E.AGENT_CHOSEN, E.AGENT_ANSWERED, E.BRIDGED) == [WT, CN, CN, BR]


def test_an_answer_racing_our_release_leaves_the_hang_up_to_win() -> None:
    call = a_call()
    walk(call, E.RINGING, E.AGENT_LEFT)
    assert call.move(E.ANSWERED) is RL and call.state is RL
    assert walk(call, E.HUMAN, E.AGENT_CHOSEN, E.FAILED) == [RL, RL, EN]


def test_move_returns_the_state_before_the_event() -> None:
    call = a_call()
    assert call.move(E.RINGING) is DI
    assert call.move(E.RINGING) is RG, "a repeated event: the same state before and after"
    assert call.state is RG
