"""Replaying recorded ARI sessions against the fake Asterisk, over raw aiohttp.

A recording (tests/sim/recordings/*.jsonl, from a real Asterisk 23.4.1) is a list of REST
calls and events. The replayer issues the same REST calls, each once the fake has sent the
events that came before it in the recording (the ones it did not cause itself) and once
the simulated clock has reached the call's time; then the events are compared per channel,
ids and names normalised, timestamps ignored.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import aiohttp

from dialer.sim.fake_asterisk import FakeAsterisk

RECORDINGS = Path(__file__).parent / "recordings"
AUTH_HEADER = {"Authorization": "Basic ZGlhbGVyOmRpYWxlcg=="}   # dialer:dialer
WAIT = 5.0   # real seconds any awaited condition may take before the test fails

_NAME_SEQ = re.compile(r"-[0-9a-f]{8}(?=;[12]\b|\b)")
_ANSWERED_AT = re.compile(r"ANSWERED_AT=\d+\.\d+")


def load(name: str) -> list[dict[str, Any]]:
    lines = (RECORDINGS / name).read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def event_key(event: dict[str, Any]) -> str:
    """Which per-channel (or per-object) sequence an event belongs to."""
    for field in ("channel", "peer"):
        if field in event:
            return event[field]["id"]
    if "playback" in event:
        return "playback:" + event["playback"]["id"]
    if "recording" in event:
        return "recording:" + event["recording"]["name"]
    if "bridge" in event:
        return "bridge:" + event["bridge"]["id"]
    return "app"


def normalise(value: Any, key: str = "") -> Any:
    """Drop what differs run to run: times, name sequence numbers, ANSWERED_AT values."""
    if isinstance(value, dict):
        return {k: normalise(v, k) for k, v in value.items()
                if k not in ("timestamp", "creationtime")}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, str):
        value = _NAME_SEQ.sub("", value)
        value = _ANSWERED_AT.sub("ANSWERED_AT=<t>", value)
        if key == "value" and re.fullmatch(r"\d{9,}\.\d+", value):
            return "<t>"
        return value
    return value


def shape(value: Any) -> Any:
    """Key order of an event and its nested objects (the JSON 'shape')."""
    if isinstance(value, dict):
        return [(k, shape(v)) for k, v in value.items()]
    return type(value).__name__


CAUSE_WINDOW = 0.001   # s: a call's first events can precede its recorded line by this much


def partners(lines: list[dict[str, Any]]) -> dict[str, str]:
    """Local halves as the recording originated them: channelId <-> otherChannelId."""
    out: dict[str, str] = {}
    for line in lines:
        params = line.get("params", {})
        if line["kind"] == "rest" and params.get("channelId"):
            other = params.get("otherChannelId") or params["channelId"] + ";2"
            out[params["channelId"]] = other
            out[other] = params["channelId"]
    return out


def mentioned_ids(rest: dict[str, Any], pairs: dict[str, str]) -> set[str]:
    """Channels and objects a REST call names: the events it may cause are about these."""
    ids: set[str] = set()
    params = rest.get("params", {})
    for key in ("channelId", "otherChannelId", "playbackId", "name", "bridgeId", "snoopId"):
        if params.get(key):
            ids.add(params[key])
    ids.update(c for c in str(params.get("channel", "")).split(",") if c)
    parts = rest["path"].strip("/").split("/")
    if parts[0] == "recordings" and len(parts) >= 3:
        ids.add(parts[2])
    elif len(parts) >= 2:
        ids.add(parts[1])
    return ids | {pairs[i] for i in ids if i in pairs}


_NEVER_FROM_BRIDGE_CALLS = frozenset({"StasisStart", "Dial", "ChannelStateChange", "ChannelDialplan"})


def caused_by(event_line: dict[str, Any], rest: dict[str, Any], pairs: dict[str, str]) -> bool:
    """Did this recorded event (listed before `rest`) come from that call? It must be about
    what the call names, and close enough in time (a trigger comes earlier than that)."""
    event = event_line["data"]
    is_originate = rest["method"] == "POST" and rest["path"] == "/channels"
    if rest["path"].startswith("/bridges/") and (
            event["type"] in _NEVER_FROM_BRIDGE_CALLS
            or (event["type"] == "ChannelVarset" and event.get("variable") != "BRIDGEPEER")):
        # A customer's answer 1 ms before the app bridges them (bridge-recording-silence):
        # the answer is what the app waited for, not what the bridge call did.
        return False
    if not is_originate and event_line["t"] < rest["t"] - CAUSE_WINDOW:
        return False
    bare = event_key(event).split(":", 1)[-1]
    if bare in mentioned_ids(rest, pairs):
        return True
    # Bridge calls also change BRIDGEPEER / connected line of the channels already in it; a
    # snoop on a bridged channel sets every member's BRIDGEPEER again.
    if rest["path"].endswith("/snoop"):
        return event.get("variable") == "BRIDGEPEER"
    return rest["path"].startswith("/bridges/") and (
        event.get("variable") == "BRIDGEPEER" or event["type"] == "ChannelConnectedLine")


class EventLog:
    """Everything the fake sends on one events websocket, with awaitable conditions."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.events: list[dict[str, Any]] = []
        self.changed = asyncio.Event()
        self.closed = False
        self.task = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        async for msg in self.ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                self.events.append(json.loads(msg.data))
                self.changed.set()
        self.closed = True
        self.changed.set()

    async def wait_for(self, predicate: Any, timeout: float = WAIT) -> None:
        async def loop() -> None:
            while not predicate():
                self.changed.clear()
                await self.changed.wait()
        await asyncio.wait_for(loop(), timeout)

    async def wait_until_counts(self, need: dict[str, int]) -> None:
        try:
            await self.wait_for(lambda: all(self.counts().get(k, 0) >= n
                                            for k, n in need.items()))
        except asyncio.TimeoutError:
            have = self.counts()
            missing = {k: (n, have.get(k, 0)) for k, n in need.items() if have.get(k, 0) < n}
            raise AssertionError(f"events never came (key: expected, got): {missing}") from None

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for event in self.events:
            out[event_key(event)] += 1
        return out

    async def close(self) -> None:
        await self.ws.close()
        await self.task


def per_key(events: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in events:
        out[event_key(event)].append(event)
    return dict(out)


async def connect(session: aiohttp.ClientSession, fake: FakeAsterisk, app: str = "dialer"
                  ) -> EventLog:
    ws = await session.ws_connect(fake.events_url(app))
    return EventLog(ws)


def cli_hangup(t: float, channel_id: str) -> dict[str, Any]:
    """A line to splice into a recording where its notes say the PBX hung a channel up
    (CLI `channel request hangup`): replayed as `fake.request_hangup(channel_id)`."""
    return {"t": t, "kind": "rest", "method": "CLI", "path": f"/channels/{channel_id}",
            "params": {}}


async def replay(fake: FakeAsterisk, lines: list[dict[str, Any]]
                 ) -> tuple[EventLog, list[tuple[dict[str, Any], int, Any]]]:
    """Replay `lines`; returns the event log and (recorded line, status, body) per call.
    Notes and websocket lines of a recording are skipped."""
    lines = [line for line in lines if line["kind"] in ("event", "rest")]
    pairs = partners(lines)
    responses: list[tuple[dict[str, Any], int, Any]] = []
    async with aiohttp.ClientSession(headers=AUTH_HEADER) as session:
        log = await connect(session, fake)
        start = fake.clock.now()
        expected: dict[str, int] = defaultdict(int)
        pending: list[dict[str, Any]] = []
        for line in lines:
            if line["kind"] == "event":
                pending.append(line)
                continue
            caused = [e for e in pending if caused_by(e, line, pairs)]
            for event_line in pending:
                if not any(event_line is c for c in caused):
                    expected[event_key(event_line["data"])] += 1
            await log.wait_until_counts(dict(expected))
            delay = fake.clock.real_delay(start + line["t"] - fake.clock.now())
            if delay > 0:
                await asyncio.sleep(delay)      # the recorded client waited this long too
            for event_line in caused:
                expected[event_key(event_line["data"])] += 1
            pending = []
            if line["method"] == "CLI":
                fake.request_hangup(line["path"].rsplit("/", 1)[1])
                continue
            async with session.request(line["method"], fake.base_url + line["path"],
                                       params=line["params"]) as resp:
                body = await _body(resp)
                responses.append((line, resp.status, body))
        for event_line in pending:
            expected[event_key(event_line["data"])] += 1
        await log.wait_until_counts(dict(expected))
        await barrier(session, fake, log)
        await log.close()
    return log, responses


def _without_app(channel: dict[str, Any]) -> dict[str, Any]:
    dialplan = {k: v for k, v in channel.get("dialplan", {}).items() if k not in ("app_name", "app_data")}
    return {**channel, "dialplan": dialplan}


async def _body(resp: aiohttp.ClientResponse) -> Any:
    """JSON, or for a file what the recorder kept of one: headers and its first 44 bytes."""
    if resp.status == 204:
        return None
    if resp.content_type.startswith("audio/"):
        data = await resp.read()
        return {"content_type": resp.content_type, "content_length": resp.headers.get("Content-Length"),
                "bytes_received": len(data), "first_44_bytes_hex": data[:44].hex()}
    return await resp.json()


def assert_same_wav(mine: dict[str, Any], theirs: dict[str, Any], where: str) -> None:
    """The same kind of WAV (RIFF, 8 kHz mono 16-bit PCM) and about as long: the sizes in the
    header differ by the recording's length, which scheduling jitter moves a little."""
    assert mine["content_type"] == theirs["content_type"], where
    head, recorded = bytes.fromhex(mine["first_44_bytes_hex"]), bytes.fromhex(theirs["first_44_bytes_hex"])
    assert (head[:4], head[8:36], head[36:40]) == (recorded[:4], recorded[8:36], recorded[36:40]), where
    assert int(mine["content_length"]) == mine["bytes_received"], where
    assert abs(mine["bytes_received"] - theirs["bytes_received"]) <= 16000, where   # 1 s of audio


async def barrier(session: aiohttp.ClientSession, fake: FakeAsterisk, log: EventLog) -> None:
    """Events emitted so far arrive before the barrier call's own (one socket, in order)."""
    async with session.post(fake.base_url + "/channels", params={
            "endpoint": "Local/1@no-such-context", "app": "dialer",
            "channelId": "zz-barrier"}) as resp:
        assert resp.status == 200
    await log.wait_for(lambda: log.counts().get("zz-barrier", 0) >= 1)
    log.events = [e for e in log.events if not event_key(e).startswith("zz-barrier")]


def summary(event: dict[str, Any]) -> tuple:
    ch = event.get("channel") or event.get("peer") or {}
    return (event["type"], ch.get("state"), event.get("cause"), event.get("soft"),
            event.get("dialstatus"), event.get("dialplan_app"), event.get("variable"),
            tuple(event.get("args", ())), event.get("digit"), event.get("duration_ms"))


def dial_first(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A race inside Asterisk: the first `Dial` of a Local channel (dialstatus "") and its
    `;1` half's ChannelStateChange to Ringing come in either order (bridge-recording-silence
    has both in one file; the Dial then shows the peer Ringing). The fake always sends the
    Dial first, with the peer Down; recorded sequences are put in that order to compare."""
    out = list(events)
    for i in range(len(out) - 1):
        change, dial = out[i], out[i + 1]
        if (change["type"] == "ChannelStateChange" and change["channel"]["state"] == "Ringing"
                and dial["type"] == "Dial" and dial.get("dialstatus") == ""
                and dial["peer"]["id"] == change["channel"]["id"]):
            dial = json.loads(json.dumps(dial))
            dial["peer"]["state"] = "Down"
            out[i], out[i + 1] = dial, change
    return out


def _by_id(item: dict[str, Any]) -> str:
    return str(item.get("id", ""))


def assert_replay_matches(lines: list[dict[str, Any]], log: EventLog,
                          responses: list[tuple[dict[str, Any], int, Any]]) -> None:
    """Same REST answers; per channel (and bridge, playback, recording) the same events in
    the same order, field by field once normalised, in the same JSON shapes."""
    for line, status, body in responses:
        where = f"{line['method']} {line['path']} {line['params']}"
        assert status == line["status"], where
        if isinstance(body, dict) and "first_44_bytes_hex" in body:
            assert_same_wav(body, line["response"], where)
            continue
        expected = line["response"]
        if line["method"] == "GET" and line["path"] in ("/channels", "/bridges") and isinstance(body, list):
            # Asterisk lists them from a hash container: the order means nothing.
            body, expected = sorted(body, key=_by_id), sorted(expected, key=_by_id)
        if line["path"].endswith("/snoop") and isinstance(body, dict) and isinstance(expected, dict):
            # A race in Asterisk: the 200's snapshot is taken as the snoop enters Stasis, so its
            # dialplan app is "" or "Stasis" (both recorded); its StasisStart says which app.
            body, expected = _without_app(body), _without_app(expected)
        assert normalise(body) == normalise(expected), where

    recorded = {key: dial_first(events)
                for key, events in per_key([line["data"] for line in lines if line["kind"] == "event"]).items()}
    got = per_key(log.events)
    assert sorted(got) == sorted(recorded)
    for key, expected in recorded.items():
        assert [summary(e) for e in got[key]] == [summary(e) for e in expected], key
        for mine, theirs in zip(got[key], expected):
            mine, theirs = normalise(mine), normalise(theirs)
            for seconds in ("duration", "talking_duration"):
                if "recording" in theirs and seconds in theirs["recording"]:
                    # Whole seconds of a ~2 s recording: scheduling jitter may cost one.
                    assert abs(mine["recording"].pop(seconds) - theirs["recording"].pop(seconds)) <= 1, key
            assert mine == theirs, key
        assert [shape(e) for e in got[key]] == [shape(e) for e in expected], key
        assert all(event_key(e) == key for e in got[key])
