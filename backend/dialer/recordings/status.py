"""What a call's page says about its recording: playable (the stored file is there), not yet
retrieved (with the last error and the next try), not retrievable, deleted (when and why), or none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterable

from dialer.models import CallAttempt, Recording, RecordingState
from dialer.recordings.storage import RecordingStore


@dataclass(frozen=True)
class RecordingStatus:
    recording: Recording | None
    path: Path | None  # the stored file, only when it is really there
    recorded: bool  # the call was recorded (Asterisk named a file)

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


async def recording_status(attempt: CallAttempt, store: RecordingStore) -> RecordingStatus:
    rec = await Recording.get_or_none(attempt_id=attempt.id)
    path = store.resolve(rec.path) if rec is not None and rec.state is RecordingState.STORED else None
    return RecordingStatus(rec, path, bool(attempt.recording_name))


async def playable_calls(attempt_ids: Iterable[int], store: RecordingStore) -> set[int]:
    """Of these calls, those whose stored recording file exists (one query, then the disk)."""
    ids = list(attempt_ids)
    if not ids:
        return set()
    rows = await Recording.filter(attempt_id__in=ids, state=RecordingState.STORED).values("attempt_id", "path")
    return {r["attempt_id"] for r in rows if store.resolve(r["path"]) is not None}
