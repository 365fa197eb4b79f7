"""The fake's bench hooks (control.py): the channel record names every originate it accepted
and every channel gone, and survives a new process appending to it; the control route hangs
an agent's phone up from the PBX side as `channel request hangup` does."""

from __future__ import annotations

from pathlib import Path

from dialer.sim.control import ChannelRecord, read_record

from .conftest import StartFake


async def test_record_names_accepted_originates_and_gone_channels(start_fake: StartFake, tmp_path: Path) -> None:
    ari = await start_fake(time_scale=50)
    path = tmp_path / "record.jsonl"
    record = ari.fake.pbx.record = ChannelRecord(path)
    record.started(ari.fake.base_url)
    await ari.connect()
    await ari.originate("Local/5550000013@customers", "cust-1")   # answers, hangs up 1 s later
    status, _ = await ari.call("POST", "/channels", endpoint="Bogus/1", app="dialer", channelId="cust-2")
    assert status == 500                                           # refused: not in the record
    await ari.wait_event("cust-1", "ChannelDestroyed")

    rows = read_record(path)
    record.close()
    assert [r["kind"] for r in rows][:2] == ["start", "originate"]
    assert rows[1]["id"] == "cust-1" and rows[1]["peer"] == "cust-1;2"
    assert rows[1]["endpoint"] == "Local/5550000013@customers"
    assert {r["id"] for r in rows if r["kind"] == "gone"} == {"cust-1", "cust-1;2"}
    assert not any(r.get("id") == "cust-2" for r in rows)


async def test_record_says_who_answered_and_which_bridge_a_channel_entered(start_fake: StartFake,
                                                                          tmp_path: Path) -> None:
    # The bench counts abandons from these rows, answers the dialer never saw included.
    ari = await start_fake(time_scale=50)
    path = tmp_path / "record.jsonl"
    record = ari.fake.pbx.record = ChannelRecord(path)
    await ari.connect()
    await ari.originate("Local/5550000013@customers", "cust-1")   # a person: answers after 1 s
    await ari.originate("Local/5550000014@customers", "cust-2")   # an answering machine
    await ari.wait_event("cust-1", "StasisStart")
    status, _ = await ari.call("POST", "/bridges/br-1", type="mixing")
    assert status == 200
    status, _ = await ari.call("POST", "/bridges/br-1/addChannel", channel="cust-1")
    assert status == 204
    await ari.wait_event("cust-2", "StasisStart")

    rows = read_record(path)
    record.close()
    answered = {r["id"]: r["by"] for r in rows if r["kind"] == "answered"}
    assert answered == {"cust-1": "", "cust-2": "MACHINE"}
    assert [(r["id"], r["bridge"]) for r in rows if r["kind"] == "bridged"] == [("cust-1", "br-1")]
    answered_at = next(r["t"] for r in rows if r["kind"] == "answered" and r["id"] == "cust-1")
    assert answered_at <= next(r["t"] for r in rows if r["kind"] == "bridged")


async def test_record_is_appended_across_processes(tmp_path: Path) -> None:
    path = tmp_path / "record.jsonl"
    for _ in range(2):
        record = ChannelRecord(path)
        record.started("http://127.0.0.1:1/ari")
        record.close()
    with path.open("a") as f:
        f.write('{"kind": "orig')                                  # cut by a kill -9
    assert [r["kind"] for r in read_record(path)] == ["start", "start"]


async def test_control_route_drops_an_agent_phone(start_fake: StartFake) -> None:
    ari = await start_fake(time_scale=50)
    await ari.connect()
    await ari.originate("Local/agent1@agents", "agnt-1", timeout=15)
    await ari.wait_event("agnt-1", "StasisStart")
    url = ari.fake.base_url.removesuffix("/ari")
    async with ari.session.post(f"{url}/sim/channels/agnt-1;2/hangup") as resp:
        assert resp.status == 204
    await ari.wait_event("agnt-1", "ChannelDestroyed")
    async with ari.session.post(f"{url}/sim/channels/nobody/hangup") as resp:
        assert resp.status == 404
