"""The fetcher: brings finished recordings from Asterisk into the dialer's storage.

A call's recording is finished when the engine has written its `recording_name` (the file as
Asterisk stores it, `<ARI name>.<format>`) and, from
`RecordingFinished`, its `recording_duration_s` (or when a restart cut it: call event
"recording_cut"); its wait part, the same in `wait_recording_name` and
`wait_recording_duration_s`. Each such file gets a `Recording` row (pending, with its part; a
call already on legal hold puts the new file on hold too); the fetcher takes the file
from its source, stores it by date and campaign with its size and SHA-256, marks it stored and
then removes it from Asterisk's spool. A failed try is retried with exponential backoff, and the
call page says "recording not yet retrieved" meanwhile. It runs beside the engine (one per
Asterisk: it fetches only its own engine's calls) and never blocks the event loop on file I/O.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Awaitable, Callable

from tortoise.expressions import Q, Subquery

from dialer.models import CallAttempt, CallEvent, Recording, RecordingState
from dialer.models.recordings import RecordingPart
from dialer.recordings.sources import MissingRecording, RecordingSource, SourceError, ari_name
from dialer.recordings.storage import RecordingStore, relative_path

log = logging.getLogger(__name__)

CUT_EVENT = "recording_cut"  # the engine's call event for a recording a restart cut short
# Where the engine writes each part's name and length on the call (engine/recording.py).
PART_COLUMNS = {RecordingPart.CALL: ("recording_name", "recording_duration_s"),
                RecordingPart.WAIT: ("wait_recording_name", "wait_recording_duration_s")}


def backoff_s(tries: int, base_s: float = 10.0, cap_s: float = 3600.0) -> float:
    """Seconds before try number `tries` + 1: 10 s, 20 s, 40 s ... at most an hour."""
    return min(cap_s, base_s * 2 ** max(0, tries - 1))


@dataclass
class FetchFigures:
    """What this fetcher did since it started (for logs and benchmarks)."""

    stored: int = 0
    failed_tries: int = 0
    gave_up: int = 0
    bytes: int = 0
    seconds: list[float] = field(default_factory=list)  # per stored file: source to disk

    def p95_s(self) -> float | None:
        if not self.seconds:
            return None
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


class RecordingFetcher:
    def __init__(self, source: RecordingSource, store: RecordingStore, *, engine_id: str = "",
                 poll_s: float = 3.0, batch: int = 20, base_backoff_s: float = 10.0,
                 max_backoff_s: float = 3600.0, max_tries: int = 20, missing_tries: int = 3,
                 claim_s: float = 300.0, recent: timedelta = timedelta(hours=6),
                 lookback: timedelta = timedelta(days=7),
                 periodic: Callable[[datetime], Awaitable[object]] | None = None,
                 periodic_every_s: float = 3600.0) -> None:
        self.source = source
        self.store = store
        self.engine_id = engine_id  # only this engine's calls: its source is its own Asterisk
        self.poll_s = poll_s
        self.batch = batch
        self.base_backoff_s = base_backoff_s
        self.max_backoff_s = max_backoff_s
        self.max_tries = max_tries
        self.missing_tries = missing_tries  # a file the source says it lacks: fewer tries
        self.claim_s = claim_s  # a claimed fetch whose process died is tried again after this
        self.recent = recent  # each round: calls started this recently (a call and its recording's end)
        self.lookback = lookback  # a full round (hourly): how far back finished calls are looked for
        self._event_mark: int | None = None  # the last call event id a round has read
        self.periodic = periodic  # e.g. the retention job
        self.periodic_every_s = periodic_every_s
        self.figures = FetchFigures()
        self._next_periodic = 0.0
        self._task: asyncio.Task[None] | None = None

    def _mine(self, prefix: str = "") -> Q:
        if not self.engine_id:
            return Q()
        return Q(**{f"{prefix}engine_id": self.engine_id}) | Q(**{f"{prefix}engine_id": ""})

    async def enlist(self, now: datetime, *, full: bool = False) -> int:
        """Create the pending rows of calls whose recording has finished; returns how many.

        Every round looks at the calls of the last `recent` hours (by the `originated_at`
        index) and at the "recording_cut" events written since the last round (by id); a full
        round (the first, then hourly) looks back `lookback`, for whatever a round missed."""
        full = full or self._event_mark is None
        cut = await self._cut_attempts(now, full)
        since = now - (self.lookback if full else self.recent)
        new: list[Recording] = []
        for part, (name, duration) in PART_COLUMNS.items():
            have = Subquery(Recording.filter(part=part).values("attempt_id"))
            columns = ("id", "campaign_id", name, duration)
            rows = await (CallAttempt.filter(self._mine(), ~Q(**{name: ""}), originated_at__gte=since,
                                             **{f"{duration}__isnull": False})
                          .exclude(id__in=have).order_by("id").limit(500).values(*columns))
            if cut:
                rows += await (CallAttempt.filter(self._mine(), ~Q(**{name: ""}), id__in=cut)
                               .exclude(id__in=have).exclude(id__in=[r["id"] for r in rows]).values(*columns))
            new += [Recording(attempt_id=r["id"], campaign_id=r["campaign_id"], part=part, name=r[name],
                              duration_s=r[duration], next_try_at=now) for r in rows]
        if not new:
            return 0
        ids = sorted({rec.attempt_id for rec in new})
        cut_events = await CallEvent.filter(kind=CUT_EVENT, attempt_id__in=ids).values("attempt_id", "payload")
        # Events written before parts existed name no part: they were of the call's file.
        cut_parts = {(e["attempt_id"], (e["payload"] or {}).get("part", RecordingPart.CALL.value)) for e in cut_events}
        held = set(await Recording.filter(attempt_id__in=ids, legal_hold=True).values_list("attempt_id", flat=True))
        for rec in new:
            rec.cut = (rec.attempt_id, rec.part.value) in cut_parts
            rec.legal_hold = rec.attempt_id in held  # the hold is on the call: its every file
        await Recording.bulk_create(new, ignore_conflicts=True)  # another process may have enlisted some
        return len(new)

    async def _cut_attempts(self, now: datetime, full: bool) -> list[int]:
        """Calls with a "recording_cut" event: new ones since the last round (events by id, so a
        round reads only what was written since), or all within `lookback` on a full round."""
        top = await CallEvent.all().order_by("-id").limit(1).values_list("id", flat=True)
        mark = top[0] if top else 0
        cut = CallEvent.filter(kind=CUT_EVENT, id__lte=mark, attempt_id__isnull=False)
        cut = cut.filter(at__gte=now - self.lookback) if full else cut.filter(id__gt=self._event_mark)
        ids = await cut.values_list("attempt_id", flat=True)
        self._event_mark = mark
        return sorted(set(ids))

    async def _claim(self, now: datetime) -> list[Recording]:
        due = await (Recording.filter(self._mine("attempt__"), state=RecordingState.PENDING, next_try_at__lte=now)
                     .order_by("next_try_at", "id").limit(self.batch).select_related("attempt"))
        claimed = []
        for rec in due:
            # A conditional update: of several fetchers on one database, one takes each file.
            if await Recording.filter(id=rec.id, state=RecordingState.PENDING, next_try_at=rec.next_try_at).update(
                    next_try_at=now + timedelta(seconds=self.claim_s)):
                claimed.append(rec)
        return claimed

    async def fetch(self, rec: Recording, now: datetime) -> Recording:
        """One try at one recording: stored (and removed from the source), or scheduled again."""
        started = time.monotonic()
        rec.tries += 1
        name = ari_name(rec.name)
        try:
            got = await self.source.fetch(name)
            when = rec.attempt.originated_at if rec.attempt else now
            stored = await self.store.write(relative_path(name, got.format, rec.campaign_id, when),
                                            got.data, got.format)
        except MissingRecording as exc:
            return await self._failed(rec, now, f"Asterisk does not have it: {exc}", self.missing_tries)
        except (SourceError, OSError) as exc:
            return await self._failed(rec, now, str(exc) or type(exc).__name__, self.max_tries)
        rec.state = RecordingState.STORED
        rec.path, rec.format, rec.size_bytes, rec.sha256 = stored.relative, got.format, stored.size_bytes, stored.sha256
        if rec.duration_s is None and stored.duration_s is not None:
            rec.duration_s = int(round(stored.duration_s))
        rec.stored_at, rec.next_try_at, rec.error = now, None, ""
        # Recorded as stored before Asterisk's copy goes: a crash in between leaves a spare copy
        # on Asterisk, never a row that waits for a file only we have.
        await rec.save(update_fields=["tries", "state", "path", "format", "size_bytes", "sha256", "duration_s",
                                      "stored_at", "next_try_at", "error"])
        try:
            await self.source.discard(name)
        except SourceError as exc:  # stored safely; only Asterisk's disk keeps a copy
            rec.error = f"Stored, but not removed from Asterisk: {exc}"[:500]
            await rec.save(update_fields=["error"])
            log.warning("recording %s stored but not removed from the source: %s", rec.name, exc)
        self.figures.stored += 1
        self.figures.bytes += stored.size_bytes
        self.figures.seconds.append(time.monotonic() - started)
        return rec

    async def _failed(self, rec: Recording, now: datetime, error: str, limit: int) -> Recording:
        rec.error = error[:500]
        self.figures.failed_tries += 1
        if rec.tries >= limit:
            rec.state, rec.next_try_at = RecordingState.FAILED, None
            self.figures.gave_up += 1
            log.error("recording %s of call %s not retrieved after %d tries: %s", rec.name, rec.attempt_id,
                      rec.tries, error)
        else:
            rec.next_try_at = now + timedelta(seconds=backoff_s(rec.tries, self.base_backoff_s, self.max_backoff_s))
            log.warning("recording %s of call %s not retrieved (try %d), again at %s: %s", rec.name,
                        rec.attempt_id, rec.tries, rec.next_try_at.isoformat(timespec="seconds"), error)
        await rec.save(update_fields=["tries", "state", "next_try_at", "error"])
        return rec

    async def run_once(self, now: datetime | None = None, *, full: bool = False) -> int:
        """Enlist finished recordings and fetch those due; returns how many were tried."""
        now = now or datetime.now(timezone.utc)
        await self.enlist(now, full=full)
        claimed = await self._claim(now)
        for rec in claimed:  # one at a time: a big file never floods memory or the link to Asterisk
            await self.fetch(rec, now)
        return len(claimed)

    async def run(self) -> None:
        while True:
            try:
                full = time.monotonic() >= self._next_periodic
                if full:
                    self._next_periodic = time.monotonic() + self.periodic_every_s
                    if self.periodic is not None:
                        await self.periodic(datetime.now(timezone.utc))
                if await self.run_once(full=full) >= self.batch:
                    continue  # more may be due at once
            except asyncio.CancelledError:
                raise
            except Exception:  # a database hiccup must not stop fetching for good
                log.exception("recording fetch round failed")
            await asyncio.sleep(self.poll_s)

    def start(self) -> "RecordingFetcher":
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self.run(), name="recording-fetcher")
        return self

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
