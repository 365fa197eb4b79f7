"""Run one import job: stream the file, build rows, write them in atomic batches, keep the
job's progress and counts current, and on a failure remove what the job had inserted.

The file is parsed in another process (`worker.py`; a thread for small files) while the
previous batch is being written: this process only hands batches to the database (SQLite in
aiosqlite's thread, PostgreSQL in its own server process), so parsing and writing overlap and
the event loop stays free for the progress page.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from dialer.importer import limits
from dialer.importer.duplicates import Duplicate, DuplicateLog, duplicates_path, first_duplicates
from dialer.importer.errorlog import ErrorLog
from dialer.importer.batches import COPY_CSV, ROWS, ParsedBatch, ParseSpec
from dialer.importer.plan import ImportOptions, ImportRefused, Plan, make_plan
from dialer.importer.reader import Unreadable
from dialer.importer.recovery import this_process, undo_inserted
from dialer.importer.worker import parsed_batches
from dialer.importer.writer import (BatchOrder, BatchResult, IdRanges, JobProgress, bulk_writes, copy_payload,
                                    join_ranges, side_by_side, write_batch)
from dialer.models import ImportJob
from dialer.models.imports import ImportStatus

log = logging.getLogger(__name__)

def errors_path(data_dir: Path, job_id: int) -> Path:
    return Path(data_dir) / "imports" / str(job_id) / "errors.csv"


@dataclass(frozen=True)
class ImportSummary:
    job_id: int
    status: str
    imported: int
    duplicates: int
    invalid: int
    dnc: int
    rows: int
    errors: list[dict[str, Any]]
    errors_file: str
    message: str
    seconds: float
    duplicate_rows: list[dict[str, Any]] = field(default_factory=list)  # the first, with line and phone
    duplicates_file: str = ""  # every duplicate skipped

    @classmethod
    def of(cls, job: ImportJob, data_dir: Path | None = None) -> ImportSummary:
        seconds = ((job.finished_at - job.started_at).total_seconds()
                   if job.finished_at and job.started_at else 0.0)
        dup_path = duplicates_path(data_dir, job.id) if data_dir is not None and job.duplicates else None
        dup_rows = first_duplicates(dup_path) if dup_path is not None else []
        return cls(job.id, ImportStatus(job.status).value, job.imported, job.duplicates, job.invalid,
                   job.dnc_flagged, job.rows_read, list(job.errors or []), job.errors_file, job.message,
                   round(seconds, 3), dup_rows, str(dup_path) if dup_rows else "")

    def as_json(self) -> dict[str, Any]:
        return {"imported": self.imported, "duplicates": self.duplicates, "invalid": self.invalid,
                "dnc": self.dnc, "errors": self.errors, "rows": self.rows, "status": self.status,
                "job_id": self.job_id, "errors_file": self.errors_file or None, "message": self.message,
                "seconds": self.seconds, "duplicate_rows": self.duplicate_rows,
                "duplicates_file": self.duplicates_file or None}


@dataclass
class _Counts:
    rows: int = 0
    imported: int = 0
    duplicates: int = 0
    dnc: int = 0
    ids: IdRanges = field(default_factory=list)
    errors_sent: int = -1  # how many kept errors the job row has


class _Run:
    """The state of one running job; `run()` drives it."""

    def __init__(self, job: ImportJob, path: Path, plan: Plan, data_dir: Path) -> None:
        self.job = job
        self.path = path
        self.plan = plan
        self.errors = ErrorLog(errors_path(data_dir, job.id), plan.shape.labels)
        self.duplicates = DuplicateLog(duplicates_path(data_dir, job.id))
        self.counts = _Counts()
        self.options: dict[str, Any] = dict(job.options or {})
        self.options.pop("inserted_ids", None)
        self.last_line = 0

    def _progress(self, batch: ParsedBatch) -> Callable[[BatchResult], JobProgress]:
        def after(result: BatchResult) -> JobProgress:
            c = self.counts
            errors = list(self.errors.first) if len(self.errors.first) != c.errors_sent else None
            return JobProgress(batch.bytes_read, batch.rows, c.imported + result.inserted,
                               c.duplicates + batch.repeated + batch.count - result.inserted, self.errors.count,
                               c.dnc + result.dnc, self.options, c.ids, result.ids, errors)
        return after

    async def _flush(self, batch: ParsedBatch, order: BatchOrder | None = None) -> None:
        errors_kept = len(self.errors.first)
        result = await write_batch(self.job.contact_list_id, batch.payload, batch.count, self.job.id,
                                   self._progress(batch), order)
        # Counted only once committed: a batch rolled back inserted nothing.
        c = self.counts
        c.imported += result.inserted
        c.duplicates += batch.repeated + batch.count - result.inserted
        c.dnc += result.dnc
        c.errors_sent = errors_kept
        join_ranges(c.ids, result.ids)
        # Batches settle in file order (see BatchOrder), so the file lists lines in order.
        lines = batch.lines
        skipped: list[Duplicate] = [(lines[i], phone, None if won is None else lines[won])
                                    for i, phone, won in result.skipped]
        self.duplicates.add(sorted(batch.repeats + skipped) if batch.repeats else skipped)

    def _spec(self, payload: str) -> ParseSpec:
        shape, plan = self.plan.shape, self.plan
        return ParseSpec(self.path, shape.encoding.encoding, shape.delimiter, list(shape.labels), dict(plan.mapping),
                         plan.region, plan.builder.defaults, plan.builder.lookups, limits.BATCH_ROWS, payload)

    async def run(self) -> None:
        # Parsing (another process, or a thread for small files) runs ahead of the writes:
        # while batch k is being written, batch k+1 is received and k+2 parsed. PostgreSQL
        # writes two batches at once, on two connections, in file order (BatchOrder).
        add_error = self.errors.add
        at_once = side_by_side()
        writing: collections.deque[asyncio.Task[None]] = collections.deque()
        last_ids: asyncio.Future[bool] | None = None
        spec = self._spec(COPY_CSV if copy_payload() else ROWS)
        async with bulk_writes():
            try:
                async with parsed_batches(spec, self.plan.shape.size) as source:
                    while True:
                        batch = await source.next()
                        for line, reason, values in batch.errors:
                            add_error(line, reason, values)
                        self.last_line = batch.last_line
                        while writing and (len(writing) >= at_once or batch.final):
                            await writing.popleft()
                        if batch.final:
                            self.counts.rows = batch.rows
                            await self._flush(batch)
                            return
                        order = None
                        if at_once > 1:
                            order = BatchOrder(last_ids, writing[-1] if writing else None)
                            last_ids = order.ids_taken
                        writing.append(asyncio.ensure_future(self._flush(batch, order)))
            finally:
                if writing:
                    # Let the batches in flight settle (commit or roll back) before anything else.
                    await asyncio.wait(writing)
                    for task in writing:  # their errors follow the first one, which is on its way up
                        if not task.cancelled():
                            task.exception()
                self.errors.close()
                self.duplicates.close()


async def _finish(job: ImportJob, status: ImportStatus, message: str, **fields: Any) -> None:
    job.status = status
    job.message = message
    job.finished_at = datetime.now(timezone.utc)
    for name, value in fields.items():
        setattr(job, name, value)
    await job.save()


def _n(count: int, thing: str) -> str:
    return f"{count:,} {thing}" + ("" if count == 1 else "s")


def _done_message(run: _Run) -> str:
    c = run.counts
    if c.rows == 0 and not run.errors.count:
        return "The file has a header but no rows."
    parts = [f"Imported {_n(c.imported, 'contact')}"]
    if c.duplicates:
        parts.append(f"{_n(c.duplicates, 'duplicate')} skipped (the number is already in the list; "
                     "the report lists their lines)")
    if run.errors.count:
        parts.append(f"{_n(run.errors.count, 'bad row')} not imported (see the errors file)")
    if c.dnc:
        parts.append(f"{c.dnc:,} on the do-not-call list, imported with status DNC")
    return "; ".join(parts) + "."


async def run_job(job: ImportJob, path: Path, data_dir: Path) -> ImportSummary:
    """Run a pending job to the end: DONE, or FAILED with everything it inserted removed."""
    started = time.perf_counter()
    options = ImportOptions.from_json(job.options or {})
    job.status, job.started_at = ImportStatus.RUNNING, datetime.now(timezone.utc)
    # Who runs it: if this process dies, the next one to start fails the job (recovery.py).
    job.options = dict(job.options or {}) | {"runner": this_process()}
    await job.save(update_fields=["status", "started_at", "options"])
    try:
        plan = await make_plan(path, options)
    except ImportRefused as exc:
        await _finish(job, ImportStatus.FAILED, str(exc))
        return ImportSummary.of(job, data_dir)
    job.encoding, job.delimiter = plan.shape.encoding.encoding, plan.shape.delimiter
    job.mapping, job.total_bytes = plan.mapping, plan.shape.size
    await job.save(update_fields=["encoding", "delimiter", "mapping", "total_bytes"])
    run = _Run(job, path, plan, data_dir)
    try:
        await run.run()
    except BaseException as exc:  # noqa: BLE001 - whatever stopped us, undo and say so
        await _fail(job, run, exc)
        if not isinstance(exc, Exception):
            raise  # cancellation / interpreter exit goes on after the clean-up
        return ImportSummary.of(await ImportJob.get(id=job.id), data_dir)
    await job.refresh_from_db()
    await _finish(job, ImportStatus.DONE, _done_message(run),
                  errors_file=str(run.errors.path) if run.errors.written else "",
                  processed_bytes=plan.shape.size, rows_read=run.counts.rows)
    log.info("import job %s: %s (%.1f s)", job.id, job.message, time.perf_counter() - started)
    return ImportSummary.of(job, data_dir)


async def _fail(job: ImportJob, run: _Run, exc: BaseException) -> None:
    if isinstance(exc, Unreadable):
        why = f"Stopped: {exc}."
    elif isinstance(exc, asyncio.CancelledError):
        why = "Stopped: the import was cancelled (the server shut down?)."
    else:
        log.exception("import job %s failed", job.id, exc_info=exc)
        why = f"Stopped near line {run.last_line}: {type(exc).__name__}: {exc}."
    try:
        await job.refresh_from_db()
    except Exception:  # noqa: BLE001 - the database may be what failed; carry on with what we have
        pass
    undo, kept_ids = await undo_inserted(job.id, job.contact_list_id, run.counts.ids, run.counts.imported)
    options = dict(job.options or {}) | {"inserted_ids": kept_ids}
    try:
        await _finish(job, ImportStatus.FAILED, why + undo, options=options, imported=0 if not kept_ids else
                      run.counts.imported, errors=run.errors.first,
                      errors_file=str(run.errors.path) if run.errors.written else "")
    except Exception:  # noqa: BLE001
        log.exception("import job %s: could not record its failure: %s", job.id, why + undo)
