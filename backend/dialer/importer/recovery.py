"""Jobs whose process died mid-run (a crash, a kill -9, a power cut) would show "running"
for ever, with some of their contacts in the list. Each running job records which process
runs it; at start-up a process fails the jobs of processes on its host that are gone and
removes the contacts they had committed (their id ranges are kept on the job as it runs).

A process is identified by host, pid and its start time (from /proc where there is one), so
a restarted server that got the same pid, as in a container, is still told apart.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from dialer.importer.writer import IdRanges, delete_inserted
from dialer.models import ImportJob
from dialer.models.imports import ImportStatus

log = logging.getLogger(__name__)


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux), None where unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: count from the last ")".
    return stat[stat.rindex(")") + 2:].split()[19]


def this_process() -> dict[str, Any]:
    """What a job records about the process running it."""
    return {"host": socket.gethostname(), "pid": os.getpid(), "started": _start_time(os.getpid())}


def is_gone(runner: dict[str, Any]) -> bool | None:
    """Whether the recorded process no longer runs: None when it cannot be told (another host)."""
    if runner.get("host") != socket.gethostname() or not isinstance(runner.get("pid"), int):
        return None
    pid = runner["pid"]
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # alive, owned by someone else
    started = runner.get("started")
    return started is not None and _start_time(pid) not in (None, started)


async def undo_inserted(job_id: int, list_id: int, ranges: IdRanges, imported: int) -> tuple[str, IdRanges]:
    """Remove what a stopped job had added to its list. Returns the sentence that tells the user,
    and the ranges still in the list (none, unless removing them failed too)."""
    try:
        removed = await delete_inserted(list_id, ranges) if ranges else 0
    except Exception as exc:  # noqa: BLE001 - the message must tell what is left
        log.exception("import job %s: removing its rows failed", job_id)
        return (f" Removing the {imported:,} contacts it had added failed too ({exc}): they are still in the "
                "list; the job's options.inserted_ids lists their ids.", ranges)
    if removed:
        return f" The {removed:,} contacts it had added were removed again; the list is as it was before.", []
    return " Nothing had been added to the list.", []


async def fail_abandoned_jobs() -> int:
    """Fail every running job whose process is gone, removing what it had added; how many."""
    failed = 0
    for job in await ImportJob.filter(status=ImportStatus.RUNNING):
        options = dict(job.options or {})
        if is_gone(options.get("runner") or {}) is not True:
            continue
        undo, options["inserted_ids"] = await undo_inserted(job.id, job.contact_list_id,
                                                            options.get("inserted_ids") or [], job.imported)
        job.status, job.options = ImportStatus.FAILED, options
        job.imported = job.imported if options["inserted_ids"] else 0
        job.message = "Stopped: the process running this import ended before it finished." + undo
        job.finished_at = datetime.now(timezone.utc)
        await job.save(update_fields=["status", "options", "imported", "message", "finished_at"])
        log.warning("import job %s: %s", job.id, job.message)
        failed += 1
    return failed
