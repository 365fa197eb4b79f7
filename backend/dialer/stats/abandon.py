"""The abandoned-call rate regulators ask for, with Ofcom's answering-machine adjustment.

Pure arithmetic on counts. D: answered calls abandoned for want of an agent; AH: calls an
agent got and found a person; AM: calls an agent got and marked as an answering machine.
Some abandoned calls were machines too, in the proportion agents see, so Ofcom lets the
dialer estimate them out: D' = D - D*AM/(AH+AM), and the rate is D'/(AH+D').

A person an agent got only after the legal wait (held on music, say) was abandoned all the
same: both rules count from the end of the greeting, not from whether an agent came at last.
The engine counts it so when it paces; reports must agree with it (`rule_abandon_rate`).
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import pandas as pd

N = TypeVar("N", float, pd.Series)


def adjusted_abandoned(abandoned: N, humans: N, machines: N) -> N:
    """D' — abandoned calls less the share that were probably answering machines."""
    d = np.asarray(abandoned, dtype=float)
    ah = np.asarray(humans, dtype=float)
    am = np.asarray(machines, dtype=float)
    agent_calls = ah + am
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.where(agent_calls > 0, d - d * am / np.where(agent_calls > 0, agent_calls, 1), d)
    return _like(abandoned, result)


def abandon_rate(abandoned: N, humans: N, machines: N) -> N:
    """D'/(AH+D') as a fraction; NaN when nobody was reached (no rate to speak of)."""
    d_adj = np.asarray(adjusted_abandoned(abandoned, humans, machines), dtype=float)
    denominator = np.asarray(humans, dtype=float) + d_adj
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.where(denominator > 0, d_adj / np.where(denominator > 0, denominator, 1), np.nan)
    return _like(abandoned, result)


def rule_abandon_rate(abandoned: N, connected_late: N, connects: N, machines: N, *, ofcom: bool = True) -> N:
    """The rate from the record's counts: released calls plus people connected after the legal
    wait are D; agent-handled in time (connects less machines less the late ones) is AH.
    Ofcom's machine adjustment applies to its own rule only: the FCC's is D/(AH+D)."""
    return abandon_rate(abandoned + connected_late, connects - machines - connected_late,
                        machines if ofcom else machines * 0)


def _like(template: object, values: np.ndarray) -> object:
    if isinstance(template, pd.Series):
        return pd.Series(values, index=template.index)
    return float(values)
