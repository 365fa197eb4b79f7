"""Import jobs as the CLI, the web UI and the API start them: the list (created when
missing), the job row, where its files live, saved mappings, and background runs.

The web and API run jobs as asyncio tasks in the serving process; `background` keeps a
reference to each (an unreferenced task may be collected mid-run) and removes the upload
when the job ends.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

from dialer.importer import columns as c
from dialer.importer.duplicates import duplicates_path, first_duplicates
from dialer.importer.pipeline import ImportSummary, run_job
from dialer.importer.plan import ImportOptions, ImportRefused, make_plan
from dialer.models import ContactList, ImportJob, ImportMapping, User
from dialer.models.imports import ImportStatus

log = logging.getLogger(__name__)

LIST_NAME_MAX = 100
_tasks: dict[int, asyncio.Task[ImportSummary]] = {}


def job_dir(data_dir: Path, job_id: int) -> Path:
    return Path(data_dir) / "imports" / str(job_id)


def upload_path(data_dir: Path, job_id: int) -> Path:
    """Where the web UI and the API keep a job's file until the job ends."""
    return job_dir(data_dir, job_id) / "upload.csv"


async def list_named(name: str) -> ContactList:
    """The contact list of that name, created when it does not exist."""
    name = " ".join(name.split())
    if not name:
        raise ImportRefused("Name the contact list to import into.", "list")
    if len(name) > LIST_NAME_MAX:
        raise ImportRefused(f"A list name has at most {LIST_NAME_MAX} characters.", "list")
    contact_list, _created = await ContactList.get_or_create(name=name)
    return contact_list


async def create_job(contact_list: ContactList, filename: str, options: ImportOptions, *, source: str,
                     user: User | None = None, total_bytes: int = 0) -> ImportJob:
    return await ImportJob.create(contact_list=contact_list, filename=filename[:255], source=source,
                                  options=options.to_json(), created_by=user, total_bytes=total_bytes)


async def import_file(path: Path, list_name: str, options: ImportOptions, data_dir: Path, *,
                      source: str = "cli", user: User | None = None) -> ImportSummary:
    """Check, then import a file in this task (the CLI's way). Raises ImportRefused."""
    plan = await make_plan(path, options)  # refuse before creating the list or a job
    contact_list = await list_named(list_name)
    job = await create_job(contact_list, Path(path).name, options, source=source, user=user,
                           total_bytes=plan.shape.size)
    return await run_job(job, Path(path), data_dir)


def background(job: ImportJob, path: Path, data_dir: Path, *, remove_file: bool = True) -> asyncio.Task[ImportSummary]:
    """Run the job as a task of this process; the upload is removed when it ends."""

    async def run() -> ImportSummary:
        try:
            return await run_job(job, path, data_dir)
        finally:
            _tasks.pop(job.id, None)
            if remove_file:
                path.unlink(missing_ok=True)

    task = asyncio.ensure_future(run())
    _tasks[job.id] = task
    return task


def running_task(job_id: int) -> asyncio.Task[ImportSummary] | None:
    """The task running this job in this process, if any (tests await it)."""
    return _tasks.get(job_id)


async def save_mapping(name: str, labels: Sequence[str], mapping: c.Mapping, options: ImportOptions) -> ImportMapping:
    """Save (or replace) a named mapping for files with these headers."""
    name = " ".join(name.split())
    if not name or len(name) > 100:
        raise ImportRefused("A mapping name has 1 to 100 characters.", "mapping_name")
    kept = {"region": options.region, "caller_id": options.caller_id, "caller_id_pool": options.caller_id_pool,
            "dial_profile": options.dial_profile}
    values = {"header_signature": c.header_signature(labels), "headers": list(labels), "mapping": dict(mapping),
              "options": kept}
    saved = await ImportMapping.get_or_none(name=name)
    if saved is None:
        return await ImportMapping.create(name=name, **values)
    await saved.update_from_dict(values).save()
    return saved


def remove_job_files(data_dir: Path, job_id: int) -> None:
    shutil.rmtree(job_dir(data_dir, job_id), ignore_errors=True)


def status_json(job: ImportJob, data_dir: Path | None = None) -> dict[str, Any]:
    """A job's progress and counts as the progress page and the API show them; with the data
    directory, the first duplicates it skipped with their lines too."""
    status = ImportStatus(job.status).value
    finished = status in {"done", "failed", "cancelled"}
    end = job.finished_at if finished and job.finished_at else datetime.now(timezone.utc)
    elapsed = (end - job.started_at).total_seconds() if job.started_at else 0.0
    percent = 100.0 if status == "done" else (
        min(99.9, 100.0 * job.processed_bytes / job.total_bytes) if job.total_bytes else 0.0)
    return {
        "id": job.id, "list_id": job.contact_list_id, "filename": job.filename, "source": job.source,
        "status": status, "finished": finished, "percent": round(percent, 1),
        "rows": job.rows_read, "rows_per_s": round(job.rows_read / elapsed) if elapsed > 0 else 0,
        "imported": job.imported, "duplicates": job.duplicates, "invalid": job.invalid, "dnc": job.dnc_flagged,
        "encoding": job.encoding, "delimiter": job.delimiter, "mapping": job.mapping,
        "errors": list(job.errors or []), "has_errors_file": bool(job.errors_file), "message": job.message,
        **(_duplicates(job, data_dir) if data_dir is not None else {}),
        "created_at": job.created_at.isoformat() if job.created_at else None,
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


def _duplicates(job: ImportJob, data_dir: Path) -> dict[str, Any]:
    finished = ImportStatus(job.status).value in {"done", "failed", "cancelled"}
    rows = first_duplicates(duplicates_path(data_dir, job.id)) if finished and job.duplicates else []
    return {"duplicate_rows": rows, "has_duplicates_file": bool(rows)}
