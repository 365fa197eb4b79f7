"""The agent machine, every work state × every event, pure (no I/O, no clock).

The table below is the specification: for a persistent agent whose phone is up and who is at
their screen, what each event makes of each state ("!" = refused). The tests after it cover
what the phone and presence change.
"""

from __future__ import annotations

import pytest

from dialer.engine.agents import DISCONNECTED, PHONE_DOWN, AgentEvent, AgentStateError, AgentStatus, Phone, step
from dialer.models.enums import AgentState

S, E = AgentState, AgentEvent
X = "!"  # refused

# Columns: LOGIN READY PAUSE LOGOUT RESERVE RING CONNECT HANG_UP WRAP_UP_END RELEASE MISSED
#          PHONE_RINGING PHONE_UP PHONE_DOWN GONE BACK
EVENTS = [E.LOGIN, E.READY, E.PAUSE, E.LOGOUT, E.RESERVE, E.RING, E.CONNECT, E.HANG_UP, E.WRAP_UP_END,
          E.RELEASE, E.MISSED, E.PHONE_RINGING, E.PHONE_UP, E.PHONE_DOWN, E.GONE, E.BACK]
LO, PA, NR, RD, RS, RG, OC, WU = (S.LOGGED_OUT, S.PAUSED, S.NOT_READY, S.READY, S.RESERVED, S.RINGING, S.ON_CALL,
                                  S.WRAP_UP)
TABLE: dict[AgentState, list[object]] = {
    #   LOGIN READY PAUSE LOGOUT RESERVE RING CONNECT HANG_UP WU_END RELEASE MISSED  P_RING P_UP P_DOWN GONE BACK
    LO: [PA,   X,    X,    LO,    X,      X,   X,      LO,     LO,    LO,     LO,     LO,    LO,  LO,    LO,  LO],
    PA: [PA,   RD,   PA,   LO,    X,      X,   X,      PA,     PA,    PA,     PA,     PA,    PA,  PA,    PA,  PA],
    NR: [NR,   RD,   PA,   LO,    X,      X,   X,      NR,     NR,    NR,     NR,     NR,    RD,  NR,    NR,  NR],
    RD: [RD,   RD,   PA,   LO,    RS,     RG,  OC,     RD,     RD,    RD,     RD,     NR,    RD,  NR,    NR,  RD],
    RS: [RS,   RS,   PA,   LO,    X,      RG,  OC,     RS,     RS,    RD,     PA,     NR,    RS,  NR,    NR,  RS],
    RG: [RG,   RG,   PA,   LO,    X,      X,   OC,     RG,     RG,    RD,     PA,     NR,    RG,  NR,    RG,  RG],
    OC: [OC,   OC,   OC,   X,     X,      X,   X,      WU,     OC,    OC,     OC,     OC,    OC,  OC,    OC,  OC],
    WU: [WU,   WU,   WU,   LO,    X,      X,   X,      WU,     RD,    WU,     WU,     WU,    WU,  WU,    WU,  WU],
}


def working(state: AgentState, **kw: object) -> AgentStatus:
    reason = PHONE_DOWN if state is S.NOT_READY else ""
    return AgentStatus(**{"work": state, "reason": reason, "phone": Phone.UP, "present": True, **kw})


@pytest.mark.parametrize("state", list(TABLE))
@pytest.mark.parametrize("index", range(len(EVENTS)), ids=[e.value for e in EVENTS])
def test_every_state_and_event(state: AgentState, index: int) -> None:
    event, expected = EVENTS[index], TABLE[state][index]
    if expected == X:
        with pytest.raises(AgentStateError):
            step(working(state), event)
    else:
        assert step(working(state), event).work is expected


def test_the_table_covers_every_state_and_event() -> None:
    assert set(TABLE) == set(AgentState)
    assert set(EVENTS) == set(AgentEvent)


# -- ready needs a phone and somebody there ----------------------------------------------------

@pytest.mark.parametrize("state", [S.PAUSED, S.NOT_READY])
def test_ready_with_the_phone_down_is_not_ready_phone_down(state: AgentState) -> None:
    for phone in (Phone.DOWN, Phone.RINGING):
        after = step(working(state, phone=phone), E.READY)
        assert (after.work, after.reason) == (S.NOT_READY, PHONE_DOWN)


def test_ready_with_nobody_present_is_not_ready_disconnected() -> None:
    after = step(working(S.PAUSED, phone=Phone.DOWN, present=False), E.READY)
    assert (after.work, after.reason) == (S.NOT_READY, DISCONNECTED)


def test_a_per_call_agent_is_ready_with_the_phone_down() -> None:
    assert step(working(S.PAUSED, phone=Phone.DOWN, per_call=True), E.READY).work is S.READY


def test_no_event_reaches_ready_without_a_phone_or_a_screen() -> None:
    for state in AgentState:
        for event in AgentEvent:
            for phone in Phone:
                for present in (True, False):
                    if state is S.READY and not (phone is Phone.UP and present):
                        continue  # not a status the machine can be in
                    try:
                        after = step(working(state, phone=phone, present=present), event)
                    except AgentStateError:
                        continue
                    if after.work is S.READY:
                        assert after.phone is Phone.UP and after.present, (state, event, phone, present)


# -- the phone ------------------------------------------------------------------------------------

@pytest.mark.parametrize("state", [S.READY, S.RESERVED, S.RINGING])
def test_a_phone_that_drops_makes_a_waiting_agent_not_ready(state: AgentState) -> None:
    after = step(working(state), E.PHONE_DOWN, "phone hung up")
    assert (after.work, after.reason, after.phone) == (S.NOT_READY, PHONE_DOWN, Phone.DOWN)


@pytest.mark.parametrize("state", [S.ON_CALL, S.WRAP_UP, S.PAUSED])
def test_a_phone_that_drops_during_work_or_pause_keeps_the_state(state: AgentState) -> None:
    after = step(working(state), E.PHONE_DOWN)
    assert (after.work, after.phone) == (state, Phone.DOWN)


def test_wrap_up_ending_with_the_phone_down_is_not_ready() -> None:
    after = step(working(S.WRAP_UP, phone=Phone.DOWN), E.WRAP_UP_END)
    assert (after.work, after.reason) == (S.NOT_READY, PHONE_DOWN)


def test_the_phone_back_up_makes_a_phone_down_agent_ready_by_itself() -> None:
    down = step(working(S.READY), E.PHONE_DOWN)
    ringing = step(down, E.PHONE_RINGING)
    assert (ringing.work, ringing.phone) == (S.NOT_READY, Phone.RINGING)
    assert step(ringing, E.PHONE_UP).work is S.READY


def test_the_phone_back_up_does_not_resume_a_disconnected_agent() -> None:
    gone = step(step(working(S.READY), E.PHONE_DOWN), E.GONE)
    assert (gone.work, gone.reason) == (S.NOT_READY, DISCONNECTED)
    assert step(gone, E.PHONE_UP).work is S.NOT_READY


def test_a_per_call_agent_keeps_its_state_when_its_phone_hangs_up() -> None:
    for state in (S.READY, S.RESERVED, S.RINGING):
        assert step(working(state, per_call=True), E.PHONE_DOWN).work is state


# -- presence -------------------------------------------------------------------------------------

@pytest.mark.parametrize("state", [S.READY, S.RESERVED])
def test_gone_makes_a_waiting_agent_not_ready_disconnected(state: AgentState) -> None:
    after = step(working(state), E.GONE)
    assert (after.work, after.reason, after.present) == (S.NOT_READY, DISCONNECTED, False)


def test_back_needs_one_click_to_resume() -> None:
    back = step(step(working(S.READY), E.GONE), E.BACK)
    assert (back.work, back.reason, back.present) == (S.NOT_READY, DISCONNECTED, True)
    assert step(back, E.READY).work is S.READY


def test_gone_during_a_call_shows_after_wrap_up() -> None:
    gone = step(working(S.WRAP_UP), E.GONE)
    assert gone.work is S.WRAP_UP
    after = step(gone, E.WRAP_UP_END)
    assert (after.work, after.reason) == (S.NOT_READY, DISCONNECTED)


# -- pauses asked for during a call ----------------------------------------------------------------

def test_a_pause_during_a_call_is_taken_when_wrap_up_ends() -> None:
    on_call = step(working(S.ON_CALL), E.PAUSE, "Lunch")
    assert (on_call.work, on_call.pause_requested) == (S.ON_CALL, "Lunch")
    after = step(step(on_call, E.HANG_UP), E.WRAP_UP_END)
    assert (after.work, after.reason, after.pause_requested) == (S.PAUSED, "Lunch", None)


def test_ready_during_a_call_cancels_the_pending_pause() -> None:
    st = step(step(working(S.WRAP_UP), E.PAUSE, "Lunch"), E.READY)
    assert st.pause_requested is None and step(st, E.WRAP_UP_END).work is S.READY


def test_a_released_reservation_takes_the_pending_pause_without_passing_through_ready() -> None:
    st = AgentStatus(S.RESERVED, "manual call", Phone.UP, True, pause_requested="Break")
    after = step(st, E.RELEASE)
    assert (after.work, after.reason) == (S.PAUSED, "Break")


def test_labels_read_as_the_wallboard_shows_them() -> None:
    assert step(working(S.READY), E.PHONE_DOWN).label() == "not ready (phone down)"
    assert step(working(S.READY), E.PAUSE, "Lunch").label() == "paused (Lunch)"
    assert working(S.ON_CALL).label() == "on call"
