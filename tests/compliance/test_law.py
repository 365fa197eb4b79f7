"""The legal figures are the law's, and every module that counts by them takes them from here."""

from __future__ import annotations

from datetime import timedelta

from dialer.compliance import law
from dialer.engine.compliance_window import FCC_WINDOW, OFCOM_WINDOW
from dialer.pacing.snapshot import LEGAL_MIN_RING_S, LEGAL_WAIT_S, CampaignSettings
from dialer.scheduling.retry import ABANDON_QUIET_PERIOD


def test_the_figures() -> None:
    assert law.MESSAGE_WITHIN_S == 2.0
    assert law.MIN_RING_S == 15.0
    assert law.ABANDON_QUIET_PERIOD == timedelta(hours=72)
    assert law.ABANDON_CAP == 0.03
    assert (law.FCC_WINDOW, law.OFCOM_WINDOW) == (timedelta(days=30), timedelta(hours=24))


def test_engine_pacing_and_scheduling_use_them() -> None:
    assert (LEGAL_WAIT_S, LEGAL_MIN_RING_S) == (law.MESSAGE_WITHIN_S, law.MIN_RING_S)
    assert CampaignSettings().abandon_cap == law.ABANDON_CAP
    assert ABANDON_QUIET_PERIOD is law.ABANDON_QUIET_PERIOD
    assert (FCC_WINDOW, OFCOM_WINDOW) == (law.FCC_WINDOW, law.OFCOM_WINDOW)
