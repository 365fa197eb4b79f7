"""The enumerations stored in the database: roles, states and outcomes.

They are `str` enums so the stored value is readable in SQL and in exports; renaming a
member's value needs a data migration.
"""

from __future__ import annotations

from enum import Enum


class Role(str, Enum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    AGENT = "agent"


class AgentState(str, Enum):
    LOGGED_OUT = "logged_out"
    READY = "ready"
    RESERVED = "reserved"
    RINGING = "ringing"
    ON_CALL = "on_call"
    WRAP_UP = "wrap_up"
    PAUSED = "paused"
    NOT_READY = "not_ready"  # wants to work, cannot: phone down or nobody at the screen


class AgentConnection(str, Enum):
    """How the engine reaches an agent's phone."""

    PERSISTENT = "persistent"  # called once on going ready, kept in a bridge: connects in milliseconds
    PER_CALL = "per_call"  # rung for each call (phones that cannot stay connected)


class CampaignMode(str, Enum):
    PREVIEW = "preview"
    PROGRESSIVE = "progressive"
    PREDICTIVE = "predictive"


class CampaignStatus(str, Enum):
    DRAFT = "draft"
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"


class NoAgentAction(str, Enum):
    """What happens to an answered customer when no agent is free (predictive)."""

    HANG_UP = "hangup"  # counted as abandoned at once
    HOLD = "hold"  # message / music, released after max wait


class PrivateNumbers(str, Enum):
    """Whether agents may keep contacts for themselves, and how those are dialed."""

    OFF = "off"
    MANUAL = "manual"  # listed for the agent to dial
    AUTOMATIC = "automatic"  # dialed when that agent is free


class AbandonWindow(str, Enum):
    """The rolling window the abandon cap is measured over."""

    DAYS_30 = "30d"  # FCC
    HOURS_24 = "24h"  # Ofcom, with the answering-machine adjustment


class ContactStatus(str, Enum):
    PENDING = "pending"
    LEASED = "leased"
    DONE = "done"
    FAILED = "failed"
    EXHAUSTED = "exhausted"
    DNC = "dnc"


class DncSource(str, Enum):
    """How a number came onto the do-not-call list."""

    MANUAL = "manual"  # an admin typed it (web page or API)
    DISPOSITION = "disposition"  # an agent saved a call with a disposition that adds to the list
    AGENT = "agent"  # an agent's DNC button in the call form
    IMPORT = "import"  # a bulk file (a national registry, a customer's own list)


class DncScope(str, Enum):
    """Where a number added by a disposition or the agent's button is barred."""

    GLOBAL = "global"  # every campaign
    CAMPAIGN = "campaign"  # the call's campaign only


class CallOutcome(str, Enum):
    ANSWERED = "answered"
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    CONGESTION = "congestion"
    FAILED = "failed"
    ABANDONED = "abandoned"
    MACHINE = "machine"
    CANCELLED = "cancelled"


class SystemDisposition(str, Enum):
    """Why a call ended its wrap-up with no disposition from the agent: the dialer set one.
    Reported beside the agents' own dispositions, so no call is left with none."""

    WRAP_UP_TIMED_OUT = "wrap_up_timed_out"  # the campaign's wrap-up time ran out (notes kept)
    DIALER_RESTARTED = "dialer_restarted"  # the dialer stopped or crashed during the call or its wrap-up
    AGENT_LEFT = "agent_left"  # placed for an agent who paused or left before it was answered: released
    AGENT_LOGGED_OUT = "agent_logged_out"  # the agent logged out (or was logged out) during wrap-up


class CallDirection(str, Enum):
    OUTBOUND = "outbound"  # placed by the dialer for a campaign
    MANUAL = "manual"  # dialed by an agent (private list, click-to-dial)
    INBOUND = "inbound"
