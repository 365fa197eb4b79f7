"""The `/playbacks` and `/recordings` REST resources: follow or stop a playback, stop a live
recording, fetch or delete a stored one. Starting media is on channels and bridges.
"""

from __future__ import annotations

from dialer.ari.errors import NotFound
from dialer.ari.models import LiveRecording, Playback, StoredRecording
from dialer.ari.transport import Transport


class Playbacks:
    def __init__(self, transport: Transport) -> None:
        self._t = transport

    async def get(self, playback_id: str) -> Playback:
        return Playback.from_json(await self._t.request("GET", f"/playbacks/{playback_id}"))

    async def stop(self, playback_id: str, *, missing_ok: bool = False) -> bool:
        """`DELETE /playbacks/{id}`; False if it had already finished and `missing_ok`."""
        try:
            await self._t.request("DELETE", f"/playbacks/{playback_id}")
        except NotFound:
            if missing_ok:
                return False
            raise
        return True

    async def control(self, playback_id: str, operation: str) -> None:
        """`POST /playbacks/{id}/control`: restart, pause, unpause, reverse, forward."""
        await self._t.request("POST", f"/playbacks/{playback_id}/control",
                              params={"operation": operation})


class Recordings:
    def __init__(self, transport: Transport) -> None:
        self._t = transport

    # Live recordings: the ones still being written.
    async def get_live(self, name: str) -> LiveRecording:
        return LiveRecording.from_json(await self._t.request("GET", f"/recordings/live/{name}"))

    async def stop(self, name: str) -> None:
        """`POST /recordings/live/{name}/stop`: stop and keep the file."""
        await self._t.request("POST", f"/recordings/live/{name}/stop")

    async def cancel(self, name: str) -> None:
        """`DELETE /recordings/live/{name}`: stop and discard the file."""
        await self._t.request("DELETE", f"/recordings/live/{name}")

    # Stored recordings: finished files on the Asterisk host.
    async def list_stored(self) -> list[StoredRecording]:
        data = await self._t.request("GET", "/recordings/stored")
        return [StoredRecording.from_json(item) for item in data or ()]

    async def get_stored(self, name: str) -> StoredRecording:
        return StoredRecording.from_json(await self._t.request("GET", f"/recordings/stored/{name}"))

    async def get_stored_file(self, name: str, *, timeout: float | None = 60.0) -> bytes:
        """The audio bytes; a longer default timeout than other calls since files can be big."""
        return await self._t.request("GET", f"/recordings/stored/{name}/file", raw=True,
                                     timeout=timeout)

    async def delete_stored(self, name: str, *, missing_ok: bool = False) -> bool:
        try:
            await self._t.request("DELETE", f"/recordings/stored/{name}")
        except NotFound:
            if missing_ok:
                return False
            raise
        return True
