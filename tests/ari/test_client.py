"""The facade: the events URL it derives, and waiting for a connection that does not come."""

from __future__ import annotations

import pytest

from dialer.ari import AriClient, ConnectionState
from dialer.ari.client import _events_url

from .conftest import StubAsterisk


def test_events_url_follows_the_base_url() -> None:
    assert _events_url("http://127.0.0.1:8088/ari", "dialer", "u", "p", False) \
        == "ws://127.0.0.1:8088/ari/events?app=dialer&api_key=u:p"
    assert _events_url("https://pbx.example/ari", "my app", "u", "p w", True) \
        == "wss://pbx.example/ari/events?app=my%20app&api_key=u:p%20w&subscribeAll=true"


async def test_wait_connected_times_out_while_asterisk_refuses(stub: StubAsterisk) -> None:
    stub.accept_ws = False
    client = AriClient(stub.base_url, "dialer", "secret", app="dialer")
    assert client.state is ConnectionState.IDLE
    async with client:
        with pytest.raises(TimeoutError):
            await client.wait_connected(0.2)
        assert not client.connected
    assert client.state is ConnectionState.CLOSED
