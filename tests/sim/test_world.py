"""The simulated world: deterministic for a seed, configurable distributions, time scale,
customers losing patience, and agents' PJSIP phones."""

from __future__ import annotations

import calendar
import time

import pytest

from dialer.sim.world import Phone, Span, WorldConfig

from .conftest import Ari, StartFake


def sim_seconds(timestamp: str) -> float:
    """An ARI timestamp ("2026-11-22T20:15:17.199+0000") as epoch seconds."""
    whole = calendar.timegm(time.strptime(timestamp[:19], "%Y-%m-%dT%H:%M:%S"))
    return whole + int(timestamp[20:23]) / 1000


async def world_draws(ari: Ari, calls: int) -> list[tuple]:
    """What the world decided for `calls` calls to "...9" numbers: the draw, the branch and
    the durations, all of which the ;2 half shows at once (Set / GotoIf / Wait)."""
    assert ari.log is not None
    for i in range(calls):
        await ari.originate(f"Local/55500{i:04d}9@customers", f"w{i:03d}",
                            otherChannelId=f"w{i:03d}-2", timeout=5)
    out = []
    for i in range(calls):
        key = f"w{i:03d}-2"
        await ari.log.wait_for(lambda: any(e["type"] in ("ChannelDestroyed", "ChannelDialplan")
                                           and e.get("dialplan_app") in ("Wait", None)
                                           for e in ari.events_of(key)))
        steps = []
        for e in ari.events_of(key):
            if e["type"] != "ChannelDialplan":
                continue
            steps.append((e["dialplan_app"], e["dialplan_app_data"]))
            if e["dialplan_app"] == "Wait":
                break       # what comes later depends on when we look
        out.append(tuple(s for s in steps if s[0] in ("Set", "GotoIf", "Goto", "Wait")))
    return out


async def test_same_seed_same_world_other_seed_other_world(start_fake: StartFake) -> None:
    runs = []
    for seed in (7, 7, 8):
        ari = await start_fake(seed=seed, time_scale=100)
        await ari.connect()
        runs.append(await world_draws(ari, 25))
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_thresholds_follow_the_weights() -> None:
    assert [t for _, t in WorldConfig().thresholds()] == [35, 60, 72, 82, 88, 94, 100]
    custom = WorldConfig.from_mapping({"weights": {"person": 3, "busy": 1}})
    assert dict(custom.thresholds()) == {"person": 75, "no_answer": 75, "busy": 100,
                                         "machine": 100, "congestion": 100, "rejected": 100,
                                         "unallocated": 100}
    with pytest.raises(ValueError):
        WorldConfig.from_mapping({"weights": {"aliens": 1}})


async def test_every_number_takes_the_configured_draw(start_fake: StartFake) -> None:
    world = WorldConfig(weights={"busy": 1}, every_number=True)
    ari = await start_fake(world=world)
    await ari.connect()
    await ari.originate("Local/5550000018@customers", "c1")   # a person by convention
    dial = await ari.wait_event("c1", "Dial", dialstatus="BUSY")
    assert dial["peer"]["id"] == "c1"
    assert (await ari.wait_event("c1", "ChannelDestroyed"))["cause"] == 0


async def test_default_world_shares_are_close_to_the_weights(start_fake: StartFake) -> None:
    ari = await start_fake(seed=3, time_scale=100)
    await ari.connect()
    draws = await world_draws(ari, 200)
    gotos = [next(d for app, d in steps if app == "GotoIf" and d.startswith("1?"))
             if any(app == "GotoIf" and d.startswith("1?") for app, d in steps) else "d7"
             for steps in draws]
    share = {label: gotos.count(label) / len(gotos) for label in set(gotos)}
    assert abs(share["1?w-person"] - 0.35) < 0.1
    assert abs(share["1?d2"] - 0.25) < 0.1
    assert abs(share.get("d7", 0) - 0.06) < 0.06


async def test_time_scale_speeds_every_duration_consistently(start_fake: StartFake) -> None:
    ari = await start_fake(time_scale=50)
    await ari.connect()
    started = time.monotonic()
    await ari.originate("Local/5550000002@customers", "c1", timeout=10)
    destroyed = await ari.wait_event("c1", "ChannelDestroyed")
    real = time.monotonic() - started
    dial = ari.events_of("c1")[0]
    assert destroyed["cause"] == 19
    simulated = sim_seconds(destroyed["timestamp"]) - sim_seconds(dial["timestamp"])
    assert 9.9 <= simulated <= 11.0           # 10 s of simulated time...
    assert 0.15 <= real <= 1.5                # ...in about 0.2 s of real time


async def test_waiting_customer_gives_up_unless_put_through(start_fake: StartFake) -> None:
    world = WorldConfig(weights={"person": 1}, every_number=True, person_ring=Span(1, 1),
                        person_talk=Span(60, 60), patience=Span(3, 3))
    ari = await start_fake(world=world)
    await ari.connect()
    await ari.originate("Local/5550000005@customers", "alone", otherChannelId="alone-2")
    await ari.originate("Local/5550000015@customers", "served", otherChannelId="served-2")
    await ari.originate("Local/agent1@agents", "agent")
    for channel_id in ("served", "agent"):
        await ari.wait_event(channel_id, "StasisStart")
    await ari.call("POST", "/bridges", bridgeId="b1")
    await ari.call("POST", "/bridges/b1/addChannel", channel="served,agent")
    answered = await ari.wait_event("alone", "StasisStart")
    gone = await ari.wait_event("alone", "ChannelDestroyed")
    assert gone["cause"] == 16
    assert 2.9 <= sim_seconds(gone["timestamp"]) - sim_seconds(answered["timestamp"]) <= 4.0
    status, body = await ari.call("GET", "/channels/served")
    assert status == 200 and body["state"] == "Up"


async def test_pjsip_agent_phones(start_fake: StartFake) -> None:
    world = WorldConfig(phones={"PJSIP/1001": Phone(2.0), "PJSIP/1003": Phone(None)},
                        default_phone=Phone(0.0))
    ari = await start_fake(world=world)
    await ari.connect()
    await ari.originate("PJSIP/1001", "slow", timeout=10)
    await ari.originate("PJSIP/1002", "quick", timeout=10)
    await ari.originate("PJSIP/1003", "never", timeout=3)
    await ari.originate("PJSIP/busy-1004", "busy", timeout=10)
    ringing = await ari.wait_event("slow", "Dial", dialstatus="RINGING")
    started = await ari.wait_event("slow", "StasisStart")
    assert 1.9 <= sim_seconds(started["timestamp"]) - sim_seconds(ringing["timestamp"]) <= 2.6
    assert started["channel"]["name"].startswith("PJSIP/1001-")
    await ari.wait_event("quick", "StasisStart")
    assert "RINGING" not in [e.get("dialstatus") for e in ari.events_of("quick")]
    assert (await ari.wait_event("never", "ChannelDestroyed"))["cause"] == 19
    await ari.wait_event("busy", "Dial", dialstatus="BUSY")
    assert (await ari.wait_event("busy", "ChannelDestroyed"))["cause"] == 17


async def test_local_agent_prefixes(start_fake: StartFake) -> None:
    ari = await start_fake()
    await ari.connect()
    await ari.originate("Local/slow-a1@agents", "slow")
    await ari.originate("Local/offline-a2@agents", "off")
    ringing = await ari.wait_event("slow", "Dial", dialstatus="RINGING")
    started = await ari.wait_event("slow", "StasisStart")
    assert 4.9 <= sim_seconds(started["timestamp"]) - sim_seconds(ringing["timestamp"]) <= 5.6
    await ari.wait_event("off", "Dial", dialstatus="CONGESTION")


def test_standalone_world_from_a_toml_file(tmp_path) -> None:
    from dialer.sim.server import load_world
    path = tmp_path / "world.toml"
    path.write_text('[world]\nevery_number = true\nperson_talk = [30, 120]\npatience = [2, 8]\n'
                    'weights = { person = 60, no_answer = 40 }\n'
                    'phones = { "PJSIP/1001" = 3.0 }\n')
    world = load_world(str(path))
    assert world.every_number and world.person_talk == Span(30, 120)
    assert world.patience == Span(2, 8)
    assert world.phone("PJSIP/1001") == Phone(3.0)
    assert dict(world.thresholds())["no_answer"] == 100
    assert load_world(None) == WorldConfig()
