"""The tray app's network side: an asyncio loop in its own thread that owns the one aiohttp
session (API calls, the agent socket). The Tk thread hands it coroutines with `submit`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from typing import Any, Coroutine

import aiohttp


class Shell:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.session: aiohttp.ClientSession | None = None
        self._thread = threading.Thread(target=self._run, name="tray-network", daemon=True)
        self._ready = threading.Event()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._open())
        self._ready.set()
        self.loop.run_forever()

    async def _open(self) -> None:
        self.session = aiohttp.ClientSession()

    def start(self) -> None:
        self._thread.start()
        self._ready.wait(10)

    def submit(self, coroutine: Coroutine[Any, Any, Any]) -> concurrent.futures.Future:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)

    def stop(self) -> None:
        if not self._thread.is_alive():
            return

        async def close() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if self.session is not None:
                await self.session.close()

        try:
            self.submit(close()).result(5)
        except Exception:
            pass  # closing anyway
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
