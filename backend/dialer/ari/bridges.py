"""The `/bridges` REST resource: create (mixing or holding), add and remove channels, destroy,
play, music on hold, record. Typed snapshots back; no call-centre logic.
"""

from __future__ import annotations

from typing import Sequence

from dialer.ari.errors import NotFound
from dialer.ari.models import Bridge, BridgeType, LiveRecording, Playback
from dialer.ari.transport import Transport


class Bridges:
    def __init__(self, transport: Transport) -> None:
        self._t = transport

    async def create(
        self,
        type: BridgeType | str | Sequence[str] = BridgeType.MIXING,
        *,
        bridge_id: str | None = None,
        name: str | None = None,
    ) -> Bridge:
        """`POST /bridges`. `type` may combine flags, e.g. ("mixing", "dtmf_events")."""
        data = await self._t.request("POST", "/bridges", params={
            "type": type if isinstance(type, str) else list(type),
            "bridgeId": bridge_id,
            "name": name,
        })
        return Bridge.from_json(data)

    async def get(self, bridge_id: str) -> Bridge:
        return Bridge.from_json(await self._t.request("GET", f"/bridges/{bridge_id}"))

    async def list(self) -> list[Bridge]:
        return [Bridge.from_json(item) for item in await self._t.request("GET", "/bridges") or ()]

    async def destroy(self, bridge_id: str, *, missing_ok: bool = False) -> bool:
        """`DELETE /bridges/{id}`; False if it was already gone and `missing_ok`."""
        try:
            await self._t.request("DELETE", f"/bridges/{bridge_id}")
        except NotFound:
            if missing_ok:
                return False
            raise
        return True

    async def add_channel(
        self,
        bridge_id: str,
        channel: str | Sequence[str],
        *,
        role: str | None = None,
        absorb_dtmf: bool | None = None,
        mute: bool | None = None,
        inhibit_connected_line_updates: bool | None = None,
    ) -> None:
        """`POST /bridges/{id}/addChannel`; several channels at once are comma-joined.

        Note Asterisk's statuses: an unknown *bridge* is 404, but an unknown *channel* is
        400 "Channel not found" (BadRequest), a channel not in Stasis is 422.
        """
        await self._t.request("POST", f"/bridges/{bridge_id}/addChannel", params={
            "channel": channel if isinstance(channel, str) else list(channel),
            "role": role,
            "absorbDTMF": absorb_dtmf,
            "mute": mute,
            "inhibitConnectedLineUpdates": inhibit_connected_line_updates,
        })

    async def remove_channel(self, bridge_id: str, channel: str | Sequence[str]) -> None:
        await self._t.request("POST", f"/bridges/{bridge_id}/removeChannel", params={
            "channel": channel if isinstance(channel, str) else list(channel),
        })

    async def play(
        self,
        bridge_id: str,
        media: Sequence[str] | str,
        *,
        playback_id: str | None = None,
        lang: str | None = None,
        offset_ms: int | None = None,
        skip_ms: int | None = None,
    ) -> Playback:
        data = await self._t.request("POST", f"/bridges/{bridge_id}/play", params={
            "media": media, "playbackId": playback_id, "lang": lang,
            "offsetms": offset_ms, "skipms": skip_ms,
        })
        return Playback.from_json(data)

    async def start_moh(self, bridge_id: str, moh_class: str | None = None) -> None:
        """`POST /bridges/{id}/moh`. Asterisk sends no event for bridge MOH."""
        await self._t.request("POST", f"/bridges/{bridge_id}/moh", params={"mohClass": moh_class})

    async def stop_moh(self, bridge_id: str) -> None:
        await self._t.request("DELETE", f"/bridges/{bridge_id}/moh")

    async def record(
        self,
        bridge_id: str,
        name: str,
        *,
        format: str = "wav",
        max_duration_s: int | None = None,
        max_silence_s: int | None = None,
        if_exists: str | None = None,
        beep: bool | None = None,
        terminate_on: str | None = None,
    ) -> LiveRecording:
        data = await self._t.request("POST", f"/bridges/{bridge_id}/record", params={
            "name": name, "format": format, "maxDurationSeconds": max_duration_s,
            "maxSilenceSeconds": max_silence_s, "ifExists": if_exists, "beep": beep,
            "terminateOn": terminate_on,
        })
        return LiveRecording.from_json(data)
