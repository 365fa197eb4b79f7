"""The agent side of the engine: the pure agent machine (`machine`), the agent as the engine
holds them (`live`), presence of their screens (`presence`), re-calling a lost phone
(`redial`), and the agent's requests carried out (`flow`, imported from there: it needs the
call flow, which needs these)."""

from dialer.engine.agents.live import LiveAgent
from dialer.engine.agents.machine import DISCONNECTED, PHONE_DOWN, AgentEvent, AgentStateError, AgentStatus, Phone, step

__all__ = ["DISCONNECTED", "PHONE_DOWN", "AgentEvent", "AgentStateError", "AgentStatus", "LiveAgent", "Phone", "step"]
