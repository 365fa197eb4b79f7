"""The call machine, pure: a customer call's state and what each event makes of it, in the
shape of wazo-calld's `plugins/calls/state.py`. No I/O, no clock, no effects: the call flow
(engine/call_flow.py) asks `step()` for the next state and carries out what the transition
means (bridge, play, hang up, record, publish).

Every state answers every event. One that means nothing in a state (a late ringing event of
a call already answered, an answer racing our hang-up) leaves the state as it is, explicitly,
in the base class: the PBX's events race the engine's own moves, and a race is not an error.
"""

from __future__ import annotations

from enum import Enum


class CallState(str, Enum):
    DIALING = "dialing"
    RINGING = "ringing"
    DETECTING = "detecting"  # answered, answering-machine detection running
    WAITING = "waiting"  # answered, no agent yet (hold message / music)
    CONNECTING = "connecting"  # an agent is chosen; a per-call agent's phone rings meanwhile
    BRIDGED = "bridged"
    RELEASING = "releasing"  # the dialer ends it: abandon message, a machine, or hung up unanswered
    ENDED = "ended"


class CallEvent(str, Enum):
    # from the PBX
    RINGING = "ringing"
    ANSWERED = "answered"
    HUMAN = "human"  # detection's verdict (or no detection: taken for a person at once)
    MACHINE = "machine"
    HUNG_UP = "hung_up"
    FAILED = "failed"  # ended unanswered (busy, no answer, cancelled, ...)
    REFUSED = "refused"  # Asterisk never took the originate: no attempt
    # the engine's work
    AGENT_CHOSEN = "agent_chosen"
    AGENT_RINGING = "agent_ringing"  # a per-call agent's phone rings for this customer
    AGENT_ANSWERED = "agent_answered"
    AGENT_MISSED = "agent_missed"  # the chosen agent did not answer: back to waiting
    BRIDGED = "bridged"
    RELEASED = "released"  # the pacer hangs up a call that rang its legal time unanswered
    AGENT_LEFT = "agent_left"  # the agent it was placed for paused or left before it was answered
    ABANDONED = "abandoned"  # no agent in time: the abandon message, then hang up


C, E = CallState, CallEvent


class State:
    """One call state: a method per event returns the next state. By default an event changes
    nothing, except the two endings, which end any live call."""

    name: CallState

    def ringing(self) -> CallState:
        return self.name

    def answered(self) -> CallState:
        return self.name

    def human(self) -> CallState:
        return self.name

    def machine(self) -> CallState:
        return self.name

    def hung_up(self) -> CallState:
        return C.ENDED

    def failed(self) -> CallState:
        return C.ENDED

    def refused(self) -> CallState:
        return self.name

    def agent_chosen(self) -> CallState:
        return self.name

    def agent_ringing(self) -> CallState:
        return self.name

    def agent_answered(self) -> CallState:
        return self.name

    def agent_missed(self) -> CallState:
        return self.name

    def bridged(self) -> CallState:
        return self.name

    def released(self) -> CallState:
        return self.name

    def agent_left(self) -> CallState:
        return self.name

    def abandoned(self) -> CallState:
        return self.name


class _Unanswered(State):
    """Dialing and ringing share most: nobody has picked up yet."""

    def answered(self) -> CallState:
        return C.DETECTING

    def refused(self) -> CallState:
        # The originate's error can come after the PBX's first event (a reset connection).
        return C.ENDED

    def agent_left(self) -> CallState:
        return C.RELEASING


class Dialing(_Unanswered):
    name = C.DIALING

    def ringing(self) -> CallState:
        return C.RINGING


class Ringing(_Unanswered):
    name = C.RINGING

    def released(self) -> CallState:
        return C.RELEASING  # only ringing calls: the law's 15 s count from the ringing


class Detecting(State):
    name = C.DETECTING

    def human(self) -> CallState:
        return C.WAITING

    def machine(self) -> CallState:
        return C.RELEASING


class Waiting(State):
    name = C.WAITING

    def agent_chosen(self) -> CallState:
        return C.CONNECTING

    def abandoned(self) -> CallState:
        return C.RELEASING


class Connecting(State):
    """The agent is chosen: bridged at once (phone kept up), or once their phone answers."""

    name = C.CONNECTING

    def agent_missed(self) -> CallState:
        return C.WAITING

    def bridged(self) -> CallState:
        return C.BRIDGED


class Bridged(State):
    name = C.BRIDGED


class Releasing(State):
    """Our hang-up (or the message before it) is on its way. An answer racing it changes
    nothing here: the hang-up wins; the call flow records the answer for what it was."""

    name = C.RELEASING

    def refused(self) -> CallState:
        return C.ENDED  # released while its originate was on its way, which then failed


class Ended(State):
    name = C.ENDED

    def hung_up(self) -> CallState:
        return C.ENDED

    def failed(self) -> CallState:
        return C.ENDED


STATES: dict[CallState, State] = {cls.name: cls() for cls in
                                  (Dialing, Ringing, Detecting, Waiting, Connecting, Bridged, Releasing, Ended)}


def step(state: CallState, event: CallEvent) -> CallState:
    """The call's state after `event`."""
    return getattr(STATES[state], event.value)()
