"""What a call's page says about its recordings, one per part (the wait, the call): playable
(the stored file is there), not yet retrieved (with the last error and the next try), not
retrievable, deleted (when and why), or none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterable

from dialer.models import CallAttempt, Recording, RecordingState
from dialer.models.recordings import RecordingPart
from dialer.recordings.storage import RecordingStore

# In the order they happened: the wait for an agent, then the call with the agent.
PARTS = (RecordingPart.WAIT, RecordingPart.CALL)
PART_TITLES = {RecordingPart.WAIT: "Waiting for an agent", RecordingPart.CALL: "With the agent"}


@dataclass(frozen=True)
class RecordingStatus:
    recording: Recording | None
    path: Path | None  # the stored file, only when it is really there
    recorded: bool  # the call was recorded (Asterisk named a file)
    part: RecordingPart = RecordingPart.CALL

    @property
    def title(self) -> str:
        return PART_TITLES[self.part]

    @property
    def playable(self) -> bool:
        return self.path is not None

    @property
    def state(self) -> str:
        if self.playable:
            return "stored"
        if self.recording is None:
            return "pending" if self.recorded else "none"
        if self.recording.state is RecordingState.STORED:
            return "missing"  # the row says stored, the disk disagrees
        return self.recording.state.value

    @property
    def next_try_at(self) -> datetime | None:
        return self.recording.next_try_at if self.recording is not None else None

    @property
    def message(self) -> str:
        rec, state = self.recording, self.state
        if state == "pending":
            tries = f" after {rec.tries} tr{'y' if rec.tries == 1 else 'ies'}" if rec is not None and rec.tries else ""
            return f"Recording not yet retrieved from Asterisk{tries}."
        if state == "failed":
            return "Recording could not be retrieved from Asterisk."
        if state == "deleted" and rec is not None:
            return f"Recording deleted ({rec.deleted_reason or 'by hand'})."
        if state == "missing":
            return "The recording's file is missing from storage."
        return ""


def _recorded(attempt: CallAttempt, part: RecordingPart) -> bool:
    return bool(attempt.wait_recording_name if part is RecordingPart.WAIT else attempt.recording_name)


def _status(attempt: CallAttempt, part: RecordingPart, rec: Recording | None, store: RecordingStore) -> RecordingStatus:
    path = store.resolve(rec.path) if rec is not None and rec.state is RecordingState.STORED else None
    return RecordingStatus(rec, path, _recorded(attempt, part), part)


async def recording_status(attempt: CallAttempt, store: RecordingStore,
                           part: RecordingPart = RecordingPart.CALL) -> RecordingStatus:
    rec = await Recording.get_or_none(attempt_id=attempt.id, part=part)
    return _status(attempt, part, rec, store)


async def recording_statuses(attempt: CallAttempt, store: RecordingStore) -> list[RecordingStatus]:
    """The call's parts that were recorded or have a file row, wait first (one query)."""
    rows = {rec.part: rec for rec in await Recording.filter(attempt_id=attempt.id)}
    return [_status(attempt, part, rows.get(part), store) for part in PARTS
            if part in rows or _recorded(attempt, part)]


async def playable_calls(attempt_ids: Iterable[int], store: RecordingStore) -> dict[int, RecordingPart]:
    """Of these calls, those with a stored recording file that exists, and the part a list plays:
    the call with the agent, or the wait when that is all there is (one query, then the disk)."""
    ids = list(attempt_ids)
    if not ids:
        return {}
    rows = await Recording.filter(attempt_id__in=ids, state=RecordingState.STORED).values("attempt_id", "path", "part")
    out: dict[int, RecordingPart] = {}
    for r in rows:
        if store.resolve(r["path"]) is not None and out.get(r["attempt_id"]) is not RecordingPart.CALL:
            out[r["attempt_id"]] = RecordingPart(r["part"])
    return out
