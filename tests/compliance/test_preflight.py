"""Each preflight rule passes, fails or does not apply, and says why; a save is refused on the
setting rules a regulatory profile enforces."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from dialer.compliance.hours import ClosureDays
from dialer.compliance.preflight import CampaignFacts, Status, preflight, report, returnable, violations
from dialer.compliance.profiles import PROFILES, Regulation, profile_for, regulation_named

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=timezone.utc)


def facts(regulation: str = "eu", **changes) -> CampaignFacts:
    p = profile_for(regulation)
    base = CampaignFacts(name="Sales", regulation=Regulation(regulation), calling_windows=dict(p.calling_windows),
                         retry_intervals=dict(p.retry_intervals), abandon_window=p.abandon_window,
                         abandon_message="sorry", caller_ids=("+420221000100",), ring_timeout_s=25,
                         dnc_updated_at=NOW - timedelta(days=3), now=NOW)
    return replace(base, **changes)


def status(f: CampaignFacts, rule: str) -> Status:
    return next(r.status for r in preflight(f) if r.rule == rule)


@pytest.mark.parametrize("regulation", ["us", "uk", "eu", "none"])
def test_the_profile_defaults_pass_their_own_profile(regulation: str) -> None:
    assert report(facts(regulation))["ok"] is True
    assert violations(facts(regulation)) == []


def test_every_rule_is_listed() -> None:
    assert [r.rule for r in preflight(facts())] == [
        "hours", "holidays", "message timing", "ring time", "abandon cap", "abandon window", "caller ID",
        "DNC scrub", "72 h rule", "limits"]


def test_hours() -> None:
    late = facts(calling_windows={"mon": [["08:00", "22:00"]]})
    assert status(late, "hours") is Status.FAIL
    assert "mon 08:00-22:00" in next(r.detail for r in preflight(late) if r.rule == "hours")
    sunday = facts(calling_windows={"sun": [["10:00", "12:00"]]})
    assert status(sunday, "hours") is Status.FAIL  # eu: no Sundays
    assert status(facts("us", calling_windows={"sun": [["10:00", "12:00"]]}), "hours") is Status.PASS
    assert status(facts("none", calling_windows={"mon": [["00:00", "24:00"]]}), "hours") is Status.NA


def test_holidays() -> None:
    assert status(facts(), "holidays") is Status.PASS
    assert status(facts(skip_holidays=False), "holidays") is Status.FAIL
    assert status(facts("none"), "holidays") is Status.NA


def test_message_timing() -> None:
    assert status(facts(abandon_message=""), "message timing") is Status.FAIL
    assert status(facts(abandon_message="", mode="progressive"), "message timing") is Status.NA
    assert status(facts("none", abandon_message=""), "message timing") is Status.NA


def test_ring_time() -> None:
    assert status(facts(ring_timeout_s=14), "ring time") is Status.FAIL
    assert status(facts(ring_timeout_s=15), "ring time") is Status.PASS
    assert status(facts("none", ring_timeout_s=10), "ring time") is Status.NA


def test_cap_and_its_current_rate() -> None:
    assert status(facts(abandon_cap_pct=3.5), "abandon cap") is Status.FAIL
    assert status(facts(abandon_rate=0.031), "abandon cap") is Status.FAIL
    assert status(facts(abandon_rate=0.02), "abandon cap") is Status.PASS
    assert status(facts(mode="preview"), "abandon cap") is Status.NA
    # The live rate fails the check but never refuses a save.
    assert violations(facts(abandon_rate=0.05)) == []


def test_windows() -> None:
    assert status(facts("uk", abandon_window="30d"), "abandon window") is Status.FAIL
    assert status(facts("us", abandon_window="30d"), "abandon window") is Status.PASS


def test_caller_id_present_and_returnable() -> None:
    assert status(facts(caller_ids=()), "caller ID") is Status.FAIL
    assert status(facts(caller_ids=("+420900123456",)), "caller ID") is Status.FAIL  # premium rate
    assert status(facts(caller_ids=("123",)), "caller ID") is Status.FAIL
    assert returnable("+12125551234") and not returnable("+1900555")


def test_dnc_scrub() -> None:
    assert status(facts("us"), "DNC scrub") is Status.PASS
    assert status(facts("us", dnc_updated_at=NOW - timedelta(days=32)), "DNC scrub") is Status.FAIL
    assert status(facts("us", dnc_updated_at=None), "DNC scrub") is Status.FAIL
    assert status(facts("eu", dnc_updated_at=None), "DNC scrub") is Status.NA


def test_quiet_period_after_an_abandon() -> None:
    short = {"abandoned": 3600}
    assert status(facts("uk", retry_intervals=short), "72 h rule") is Status.FAIL
    assert status(facts("eu", retry_intervals=short), "72 h rule") is Status.FAIL
    assert status(facts("us", retry_intervals=short), "72 h rule") is Status.NA


def test_violations_name_the_rule_and_the_field() -> None:
    broken = violations(facts("uk", ring_timeout_s=10, abandon_cap_pct=5, abandon_message=""))
    assert {(v.rule, v.field) for v in broken} == {("ring time", "ring_timeout_s"), ("abandon cap", "abandon_cap_pct")}
    # A missing message fails the preflight, but a draft may be saved without it.
    assert status(facts("uk", abandon_message=""), "message timing") is Status.FAIL
    assert all(v.detail.startswith("UK (Ofcom)") for v in broken)


def test_the_json_document() -> None:
    doc = report(facts(ring_timeout_s=10))
    assert set(doc) == {"campaign", "ok", "rules"} and doc["ok"] is False and doc["campaign"] == "Sales"
    assert all(set(r) == {"rule", "status", "detail"} for r in doc["rules"])
    assert {r["status"] for r in doc["rules"]} <= {"pass", "fail", "n/a"}


def test_profile_names() -> None:
    assert set(PROFILES) == set(Regulation)
    assert regulation_named("") is Regulation.EU and regulation_named("", Regulation.US) is Regulation.US
    assert regulation_named("none") is Regulation.NONE
    assert not profile_for("none").enforces and all(PROFILES[r].enforces for r in ("us", "uk", "eu"))


def test_limits_list_what_is_enforced_and_the_per_number_limits() -> None:
    detail = next(r.detail for r in preflight(facts("uk", daily_limit=2)) if r.rule == "limits")
    assert "hours 08:00-21:00" in detail and "abandon cap ≤ 3 %" in detail and "72 h after an abandon" in detail
    assert "2 per number a day" in detail
    assert "no Sundays" in next(r.detail for r in preflight(facts("eu")) if r.rule == "limits")
    none = next(r for r in preflight(facts("none")) if r.rule == "limits")
    assert none.status is Status.NA and "no call-count limit per number" in none.detail


def test_holidays_says_when_today_is_a_closure_day_or_a_public_holiday() -> None:
    prague = ZoneInfo("Europe/Prague")
    closures = (ClosureDays({date(2026, 12, 5): "Stocktaking", date(2026, 12, 31): "New Year's Eve",
                             date(2026, 12, 1): "past"}, prague),)
    closed = next(r for r in preflight(facts(closures=closures)) if r.rule == "holidays")
    assert closed.status is Status.PASS
    assert closed.detail.startswith("Not dialing today: company closure day 2026-12-05: Stocktaking. ")
    assert closed.detail.endswith("; 1 company closure day ahead, the next 2026-12-31 (New Year's Eve)")
    holiday = next(r for r in preflight(facts(holidays_today=("public holiday Christmas Eve in CZ",)))
                   if r.rule == "holidays")
    assert holiday.detail.startswith("Not dialing today: public holiday Christmas Eve in CZ. ")
    # Outside any law public holidays are calling days; the company's own closure days still hold.
    none = next(r for r in preflight(facts("none", closures=closures, holidays_today=("x",))) if r.rule == "holidays")
    assert none.status is Status.NA and none.detail.startswith("Not dialing today: company closure day 2026-12-05")
    assert "x" not in none.detail.split(".")[0]
    assert report(facts(closures=closures))["ok"] is True, "a day off is no failure"
