"""Runs the test-world dialplan on a channel, one app at a time, like Asterisk's PBX core.

Instant apps (NoOp, Set, Goto...) run back to back in one go; blocking apps (Wait, Answer's
half-second media wait, Playback, AMD) park the channel on one loop timer, never a task,
so thousands of channels cost only timers. Each step emits the ChannelDialplan event a
subscribed app would see on a real Asterisk.
"""

from __future__ import annotations

from typing import Callable

from dialer.sim import dtmf
from dialer.sim import events as ev
from dialer.sim.channels import (
    Channel, enter_stasis, far_end_answered, far_end_failed, far_end_ringing,
    hangup_from_dialplan, set_state, set_var,
)
from dialer.sim.dialplan import find_extension
from dialer.sim.media import media_seconds

NEXT, JUMP, BLOCK, STOP = range(4)

# Answer() waits up to 500 ms for media before the next app (seen as a 0.5 s gap).
ANSWER_MEDIA_WAIT = 0.5
# When AMD() decides, seconds after it starts, for what the callee plays (recorded values).
AMD_RESULTS = {
    "MACHINE": ("MACHINE", "LONGGREETING-1500-1500", 2.16),
    "HUMAN": ("HUMAN", "HUMAN-800-800", 1.98),
    "": ("NOTSURE", "TOOLONG-5000", 5.0),
}


def run(ch: Channel) -> None:
    """Execute the channel's dialplan from its current priority until it blocks or leaves."""
    pbx = ch.pbx
    ch.in_dialplan = True
    while not ch.dying:
        extension = find_extension(ch.context, ch.exten)
        if extension is None or not 1 <= ch.priority <= len(extension.steps):
            hangup_from_dialplan(ch, 16)   # ran off the end: Asterisk hangs up
            return
        step = extension.steps[ch.priority - 1]
        data = step.evaluate(ch)
        ch.app_name, ch.app_data = step.app, data
        pbx.emit(ch, ev.dialplan_event(pbx.ts(), ch))
        if ch.pending_callerid:
            # A connected-line change from the bridge reaches a ;2 half at its next app.
            ch.pending_callerid = False
            pbx.emit(ch, ev.callerid_event(pbx.ts(), ch))
        if step.amd:
            ch.amd_kind = step.amd
        result = APPS[step.app](ch, data)
        if result == NEXT:
            ch.priority += 1
        elif result != JUMP:
            return


def resume_after_stasis(ch: Channel, context: str | None, exten: str | None,
                        priority: int | None, label: str | None) -> None:
    """POST /channels/{id}/continue: back to the dialplan at the given place."""
    moved = (context and context != ch.context) or (exten and exten != ch.exten)
    ch.context = context or ch.context
    ch.exten = exten or ch.exten
    if label:
        extension = find_extension(ch.context, ch.exten)
        ch.priority = (extension.priority_of(label) if extension else None) or 1
    elif priority:
        ch.priority = priority
    else:
        ch.priority = 1 if moved else ch.priority + 1
    run(ch)


def _block(ch: Channel, seconds: float, app: str) -> int:
    ch.blocked_in = app
    ch.timer = ch.pbx.clock.call_later(seconds, _resume, ch)
    return BLOCK


def _resume(ch: Channel) -> None:
    ch.timer = None
    if ch.dying:
        return
    app, ch.blocked_in = ch.blocked_in, ""
    if app == "Playback":
        set_var(ch, "PLAYBACKSTATUS", "SUCCESS")
    elif app == "AMD":
        status, cause, _ = AMD_RESULTS[_amd_kind(ch)]
        set_var(ch, "AMDSTATUS", status)
        set_var(ch, "AMDCAUSE", cause)
    ch.priority += 1
    run(ch)


def frame_arrived(ch: Channel) -> None:
    """A frame reached the channel: Answer() stops waiting for media at once. (A DTMF sent
    right after the answer makes the next app start with the first digit, in dtmf.jsonl.)"""
    if ch.blocked_in == "Answer" and ch.timer is not None and not ch.dying:
        ch.timer.cancel()
        _resume(ch)


def _goto(ch: Channel, target: str) -> int:
    parts = [p.strip() for p in target.split(",")]
    if len(parts) == 3:
        ch.context, ch.exten, where = parts
    elif len(parts) == 2:
        ch.exten, where = parts
    else:
        where = parts[0]
    if where.isdigit():
        ch.priority = int(where)
    else:
        extension = find_extension(ch.context, ch.exten)
        found = extension.priority_of(where) if extension else None
        if found is None:
            hangup_from_dialplan(ch, 16)
            return STOP
        ch.priority = found
    return JUMP


def _app_noop(ch: Channel, data: str) -> int:
    return NEXT


def _app_set(ch: Channel, data: str) -> int:
    name, _, value = data.partition("=")
    set_var(ch, name.strip(), value)
    return NEXT


def _app_goto(ch: Channel, data: str) -> int:
    return _goto(ch, data)


def _app_gotoif(ch: Channel, data: str) -> int:
    condition, _, targets = data.partition("?")
    if_true, _, if_false = targets.partition(":")
    target = if_true if condition.strip() not in ("", "0") else if_false
    return _goto(ch, target) if target else NEXT


def _app_ringing(ch: Channel, data: str) -> int:
    if ch.half == 2 and ch.other is not None:
        far_end_ringing(ch.other)
    return NEXT


def _app_answer(ch: Channel, data: str) -> int:
    if ch.state == "Up":
        return NEXT
    set_state(ch, "Up")
    if ch.half == 2 and ch.other is not None:
        far_end_answered(ch.other)
        if ch.dying:
            return STOP
        _start_patience(ch)
    return _block(ch, ANSWER_MEDIA_WAIT, "Answer")


def _app_wait(ch: Channel, data: str) -> int:
    try:
        seconds = float(data or 0)
    except ValueError:
        seconds = 0.0
    return _block(ch, seconds, "Wait")


def _app_playback(ch: Channel, data: str) -> int:
    seconds = sum(media_seconds(f"sound:{name}") for name in data.split("&") if name)
    ch.sound_until = ch.pbx.clock.now() + seconds   # talking, for a recording's silence detection
    return _block(ch, seconds, "Playback")


def _app_send_dtmf(ch: Channel, data: str) -> int:
    """SendDTMF(digits,timeout_ms,duration_ms): the app ends after the last digit's gap."""
    digits, _, rest = data.partition(",")
    between_ms, _, duration_ms = rest.partition(",")
    between = float(between_ms or 250) / 1000
    duration = float(duration_ms or 100) / 1000
    dtmf.send(ch, digits, between_s=between, duration_s=duration)
    return _block(ch, dtmf.stream_seconds(dtmf.valid_digits(digits), between, duration), "SendDTMF")


def _busy_or_congestion(cause: int, dialstatus: str) -> Callable[[Channel, str], int]:
    def app(ch: Channel, data: str) -> int:
        set_state(ch, "Busy")
        ch.hangup_cause = cause
        other = ch.other
        if ch.half == 2 and other is not None and other.dial is not None:
            far_end_failed(other, dialstatus)
        if ch.dying:
            return STOP
        return _block(ch, float(data or 0), "Wait")
    return app


def _app_hangup(ch: Channel, data: str) -> int:
    cause = int(data) if data.strip().isdigit() else 16
    hangup_from_dialplan(ch, cause)
    return STOP


def _amd_kind(ch: Channel) -> str:
    other = ch.other
    return other.amd_kind if other is not None and not other.gone else ""


def _app_amd(ch: Channel, data: str) -> int:
    return _block(ch, AMD_RESULTS[_amd_kind(ch)][2], "AMD")


def _app_stasis(ch: Channel, data: str) -> int:
    app, *args = data.split(",")
    if not ch.pbx.app_exists(app):
        set_var(ch, "STASISSTATUS", "FAILED")
        return NEXT
    ch.in_dialplan = False
    enter_stasis(ch, app, args, from_dialplan=True)
    return STOP


def _start_patience(ch: Channel) -> None:
    """Sim-only: a waiting person gives up if nobody is put through to them in time."""
    patience = ch.pbx.world.patience
    if patience is None or ch.amd_kind != "HUMAN" or ch.rng is None:
        return
    ch.extra_timers.append(ch.pbx.clock.call_later(patience.draw(ch.rng), _lose_patience, ch))


def _lose_patience(ch: Channel) -> None:
    if ch.dying:
        return
    peer = ch.other
    bridge = peer.bridge if peer is not None else None
    if bridge is not None and len(bridge.channels) >= 2:
        return
    hangup_from_dialplan(ch, 16)


APPS: dict[str, Callable[[Channel, str], int]] = {
    "NoOp": _app_noop,
    "Verbose": _app_noop,
    "PlayTones": _app_noop,
    "StopPlayTones": _app_noop,
    "Set": _app_set,
    "Goto": _app_goto,
    "GotoIf": _app_gotoif,
    "Ringing": _app_ringing,
    "Answer": _app_answer,
    "Wait": _app_wait,
    "Playback": _app_playback,
    "SendDTMF": _app_send_dtmf,
    "Busy": _busy_or_congestion(17, "BUSY"),
    "Congestion": _busy_or_congestion(34, "CONGESTION"),
    "Hangup": _app_hangup,
    "AMD": _app_amd,
    "Stasis": _app_stasis,
}
