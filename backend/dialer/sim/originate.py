"""Placing calls in the simulated PBX: originate, create + dial, and snoop channels.

An originated `Local/<exten>@<context>` becomes a `;1`/`;2` pair whose `;2` runs the
test-world dialplan; any other technology (`PJSIP/1001`) is a single channel played by an
agent's auto-answer phone from the `WorldConfig`. Validation and error bodies follow
Asterisk 23 (rest-errors.jsonl).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dialer.sim import events as ev
from dialer.sim.channels import (
    Channel, Dial, emit_dial, enter_stasis, far_end_answered, far_end_ringing, hangup,
    start_dial,
)
from dialer.sim.dialplan import find_extension
from dialer.sim.numbers import AgentPhone, Endpoint, agent_phone_behaviour, parse_endpoint
from dialer.sim.pbx import AriError, Pbx

DIALED = ("AppDial2", "(Outgoing Line)")
SLOW_AGENT_RING = 5.0


@dataclass
class OriginateRequest:
    endpoint: str = ""
    app: str = ""
    app_args: list[str] = field(default_factory=list)
    context: str = ""
    extension: str = ""
    priority: int = 1
    label: str = ""
    timeout: float = 30.0
    caller_id: str = ""
    channel_id: str = ""
    other_channel_id: str = ""
    variables: dict[str, str] = field(default_factory=dict)


def parse_caller_id(text: str) -> tuple[str, str]:
    """`Dialer <5550001000>` / `"A B" <1>` / `5550001000` -> (name, number)."""
    text = text.strip()
    match = re.fullmatch(r'"?([^"<]*?)"?\s*<([^>]*)>', text)
    if match:
        return match.group(1).strip(), match.group(2).strip()
    return ("", text) if text.replace("+", "").isdigit() else (text, "")


def _ids(pbx: Pbx, req: OriginateRequest, local: bool) -> tuple[str, str]:
    first = req.channel_id or pbx.new_uniqueid()
    if local:
        second = req.other_channel_id or (f"{req.channel_id};2" if req.channel_id
                                          else pbx.new_uniqueid())
    else:
        second = ""
    for new_id in (first, second):
        if new_id and pbx.id_in_use(new_id):
            raise AriError(409, "Channel with given unique ID already exists")
    if second and first.lower() == second.lower():
        raise AriError(409, "Channel with given unique ID already exists")
    return first, second


def _validate(req: OriginateRequest, *, need_target: bool) -> Endpoint:
    if not req.endpoint:
        raise AriError(400, "Endpoint must be specified")
    if need_target and not req.app and not req.extension:
        raise AriError(400, "Application or extension must be specified")
    endpoint = parse_endpoint(req.endpoint)
    if endpoint is None:
        raise AriError(500, "Allocation failed")
    return endpoint


def originate(pbx: Pbx, req: OriginateRequest) -> ev.Json:
    """POST /channels: returns the new channel's JSON (as it was when created)."""
    endpoint = _validate(req, need_target=True)
    if req.app:
        on_answer: tuple = ("stasis", req.app, list(req.app_args))
    else:
        on_answer = ("dialplan", req.context or "default", req.extension, req.priority or 1)
    ch, peer = _new_channels(pbx, req, endpoint)
    if pbx.record is not None:
        pbx.record.originated(ch, peer, req.endpoint, "originate")
    if req.app:
        ch.apps.add(req.app)
        if peer is not None:
            peer.apps.add(req.app)
    snapshot = ch.json()
    _dial(pbx, ch, peer, endpoint, Dial(_dialstring(endpoint), on_answer), req.timeout,
          announce_caller=bool(req.caller_id))
    return snapshot


def create(pbx: Pbx, req: OriginateRequest) -> ev.Json:
    """POST /channels/create: the channel waits in Stasis until POST .../dial."""
    if not req.app:
        raise AriError(400, "Application must be specified")
    endpoint = _validate(req, need_target=False)
    ch, peer = _new_channels(pbx, req, endpoint)
    if pbx.record is not None:
        pbx.record.originated(ch, peer, req.endpoint, "create")
    ch.apps.add(req.app)
    if peer is not None:
        peer.apps.add(req.app)
    ch.pending_dial = (endpoint, peer)
    snapshot = ch.json()
    ch.app_name, ch.app_data = "Stasis", ",".join([req.app, *req.app_args])
    enter_stasis(ch, req.app, list(req.app_args), from_dialplan=False)
    return snapshot


def dial_created(pbx: Pbx, ch: Channel, timeout: float) -> None:
    """POST /channels/{id}/dial of a channel made by /channels/create."""
    pending = ch.pending_dial
    if pending is None:
        raise AriError(409, "Channel is not in the correct state")
    ch.pending_dial = None
    endpoint, peer = pending
    _dial(pbx, ch, peer, endpoint, Dial(_dialstring(endpoint), ("stay",)), timeout,
          announce_caller=False)


SNOOP_DIRECTIONS = ("none", "both", "out", "in")


def snoop(pbx: Pbx, target_id: str, app: str, app_args: list[str], snoop_id: str, spy: str = "",
          whisper: str = "") -> ev.Json:
    """POST /channels/{id}/snoop, refused as Asterisk 23 refuses it (snoop-spy-whisper-barge):
    the app first, then the directions (both default to none), then the channel."""
    if not app:
        raise AriError(400, "Application name is required")
    spy, whisper = spy or "none", whisper or "none"
    for name, value in (("spy", spy), ("whisper", whisper)):
        if value not in SNOOP_DIRECTIONS:
            raise AriError(400, f"Invalid direction specified for {name}")
    if spy == whisper == "none":
        raise AriError(400, "Direction must be specified for at least spy or whisper")
    target = pbx.find_channel(target_id)
    if target is None:
        raise AriError(404, "Provided channel was not found")
    _refuse_while_shutting_down(pbx)
    new_id = snoop_id or pbx.new_uniqueid()
    if pbx.id_in_use(new_id):
        raise AriError(409, "Channel with given unique ID already exists")
    ch = Channel(pbx, new_id, f"Snoop/{target.id}-{pbx.next_seq():08x}", "Up", "default", "s",
                 creationtime=pbx.ts())
    ch.snooping = target
    pbx.add_channel(ch)
    target.snoops.append(ch)
    ch.app_name, ch.app_data = "Stasis", ",".join([app, *app_args])
    # Recorded: no STASISSTATUS on a snoop, and after its StasisEnd the app hears nothing more
    # of it (no ChannelDestroyed), as of a channel that entered Stasis from the dialplan.
    enter_stasis(ch, app, list(app_args), from_dialplan=True)
    if target.bridge is not None:
        from dialer.sim.bridges import resend_bridgepeers
        resend_bridgepeers(target.bridge)
    return ch.json()


def _dialstring(endpoint: Endpoint) -> str:
    if endpoint.is_local:
        return f"{endpoint.resource}@{endpoint.context}"
    return endpoint.resource


def _refuse_while_shutting_down(pbx: Pbx) -> None:
    # Asterisk's channel allocator refuses first of all ("Refusing due to active shutdown").
    if pbx.shutting_down:
        raise AriError(500, "Allocation failed")


def _new_channels(pbx: Pbx, req: OriginateRequest, endpoint: Endpoint
                  ) -> tuple[Channel, Channel | None]:
    _refuse_while_shutting_down(pbx)
    first_id, second_id = _ids(pbx, req, endpoint.is_local)
    name, number = parse_caller_id(req.caller_id)
    now = pbx.ts()
    seq = pbx.next_seq()
    common = dict(caller_name=name, caller_number=number, connected_name=name,
                  connected_number=number, creationtime=now)
    if endpoint.is_local:
        base = f"Local/{endpoint.resource}@{endpoint.context}-{seq:08x}"
        ch = Channel(pbx, first_id, base + ";1", "Down", endpoint.context, endpoint.resource,
                     1, *DIALED, half=1, final_app=DIALED, **common)
        peer = Channel(pbx, second_id, base + ";2", "Ring", endpoint.context,
                       endpoint.resource, 1, half=2, **common)
        ch.other, peer.other = peer, ch
        rng = pbx.dice.for_call(req.endpoint)
        ch.rng = peer.rng = rng
        ch.vars.update(req.variables)
        pbx.add_channel(ch)
        pbx.add_channel(peer)
        return ch, peer
    device = f"{endpoint.technology}/{endpoint.resource}"
    ch = Channel(pbx, first_id, f"{device}-{seq:08x}", "Down", "default", "s", 1, *DIALED,
                 final_app=DIALED, **common)
    ch.rng = pbx.dice.for_call(req.endpoint)
    ch.vars.update(req.variables)
    pbx.add_channel(ch)
    return ch, None


def _dial(pbx: Pbx, ch: Channel, peer: Channel | None, endpoint: Endpoint, dial: Dial,
          timeout: float, *, announce_caller: bool) -> None:
    if peer is not None:
        if find_extension(peer.context, peer.exten) is None:
            _no_such_extension(pbx, ch, peer)
            return
        if announce_caller:
            pbx.emit(peer, ev.callerid_event(pbx.ts(), peer))
            pbx.emit(peer, ev.channel_event("ChannelConnectedLine", pbx.ts(), peer))
        start_dial(ch, dial, timeout)
        pbx.run_dialplan(peer)
        return
    start_dial(ch, dial, timeout)
    _ring_phone(pbx, ch, endpoint)


def _no_such_extension(pbx: Pbx, ch: Channel, peer: Channel) -> None:
    """Local to a missing context/exten: 200, then both halves die with cause 0."""
    for half in (peer, ch):
        half.dying = half.gone = True
        half.app_name, half.app_data = half.final_app
        pbx.emit(half, ev.destroyed_event(pbx.ts(), half, 0))
        pbx.forget_channel(half)


def _ring_phone(pbx: Pbx, ch: Channel, endpoint: Endpoint) -> None:
    """A device endpoint is an agent's phone: answers after its delay, or never."""
    name = endpoint.resource.split("@", 1)[0].rsplit("/", 1)[-1]
    kind = agent_phone_behaviour(name)
    if kind is AgentPhone.BUSY or kind is AgentPhone.OFFLINE:
        status, cause = ("BUSY", 17) if kind is AgentPhone.BUSY else ("CONGESTION", 34)
        ch.hangup_cause = cause
        ch.extra_timers.append(pbx.clock.call_later(0, _phone_failed, ch, status, cause))
        return
    phone = pbx.world.phone(f"{endpoint.technology}/{endpoint.resource}")
    delay = SLOW_AGENT_RING if kind is AgentPhone.SLOW else phone.answer_after
    if kind is AgentPhone.NO_ANSWER or delay is None:
        far_end_ringing(ch)
        return
    if delay > 0:
        far_end_ringing(ch)
        ch.extra_timers.append(pbx.clock.call_later(delay, far_end_answered, ch))
    else:
        far_end_answered(ch)


def _phone_failed(ch: Channel, status: str, cause: int) -> None:
    if ch.gone or ch.dial is None:
        return
    emit_dial(ch, status)
    ch.dial = None
    # A SIP 486/503 reaches the channel itself: it dies with the real cause.
    hangup(ch, cause, soft=None, dialstatus=None)
