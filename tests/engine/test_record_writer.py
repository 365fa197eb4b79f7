"""The record writer: each agent state change ends where the agent's next begins; stopping loses nothing."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from dialer.engine.records import RecordWriter
from dialer.models import Agent, AgentStateChange, User
from dialer.models.enums import AgentState, Role

T0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)


async def _agent(name: str) -> Agent:
    return await Agent.create(user=await User.create(username=name, password_hash="x", role=Role.AGENT))


async def _chain(agent: Agent) -> list[tuple[str, datetime, datetime | None]]:
    return [(s.state.value, s.at, s.ended_at) for s in await AgentStateChange.filter(agent=agent).order_by("at")]


def t(seconds: int) -> datetime:
    return T0 + timedelta(seconds=seconds)


async def test_changes_end_where_the_next_begins_within_and_across_flushes(db: str) -> None:
    alice, bob = await _agent("alice"), await _agent("bob")
    w = RecordWriter()
    w.agent_state(alice.id, AgentState.READY, t(0))
    w.agent_state(bob.id, AgentState.READY, t(5))
    w.agent_state(alice.id, AgentState.ON_CALL, t(10))
    await w.flush()
    assert await _chain(alice) == [("ready", t(0), t(10)), ("on_call", t(10), None)]
    assert await _chain(bob) == [("ready", t(5), None)]
    # Handed over out of order in the next batch: the chain follows the times.
    w.agent_state(alice.id, AgentState.READY, t(70))
    w.agent_state(alice.id, AgentState.WRAP_UP, t(60))
    await w.flush()
    assert await _chain(alice) == [("ready", t(0), t(10)), ("on_call", t(10), t(60)),
                                   ("wrap_up", t(60), t(70)), ("ready", t(70), None)]
    assert await _chain(bob) == [("ready", t(5), None)]  # another agent's change does not end bob's
    w.agent_state(bob.id, AgentState.PAUSED, t(80), reason="Lunch")
    await w.flush()
    assert await _chain(bob) == [("ready", t(5), t(80)), ("paused", t(80), None)]


async def test_a_change_older_than_the_stored_latest_leaves_it_open(db: str) -> None:
    # A late record (e.g. from an engine with a lagging clock) must not end a later state early.
    alice = await _agent("alice")
    w = RecordWriter()
    w.agent_state(alice.id, AgentState.READY, t(100))
    await w.flush()
    w.agent_state(alice.id, AgentState.PAUSED, t(50))
    await w.flush()
    assert (await AgentStateChange.get(agent=alice, at=t(100))).ended_at is None


async def test_stopping_during_a_flush_writes_everything_and_leaves_the_database_usable(
        sqlite_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Cancelling a task inside Tortoise's SQLite `in_transaction()` entry (BEGIN) leaks its connection
    # lock: every later query waits for ever. Stopping must let the flush finish instead.
    from tortoise.backends.sqlite.client import SqliteTransactionWrapper

    alice = await _agent("alice")
    slow_begin = SqliteTransactionWrapper.begin
    began = asyncio.Event()

    async def begin(self: SqliteTransactionWrapper) -> None:
        began.set()
        await asyncio.sleep(0.3)
        await slow_begin(self)

    monkeypatch.setattr(SqliteTransactionWrapper, "begin", begin)
    w = RecordWriter(interval=0.01)
    w.start()
    w.agent_state(alice.id, AgentState.READY, t(0))
    await asyncio.wait_for(began.wait(), 5)
    w.agent_state(alice.id, AgentState.ON_CALL, t(10))  # arrives while the first batch is being written
    await asyncio.wait_for(w.stop(), 5)
    assert await asyncio.wait_for(_chain(alice), 5) == [("ready", t(0), t(10)), ("on_call", t(10), None)]
