"""`dialer doctor` against the fake Asterisk: passes when it should, says why when it cannot."""

from __future__ import annotations

import dataclasses

import pytest

from dialer.config import Settings
from dialer.doctor import diagnose
from dialer.sim.fake_asterisk import FakeAsterisk


async def test_doctor_passes_against_a_working_pbx_with_a_test_call(tmp_path) -> None:
    fake = FakeAsterisk(time_scale=20.0)
    await fake.start("127.0.0.1", 0)
    try:
        settings = Settings(ari_url=fake.base_url, data_dir=tmp_path)
        checks = await diagnose(settings, call="Local/5550000018@customers", timeout_s=10)
        assert [c.name for c in checks] == ["ARI reachable", "Asterisk version", "Stasis app", "recordings",
                                            "test call"]
        assert all(c.ok for c in checks), [c.line() for c in checks]
        assert checks[3].detail == f"stored in {tmp_path / 'recordings'}; 0 finished recording(s) on Asterisk " \
            "not fetched yet"
        assert "no dialer engine is connected" in checks[2].detail
        bad = await diagnose(dataclasses.replace(settings, ari_password="wrong"))
        assert not bad[0].ok and "401" in bad[0].detail and "DIALER_ARI_PASSWORD" in bad[0].detail
        silent = await diagnose(settings, call="Local/noanswer-agent9@agents", timeout_s=1)
        assert not silent[-1].ok and "nobody answered (cause 19" in silent[-1].detail
    finally:
        await fake.stop()


@pytest.mark.parametrize("number,says", [
    ("5550000010", "is busy (cause 17 User busy)"),
    ("5550000011", "could not be reached: congestion (cause 34 Circuit/channel congestion)"),
    ("5550000017", "does not exist: unallocated number (cause 1 Unallocated (unassigned) number)"),
    ("5550000012", "rang but nobody answered (cause 19 User alerting, no answer)"),
])
async def test_a_test_call_that_is_not_answered_says_why(number: str, says: str) -> None:
    # The fake's number convention: last digit 0 busy, 1 congestion, 7 unallocated, 2 no answer.
    fake = FakeAsterisk(time_scale=20.0)
    await fake.start("127.0.0.1", 0)
    try:
        checks = await diagnose(Settings(ari_url=fake.base_url), call=f"Local/{number}@customers",
                                timeout_s=3)
        assert not checks[-1].ok
        assert checks[-1].detail.startswith(f"Local/{number}@customers {says}; "), checks[-1].detail
    finally:
        await fake.stop()


async def test_a_test_call_asterisk_refuses_says_so() -> None:
    fake = FakeAsterisk(time_scale=20.0)
    await fake.start("127.0.0.1", 0)
    try:
        fake.pbx.shutting_down = True   # as during `core stop gracefully`
        checks = await diagnose(Settings(ari_url=fake.base_url), call="Local/5550000018@customers",
                                timeout_s=3)
        assert checks[-1].detail == "Asterisk refused the call: 500 Allocation failed"
    finally:
        await fake.stop()


async def test_doctor_says_when_asterisk_is_unreachable() -> None:
    checks = await diagnose(Settings(ari_url="http://127.0.0.1:9/ari"))
    assert len(checks) == 1 and not checks[0].ok and "DIALER_ARI_URL" in checks[0].detail


async def test_doctor_says_when_the_recordings_folder_cannot_be_written(tmp_path) -> None:
    fake = FakeAsterisk(time_scale=20.0)
    await fake.start("127.0.0.1", 0)
    try:
        (tmp_path / "file").write_text("not a folder")
        checks = await diagnose(Settings(ari_url=fake.base_url, data_dir=tmp_path / "file"))
        assert checks[-1].name == "recordings" and not checks[-1].ok and "DIALER_RECORDINGS_DIR" in checks[-1].detail
    finally:
        await fake.stop()
