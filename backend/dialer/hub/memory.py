"""The in-process hub: fan-out to per-subscriber bounded queues.

A subscriber that cannot keep up is not allowed to hold the publisher back or grow memory
without bound: its subscription ends with `Overflowed`, and its client reconnects and
resynchronises from the current state (what the panel and wallboard do on any reconnect).
"""

from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict
from typing import Any, AsyncIterator, Iterable

Event = dict[str, Any]

_CLOSED = object()


class Overflowed(Exception):
    """The subscriber fell more than its queue size behind; resynchronise and subscribe again."""


class HubSubscription:
    """An async iterator of (topic, event) for the topics given; use as an async context manager."""

    def __init__(self, hub: "MemoryHub", topics: Iterable[str], max_queue: int) -> None:
        self._hub = hub
        self.topics = frozenset(topics)
        self._queue: asyncio.Queue[Any] = asyncio.Queue(max_queue)
        self._overflowed = False
        self.id = next(hub._ids)

    def _offer(self, topic: str, event: Event) -> None:
        if self._overflowed:
            return
        try:
            self._queue.put_nowait((topic, event))
        except asyncio.QueueFull:
            self._overflowed = True
            self._hub._remove(self)
            # Make room for the marker so the consumer learns at once.
            self._queue.get_nowait()
            self._queue.put_nowait(_CLOSED)

    def close(self) -> None:
        self._hub._remove(self)
        try:
            self._queue.put_nowait(_CLOSED)
        except asyncio.QueueFull:
            pass

    async def get(self) -> tuple[str, Event]:
        item = await self._queue.get()
        if item is _CLOSED:
            self._queue.put_nowait(_CLOSED)  # later calls see the end too
            if self._overflowed:
                raise Overflowed(f"subscriber fell {self._queue.maxsize} events behind")
            raise StopAsyncIteration
        return item

    def __aiter__(self) -> AsyncIterator[tuple[str, Event]]:
        return self

    async def __anext__(self) -> tuple[str, Event]:
        return await self.get()

    async def __aenter__(self) -> "HubSubscription":
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()


class MemoryHub:
    def __init__(self) -> None:
        self._by_topic: dict[str, set[HubSubscription]] = defaultdict(set)
        self._ids = itertools.count(1)

    def subscribe(self, *topics: str, max_queue: int = 1000) -> HubSubscription:
        if not topics:
            raise ValueError("subscribe to at least one topic")
        sub = HubSubscription(self, topics, max_queue)
        for topic in sub.topics:
            self._by_topic[topic].add(sub)
        return sub

    def _remove(self, sub: HubSubscription) -> None:
        for topic in sub.topics:
            subs = self._by_topic.get(topic)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    del self._by_topic[topic]

    async def publish(self, topic: str, event: Event) -> int:
        """Deliver to every subscriber of `topic`; returns how many got it. Never blocks."""
        return self.publish_nowait(topic, event)

    def publish_nowait(self, topic: str, event: Event) -> int:
        subs = list(self._by_topic.get(topic, ()))
        for sub in subs:
            sub._offer(topic, event)
        return len(subs)

    def subscriber_count(self, topic: str) -> int:
        return len(self._by_topic.get(topic, ()))
