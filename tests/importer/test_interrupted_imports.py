"""A job left "running" by a process that died is failed and undone when a server starts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from dialer.importer.jobs import import_file
from dialer.importer.plan import ImportOptions
from dialer.importer.recovery import fail_abandoned_jobs, is_gone, this_process
from dialer.models import Contact, ContactList, ImportJob
from dialer.models.imports import ImportStatus


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


async def _running_job(clist: ContactList, runner: dict, inserted: list[list[int]]) -> ImportJob:
    return await ImportJob.create(contact_list=clist, filename="big.csv", status=ImportStatus.RUNNING,
                                  options={"region": "CZ", "runner": runner, "inserted_ids": inserted}, imported=3)


async def test_a_dead_process_job_is_failed_and_its_contacts_removed(db: str) -> None:
    clist = await ContactList.create(name="Spring")
    before = await Contact.create(contact_list=clist, phone="+420601000001")
    added = [await Contact.create(contact_list=clist, phone=f"+42060100001{i}") for i in range(3)]
    dead = await _running_job(clist, {"host": socket.gethostname(), "pid": _dead_pid(), "started": "1"},
                              [[added[0].id, added[-1].id]])
    alive = await _running_job(clist, this_process(), [])
    elsewhere = await _running_job(clist, {"host": "another-host", "pid": 1, "started": "1"}, [])

    assert await fail_abandoned_jobs() == 1
    await dead.refresh_from_db()
    assert dead.status is ImportStatus.FAILED and dead.finished_at is not None and dead.imported == 0
    assert "process running this import ended" in dead.message and "3 contacts" in dead.message
    assert [c.id for c in await Contact.filter(contact_list=clist)] == [before.id]
    for job in (alive, elsewhere):  # its own process runs it; another host's cannot be judged
        await job.refresh_from_db()
        assert job.status is ImportStatus.RUNNING
    assert await fail_abandoned_jobs() == 0


def test_a_reused_pid_is_told_apart_by_its_start_time() -> None:
    me = this_process()
    assert is_gone(me) is False
    if me["started"] is not None:  # Linux: /proc gives the start time
        assert is_gone(me | {"started": "0"}) is True
    assert is_gone(me | {"host": "elsewhere"}) is None


async def test_a_running_import_records_its_process(db: str, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("phone\n601123456\n")
    summary = await import_file(path, "Runner", ImportOptions(region="CZ"), tmp_path / "data")
    job = await ImportJob.get(id=summary.job_id)
    assert job.options["runner"]["pid"] == os.getpid() and job.status is ImportStatus.DONE
