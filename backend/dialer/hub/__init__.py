"""The event hub: the engine publishes what happens (agent states, offers, connected calls,
campaign counters); the agent panel, the extensions and the wallboard subscribe.

One process by default (`MemoryHub`); with several processes the same interface rides on
PostgreSQL LISTEN/NOTIFY. Events are JSON-able dicts with a `type`; topics are strings:
`agent:<agent_id>`, `campaign:<campaign_id>`, `team:<team_id>`, `floor` (every campaign).
"""

from dialer.hub.memory import HubSubscription, MemoryHub, Overflowed

__all__ = ["HubSubscription", "MemoryHub", "Overflowed"]
