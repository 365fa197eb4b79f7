"""The campaigns report: pure arithmetic on aggregated attempt frames.

Answered means someone or something picked up; a connect is a call put through to an
agent. Abandon rates follow `abandon.py` (Ofcom's adjustment) over the period; the compliance
columns (`compliance.py`) give them over the rolling 24 h and 30 days that end with the period,
with the contacts a rule kept from being dialed in the period; contact counts and attempts per
contact are as they stand now (the contacts' own counters).
"""

from __future__ import annotations

import pandas as pd

from dialer.stats.abandon import rule_abandon_rate
from dialer.stats.agents import _ratio
from dialer.stats.dispositions import name_order
from dialer.stats.dispositions import named as named_dispositions

CONTACT_BUCKETS = {"pending": "contacts_remaining", "leased": "contacts_remaining", "done": "contacts_done",
                   "exhausted": "contacts_exhausted", "failed": "contacts_failed", "dnc": "contacts_dnc"}


def _sums(facts: pd.DataFrame) -> pd.DataFrame:
    return facts.groupby("campaign_id")[["attempts", "answered", "connects", "abandoned", "machines",
                                         "connected_late", "talk_s", "wrap_up_s"]].sum()


def best_hours(hours: pd.DataFrame, *, top: int = 3, min_attempts: int = 10) -> pd.Series:
    """Per campaign, the local hours with the best connect rate, e.g. "10:00, 14:00".

    hours: campaign_id, bucket ('HH'), attempts, connects. Hours with fewer than
    `min_attempts` attempts are left out: one lucky call says nothing.
    """
    frame = hours[hours["attempts"] >= min_attempts].copy()
    if frame.empty:
        return pd.Series(dtype=object)
    frame["rate"] = frame["connects"] / frame["attempts"]
    frame["hour"] = frame["bucket"].astype(int)
    frame = frame.sort_values(["campaign_id", "rate", "attempts", "hour"], ascending=[True, False, False, True])
    return frame.groupby("campaign_id").head(top).groupby("campaign_id")["hour"].agg(
        lambda hs: ", ".join(f"{h:02d}:00" for h in hs))


def campaigns_table(campaigns: pd.DataFrame, facts: pd.DataFrame, compliance: pd.DataFrame,
                    contacts: pd.DataFrame, hours: pd.DataFrame,
                    dispositions: pd.DataFrame, *, min_attempts_best: int = 10) -> pd.DataFrame:
    """One row per campaign.

    campaigns: campaign_id, name, status, abandon_cap_pct (already filtered);
    facts: attempts by campaign_id, outcome, disposition_id (+ measures) over the period;
    compliance: `compliance.compliance_table`'s columns by campaign_id (windows, skips);
    contacts: campaign_id, status, contacts, attempts, tried (the contacts' own counters);
    hours: campaign_id, bucket (local hour of day), attempts, connects.
    """
    table = campaigns.set_index("campaign_id")[["name", "status", "abandon_cap_pct"]].rename(
        columns={"name": "campaign"})
    sums = _sums(facts).reindex(table.index).fillna(0)
    for col in ("attempts", "answered", "connects", "abandoned", "machines", "connected_late"):
        table[col] = sums[col].astype(int)
    table["humans"] = table["connects"] - table["machines"]
    table["answer_rate"] = _ratio(table["answered"], table["attempts"])
    table["connect_rate"] = _ratio(table["connects"], table["attempts"])
    table["abandon_rate"] = rule_abandon_rate(table["abandoned"], table["connected_late"], table["connects"],
                                              table["machines"])
    table["abandon_cap"] = table.pop("abandon_cap_pct").astype(float) / 100.0
    table = table.join(compliance.reindex(table.index))
    table["talk_s"] = sums["talk_s"].astype(float).round(3)
    table["aht_s"] = _ratio(sums["talk_s"] + sums["wrap_up_s"], table["connects"])
    counts = contacts.assign(bucket=contacts["status"].map(CONTACT_BUCKETS)).pivot_table(
        index="campaign_id", columns="bucket", values="contacts", aggfunc="sum")
    by_campaign = contacts.groupby("campaign_id")["contacts"].sum()
    table["contacts_total"] = by_campaign.reindex(table.index).fillna(0).astype(int)
    for col in ("contacts_remaining", "contacts_done", "contacts_exhausted", "contacts_failed", "contacts_dnc"):
        column = counts[col] if col in counts else pd.Series(dtype=float)
        table[col] = column.reindex(table.index).fillna(0).astype(int)
    # Tries per contact over the contacts' lives (as the status counts, not bound to the period).
    per_campaign = contacts.groupby("campaign_id")[["attempts", "tried"]].sum().reindex(table.index).fillna(0)
    table["contacts_tried"] = per_campaign["tried"].astype(int)
    table["attempts_per_contact"] = _ratio(per_campaign["attempts"], per_campaign["tried"])
    table["best_hours"] = best_hours(hours, min_attempts=min_attempts_best).reindex(table.index).fillna("")
    outcomes = facts.dropna(subset=["outcome"]).pivot_table(index="campaign_id", columns="outcome",
                                                            values="attempts", aggfunc="sum")
    for outcome in sorted(outcomes.columns):
        table[f"outcome: {outcome}"] = outcomes[outcome].reindex(table.index).fillna(0).astype(int)
    with_name = named_dispositions(facts, dispositions)
    if not with_name.empty:
        by_name = with_name.pivot_table(index="campaign_id", columns="name", values="attempts", aggfunc="sum")
        for name in name_order(dispositions, by_name.columns):
            table[f"disposition: {name}"] = by_name[name].reindex(table.index).fillna(0).astype(int)
    return table.reset_index()


def hangup_causes_table(causes: pd.DataFrame, campaigns: pd.DataFrame) -> pd.DataFrame:
    """Attempts per campaign and Q.850 cause, most frequent first."""
    names = campaigns.set_index("campaign_id")["name"]
    frame = causes.groupby(["campaign_id", "hangup_cause", "hangup_cause_text"], dropna=False)["attempts"].sum()
    frame = frame.reset_index()
    frame.insert(1, "campaign", frame["campaign_id"].map(names))
    frame["hangup_cause"] = frame["hangup_cause"].astype("Int64")
    return frame.sort_values(["campaign", "attempts"], ascending=[True, False], kind="stable").reset_index(drop=True)
