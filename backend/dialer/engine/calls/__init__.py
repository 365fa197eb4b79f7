"""Customer calls in the engine: the pure call machine (`machine`: one class per state, a
method per event) and the call as the engine holds it (`call`). The effects of a call's
moves are carried out by the call flow (engine/call_flow.py), not here; what becomes of the
calls placed for an agent who leaves is `leaving` (imported from there: it needs the flow)."""

from dialer.engine.calls.call import CustomerCall
from dialer.engine.calls.machine import CallEvent, CallState, step

__all__ = ["CallEvent", "CallState", "CustomerCall", "step"]
