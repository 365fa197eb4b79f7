"""Fixtures of the recordings tests: the stub Asterisk and the ARI resource that talks to it."""

from __future__ import annotations

from typing import AsyncIterator

import aiohttp
import pytest

from dialer.ari.media import Recordings
from dialer.ari.transport import Transport
from recordings.world import StoredRecordingsStub


@pytest.fixture
async def asterisk() -> AsyncIterator[StoredRecordingsStub]:
    stub = StoredRecordingsStub()
    await stub.start()
    yield stub
    await stub.stop()


@pytest.fixture
async def ari_recordings(asterisk: StoredRecordingsStub) -> AsyncIterator[Recordings]:
    """The ARI client's `/recordings` resource on its own session (no events websocket)."""
    async with aiohttp.ClientSession() as session:
        yield Recordings(Transport(asterisk.base_url, lambda: session, timeout=aiohttp.ClientTimeout(total=5)))
