"""Dispositions as the reports count them: the agent's own, or else the one the dialer set
(`SystemDisposition`: wrap-up timed out, agent logged out, ...), each a row or column of its
own under its label, so no handled call drops out of the counts. Pure: frames in, frames out.
"""

from __future__ import annotations

import pandas as pd

from dialer.labels import label
from dialer.models.enums import SystemDisposition

SYSTEM_NAMES = [label(s) for s in SystemDisposition]


def named(facts: pd.DataFrame, dispositions: pd.DataFrame) -> pd.DataFrame:
    """The rows of `facts` that carry a disposition, with its `name`: the agent's disposition
    by the directory, or the label of the system disposition (`system_disposition` column,
    when the facts have it)."""
    by_id = dict(zip(pd.to_numeric(dispositions["disposition_id"]).astype(float), dispositions["name"]))
    name = pd.to_numeric(facts["disposition_id"], errors="coerce").astype(float).map(by_id).astype(object)
    if "system_disposition" in facts.columns:
        system = facts["system_disposition"].map(lambda v: label(v) if isinstance(v, str) and v else None)
        name = name.where(name.notna(), system)
    out = facts.assign(name=name)
    return out.dropna(subset=["name"])


def name_order(dispositions: pd.DataFrame, present: pd.Index) -> list[str]:
    """The agents' dispositions in their sort order, then the dialer's: those that occur."""
    return [n for n in dict.fromkeys([*dispositions["name"], *SYSTEM_NAMES]) if n in present]
