"""The port the engine talks to (originate, bridge, hang up, play, record, events)."""
