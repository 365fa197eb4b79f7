"""The law in one pure package: the legal constants, the rolling abandon windows, calling hours
in the callee's time zone with public holidays, the regulatory profiles (US, UK, EU, none) that
fix a campaign's defaults and the limits an admin may not cross, and the preflight rules.

No I/O and no clock reads: callers pass `now` and the facts; the engine, the pacer, statistics,
the forms and `dialer campaign check` all take the rules from here.
"""
