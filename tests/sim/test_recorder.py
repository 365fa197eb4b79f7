"""Recording files of the fake Asterisk: a real WAV per recording in its spool directory, as long
as the audio kept, served and deleted over ARI; the bridge technology a recorder brings."""

from __future__ import annotations

import asyncio
import io
import wave
from pathlib import Path

from dialer.sim.recorder import SPOOL_ENV

from .conftest import Ari, StartFake


async def _two_in_a_bridge(ari: Ari) -> None:
    await ari.connect()
    await ari.originate("Local/agent1@agents", "a1")
    await ari.wait_event("a1", "StasisStart")
    await ari.originate("Local/5550000018@customers", "c1")
    await ari.wait_event("c1", "StasisStart")
    await ari.call("POST", "/bridges", bridgeId="b1", type="mixing")
    await ari.call("POST", "/bridges/b1/addChannel", channel="a1")
    await ari.call("POST", "/bridges/b1/addChannel", channel="c1")


def _seconds(data: bytes) -> float:
    with wave.open(io.BytesIO(data)) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (8000, 1, 2)
        return wav.getnframes() / 8000


async def test_a_stopped_recording_is_a_wav_in_the_spool_as_long_as_it_ran(start_fake: StartFake,
                                                                           tmp_path: Path) -> None:
    ari = await start_fake(time_scale=20, spool_dir=tmp_path)
    await _two_in_a_bridge(ari)
    assert (await ari.call("GET", "/bridges/b1"))[1]["technology"] == "simple_bridge"
    status, body = await ari.call("POST", "/bridges/b1/record", name="r1", format="wav")
    assert (status, body["state"]) == (201, "queued")
    status, bridge = await ari.call("GET", "/bridges/b1")
    assert bridge["technology"] == "softmix" and bridge["channels"] == ["a1", "c1"], "the recorder is no member"
    await _sim_sleep(ari, 3.0)
    assert (await ari.call("POST", "/recordings/live/r1/stop"))[0] == 204
    assert ari.log is not None
    await ari.log.wait_for(lambda: any(e["type"] == "RecordingFinished" for e in ari.log.events))
    finished = next(e for e in ari.log.events if e["type"] == "RecordingFinished")["recording"]
    assert finished["state"] == "done" and 2 <= finished["duration"] <= 4
    assert (await ari.call("GET", "/bridges/b1"))[1]["technology"] == "simple_bridge"
    path = tmp_path / "r1.wav"
    assert path.exists() and abs(_seconds(path.read_bytes()) - finished["duration"]) <= 1
    status, data = await ari.call("GET", "/recordings/stored/r1/file")
    assert status == 200 and data == path.read_bytes()
    assert (await ari.call("DELETE", "/recordings/stored/r1"))[0] == 204
    assert not path.exists()
    assert (await ari.call("GET", "/recordings/stored/r1/file"))[0] == 404
    assert (await ari.call("DELETE", "/recordings/stored/r1"))[0] == 404


async def test_alone_in_the_bridge_the_recording_ends_by_itself(start_fake: StartFake, tmp_path: Path,
                                                                monkeypatch) -> None:
    monkeypatch.setenv(SPOOL_ENV, str(tmp_path))
    ari = await start_fake(time_scale=20)
    await _two_in_a_bridge(ari)
    await ari.call("POST", "/bridges/b1/record", name="r2", format="wav")
    await _sim_sleep(ari, 1.0)
    await ari.call("DELETE", "/channels/c1")  # the agent stays, silent: no frames reach the recorder
    assert ari.log is not None
    await ari.log.wait_for(lambda: any(e["type"] == "RecordingFinished" for e in ari.log.events))
    finished = next(e for e in ari.log.events if e["type"] == "RecordingFinished")["recording"]
    assert finished["state"] == "done" and finished["duration"] <= 2
    assert (await ari.call("GET", "/recordings/live/r2"))[0] == 404
    assert (await ari.call("POST", "/recordings/live/r2/stop")) == (404, {"message": "Recording not found"})
    assert (tmp_path / "r2.wav").exists(), "DIALER_SIM_SPOOL names the spool"


async def _sim_sleep(ari: Ari, seconds: float) -> None:
    await asyncio.sleep(ari.fake.clock.real_delay(seconds))


# --- channel recordings and snoops, as Asterisk's res_stasis_recording / res_stasis_snoop do ---

async def _customer(ari: Ari, channel_id: str = "c1") -> None:
    await ari.connect()
    await ari.originate("Local/5550000018@customers", channel_id)
    await ari.wait_event(channel_id, "StasisStart")


def _recording_events(ari: Ari, name: str) -> list[dict]:
    assert ari.log is not None
    return [e for e in ari.log.events if e.get("recording", {}).get("name") == name]


async def test_a_recording_channel_may_not_join_a_bridge_and_plays_only_after_it(start_fake: StartFake,
                                                                                tmp_path: Path) -> None:
    ari = await start_fake(time_scale=20, spool_dir=tmp_path)
    await _customer(ari)
    assert (await ari.call("POST", "/channels/c1/record", name="own", format="wav"))[0] == 201
    await ari.call("POST", "/bridges", bridgeId="b1", type="mixing")
    assert await ari.call("POST", "/bridges/b1/addChannel", channel="c1") == \
        (409, {"message": "Channel c1 currently recording"})
    status, playback = await ari.call("POST", "/channels/c1/play", media="sound:hello", playbackId="p1")
    assert (status, playback["state"]) == (201, "queued")
    await _sim_sleep(ari, 2.0)
    assert ari.log is not None
    assert not [e for e in ari.log.events if e["type"] == "PlaybackStarted"], "queued behind the recording"
    assert (await ari.call("POST", "/recordings/live/own/stop"))[0] == 204
    await ari.log.wait_for(lambda: any(e["type"] == "PlaybackFinished" for e in ari.log.events))
    assert (await ari.call("POST", "/bridges/b1/addChannel", channel="c1"))[0] == 204


async def test_recording_a_bridged_channel_fails(start_fake: StartFake, tmp_path: Path) -> None:
    ari = await start_fake(time_scale=20, spool_dir=tmp_path)
    await _two_in_a_bridge(ari)
    status, body = await ari.call("POST", "/channels/c1/record", name="nope", format="wav")
    assert (status, body["state"]) == (201, "queued")
    assert ari.log is not None
    await ari.log.wait_for(lambda: bool(_recording_events(ari, "nope")))
    (failed,) = _recording_events(ari, "nope")
    assert failed["type"] == "RecordingFailed"
    assert failed["recording"] == {"name": "nope", "format": "wav", "state": "failed", "target_uri": "channel:c1",
                                   "cause": "Cannot record channel while in bridge"}
    assert (await ari.call("GET", "/recordings/stored/nope"))[0] == 404


async def test_snoop_refusals_are_asterisks(start_fake: StartFake) -> None:
    ari = await start_fake(time_scale=20)
    await _customer(ari)
    assert await ari.call("POST", "/channels/c1/snoop", spy="both") == \
        (400, {"message": "Application name is required"})
    assert await ari.call("POST", "/channels/c1/snoop", app="dialer") == \
        (400, {"message": "Direction must be specified for at least spy or whisper"})
    assert await ari.call("POST", "/channels/c1/snoop", app="dialer", spy="sideways") == \
        (400, {"message": "Invalid direction specified for spy"})
    assert await ari.call("POST", "/channels/nope/snoop", app="dialer", spy="both") == \
        (404, {"message": "Provided channel was not found"})


async def test_a_snoop_recording_ends_with_its_customer_and_keeps_the_file(start_fake: StartFake,
                                                                           tmp_path: Path) -> None:
    """What the dialer records a customer's wait with: the snoop hears both ways and leaves the
    customer free to be played to; when the customer hangs up the snoop goes too (no hang-up
    request, no ChannelDestroyed: the app forgets a snoop at StasisEnd), its recording kept."""
    ari = await start_fake(time_scale=20, spool_dir=tmp_path)
    await _customer(ari)
    status, snoop = await ari.call("POST", "/channels/c1/snoop", app="dialer", spy="both", whisper="none",
                                   appArgs="recorder", snoopId="s1")
    assert status == 200 and snoop["name"].startswith("Snoop/c1-")
    start = await ari.wait_event("s1", "StasisStart")
    assert start["args"] == ["recorder"]
    assert (await ari.call("POST", "/channels/s1/record", name="wait1", format="wav"))[0] == 201
    assert (await ari.call("POST", "/channels/c1/play", media="sound:hello", playbackId="p1"))[0] == 201
    assert ari.log is not None
    await ari.log.wait_for(lambda: any(e["type"] == "PlaybackFinished" for e in ari.log.events))
    await _sim_sleep(ari, 2.0)
    await ari.call("DELETE", "/channels/c1")
    await ari.wait_event("s1", "StasisEnd")
    finished = [e for e in _recording_events(ari, "wait1") if e["type"] == "RecordingFinished"]
    assert len(finished) == 1 and finished[0]["recording"]["state"] == "done"
    assert 2 <= finished[0]["recording"]["duration"] <= 4
    kinds = [e["type"] for e in ari.log.events if (e.get("channel") or {}).get("id") == "s1"
             or e.get("recording", {}).get("name") == "wait1"]
    assert kinds == ["StasisStart", "RecordingStarted", "RecordingFinished", "StasisEnd"]
    assert abs(_seconds((tmp_path / "wait1.wav").read_bytes()) - finished[0]["recording"]["duration"]) <= 1
    assert (await ari.call("GET", "/channels/s1"))[0] == 404
