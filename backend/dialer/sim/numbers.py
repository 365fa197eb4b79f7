"""The test world's number convention and the telephony constants it speaks in.

Parses ARI endpoints (`Local/<exten>@<context>`, `PJSIP/<name>`), says what a customer number
or an agent name means (the same convention as the project's test-world dialplan for a real
Asterisk), and holds the Q.850 cause texts and ARI hang-up reasons. Pure: no I/O, no clock.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Outcome(enum.Enum):
    """What the callee does; the values are the customer numbers' last digits."""

    BUSY = 0
    CONGESTION = 1
    NO_ANSWER = 2
    SHORT_CALL = 3
    MACHINE = 4
    RANDOM_PERSON = 5
    REJECTED = 6
    UNALLOCATED = 7
    PERSON_STAYS = 8
    WORLD = 9


@dataclass(frozen=True)
class Endpoint:
    """A parsed ARI endpoint. `resource` is the exten (Local) or device name (PJSIP...)."""

    technology: str
    resource: str
    context: str = ""

    @property
    def is_local(self) -> bool:
        return self.technology == "Local"


# Technologies a stock Asterisk has loaded; anything else fails allocation (500).
KNOWN_TECHNOLOGIES = frozenset({"Local", "PJSIP", "SIP", "IAX2", "DAHDI"})


def parse_endpoint(endpoint: str) -> Endpoint | None:
    """`Local/123@ctx` -> Endpoint("Local", "123", "ctx"); None if malformed or unknown tech."""
    tech, sep, rest = endpoint.partition("/")
    if not sep or not rest or tech not in KNOWN_TECHNOLOGIES:
        return None
    if tech == "Local":
        exten, _, context = rest.partition("@")
        # Local channel options ("/n", "/j") follow the context; they change nothing here.
        context = context.split("/", 1)[0] or "default"
        return Endpoint("Local", exten, context)
    return Endpoint(tech, rest)


def customer_outcome(number: str) -> Outcome | None:
    """The outcome a customer number asks for; None if it is not a number of >= 2 digits."""
    if len(number) < 2 or not number.isdigit():
        return None
    return Outcome(int(number[-1]))


def customer_ring_seconds(number: str) -> int:
    """Second-to-last digit: ring time of the deterministic answered outcomes (3, 4, 6, 8)."""
    return int(number[-2])


def customer_number(outcome: Outcome, ring_seconds: int = 1, prefix: str = "55500000") -> str:
    """A test-world number that does `outcome` (ringing `ring_seconds` where that applies):
    customer_number(Outcome.PERSON_STAYS, 1) == "5550000018"."""
    if not 0 <= ring_seconds <= 9:
        raise ValueError("ring_seconds is one digit (0-9)")
    return f"{prefix}{ring_seconds}{outcome.value}"


class AgentPhone(enum.Enum):
    """What an agent's auto-answer phone does, from the prefix of its name."""

    ANSWER = "answer"
    SLOW = "slow-"
    NO_ANSWER = "noanswer-"
    BUSY = "busy-"
    OFFLINE = "offline-"


def agent_phone_behaviour(name: str) -> AgentPhone:
    for kind in (AgentPhone.SLOW, AgentPhone.NO_ANSWER, AgentPhone.BUSY, AgentPhone.OFFLINE):
        if name.startswith(kind.value):
            return kind
    return AgentPhone.ANSWER


CAUSE_TEXT: dict[int, str] = {
    0: "Unknown",
    1: "Unallocated (unassigned) number",
    2: "No route to specified transit network",
    3: "No route to destination",
    16: "Normal Clearing",
    17: "User busy",
    18: "No user responding",
    19: "User alerting, no answer",
    21: "Call Rejected",
    26: "Answered elsewhere",
    27: "Destination out of order",
    28: "Invalid number format",
    31: "Normal, unspecified",
    34: "Circuit/channel congestion",
    38: "Network out of order",
    41: "Temporary failure",
    58: "Bearer capability not available",
    127: "Interworking, unspecified",
}


def cause_text(cause: int) -> str:
    return CAUSE_TEXT.get(cause, "Unknown")


# DELETE /channels/{id}?reason=... as Asterisk's ARI maps it to a Q.850 cause.
HANGUP_REASONS: dict[str, int] = {
    "normal": 16,
    "busy": 17,
    "congestion": 34,
    "no_answer": 19,
    "timeout": 18,
    "rejected": 21,
    "unallocated": 1,
    "normal_unspecified": 31,
    "number_incomplete": 28,
    "codec_mismatch": 58,
    "interworking": 127,
    "failure": 38,
    "answered_elsewhere": 26,
}

# Soft-hangup flags Asterisk reports in ChannelHangupRequest.cause when "soft" is true.
SOFT_HANGUP_EXPLICIT = 32   # AST_SOFTHANGUP_EXPLICIT: an ARI DELETE
SOFT_HANGUP_APPUNLOAD = 16  # AST_SOFTHANGUP_APPUNLOAD: a Local ;2 half being torn down
SOFT_HANGUP_SHUTDOWN = 4    # AST_SOFTHANGUP_SHUTDOWN: `core stop now`
