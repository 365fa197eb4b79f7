"""Channels of the simulated PBX and their life: dialing, answering, Stasis, hanging up.

A Local channel is two `Channel`s (`;1` originated by ARI, `;2` running the callee's
dialplan) that follow each other the way Asterisk's Local channel driver does. The teardown
sequences here reproduce the recorded ones event for event: which half gets a soft
`ChannelHangupRequest` (32 for an ARI DELETE, 16 for a torn-down `;2`), which cause reaches
which half (busy/congestion: `;1` dies with 0), when `Dial` reports the outcome.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dialer.sim import events as ev
from dialer.sim.numbers import SOFT_HANGUP_APPUNLOAD, SOFT_HANGUP_EXPLICIT

if TYPE_CHECKING:
    from dialer.sim.bridges import Bridge
    from dialer.sim.pbx import Pbx


@dataclass
class Dial:
    """An outgoing dial in progress on a channel (an originate, or POST /channels/{id}/dial).

    `on_answer` says what the channel does once answered: ("stasis", app, args),
    ("dialplan", context, exten, priority) or ("stay",) for a channel already in Stasis.
    """

    dialstring: str
    on_answer: tuple[Any, ...]
    timeout: asyncio.TimerHandle | None = None


@dataclass
class Channel:
    pbx: Pbx
    id: str
    name: str
    state: str
    context: str
    exten: str
    priority: int = 1
    app_name: str = ""
    app_data: str = ""
    caller_name: str = ""
    caller_number: str = ""
    connected_name: str = ""
    connected_number: str = ""
    creationtime: str = ""
    half: int = 0                      # 0 single channel, 1 or 2 for Local halves
    other: Channel | None = None       # the other Local half
    # What ChannelDestroyed shows as the dialplan app (AppDial2 for dialed channels).
    final_app: tuple[str, str] = ("", "")
    apps: set[str] = field(default_factory=set)        # apps subscribed to this channel
    stasis_app: str | None = None
    stasis_from_dialplan: bool = False
    stasis_was_subscribed: bool = False
    bridge: Bridge | None = None
    dial: Dial | None = None
    vars: dict[str, str] = field(default_factory=dict)
    timer: asyncio.TimerHandle | None = None           # the dialplan app blocking it
    blocked_in: str = ""
    sound_until: float = 0.0           # when its latest dialplan Playback ends (or ended)
    in_dialplan: bool = False
    hangup_cause: int | None = None
    dying: bool = False
    hangup_flagged: bool = False        # soft hang-up requested, teardown still to come
    gone: bool = False
    pending_callerid: bool = False
    amd_kind: str = ""
    rng: random.Random | None = None
    extra_timers: list[asyncio.TimerHandle] = field(default_factory=list)
    playbacks: list[Any] = field(default_factory=list)  # queued/playing, first is current
    recordings: list[Any] = field(default_factory=list)
    snoops: list[Channel] = field(default_factory=list)
    snooping: Channel | None = None    # a snoop channel's target
    moh: bool = False
    pending_dial: Any = None           # (endpoint, ;2) of a /channels/create not yet dialed

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other

    @property
    def in_stasis(self) -> bool:
        return self.stasis_app is not None

    def json(self) -> ev.Json:
        return ev.channel_json(self)

    def cancel_timers(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        for handle in self.extra_timers:
            handle.cancel()
        self.extra_timers.clear()
        if self.dial is not None and self.dial.timeout is not None:
            self.dial.timeout.cancel()
            self.dial.timeout = None


# --- small emitters ---------------------------------------------------------------------

def set_state(ch: Channel, state: str) -> None:
    if ch.state != state:
        ch.state = state
        ch.pbx.emit(ch, ev.channel_event("ChannelStateChange", ch.pbx.ts(), ch))


def set_var(ch: Channel, name: str, value: str) -> None:
    ch.vars[name] = value
    ch.pbx.emit(ch, ev.varset_event(ch.pbx.ts(), ch, name, value))


def emit_dial(ch: Channel, status: str) -> None:
    if ch.dial is not None:
        ch.pbx.emit(ch, ev.dial_event(ch.pbx.ts(), ch, status, ch.dial.dialstring))


# --- dialing ----------------------------------------------------------------------------

def start_dial(ch: Channel, dial: Dial, timeout_s: float) -> None:
    """The channel is being dialed: Dial "" and the originate timeout."""
    ch.dial = dial
    emit_dial(ch, "")
    if timeout_s > 0:
        dial.timeout = ch.pbx.clock.call_later(timeout_s, _dial_timed_out, ch)


def _dial_timed_out(ch: Channel) -> None:
    if ch.gone or ch.dial is None:
        return
    ch.dial.timeout = None
    # No final Dial event on a timeout: the dial just gives up with "no answer" (19).
    hangup(ch, 19, soft=None, dialstatus=None)


def far_end_ringing(ch: Channel) -> None:
    """The callee rings: the dialed channel goes Ringing, Dial reports RINGING."""
    if ch.gone or ch.state in ("Ringing", "Up"):
        return
    set_state(ch, "Ringing")
    emit_dial(ch, "RINGING")


def far_end_answered(ch: Channel) -> None:
    """The callee answered: the dialed channel goes Up and does what the dial asked."""
    if ch.gone:
        return
    set_state(ch, "Up")
    dial = ch.dial
    if dial is None:
        return
    if ch.pbx.record is not None:
        ch.pbx.record.answered(ch, ch.other.amd_kind if ch.other is not None else "")
    emit_dial(ch, "ANSWER")
    ch.cancel_timers()
    ch.dial = None
    kind = dial.on_answer[0]
    if kind == "stasis":
        _, app, args = dial.on_answer
        if not ch.pbx.app_exists(app):
            # Like Asterisk: the originate succeeded, but "Stasis app doesn't exist".
            hangup(ch, 16, soft=None, dialstatus=None)
            return
        ch.app_name, ch.app_data = "Stasis", ",".join([app, *args])
        enter_stasis(ch, app, list(args), from_dialplan=False)
    elif kind == "dialplan":
        _, ch.context, ch.exten, ch.priority = dial.on_answer
        ch.pbx.run_dialplan(ch)


def far_end_failed(ch: Channel, dialstatus: str) -> None:
    """Busy / congestion from the callee: Dial says so, the dialed channel dies with cause 0."""
    if ch.gone or ch.dial is None:
        return
    emit_dial(ch, dialstatus)
    ch.dial = None
    hangup(ch, 0, soft=None, dialstatus=None)


# --- Stasis -----------------------------------------------------------------------------

def enter_stasis(ch: Channel, app: str, args: list[str], *, from_dialplan: bool) -> None:
    ch.stasis_from_dialplan = from_dialplan
    ch.stasis_was_subscribed = app in ch.apps
    set_var(ch, "STASISSTATUS", "")
    ch.apps.add(app)
    ch.stasis_app = app
    ch.pbx.emit(ch, ev.stasis_start_event(ch.pbx.ts(), ch, args))


def leave_stasis(ch: Channel, *, continuing: bool) -> None:
    """StasisEnd; `continuing` for /continue (the dialplan resumes, no STASISSTATUS)."""
    app = ch.stasis_app
    if app is None:
        return
    if not continuing and ch.recordings:
        # A channel recording runs in the channel's own thread: a hang-up ends it (file kept,
        # RecordingFinished) before the channel leaves Stasis, so the app hears of it even for
        # a channel it forgets at StasisEnd (a snoop).
        from dialer.sim import recorder
        for recording in list(ch.recordings):
            recorder.stop_recording(ch.pbx, recording)
    if ch.bridge is not None:
        ch.pbx.bridges_leave(ch)
    ch.pbx.emit(ch, ev.channel_event("StasisEnd", ch.pbx.ts(), ch))
    ch.stasis_app = None
    if ch.stasis_from_dialplan and not ch.stasis_was_subscribed:
        # A channel that came in through dialplan Stasis() is forgotten after StasisEnd.
        ch.apps.discard(app)
        return
    if not continuing:
        set_var(ch, "STASISSTATUS", "SUCCESS")
        if ch.stasis_from_dialplan:
            set_var(ch, "STASISSTATUS", "SUCCESS")   # recorded twice by Asterisk 23.4.1


# --- hanging up -------------------------------------------------------------------------

def hangup(ch: Channel, cause: int, *, soft: int | None = SOFT_HANGUP_EXPLICIT,
           dialstatus: str | None = "NOANSWER") -> None:
    """`ch` is hung up by someone else than its own dialplan (ARI DELETE: soft=32; the dial
    timing out or failing: soft=None); its Local other half follows."""
    if ch.gone or ch.dying:
        return
    pbx = ch.pbx
    _begin_teardown(ch)
    if soft is not None:
        pbx.emit(ch, ev.hangup_request_event(pbx.ts(), ch, soft, True))
    _end_dial(ch, dialstatus)
    leave_stasis(ch, continuing=False)
    _finish_dialplan_app(ch)
    other = ch.other
    if other is not None and not other.gone:
        _follow(other, cause)
    _destroy(ch, cause)


def hangup_from_dialplan(ch: Channel, cause: int) -> None:
    """The channel's own dialplan hangs up (Hangup(n), or it ran off the end)."""
    if ch.gone or ch.dying:
        return
    pbx = ch.pbx
    _begin_teardown(ch)
    ch.hangup_cause = cause
    pbx.emit(ch, ev.hangup_request_event(pbx.ts(), ch, SOFT_HANGUP_APPUNLOAD, True))
    _end_dial(ch, "NOANSWER")
    leave_stasis(ch, continuing=False)
    _finish_dialplan_app(ch)
    other = ch.other
    if other is not None and not other.gone:
        _follow(other, cause)
    _destroy(ch, cause)


def request_hangup(ch: Channel, soft: int = SOFT_HANGUP_EXPLICIT) -> None:
    """The PBX itself hangs `ch` up (CLI `channel request hangup`, or a shutdown with
    soft=4). On a Local `;2` (agent-phone-drop.jsonl): `;2` gets the soft flag and 16 and is
    destroyed with 0; `;1` gets a plain request with cause 0, leaves Stasis, dies with 16."""
    if ch.gone or ch.dying:
        return
    pbx = ch.pbx
    other = ch.other
    if ch.half != 2 or other is None or other.gone:
        _begin_teardown(ch)
        pbx.emit(ch, ev.hangup_request_event(pbx.ts(), ch, soft, True))
        _end_dial(ch, "NOANSWER")
        leave_stasis(ch, continuing=False)
        _finish_dialplan_app(ch)
        if other is not None and not other.gone:
            _follow(other, 16)
        _destroy(ch, 16)
        return
    _begin_teardown(ch)
    if not ch.hangup_flagged:
        pbx.emit(ch, ev.hangup_request_event(pbx.ts(), ch, soft, True))
    _finish_dialplan_app(ch)
    pbx.emit(ch, ev.hangup_request_event(pbx.ts(), ch, SOFT_HANGUP_APPUNLOAD, True))
    _begin_teardown(other)
    pbx.emit(other, ev.hangup_request_event(pbx.ts(), other, 0, False))
    _end_dial(other, "NOANSWER")
    leave_stasis(other, continuing=False)
    leave_stasis(ch, continuing=False)
    _destroy(ch, 0)
    _destroy(other, 16)


def flag_hangup(ch: Channel, soft: int) -> None:
    """Only the soft-hangup flag, as `core stop now` sets it on every channel first."""
    if ch.gone or ch.dying or ch.hangup_flagged:
        return
    ch.hangup_flagged = True
    ch.pbx.emit(ch, ev.hangup_request_event(ch.pbx.ts(), ch, soft, True))
    if ch.half == 2:
        ch.cancel_timers()
        _finish_dialplan_app(ch)   # the app it blocked in returns (PLAYBACKSTATUS is set)


def _follow(peer: Channel, cause: int) -> None:
    """The other Local half went away with `cause`: this half hears it and goes too."""
    pbx = peer.pbx
    _begin_teardown(peer)
    pbx.emit(peer, ev.hangup_request_event(pbx.ts(), peer, cause, False))
    _end_dial(peer, "NOANSWER")
    leave_stasis(peer, continuing=False)
    _finish_dialplan_app(peer)
    if peer.half == 2:
        pbx.emit(peer, ev.hangup_request_event(pbx.ts(), peer, SOFT_HANGUP_APPUNLOAD, True))
    _destroy(peer, peer.hangup_cause if peer.hangup_cause is not None else cause)


def _snoop_target_gone(snoop: Channel) -> None:
    """The snooped channel went: its audiohooks end and the snoop's next read returns nothing,
    which hangs the snoop up (res_stasis_snoop.c; not in the recordings): no hangup request is
    published, its recording ends, it leaves Stasis and is forgotten."""
    if snoop.gone or snoop.dying:
        return
    _begin_teardown(snoop)
    leave_stasis(snoop, continuing=False)
    _destroy(snoop, 16)


def _begin_teardown(ch: Channel) -> None:
    ch.dying = True
    ch.cancel_timers()


def _end_dial(ch: Channel, dialstatus: str | None) -> None:
    if ch.dial is not None:
        if dialstatus is not None:
            emit_dial(ch, dialstatus)
        ch.dial = None


def _finish_dialplan_app(ch: Channel) -> None:
    # Playback() interrupted by a hangup still sets PLAYBACKSTATUS (seen in the recordings).
    if ch.blocked_in == "Playback":
        set_var(ch, "PLAYBACKSTATUS", "SUCCESS")
    ch.blocked_in = ""
    ch.in_dialplan = False


def _destroy(ch: Channel, cause: int) -> None:
    pbx = ch.pbx
    if ch.bridge is not None:
        pbx.bridges_leave(ch)
    pbx.media_channel_gone(ch)
    for snoop in list(ch.snoops):
        _snoop_target_gone(snoop)
    if ch.snooping is not None and ch in ch.snooping.snoops:
        ch.snooping.snoops.remove(ch)
        if ch.snooping.bridge is not None and not ch.snooping.dying:
            from dialer.sim.bridges import resend_bridgepeers
            resend_bridgepeers(ch.snooping.bridge)
    ch.app_name, ch.app_data = ch.final_app
    pbx.emit(ch, ev.destroyed_event(pbx.ts(), ch, cause))
    ch.gone = True
    pbx.forget_channel(ch)
