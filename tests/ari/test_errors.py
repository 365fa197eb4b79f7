"""REST errors become typed exceptions with Asterisk's status and message; network failures
and timeouts have their own types. Bodies are the real ones from rest-errors.jsonl."""

from __future__ import annotations

import socket

import pytest

from dialer.ari import (
    AriClient, AriConnectionError, AriHttpError, AriTimeout, BadRequest, Conflict, NotFound,
    ServerError,
)
from dialer.ari.errors import error_for_status

from .conftest import APP, StubAsterisk


@pytest.mark.parametrize(("status", "body", "cls", "message"), [
    (500, {"error": "Allocation failed"}, ServerError, "Allocation failed"),
    (400, {"message": "Endpoint must be specified"}, BadRequest, "Endpoint must be specified"),
    (404, {"message": "Channel not found"}, NotFound, "Channel not found"),
    (409, {"message": "Channel not in Stasis application"}, Conflict, "Channel not in Stasis application"),
    (503, "Service Unavailable", ServerError, "Service Unavailable"),
    (418, None, AriHttpError, ""),
])
def test_error_for_status_picks_the_type_and_keeps_the_message(status, body, cls, message) -> None:
    error = error_for_status(status, body, method="POST", path="/channels")
    assert type(error) is cls
    assert (error.status, error.message) == (status, message)
    assert "POST /channels" in str(error)


async def test_rest_errors_are_raised_typed(stub: StubAsterisk, client: AriClient) -> None:
    stub.respond("POST", "/channels", 500, {"error": "Allocation failed"})
    stub.respond("GET", "/channels/does-not-exist", 404, {"message": "Channel not found"})
    stub.respond("POST", "/bridges/err-bridge/addChannel", 400, {"message": "Channel not found"})
    stub.respond("DELETE", "/bridges/err-bridge", 404, {"message": "Bridge not found"})

    with pytest.raises(ServerError) as server_error:
        await client.channels.originate("Bogus/123", context="x", extension="s")
    assert server_error.value.status == 500 and server_error.value.message == "Allocation failed"
    with pytest.raises(NotFound, match="Channel not found"):
        await client.channels.get("does-not-exist")
    with pytest.raises(BadRequest) as bad:
        await client.bridges.add_channel("err-bridge", "does-not-exist")
    assert bad.value.status == 400
    with pytest.raises(NotFound, match="Bridge not found"):
        await client.bridges.destroy("err-bridge")
    assert await client.bridges.destroy("err-bridge", missing_ok=True) is False


async def test_hangup_of_a_channel_that_already_left(stub: StubAsterisk, client: AriClient) -> None:
    stub.respond("DELETE", "/channels/gone", 404, {"message": "Channel not found"})
    stub.respond("DELETE", "/channels/here", 204)

    assert await client.channels.hangup("gone", missing_ok=True) is False
    assert await client.channels.hangup("here", reason="normal", missing_ok=True) is True
    with pytest.raises(NotFound):
        await client.channels.hangup("gone")
    assert stub.requests[1].query == {"reason": "normal"}


async def test_a_request_that_gets_no_answer_times_out(stub: StubAsterisk) -> None:
    stub.respond("POST", "/channels/slow/answer", -1)
    async with AriClient(stub.base_url, "dialer", "secret", app=APP, request_timeout=0.2) as ari:
        with pytest.raises(AriTimeout):
            await ari.channels.answer("slow")


async def test_connection_refused_is_a_connection_error() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with AriClient(f"http://127.0.0.1:{port}/ari", "dialer", "secret", app=APP,
                         connect_timeout=1.0) as ari:
        with pytest.raises(AriConnectionError) as refused:
            await ari.asterisk.ping()
    assert not isinstance(refused.value, AriTimeout)
