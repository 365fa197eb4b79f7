"""Why a campaign is not dialing (or dials less than expected): the one vocabulary of codes and
sentences that the pacer's reasons, the engine, the diagnosis, the campaign page, the API and the
wallboard all speak.

Pure: no I/O. A code is stable (the API's clients match on it); its sentence is for people. Where
a figure or a text varies (Asterisk's refusal, the credit, how many calls were released) the reason
carries it as `detail`, which the sentence places.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class NotDialing(str, Enum):
    """A reason's code (the value) and its sentence; `{detail}` marks where the detail goes."""

    sentence: str

    def __new__(cls, code: str, sentence: str) -> NotDialing:
        member = str.__new__(cls, code)
        member._value_ = code
        member.sentence = sentence
        return member

    # -- the campaign and its contacts (the diagnosis, from the database) -------------------
    ARCHIVED = ("archived", "The campaign is archived.")
    NOT_RUNNING = ("not_running", "The campaign is {detail}; start or resume it.")
    NO_CONTACT_LIST = ("no_contact_list", "No contact list is attached to the campaign.")
    NO_CONTACTS = ("no_contacts", "The contact lists are empty.")
    ALL_FINISHED = ("all_finished", "Every contact is finished: done, failed, exhausted or on the do-not-call "
                                    "list. Clear the campaign or add contacts.")
    ALL_IN_PROGRESS = ("all_in_progress", "Every remaining contact is being dialed right now.")
    NOT_YET_DUE = ("not_yet_due", "No pending contact is due for a retry yet ({detail}).")
    OUTSIDE_CALLING_HOURS = ("outside_calling_hours", "It is outside the calling hours of the due contacts, in "
                                                      "their time zones ({detail}).")
    BAD_CALLING_WINDOWS = ("bad_calling_windows", "The dial profile's calling hours are malformed: {detail}.")
    CLOSURE_DAY = ("closure_day", "Not dialing today: {detail}.")
    PUBLIC_HOLIDAY = ("public_holiday", "Not dialing today: {detail}.")
    # -- the agents (the diagnosis) ---------------------------------------------------------
    NO_AGENT_LOGGED_IN = ("no_agent_logged_in", "No agent of the campaign's team is logged in.")
    NO_AGENT_WITH_SKILLS = ("no_agent_with_skills", "No logged-in agent has the skills the campaign needs: "
                                                    "{detail}.")
    NO_AGENT_READY = ("no_agent_ready", "No logged-in agent is ready: {detail}.")
    # -- what only the running engine knows --------------------------------------------------
    ASTERISK_DISCONNECTED = ("asterisk_disconnected", "Asterisk is not connected: no calls until it is back.")
    ASTERISK_REFUSED = ("asterisk_refused", "Asterisk refused calls: {detail}.")
    NO_PREPAID_CREDIT = ("no_prepaid_credit", "Dialing is stopped: {detail}.")
    NO_CONTACT_DUE = ("no_contact_due", "No contact is due now (all done, exhausted, or outside calling hours).")
    # -- the pacer's account of its last tick (the campaign dials again as agents free up) ---
    NO_AGENT_AVAILABLE = ("no_agent_available", "No agent is logged in and ready for this campaign.")
    AGENTS_BUSY = ("agents_busy", "Every agent is busy.")
    CUSTOMERS_WAITING = ("customers_waiting", "Answered customers are waiting for an agent.")
    ENOUGH_IN_FLIGHT = ("enough_in_flight", "Calls already ringing cover the agents about to be free.")
    PACER_FORECAST = ("pacer_forecast", "The pacer forecasts no agent free in time for another call.")
    ABANDON_CAP = ("abandon_cap", "The abandon rate reached the cap: dialing progressively.")
    TRUNK_LIMIT = ("trunk_limit", "All the campaign's lines are in use.")
    RATE_LIMIT = ("rate_limit", "The maximum calls per 5 seconds was reached.")
    RINGING_RELEASED = ("ringing_released", "The pacer hung up {detail} ringing call(s) that no agent would "
                                            "have been free for.")

    @property
    def takes_detail(self) -> bool:
        return "{detail}" in self.sentence


@dataclass(frozen=True)
class NotDialingReason:
    """One reason, as the engine keeps it and the page and API show it."""

    code: NotDialing
    detail: str = ""
    until: datetime | None = None  # when it stops holding, if known

    def __post_init__(self) -> None:
        # A sentence with a hole and nothing to fill it reads as nonsense on the page.
        if self.code.takes_detail and not self.detail:
            raise ValueError(f"{self.code.name} needs a detail")

    @property
    def message(self) -> str:
        return self.code.sentence.format(detail=self.detail) if self.code.takes_detail else self.code.sentence

    def as_json(self) -> dict[str, object]:
        return {"code": self.code.value, "message": self.message, "detail": self.detail,
                "until": self.until.isoformat() if self.until else None}


def described() -> str:
    """Every code with its sentence, for the API's description."""
    return "\n".join(f"- `{c.value}`: {c.sentence.replace('{detail}', '…')}" for c in NotDialing)
