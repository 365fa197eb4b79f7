"""A `kill -9` of the engine, as the engine tests make it, and the engine started again.

kill -9 leaves no cleanup at all: the engine's, the writer's and the billing meter's tasks stop
where they are, and the ARI connection dies with the process. The restarted engine has the same
id, as a supervisor restarting the service gives it.
"""

from __future__ import annotations

from typing import Callable

from dialer.ari.client import AriClient
from dialer.engine.engine import Engine
from dialer.telephony.ari_port import AriPort


def plain_engine(client: AriClient) -> Engine:
    return Engine(AriPort(client), engine_id="test-engine", dial_template="Local/{digits}@customers", tick_s=0.05)


async def kill_9(engine: Engine, client: AriClient) -> None:
    engine._task.cancel()
    engine.s.writer._task.cancel()
    if engine.s.billing._task is not None:
        engine.s.billing._task.cancel()
    await client.close()


async def restarted(ari_url: str, make: Callable[[AriClient], Engine] = plain_engine) -> tuple[Engine, AriClient]:
    """The engine started again against Asterisk at `ari_url`, connected; close the client after."""
    client = AriClient(ari_url, "dialer", "dialer", app="dialer")
    engine = make(client)
    await client.__aenter__()
    await engine.start()
    await client.wait_connected(5)
    return engine, client
