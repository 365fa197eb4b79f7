"""Discrete-event simulation of a campaign in virtual time, to measure pacers side by side.

Scenarios are JSON data (`scenario.py`), random durations come from `distributions.py`,
`simulator.py` runs one shift for one seed, `metrics.py` turns it into figures, `batch.py`
runs many on worker processes for the benchmarks.
"""
