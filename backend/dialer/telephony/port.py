"""The telephony port: what the engine may ask of a PBX and what it hears back.

The engine names every call leg and bridge itself (`leg_id`, `bridge_id`: fixed-length
UUID hex, because Asterisk rejects a new channel id that is a prefix of a live one), asks
for actions, and receives domain events in order. It never sees ARI JSON, Local-channel
halves or Q.850 quirks: the ARI face (`telephony/ari_port.py`) turns those into the
events below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Awaitable, Callable, Mapping, Protocol, Union


class LegKind(str, Enum):
    CUSTOMER = "customer"
    AGENT = "agent"


class FailReason(str, Enum):
    """Why a leg never answered."""

    BUSY = "busy"
    CONGESTION = "congestion"
    NO_ANSWER = "no_answer"  # rang until the originate timeout
    REJECTED = "rejected"  # declined after ringing (cause 21)
    UNALLOCATED = "unallocated"  # number does not exist (cause 1)
    FAILED = "failed"  # anything else (channel unavailable, bad endpoint)
    CANCELLED = "cancelled"  # we hung it up while it rang


class MachineVerdict(str, Enum):
    HUMAN = "HUMAN"
    MACHINE = "MACHINE"
    NOTSURE = "NOTSURE"
    HANGUP = "HANGUP"


@dataclass(frozen=True)
class OriginateRequest:
    leg_id: str
    kind: LegKind
    endpoint: str  # dial string: PJSIP/1001, Local/5550000018@customers, PJSIP/+4206…@trunk
    caller_id: str = ""
    timeout_s: float = 25.0
    variables: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LegRinging:
    leg_id: str
    at: datetime


@dataclass(frozen=True)
class LegAnswered:
    """The leg answered and is ours to bridge (for customers: entered the Stasis app)."""

    leg_id: str
    at: datetime


@dataclass(frozen=True)
class LegFailed:
    """The leg ended without answering."""

    leg_id: str
    at: datetime
    reason: FailReason
    cause: int
    cause_text: str = ""
    by_shutdown: bool = False
    """Asterisk hung it up as it shut down: it might have answered."""


@dataclass(frozen=True)
class LegHungUp:
    """An answered leg ended (either side, or us)."""

    leg_id: str
    at: datetime
    cause: int
    cause_text: str = ""
    by_shutdown: bool = False
    """Asterisk hung it up as it shut down: the call was cut, not finished."""


@dataclass(frozen=True)
class MachineDetected:
    leg_id: str
    at: datetime
    verdict: MachineVerdict
    detail: str = ""


@dataclass(frozen=True)
class PlaybackFinished:
    playback_id: str
    target_id: str  # the leg or bridge it played on
    at: datetime


@dataclass(frozen=True)
class RecordingFinished:
    """A recording ended and its file is stored on the PBX (stopped by us, or by itself: a
    bridge recording that gets no audio for ~4 s ends alone). `duration_s`: whole seconds of
    audio kept, as Asterisk counts them."""

    name: str
    at: datetime
    duration_s: int | None = None


@dataclass(frozen=True)
class RecordingFailed:
    """A recording could not be made or kept: there is no file to fetch."""

    name: str
    at: datetime
    cause: str = ""


@dataclass(frozen=True)
class InboundCall:
    leg_id: str
    at: datetime
    did: str
    caller: str


@dataclass(frozen=True)
class StrayAnswered:
    """A leg this port did not place entered the app answered: one an earlier run of the dialer
    placed, answered after the app came back. The engine decides whose it is."""

    leg_id: str
    at: datetime


@dataclass(frozen=True)
class PortConnected:
    """The PBX is reachable again (first connect or reconnect): `live_legs` are the legs it
    still holds, so the engine can reconcile calls it believes in with what really exists."""

    at: datetime
    live_legs: frozenset[str]
    live_bridges: frozenset[str]
    answered_legs: frozenset[str] = frozenset()
    """Of `live_legs`, those up (answered): a customer who answered while the dialer was away."""


@dataclass(frozen=True)
class PortDisconnected:
    at: datetime
    reason: str = ""


TelephonyEvent = Union[LegRinging, LegAnswered, LegFailed, LegHungUp, MachineDetected, PlaybackFinished,
                       RecordingFinished, RecordingFailed, InboundCall, StrayAnswered, PortConnected,
                       PortDisconnected]
EventSink = Callable[[TelephonyEvent], Awaitable[None]]


class NotConnected(Exception):
    """The PBX is not reachable now; nothing was sent. Originating then would lose the call."""


class OriginateRefused(Exception):
    """The PBX did not take the call: it refused (5xx: shutting down, out of resources), did
    not answer in time, or the connection broke. Nothing rang: not an attempt on the callee.
    The message says why in a few words ("500 Allocation failed", "no answer within 10 s")."""


class TelephonyPort(Protocol):
    @property
    def connected(self) -> bool: ...

    def subscribe(self, sink: EventSink) -> None:
        """The one consumer of events; called in order, one at a time."""

    async def originate(self, request: OriginateRequest) -> None:
        """Place the call; NotConnected / OriginateRefused when the PBX never took it."""

    async def hangup(self, leg_id: str, reason: str = "normal") -> None:
        """Hang up; a leg that is already gone is not an error."""

    async def answer(self, leg_id: str) -> None: ...

    async def create_bridge(self, bridge_id: str, holding: bool = False) -> None: ...

    async def add_to_bridge(self, bridge_id: str, leg_id: str) -> None: ...

    async def remove_from_bridge(self, bridge_id: str, leg_id: str) -> None: ...

    async def destroy_bridge(self, bridge_id: str) -> None: ...

    async def play(self, target_id: str, media: str, playback_id: str, on_bridge: bool = False) -> None: ...

    async def start_music(self, leg_id: str, music_class: str = "default") -> None: ...

    async def stop_music(self, leg_id: str) -> None: ...

    async def record_bridge(self, bridge_id: str, name: str, fmt: str = "wav") -> None:
        """Record what the bridge mixes into `name`.`fmt` in the PBX's spool; RecordingFinished
        (or RecordingFailed) follows when it ends."""

    async def record_leg(self, leg_id: str, recorder_id: str, name: str, fmt: str = "wav") -> None:
        """Record what the leg hears and says (a customer's wait: hold music, messages) into
        `name`.`fmt`, through a listening channel `recorder_id` that leaves the leg free to be
        played to and bridged. Stop it with `stop_recording`, then hang the recorder up; it
        also ends, its file kept, when the leg hangs up."""

    async def stop_recording(self, name: str) -> bool:
        """Stop a live recording and keep its file; False when it was no longer live (it
        ended by itself, or never was): not an error."""

    async def stored_recording_seconds(self, name: str, fmt: str = "wav") -> float | None:
        """The length of a stored recording read from its file, None when there is no such
        file (for a recording whose RecordingFinished was never heard)."""

    async def detect_machine(self, leg_id: str) -> None:
        """Run answering-machine detection; a MachineDetected event follows."""

    async def hand_back(self, leg_id: str) -> None:
        """Give a channel back to the PBX's dialplan (its next step decides what happens)."""
