"""A dial profile's company closure days as an admin types them: one day a line, a note if they
like; a bad line is refused with its number, and what is stored reads back as it was typed."""

from __future__ import annotations

from datetime import date

import pytest

from dialer.campaigns.closure_days import ClosureDayError, closure_dates, closure_days_text, parse_closure_days


def test_one_day_a_line_with_an_optional_note_in_date_order() -> None:
    stored = parse_closure_days("2026-12-31 New Year's Eve\n\n  2026-12-24   Christmas party \n2027-01-02\n")
    assert stored == [{"date": "2026-12-24", "note": "Christmas party"},
                      {"date": "2026-12-31", "note": "New Year's Eve"},
                      {"date": "2027-01-02", "note": ""}]
    assert closure_days_text(stored) == "2026-12-24 Christmas party\n2026-12-31 New Year's Eve\n2027-01-02"
    assert parse_closure_days(closure_days_text(stored)) == stored
    assert closure_dates(stored)[date(2026, 12, 24)] == "Christmas party"


@pytest.mark.parametrize("text, message", [
    ("2026-12-24 party\n24.12.2026 party", "Line 2: '24.12.2026' is not a date; write one day a line as YYYY-MM-DD"),
    ("2026-02-30", "Line 1: 2026-02-30 is not a day of the calendar"),
    ("2026-12-24\n\n2026-12-24 again", "Line 3: 2026-12-24 is listed already (line 1)"),
    ("2026-12-24Christmas", "Line 1: '2026-12-24Christmas' is not a date"),
    ("2026-12-24 " + "x" * 101, "Line 1: the note is longer than 100 characters"),
])
def test_a_bad_line_is_refused_by_its_number(text: str, message: str) -> None:
    with pytest.raises(ClosureDayError) as refused:
        parse_closure_days(text)
    assert str(refused.value).startswith(message)


def test_nothing_typed_is_no_closure_day() -> None:
    assert parse_closure_days("") == [] and parse_closure_days(" \n \n") == []
    assert closure_days_text([]) == "" and closure_days_text(None) == ""


def test_an_entry_edited_by_hand_into_nonsense_is_passed_over() -> None:
    assert closure_dates([{"date": "someday"}, {"note": "x"}, "2026-12-24", {"date": "2026-12-25"}]) == {
        date(2026, 12, 25): ""}
