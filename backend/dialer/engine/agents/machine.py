"""The agent machine, pure: an agent's work state, phone and presence, and what each event
makes of them. No I/O, no clock: the engine's one `move()` (engine/state.py) applies a step,
records it and publishes it.

"Ready" is only reachable with a phone that can take a call (up, or rung per call) and
somebody present: otherwise the agent is `not ready` with the reason ("phone down",
"disconnected"), and a phone coming back up makes a phone-down agent ready by itself.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum

from dialer.models.enums import AgentState

S = AgentState
PHONE_DOWN = "phone down"
DISCONNECTED = "disconnected"


class Phone(str, Enum):
    """The agent's phone leg as the engine sees it."""

    DOWN = "down"
    RINGING = "ringing"
    UP = "up"


class AgentEvent(str, Enum):
    # asked by the agent (or a supervisor)
    LOGIN = "login"
    READY = "ready"
    PAUSE = "pause"
    LOGOUT = "logout"
    # the engine's work
    RESERVE = "reserve"  # a call is placed or offered for this agent only
    RING = "ring"  # a per-call agent's phone is rung for a waiting customer
    CONNECT = "connect"  # a customer is bridged with the agent
    HANG_UP = "hang_up"  # the customer call ended: wrap-up
    WRAP_UP_END = "wrap_up_end"
    RELEASE = "release"  # the reservation ended with no call, not the agent's doing
    MISSED = "missed"  # the agent did not answer (their phone, an offer)
    # the phone and the agent's screens
    PHONE_RINGING = "phone_ringing"
    PHONE_UP = "phone_up"
    PHONE_DOWN = "phone_down"
    GONE = "gone"  # neither panel nor extension connected for the grace period
    BACK = "back"


class AgentStateError(Exception):
    """The event is refused in the agent's current state; the message says why."""


@dataclass(frozen=True)
class AgentStatus:
    work: AgentState = S.LOGGED_OUT
    reason: str = ""
    phone: Phone = Phone.DOWN
    present: bool = True
    per_call: bool = False  # the phone is rung for each call: "down" between calls is normal
    pause_requested: str | None = None  # a pause asked for during a call, for when wrap-up ends

    @property
    def reachable(self) -> bool:
        return self.per_call or self.phone is Phone.UP

    def label(self) -> str:
        """How the state reads: "ready", "not ready (phone down)", "paused (Lunch)"."""
        word = self.work.value.replace("_", " ")
        return f"{word} ({self.reason})" if self.reason and self.work in (S.NOT_READY, S.PAUSED) else word


def _available(st: AgentStatus) -> AgentStatus:
    """Ready if the agent can take a call, else not ready with the reason why not."""
    if not st.present:
        return replace(st, work=S.NOT_READY, reason=DISCONNECTED)
    if not st.reachable:
        return replace(st, work=S.NOT_READY, reason=PHONE_DOWN)
    return replace(st, work=S.READY, reason="")


def _after_work(st: AgentStatus) -> AgentStatus:
    """The end of a call or a reservation: the pause asked for meanwhile, else available."""
    if st.pause_requested is not None:
        return replace(st, work=S.PAUSED, reason=st.pause_requested or "pause", pause_requested=None)
    return _available(st)


def _to(st: AgentStatus, work: AgentState, reason: str = "") -> AgentStatus:
    return replace(st, work=work, reason=reason)


class WorkState:
    """One work state: a method per event returns the next status. Events the agent asks for
    are refused by default; the engine's own events are ignored by default (a late event of a
    call that already ended changes nothing)."""

    name: AgentState

    def _refuse(self, event: AgentEvent) -> AgentStatus:
        raise AgentStateError(f"not possible while {self.name.value.replace('_', ' ')}: {event.value}")

    def login(self, st: AgentStatus, reason: str) -> AgentStatus:
        return st  # already logged in

    def ready(self, st: AgentStatus, reason: str) -> AgentStatus:
        return self._refuse(AgentEvent.READY)

    def pause(self, st: AgentStatus, reason: str) -> AgentStatus:
        return _to(st, S.PAUSED, reason or "pause")

    def logout(self, st: AgentStatus, reason: str) -> AgentStatus:
        return replace(st, work=S.LOGGED_OUT, reason=reason, phone=Phone.DOWN, pause_requested=None)

    def reserve(self, st: AgentStatus, reason: str) -> AgentStatus:
        return self._refuse(AgentEvent.RESERVE)

    def ring(self, st: AgentStatus, reason: str) -> AgentStatus:
        return self._refuse(AgentEvent.RING)

    def connect(self, st: AgentStatus, reason: str) -> AgentStatus:
        return self._refuse(AgentEvent.CONNECT)

    def hang_up(self, st: AgentStatus, reason: str) -> AgentStatus:
        return st

    def wrap_up_end(self, st: AgentStatus, reason: str) -> AgentStatus:
        return st

    def release(self, st: AgentStatus, reason: str) -> AgentStatus:
        return st

    def missed(self, st: AgentStatus, reason: str) -> AgentStatus:
        return st

    def phone_ringing(self, st: AgentStatus, reason: str) -> AgentStatus:
        return replace(st, phone=Phone.RINGING)

    def phone_up(self, st: AgentStatus, reason: str) -> AgentStatus:
        return replace(st, phone=Phone.UP)

    def phone_down(self, st: AgentStatus, reason: str) -> AgentStatus:
        return replace(st, phone=Phone.DOWN)

    def gone(self, st: AgentStatus, reason: str) -> AgentStatus:
        return replace(st, present=False)

    def back(self, st: AgentStatus, reason: str) -> AgentStatus:
        return replace(st, present=True)  # resuming takes one click: nobody is ready unawares


class LoggedOut(WorkState):
    name = S.LOGGED_OUT

    def login(self, st: AgentStatus, reason: str) -> AgentStatus:
        return replace(st, work=S.PAUSED, reason=reason or "logged in", pause_requested=None)

    def pause(self, st: AgentStatus, reason: str) -> AgentStatus:
        return self._refuse(AgentEvent.PAUSE)

    def logout(self, st: AgentStatus, reason: str) -> AgentStatus:
        return st


class Paused(WorkState):
    name = S.PAUSED

    def ready(self, st: AgentStatus, reason: str) -> AgentStatus:
        return _available(replace(st, pause_requested=None))


class NotReady(WorkState):
    """Wants to work but cannot: the phone is down, or nobody is at the screen."""

    name = S.NOT_READY

    def ready(self, st: AgentStatus, reason: str) -> AgentStatus:
        return _available(st)

    def phone_up(self, st: AgentStatus, reason: str) -> AgentStatus:
        st = replace(st, phone=Phone.UP)
        return _available(st) if st.reason == PHONE_DOWN else st

    def gone(self, st: AgentStatus, reason: str) -> AgentStatus:
        return replace(st, present=False, reason=DISCONNECTED)


class Ready(WorkState):
    name = S.READY

    def ready(self, st: AgentStatus, reason: str) -> AgentStatus:
        return _available(st)

    def reserve(self, st: AgentStatus, reason: str) -> AgentStatus:
        return _to(st, S.RESERVED, reason)

    def ring(self, st: AgentStatus, reason: str) -> AgentStatus:
        return _to(st, S.RINGING, reason)

    def connect(self, st: AgentStatus, reason: str) -> AgentStatus:
        return _to(st, S.ON_CALL, reason)

    def phone_ringing(self, st: AgentStatus, reason: str) -> AgentStatus:
        return _available(replace(st, phone=Phone.RINGING))

    def phone_down(self, st: AgentStatus, reason: str) -> AgentStatus:
        return _available(replace(st, phone=Phone.DOWN))

    def gone(self, st: AgentStatus, reason: str) -> AgentStatus:
        return _available(replace(st, present=False))


class _AwaitingCall(WorkState):
    """What reserved and ringing agents share: a call is on its way to them."""

    def ready(self, st: AgentStatus, reason: str) -> AgentStatus:
        return replace(st, pause_requested=None)  # already waiting for their call

    def connect(self, st: AgentStatus, reason: str) -> AgentStatus:
        return _to(st, S.ON_CALL, reason)

    def release(self, st: AgentStatus, reason: str) -> AgentStatus:
        return _after_work(st)

    def missed(self, st: AgentStatus, reason: str) -> AgentStatus:
        return replace(st, work=S.PAUSED, reason=reason or "did not answer", pause_requested=None)

    def phone_ringing(self, st: AgentStatus, reason: str) -> AgentStatus:
        st = replace(st, phone=Phone.RINGING)
        return st if st.per_call else _available(st)

    def phone_down(self, st: AgentStatus, reason: str) -> AgentStatus:
        st = replace(st, phone=Phone.DOWN)
        return st if st.per_call else _available(st)


class Reserved(_AwaitingCall):
    name = S.RESERVED

    def ring(self, st: AgentStatus, reason: str) -> AgentStatus:
        return _to(st, S.RINGING, reason)

    def gone(self, st: AgentStatus, reason: str) -> AgentStatus:
        return _available(replace(st, present=False))


class Ringing(_AwaitingCall):
    """A per-call agent's phone rings for a customer who waits."""

    name = S.RINGING


class OnCall(WorkState):
    name = S.ON_CALL

    def ready(self, st: AgentStatus, reason: str) -> AgentStatus:
        return replace(st, pause_requested=None)  # "ready" during a call cancels a pending pause

    def pause(self, st: AgentStatus, reason: str) -> AgentStatus:
        return replace(st, pause_requested=reason or "pause")  # taken when wrap-up ends

    def logout(self, st: AgentStatus, reason: str) -> AgentStatus:
        return self._refuse(AgentEvent.LOGOUT)

    def hang_up(self, st: AgentStatus, reason: str) -> AgentStatus:
        return _to(st, S.WRAP_UP, reason)


class WrapUp(WorkState):
    name = S.WRAP_UP

    def ready(self, st: AgentStatus, reason: str) -> AgentStatus:
        return replace(st, pause_requested=None)

    def pause(self, st: AgentStatus, reason: str) -> AgentStatus:
        return replace(st, pause_requested=reason or "pause")

    def wrap_up_end(self, st: AgentStatus, reason: str) -> AgentStatus:
        return _after_work(st)


STATES: dict[AgentState, WorkState] = {cls.name: cls() for cls in
                                       (LoggedOut, Paused, NotReady, Ready, Reserved, Ringing, OnCall, WrapUp)}


def step(status: AgentStatus, event: AgentEvent, reason: str = "") -> AgentStatus:
    """The agent's status after `event`; raises `AgentStateError` when the event is refused."""
    return getattr(STATES[status.work], event.value)(status, reason)
