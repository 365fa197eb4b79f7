"""The legal figures, each with where it comes from. Pure constants; the rules that use them
live beside them in this package (`abandon.py`, `hours.py`, `profiles.py`, `preflight.py`)."""

from __future__ import annotations

from datetime import time, timedelta

MESSAGE_WITHIN_S = 2.0
"""FCC (47 CFR 64.1200(a)(7)(i)) and Ofcom: a live person must reach an agent, or hear the
identification message, within 2 s of the end of their greeting; later, the call is abandoned."""

MIN_RING_S = 15.0
"""FCC (47 CFR 64.1200(a)(6): 15 s or four rings) and Ofcom: an unanswered call rings at least
this long before the caller may hang it up."""

ABANDON_QUIET_PERIOD = timedelta(hours=72)
"""Ofcom: a number whose call was abandoned is not called again within 72 h unless an agent is
guaranteed for the repeat call."""

ABANDON_CAP = 0.03
"""FCC and Ofcom: abandoned calls at most 3 % of calls answered by a person, over the window."""

FCC_WINDOW = timedelta(days=30)
"""FCC: the abandon rate is measured per campaign over a 30-day period."""

OFCOM_WINDOW = timedelta(hours=24)
"""Ofcom: over 24 hours, with the answering-machine adjustment."""

EARLIEST_CALL = time(8, 0)
LATEST_CALL = time(21, 0)
"""TCPA / TSR (US): no calls before 8:00 or after 21:00 in the callee's local time; the UK and EU
profiles take the same hours as their safe default."""

DNC_SCRUB_MAX_AGE = timedelta(days=31)
"""TSR (16 CFR 310.4(b)(3)(iv)): the national DNC registry is scrubbed at most 31 days before calling."""
