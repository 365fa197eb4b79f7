"""The cost tables: exact sums per group, one row per currency, empty periods typed."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pandas as pd

from dialer.stats.costs import COLUMNS, GROUPINGS, cost_tables


def test_costs_by_each_grouping_with_exact_sums_and_currencies() -> None:
    at = datetime(2026, 11, 30, 23, 30, tzinfo=timezone.utc)  # already 1 December in Prague
    rows = [
        (at, "+420221000100", 1, "Autumn", 1, "Brno", 7, "ada", "Czech mobile", "4206", 60, Decimal("0.1001"), "CZK"),
        (at, "+420221000100", 1, "Autumn", 1, "Brno", 7, "ada", "Czech mobile", "4206", 30, Decimal("0.1002"), "CZK"),
        (at, "", 2, "Winter", None, None, None, None, "", "44", 90, Decimal("1.5"), "EUR"),
    ]
    tables = cost_tables(pd.DataFrame(rows, columns=COLUMNS), "Europe/Prague")
    assert list(tables) == list(GROUPINGS)
    by_agent = tables["by agent"].set_index("agent")
    assert by_agent.loc["ada", "cost"] == 0.20 and by_agent.loc["ada", "calls"] == 2
    assert by_agent.loc["ada", "billed_min"] == 1.5 and by_agent.loc["(no agent)", "currency"] == "EUR"
    assert set(tables["by line"]["line"]) == {"+420221000100", "(none)"}
    assert str(tables["by day"]["day"].iloc[0]) == "2026-12-01"
    assert len(tables["by destination"]) == 2 and "(no branch)" in set(tables["by branch"]["branch"])


def test_an_empty_period_gives_empty_tables() -> None:
    tables = cost_tables(pd.DataFrame([], columns=COLUMNS), "UTC")
    assert all(len(t) == 0 for t in tables.values())
    assert list(tables["by campaign"].columns) == ["campaign", "currency", "calls", "billed_min", "cost"]
