"""The `/channels` REST resource: originate, create, answer, ring, hang up, play, record,
continue, snoop, variables, look-ups. Returns typed snapshots; knows nothing of dialing policy.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Callable, Mapping, Sequence

from dialer.ari.errors import NotFound
from dialer.ari.models import Channel, LiveRecording, Playback
from dialer.ari.transport import Transport


class HangupReason(StrEnum):
    """Values of `DELETE /channels/{id}?reason=`; Asterisk maps them to Q.850 causes."""

    NORMAL = "normal"
    BUSY = "busy"
    CONGESTION = "congestion"
    NO_ANSWER = "no_answer"
    TIMEOUT = "timeout"
    REJECTED = "rejected"
    UNALLOCATED = "unallocated"
    NORMAL_UNSPECIFIED = "normal_unspecified"
    NUMBER_INCOMPLETE = "number_incomplete"
    CODEC_MISMATCH = "codec_mismatch"
    INTERWORKING = "interworking"
    FAILURE = "failure"
    ANSWERED_ELSEWHERE = "answered_elsewhere"


# Called before anything that makes Asterisk put a channel into our Stasis app; raises
# NotConnected when the app's websocket is down.
Guard = Callable[[str | None], None]


class Channels:
    def __init__(self, transport: Transport, *, default_app: str, guard: Guard) -> None:
        self._t = transport
        self._default_app = default_app
        self._guard = guard

    async def originate(
        self,
        endpoint: str,
        *,
        app: str | None = None,
        app_args: Sequence[str] | str | None = None,
        context: str | None = None,
        extension: str | None = None,
        priority: int | None = None,
        label: str | None = None,
        caller_id: str | None = None,
        timeout: int | None = None,
        variables: Mapping[str, str] | None = None,
        channel_id: str | None = None,
        other_channel_id: str | None = None,
        originator: str | None = None,
        formats: Sequence[str] | str | None = ("ulaw",),
        request_timeout: float | None = None,
    ) -> Channel:
        """`POST /channels`. Without `context`/`extension` the channel goes to our app.

        `formats` defaults to ulaw: without it Asterisk creates Local channels as slin192 and
        resamples every frame (about 25 times the CPU per call). `channel_id` should be of a
        fixed length (a UUID): Asterisk refuses an id that is a prefix of a live one (409).
        Raises NotConnected if the target app is ours and its websocket is down.
        """
        if app is None and context is None and extension is None:
            app = self._default_app
        self._guard(app)
        params = {
            "endpoint": endpoint,
            "app": app,
            "appArgs": _args(app_args),
            "context": context,
            "extension": extension,
            "priority": priority,
            "label": label,
            "callerId": caller_id,
            "timeout": timeout,
            "channelId": channel_id,
            "otherChannelId": other_channel_id,
            "originator": originator,
            "formats": formats,
        }
        body = {"variables": dict(variables)} if variables else None
        data = await self._t.request("POST", "/channels", params=params, body=body,
                                     timeout=request_timeout)
        return Channel.from_json(data)

    async def create(
        self,
        endpoint: str,
        *,
        app: str | None = None,
        app_args: Sequence[str] | str | None = None,
        channel_id: str | None = None,
        other_channel_id: str | None = None,
        originator: str | None = None,
        formats: Sequence[str] | str | None = ("ulaw",),
        variables: Mapping[str, str] | None = None,
    ) -> Channel:
        """`POST /channels/create`: a channel that is not dialled until `dial` is called."""
        app = app or self._default_app
        self._guard(app)
        params = {
            "endpoint": endpoint,
            "app": app,
            "appArgs": _args(app_args),
            "channelId": channel_id,
            "otherChannelId": other_channel_id,
            "originator": originator,
            "formats": formats,
        }
        body = {"variables": dict(variables)} if variables else None
        return Channel.from_json(await self._t.request("POST", "/channels/create", params=params, body=body))

    async def dial(self, channel_id: str, *, caller: str | None = None, timeout: int | None = None) -> None:
        """`POST /channels/{id}/dial`: dial a channel made by `create`."""
        await self._t.request("POST", f"/channels/{channel_id}/dial",
                              params={"caller": caller, "timeout": timeout})

    async def get(self, channel_id: str) -> Channel:
        return Channel.from_json(await self._t.request("GET", f"/channels/{channel_id}"))

    async def list(self) -> list[Channel]:
        return [Channel.from_json(item) for item in await self._t.request("GET", "/channels") or ()]

    async def answer(self, channel_id: str) -> None:
        await self._t.request("POST", f"/channels/{channel_id}/answer")

    async def ring(self, channel_id: str) -> None:
        await self._t.request("POST", f"/channels/{channel_id}/ring")

    async def ring_stop(self, channel_id: str) -> None:
        await self._t.request("DELETE", f"/channels/{channel_id}/ring")

    async def hangup(
        self,
        channel_id: str,
        *,
        reason: HangupReason | str | None = None,
        missing_ok: bool = False,
    ) -> bool:
        """`DELETE /channels/{id}`. Returns False if the channel was already gone.

        With `missing_ok` a 404 is the normal race of a callee hanging up while we act, and
        is swallowed; without it NotFound is raised.
        """
        try:
            await self._t.request("DELETE", f"/channels/{channel_id}", params={"reason": reason})
        except NotFound:
            if missing_ok:
                return False
            raise
        return True

    async def continue_in_dialplan(
        self,
        channel_id: str,
        *,
        context: str | None = None,
        extension: str | None = None,
        priority: int | None = None,
        label: str | None = None,
    ) -> None:
        """`POST /channels/{id}/continue`: leave Stasis (e.g. into AMD), perhaps to come back."""
        await self._t.request("POST", f"/channels/{channel_id}/continue", params={
            "context": context, "extension": extension, "priority": priority, "label": label,
        })

    async def play(
        self,
        channel_id: str,
        media: Sequence[str] | str,
        *,
        playback_id: str | None = None,
        lang: str | None = None,
        offset_ms: int | None = None,
        skip_ms: int | None = None,
    ) -> Playback:
        data = await self._t.request("POST", f"/channels/{channel_id}/play", params={
            "media": media, "playbackId": playback_id, "lang": lang,
            "offsetms": offset_ms, "skipms": skip_ms,
        })
        return Playback.from_json(data)

    async def record(
        self,
        channel_id: str,
        name: str,
        *,
        format: str = "wav",
        max_duration_s: int | None = None,
        max_silence_s: int | None = None,
        if_exists: str | None = None,
        beep: bool | None = None,
        terminate_on: str | None = None,
    ) -> LiveRecording:
        data = await self._t.request("POST", f"/channels/{channel_id}/record", params={
            "name": name, "format": format, "maxDurationSeconds": max_duration_s,
            "maxSilenceSeconds": max_silence_s, "ifExists": if_exists, "beep": beep,
            "terminateOn": terminate_on,
        })
        return LiveRecording.from_json(data)

    async def snoop(
        self,
        channel_id: str,
        *,
        app: str | None = None,
        spy: str | None = None,
        whisper: str | None = None,
        app_args: Sequence[str] | str | None = None,
        snoop_id: str | None = None,
    ) -> Channel:
        """`POST /channels/{id}/snoop`: a channel that listens (`spy`) or talks (`whisper`)."""
        app = app or self._default_app
        self._guard(app)
        data = await self._t.request("POST", f"/channels/{channel_id}/snoop", params={
            "app": app, "spy": spy, "whisper": whisper, "appArgs": _args(app_args),
            "snoopId": snoop_id,
        })
        return Channel.from_json(data)

    async def start_moh(self, channel_id: str, moh_class: str | None = None) -> None:
        await self._t.request("POST", f"/channels/{channel_id}/moh", params={"mohClass": moh_class})

    async def stop_moh(self, channel_id: str) -> None:
        await self._t.request("DELETE", f"/channels/{channel_id}/moh")

    async def get_variable(self, channel_id: str, variable: str) -> str:
        data = await self._t.request("GET", f"/channels/{channel_id}/variable",
                                     params={"variable": variable})
        value = data.get("value") if isinstance(data, dict) else None
        return "" if value is None else str(value)

    async def set_variable(self, channel_id: str, variable: str, value: str) -> None:
        await self._t.request("POST", f"/channels/{channel_id}/variable",
                              params={"variable": variable, "value": value})


def _args(app_args: Sequence[str] | str | None) -> str | None:
    # ARI takes Stasis arguments as one comma-separated string.
    if app_args is None or isinstance(app_args, str):
        return app_args
    return ",".join(app_args)
