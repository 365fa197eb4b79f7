"""The law's bounds on calling hours no save checked (a contact's own dial profile): they narrow
what the regulatory profile allows, never widen it."""

from __future__ import annotations

from dialer.compliance.profiles import profile_for

EVENINGS_AND_SUNDAY = {"mon": [["06:00", "09:00"], ["18:00", "24:00"]], "tue": [["22:00", "23:00"]],
                       "sat": [["10:00", "12:00"]], "sun": [["10:00", "12:00"]]}


def test_spans_are_clipped_to_the_laws_hours_and_sundays_dropped_where_barred() -> None:
    assert profile_for("eu").bound_windows(EVENINGS_AND_SUNDAY) == {
        "mon": [["08:00", "09:00"], ["18:00", "21:00"]], "tue": [], "sat": [["10:00", "12:00"]], "sun": []}


def test_sundays_stay_where_the_law_allows_them() -> None:
    assert profile_for("us").bound_windows(EVENINGS_AND_SUNDAY)["sun"] == [["10:00", "12:00"]]


def test_outside_any_law_nothing_is_cut() -> None:
    assert profile_for("none").bound_windows(EVENINGS_AND_SUNDAY) == EVENINGS_AND_SUNDAY
