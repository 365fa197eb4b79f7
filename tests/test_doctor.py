"""`dialer doctor` against the fake Asterisk: passes when it should, says why when it cannot."""

from __future__ import annotations

import dataclasses

from dialer.config import Settings
from dialer.doctor import diagnose
from dialer.sim.fake_asterisk import FakeAsterisk


async def test_doctor_passes_against_a_working_pbx_with_a_test_call() -> None:
    fake = FakeAsterisk(time_scale=20.0)
    await fake.start("127.0.0.1", 0)
    try:
        settings = Settings(ari_url=fake.base_url)
        checks = await diagnose(settings, call="Local/5550000018@customers", timeout_s=10)
        assert [c.name for c in checks] == ["ARI reachable", "Asterisk version", "Stasis app", "test call"]
        assert all(c.ok for c in checks), [c.line() for c in checks]
        assert "no dialer engine is connected" in checks[2].detail
        bad = await diagnose(dataclasses.replace(settings, ari_password="wrong"))
        assert not bad[0].ok and "401" in bad[0].detail and "DIALER_ARI_PASSWORD" in bad[0].detail
        silent = await diagnose(settings, call="Local/noanswer-agent9@agents", timeout_s=1)
        assert not silent[-1].ok and "did not answer" in silent[-1].detail
    finally:
        await fake.stop()


async def test_doctor_says_when_asterisk_is_unreachable() -> None:
    checks = await diagnose(Settings(ari_url="http://127.0.0.1:9/ari"))
    assert len(checks) == 1 and not checks[0].ok and "DIALER_ARI_URL" in checks[0].detail
