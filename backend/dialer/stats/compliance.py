"""A campaign's compliance figures: the abandon rate over each window its regulatory profile
measures, with the counts behind it, against the campaign's cap; and the due contacts a rule
kept from being dialed (outside the callee's hours, their holiday, DNC by scope).

Pure: the loaders' counts in, figures out; the wallboard shows them for today and the rolling
windows ending now, the campaigns report for its period and the windows ending with it. The
arithmetic of the rate is the law's (`dialer.compliance.abandon`), as the pacer's is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import pandas as pd

from dialer.compliance.abandon import CapStanding, cap_standing, rule_abandon_rate
from dialer.compliance.profiles import Regulation, profile_for
from dialer.compliance.skips import RuleSkip

WINDOWS = {"24h": "day", "30d": "month"}
"""The abandon windows, shortest first, with the prefix of their counts in the loaders' frames
(`day_abandoned`, `month_connects`, ...: `loaders.attempt_facts(windows=...)`)."""


def measured_windows(regulation: Regulation, capped: str) -> tuple[str, ...]:
    """The windows a campaign's rate is shown over: those its profile measures (Ofcom's 24 h
    alone for the UK), and always the one its cap is held over (the pacer's), shortest first."""
    wanted = set(profile_for(regulation).abandon_windows) | {capped}
    return tuple(w for w in WINDOWS if w in wanted)


@dataclass(frozen=True)
class WindowFigures:
    """The abandon rate over one rolling window and what it is made of."""

    window: str
    abandoned: int
    """D: answered by a person and released for want of an agent, or connected after the legal 2 s."""
    connected_late: int
    """Of those, the people an agent got only after the legal wait."""
    live: int
    """Answered by a person: taken by an agent in time, or abandoned (AH + D)."""
    machines: int
    """Put through to an agent who marked an answering machine (Ofcom's AM)."""
    rate: float | None
    """As the window's rule counts it: over 24 h Ofcom's, which takes out the abandoned calls that
    were probably machines (so it may be below abandoned / live); over 30 days the FCC's, D / live."""
    cap: float | None
    standing: CapStanding | None
    capped: bool
    """The window the campaign's cap is held over by the pacer."""

    def as_json(self) -> dict[str, Any]:
        return {"window": self.window, "abandoned": self.abandoned, "connected_late": self.connected_late,
                "live": self.live, "machines": self.machines, "rate": self.rate, "cap": self.cap,
                "standing": self.standing.value if self.standing else None, "capped": self.capped}


def window_figures(window: str, counts: Mapping[str, float], cap: float | None, *, capped: bool) -> WindowFigures:
    """`counts`: the loaders' `<prefix>_abandoned` (released), `_connects`, `_machines` and
    `_connected_late` for the window."""
    prefix = WINDOWS[window]
    released, late, connects, machines = (float(counts.get(f"{prefix}_{m}", 0) or 0)
                                          for m in ("abandoned", "connected_late", "connects", "machines"))
    rate = float(rule_abandon_rate(released, late, connects, machines, ofcom=window == "24h"))
    rate_or_none = None if pd.isna(rate) else rate
    return WindowFigures(window, abandoned=int(released + late), connected_late=int(late),
                         live=int(connects - machines + released), machines=int(machines), rate=rate_or_none,
                         cap=cap, standing=cap_standing(rate_or_none, cap), capped=capped)


@dataclass(frozen=True)
class CampaignCompliance:
    regulation: Regulation
    windows: tuple[WindowFigures, ...]
    skips: Mapping[RuleSkip, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return profile_for(self.regulation).label

    def skipped(self, rule: RuleSkip) -> int:
        return int(self.skips.get(rule, 0))

    def as_json(self) -> dict[str, Any]:
        """For the wallboard: skips under their short names (`outside_hours`, `dnc_global`, ...)."""
        return {"regulation": self.regulation.value, "regulation_label": self.label,
                "windows": [w.as_json() for w in self.windows],
                "skipped": {rule.value.removeprefix("skipped_"): self.skipped(rule) for rule in RuleSkip}}

    def as_columns(self) -> dict[str, Any]:
        """For the campaigns report: a window the profile does not measure stays empty."""
        columns: dict[str, Any] = {"regulation": self.label}
        shown = {w.window: w for w in self.windows}
        for window in WINDOWS:
            w = shown.get(window)
            columns[f"abandoned_{window}"] = w.abandoned if w else pd.NA
            columns[f"live_answers_{window}"] = w.live if w else pd.NA
            columns[f"abandon_rate_{window}"] = w.rate if w and w.rate is not None else float("nan")
            columns[f"abandon_standing_{window}"] = w.standing.value if w and w.standing else ""
        for rule in RuleSkip:
            columns[rule.value] = self.skipped(rule)
        return columns


COLUMNS = ["regulation"] + [f"{c}_{w}" for w in WINDOWS for c in ("abandoned", "live_answers", "abandon_rate",
                                                                   "abandon_standing")] + [r.value for r in RuleSkip]
"""The report's compliance columns, in order (`CampaignCompliance.as_columns`)."""


def campaign_compliance(regulation: Regulation, capped_window: str, cap: float | None,
                        counts: Mapping[str, float], skips: Mapping[RuleSkip, int]) -> CampaignCompliance:
    """One campaign's figures from its window counts and its skips (by rule) in the period."""
    return CampaignCompliance(regulation, tuple(window_figures(w, counts, cap, capped=w == capped_window)
                                                for w in measured_windows(regulation, capped_window)), skips)


def skips_by_campaign(skips: pd.DataFrame) -> dict[int, dict[RuleSkip, int]]:
    """`loaders.rule_skips`' rows (campaign_id, kind, skips) as {campaign: {rule: count}}."""
    out: dict[int, dict[RuleSkip, int]] = {}
    for row in skips.itertuples(index=False):
        out.setdefault(int(row.campaign_id), {})[RuleSkip(row.kind)] = int(row.skips)
    return out


def compliance_table(campaigns: pd.DataFrame, windows: pd.DataFrame, skips: pd.DataFrame,
                     regulations: Mapping[int, Regulation]) -> pd.DataFrame:
    """The report's compliance columns, one row per campaign (indexed by campaign_id).

    campaigns: campaign_id, abandon_cap_pct, abandon_window; windows: campaign_id and the
    loaders' day_* / month_* counts (summed here); skips: `loaders.rule_skips`' rows;
    regulations: each campaign's regulation, the deployment's filled in for those naming none.
    """
    counts = windows.groupby("campaign_id").sum(numeric_only=True)
    by_campaign = skips_by_campaign(skips)
    rows = {}
    for c in campaigns.itertuples(index=False):
        cid = int(c.campaign_id)
        mine = counts.loc[cid].to_dict() if cid in counts.index else {}
        cap = float(c.abandon_cap_pct) / 100.0 if not pd.isna(c.abandon_cap_pct) else None
        rows[cid] = campaign_compliance(regulations[cid], str(c.abandon_window), cap, mine,
                                        by_campaign.get(cid, {})).as_columns()
    table = pd.DataFrame.from_dict(rows, orient="index", columns=COLUMNS)
    for window in WINDOWS:
        for col in (f"abandoned_{window}", f"live_answers_{window}"):
            table[col] = table[col].astype("Int64")
        table[f"abandon_rate_{window}"] = table[f"abandon_rate_{window}"].astype(float)
    for rule in RuleSkip:
        table[rule.value] = table[rule.value].astype(int)
    table.index.name = "campaign_id"
    return table
