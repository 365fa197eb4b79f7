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
