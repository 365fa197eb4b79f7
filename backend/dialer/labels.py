"""The words people read for the values stored as enums: `no_answer` is "No answer",
`wrap_up` is "Wrap-up", `dnc` is "DNC". One table for the pages (the `label` filter of the
templates), the scripts that draw live pages, and the human-readable columns of exports.

Only presentation: stored values, the API and raw exports keep the enum values.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

# Values whose label is not simply the value with spaces for underscores and a capital letter.
# A value means the same in every enum that has it ("failed" call, contact, import, webhook).
_SPECIAL: dict[str, str] = {
    # calls
    "no_answer": "No answer",
    "in_progress": "In progress",
    "machine": "Answering machine",
    "congestion": "Network busy",
    # agents
    "wrap_up": "Wrap-up",
    "on_call": "On call",
    "logged_out": "Logged out",
    "reserved": "Reserved for a call",
    "not_ready": "Not ready",
    # campaigns
    "hangup": "Hang up",
    "hold": "Hold (message or music)",
    "per_call": "Rung for each call",
    "persistent": "Stays connected",
    "30d": "30 days (FCC)",
    "24h": "24 hours (Ofcom)",
    # contacts
    "dnc": "DNC",
    "leased": "Being dialled",
    "exhausted": "Out of attempts",
    # dispositions the dialer sets when the agent set none
    "wrap_up_timed_out": "Wrap-up timed out",
    "agent_left": "Released: the agent left",
    "agent_logged_out": "Agent logged out in wrap-up",
}


def label(value: Any, none: str = "") -> str:
    """The label of an enum member or its stored value; `none` for None or an empty value.

    A value not in the table reads as itself, spaced and capitalised (`all_finished` is
    "All finished"), so a new enum member never shows as an identifier.
    """
    if isinstance(value, Enum):
        value = value.value
    if value is None or value == "":
        return none
    text = str(value)
    special = _SPECIAL.get(text)
    if special is not None:
        return special
    spaced = text.replace("_", " ")
    return spaced[:1].upper() + spaced[1:]


def labels_of(*enums: type[Enum]) -> dict[str, str]:
    """Value -> label for every member of these enums (for a script that draws a live page)."""
    return {str(m.value): label(m) for enum in enums for m in enum}


def page_labels() -> dict[str, str]:
    """Value -> label for the values live pages receive (states, statuses, outcomes), for their
    scripts: templates hand it over as a data attribute (`enum_labels()`)."""
    from dialer.models.enums import AgentState, CallOutcome, CampaignStatus, ContactStatus

    return labels_of(AgentState, CallOutcome, CampaignStatus, ContactStatus) | {"in_progress": label("in_progress")}
