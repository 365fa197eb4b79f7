from __future__ import annotations

import pytest

from dialer.hub import MemoryHub, Overflowed


async def test_subscribers_get_only_their_topics_in_order() -> None:
    hub = MemoryHub()
    async with hub.subscribe("agent:1", "floor") as sub:
        assert await hub.publish("agent:1", {"type": "state", "n": 1}) == 1
        assert await hub.publish("agent:2", {"type": "state", "n": 2}) == 0
        await hub.publish("floor", {"type": "counters", "n": 3})
        assert await sub.get() == ("agent:1", {"type": "state", "n": 1})
        assert await sub.get() == ("floor", {"type": "counters", "n": 3})
    assert hub.subscriber_count("agent:1") == 0


async def test_a_slow_subscriber_is_cut_off_not_the_publisher() -> None:
    hub = MemoryHub()
    slow = hub.subscribe("floor", max_queue=3)
    fast = hub.subscribe("floor", max_queue=100)
    for i in range(10):
        await hub.publish("floor", {"i": i})
    with pytest.raises(Overflowed):
        while True:
            await slow.get()
    assert [(await fast.get())[1]["i"] for _ in range(10)] == list(range(10))
    assert hub.subscriber_count("floor") == 1


async def test_closing_ends_iteration() -> None:
    hub = MemoryHub()
    sub = hub.subscribe("x")
    await hub.publish("x", {"a": 1})
    sub.close()
    got = [e async for _, e in sub]
    assert got == [{"a": 1}]
