"""An engine in its own process, with simulated agents, for the kill -9 test:
`python engine_process.py DB_URL ARI_URL CAMPAIGN_ID AGENT_ID...`. Runs until killed."""

from __future__ import annotations

import asyncio
import random
import sys


async def main(db_url: str, ari_url: str, campaign_id: int, agent_ids: list[int]) -> None:
    from dialer.ari.client import AriClient
    from dialer.db import init_db
    from dialer.demo.agents import AgentBot, BotProfile
    from dialer.engine.engine import Engine
    from dialer.telephony.ari_port import AriPort

    await init_db(db_url)
    client = AriClient(ari_url, "dialer", "dialer", app="dialer")
    engine = Engine(AriPort(client), engine_id="killable", dial_template="Local/{digits}@customers", tick_s=0.05)
    await client.start()
    await client.wait_connected(10)
    await engine.start()
    rng = random.Random(1)
    for agent_id in agent_ids:
        AgentBot(engine, agent_id, {campaign_id}, rng, BotProfile(wrap_up_s=(0.05, 0.2), break_every=10**9)).start()
    print("ready", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), [int(a) for a in sys.argv[4:]]))
