"""The abandoned-call rate regulators ask for, with Ofcom's answering-machine adjustment.

The arithmetic is the law's and lives in `dialer.compliance.abandon`; statistics use it from
here on pandas Series as the engine uses it on counts, so reports and pacing always agree.
"""

from __future__ import annotations

from dialer.compliance.abandon import abandon_rate, adjusted_abandoned, rule_abandon_rate

__all__ = ["abandon_rate", "adjusted_abandoned", "rule_abandon_rate"]
