"""Pure pacing: how many customer calls to launch now. No I/O, no clock reads.

The engine builds a `snapshot.Snapshot` and asks a pacer (`pacer.pacer_named("adaptive")`):
`decision = pacer.calls_to_launch(snapshot, state)`; it launches `decision.calls` calls
`decision.launch_spacing_s` apart, shows `decision.explain()` and keeps `decision.state` for the
next tick. `simulation/` measures the pacers in virtual time (`bench/pacing.py`).
"""
