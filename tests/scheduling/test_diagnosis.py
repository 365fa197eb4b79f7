"""Why a campaign is not dialing, from data and `now` alone."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from dialer.compliance.hours import CallingHours, ClosureDays
from dialer.models.enums import AgentState, CampaignMode, CampaignStatus
from dialer.not_dialing import NotDialing as Code
from dialer.not_dialing import NotDialingReason
from dialer.scheduling.diagnosis import AgentView, DiagnosisInput, DueGroup, diagnose
from dialer.scheduling.windows import WeeklyWindows

# Wednesday 2026-03-04 12:00 UTC = 13:00 in Prague, 07:00 in New York.
NOON = datetime(2026, 3, 4, 12, 0, tzinfo=timezone.utc)
READY = (AgentView(AgentState.READY, ("cz",)),)


def data(**kw) -> DiagnosisInput:
    base = dict(status=CampaignStatus.RUNNING, mode=CampaignMode.PREDICTIVE, list_count=1,
                counts={"pending": 10}, due_groups=(DueGroup(("Europe/Prague",), 10),), due_total=10, agents=READY)
    return DiagnosisInput(**{**base, **kw})


def codes(d) -> list[str]:
    return [r.code for r in d.reasons]


def test_a_running_campaign_with_due_contacts_and_ready_agents_dials() -> None:
    d = diagnose(data(), NOON)
    assert d.dialing and d.as_json() == {"dialing": True, "reasons": []}


def test_every_reason_is_listed_not_just_the_first() -> None:
    d = diagnose(data(status=CampaignStatus.PAUSED, agents=()), NOON)
    assert codes(d) == [Code.NOT_RUNNING, Code.NO_AGENT_LOGGED_IN]


def test_contact_reasons() -> None:
    assert codes(diagnose(data(list_count=0), NOON)) == [Code.NO_CONTACT_LIST]
    assert codes(diagnose(data(counts={}), NOON)) == [Code.NO_CONTACTS]
    assert codes(diagnose(data(counts={"done": 3, "exhausted": 2}), NOON)) == [Code.ALL_FINISHED]
    assert codes(diagnose(data(counts={"leased": 2, "done": 1}), NOON)) == [Code.ALL_IN_PROGRESS]
    later = datetime(2026, 3, 4, 15, 0, tzinfo=timezone.utc)
    d = diagnose(data(due_groups=(), due_total=0, next_due_at=later), NOON)
    assert codes(d) == [Code.NOT_YET_DUE] and d.reasons[0].until == later and "15:00" in d.reasons[0].message


def test_outside_calling_hours_in_the_contacts_zone_says_when_it_resumes() -> None:
    d = diagnose(data(due_groups=(DueGroup(("America/New_York",), 10),)), NOON)  # 07:00 there
    assert codes(d) == [Code.OUTSIDE_CALLING_HOURS]
    assert d.reasons[0].until == datetime(2026, 3, 4, 14, 0, tzinfo=timezone.utc)  # 09:00 EST
    # One group inside its hours is enough to dial.
    both = (DueGroup(("America/New_York",), 10), DueGroup(("Europe/Prague",), 1))
    assert diagnose(data(due_groups=both, due_total=11), NOON).dialing


def test_a_sample_says_so_and_bad_windows_are_reported() -> None:
    d = diagnose(data(due_groups=(DueGroup(("America/New_York",), 5),), due_total=500), NOON)
    assert "the first 5 of the 500" in d.reasons[0].message
    d = diagnose(data(calling_windows={"mon": [["25:00", "26:00"]]}), NOON)
    assert codes(d) == [Code.BAD_CALLING_WINDOWS]


def test_agent_reasons() -> None:
    paused = (AgentView(AgentState.PAUSED),)
    assert codes(diagnose(data(agents=paused), NOON)) == [Code.NO_AGENT_READY]
    assert diagnose(data(agents=(AgentView(AgentState.ON_CALL),)), NOON).dialing  # busy, not stuck
    stuck = (AgentView(AgentState.NOT_READY, reason="phone down"), AgentView(AgentState.NOT_READY,
             reason="phone down"), AgentView(AgentState.PAUSED, reason="Lunch"))
    d = diagnose(data(agents=stuck), NOON)
    assert codes(d) == [Code.NO_AGENT_READY]
    assert d.reasons[0].message == "No logged-in agent is ready: 2 not ready (phone down), 1 paused."
    d = diagnose(data(required_skills=("pl",)), NOON)
    assert codes(d) == [Code.NO_AGENT_WITH_SKILLS] and "pl" in d.reasons[0].message


def test_the_engine_adds_live_reasons() -> None:
    d = diagnose(data(), NOON, live=(NotDialingReason(Code.ASTERISK_DISCONNECTED),))
    assert codes(d) == ["asterisk_disconnected"] and not d.dialing


def test_a_live_reason_the_data_already_gives_is_said_once() -> None:
    d = diagnose(data(status=CampaignStatus.PAUSED), NOON, live=(NotDialingReason(Code.NOT_RUNNING, "paused"),))
    assert codes(d) == [Code.NOT_RUNNING]
    assert d.as_json()["reasons"][0]["message"] == "The campaign is paused; start or resume it."


# Thursday 24 December 2026, 12:00 in Prague: Christmas Eve, a public holiday in Czechia.
CHRISTMAS_EVE = datetime(2026, 12, 24, 11, 0, tzinfo=timezone.utc)
PRAGUE_CZ = DueGroup(("Europe/Prague",), 10, "CZ")


def test_a_closure_day_of_the_campaign_says_so_whatever_is_due() -> None:
    closed = (ClosureDays({date(2026, 3, 4): "Inventory"}, ZoneInfo("Europe/Prague")),)
    d = diagnose(data(closures=closed), NOON)
    assert codes(d) == [Code.CLOSURE_DAY]
    assert d.reasons[0].message == "Not dialing today: company closure day 2026-03-04: Inventory."
    assert d.reasons[0].until == datetime(2026, 3, 4, 23, 0, tzinfo=timezone.utc), "Prague's midnight"
    d = diagnose(data(closures=closed, due_groups=(), due_total=0), NOON)
    assert codes(d) == [Code.CLOSURE_DAY], "not a vague 'not yet due'"


def test_a_public_holiday_of_every_due_callee_is_named() -> None:
    d = diagnose(data(due_groups=(PRAGUE_CZ,), skip_holidays=True), CHRISTMAS_EVE)
    assert codes(d) == [Code.PUBLIC_HOLIDAY]
    assert d.reasons[0].message.startswith("Not dialing today: public holiday ") and " in CZ" in d.reasons[0].message
    assert not diagnose(data(due_groups=(PRAGUE_CZ,), skip_holidays=False), CHRISTMAS_EVE).reasons, "the law's choice"


def test_contacts_put_back_for_a_holiday_say_the_holiday_not_not_yet_due() -> None:
    later = datetime(2026, 12, 28, 7, 0, tzinfo=timezone.utc)
    waiting = data(due_groups=(), due_total=0, next_due_at=later, waiting_groups=(PRAGUE_CZ,), skip_holidays=True)
    d = diagnose(waiting, CHRISTMAS_EVE)
    assert codes(d) == [Code.PUBLIC_HOLIDAY] and d.reasons[0].until == later
    # Some of those due next are elsewhere: not yet due, and the holiday says whom it keeps.
    mixed = replace(waiting, waiting_groups=(PRAGUE_CZ, DueGroup(("Europe/London",), 5, "GB")))
    d = diagnose(mixed, CHRISTMAS_EVE)
    assert codes(d) == [Code.NOT_YET_DUE, Code.PUBLIC_HOLIDAY] and "(10 of the 15 due next)" in d.reasons[1].detail


def test_due_contacts_of_their_own_profile_are_judged_by_its_hours() -> None:
    evenings = CallingHours(WeeklyWindows.parse({"wed": [["18:00", "20:00"]]}))
    own = data(due_groups=(DueGroup(("Europe/Prague",), 10, "CZ", None, 7),), own_hours={7: evenings})
    d = diagnose(own, NOON)  # 13:00 in Prague: the campaign's hours, not the contacts' own
    assert codes(d) == [Code.OUTSIDE_CALLING_HOURS] and d.reasons[0].until == datetime(2026, 3, 4, 17, 0,
                                                                                        tzinfo=timezone.utc)
