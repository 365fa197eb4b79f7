"""Parsing in a child process: the same result as in a thread, and no process left behind when
the import fails, is cancelled, or loses its parser (on SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import os
import re
import signal
from pathlib import Path

import pytest

from dialer.importer import limits, worker, writer
from dialer.importer.jobs import import_file
from dialer.importer.pipeline import ImportSummary
from dialer.importer.plan import ImportOptions
from dialer.models import Contact, ImportJob

HEADER = "Jméno;Telefon;Poznámka;ID;Mobil 2\n"


def mixed_rows(count: int) -> str:
    """Rows of every kind the parser meets: good, duplicate, invalid, ragged, quoted, blank."""
    out = []
    for i in range(count):
        kind = i % 10
        if kind == 3:
            out.append(f"Dup {i};601 {i // 10 * 10:06d};dup;R{i};\n")  # repeats row i-3's number below
        elif kind == 5:
            out.append(f"Bad {i};12{i % 7};x;R{i};\n")
        elif kind == 6:
            out.append(f'Quoted {i};"601{i:06d}";"řádek 1\nřádek 2; ""citát"" \\N \\.";;\n')
        elif kind == 7:
            out.append(f"Ragged {i};601{i:06d}\n")
        elif kind == 8:
            out.append("\n" if i % 20 == 8 else f"Extra {i};602{i:06d};x;R{i};;zbytek\n")
        else:
            alt = f"+420 777 {i:06d}" if kind == 1 else ""
            out.append(f"Jiří {i};601 {i:06d};=1+{i};R{i};{alt}\n")
    return HEADER + "".join(out)


def holds(rows: object, phone: str) -> bool:
    """Whether a batch as the writer gets it (rows, or PostgreSQL's COPY bytes) has this number."""
    if isinstance(rows, (bytes, memoryview)):
        return f'"{phone}"'.encode() in bytes(rows)
    return any(row[0] == phone for row in rows)  # type: ignore[attr-defined]


def on_third_batch(monkeypatch: pytest.MonkeyPatch, db: str, action) -> None:  # type: ignore[no-untyped-def]
    """Batches of 1,000 rows; `await action()` runs before the third batch is written."""
    monkeypatch.setattr(worker, "WORKER_MIN_BYTES", 0)
    monkeypatch.setattr(limits, "BATCH_ROWS", 1000)
    name = "_insert_sqlite" if db.startswith("sqlite") else "_insert_postgres"
    real_insert = getattr(writer, name)

    async def insert(conn, list_id, rows, *args):  # type: ignore[no-untyped-def]
        if holds(rows, "+420601102000"):
            await action()
        return await real_insert(conn, list_id, rows, *args)

    monkeypatch.setattr(writer, name, insert)


async def run(tmp_path: Path, content: bytes | str, list_name: str, **options: object) -> ImportSummary:
    path = tmp_path / f"{list_name}.csv"
    path.write_bytes(content.encode("cp1250") if isinstance(content, str) else content)
    return await import_file(path, list_name, ImportOptions(**options), tmp_path / "data")


async def contents(list_name: str) -> list[tuple]:
    return sorted(await Contact.filter(contact_list__name=list_name).values_list(
        "phone", "name", "alt_phones", "external_id", "custom_fields", "status"))


@pytest.fixture
def spawned(monkeypatch: pytest.MonkeyPatch) -> list:
    """Every parsing process started, so a test can check that it is gone."""
    started: list = []
    real_start = worker._ProcessSource.start

    async def spy(spec):  # type: ignore[no-untyped-def]
        source = await real_start(spec)
        started.append(source)
        return source

    monkeypatch.setattr(worker._ProcessSource, "start", spy)
    return started


def assert_gone(sources: list) -> None:
    assert sources, "no parsing process was started"
    for source in sources:
        assert source._process.poll() is not None, "the parsing process is still running"


async def test_a_parsing_process_gives_what_a_thread_gives(db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          spawned: list) -> None:
    monkeypatch.setattr(limits, "BATCH_ROWS", 97)  # many batches, odd boundaries
    text = mixed_rows(2000)
    in_thread = await run(tmp_path, text, "thread")
    assert not spawned
    monkeypatch.setattr(worker, "WORKER_MIN_BYTES", 0)
    in_process = await run(tmp_path, text, "process")
    assert_gone(spawned)
    assert in_process.status == in_thread.status == "done"
    fields = ("imported", "duplicates", "invalid", "dnc", "rows", "errors")
    assert [getattr(in_process, f) for f in fields] == [getattr(in_thread, f) for f in fields]
    assert in_thread.imported > 1000 and in_thread.duplicates > 100 and in_thread.invalid > 200
    assert await contents("process") == await contents("thread")
    assert not await Contact.filter(name__startswith="Dup").exists()  # the first row of a number wins
    # Ids follow the file (the scheduler dials in id order), also when PostgreSQL writes
    # two batches at once.
    in_id_order = await Contact.filter(contact_list__name="process").order_by("id").values_list("name", flat=True)
    assert [int(n.split()[-1]) for n in in_id_order] == sorted(int(n.split()[-1]) for n in in_id_order)
    quoted = await Contact.get(contact_list__name="process", phone="+420601000006")
    assert quoted.custom_fields == {"Poznámka": 'řádek 1\nřádek 2; "citát" \\N \\.'} and quoted.external_id is None
    errors = [Path(s.errors_file).read_text(encoding="utf-8-sig") for s in (in_thread, in_process)]
    assert errors[0] == errors[1]
    job = await ImportJob.get(id=in_process.job_id)
    assert job.processed_bytes == job.total_bytes and job.rows_read == in_process.rows
    assert job.options["inserted_ids"] and job.options["region"] == "CZ"


async def test_an_undecodable_byte_stops_the_parser_and_rolls_back(db: str, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch,
                                                                    spawned: list) -> None:
    monkeypatch.setattr(worker, "WORKER_MIN_BYTES", 0)
    monkeypatch.setattr(limits, "BATCH_ROWS", 2000)
    good = "".join(f"6011{i:05d}\n" for i in range(10_000))
    summary = await run(tmp_path, ("phone\n" + good).encode() + b"\xff\n602000000\n", "bad", encoding="utf-8")
    assert summary.status == "failed" and "line 10002" in summary.message, summary.message
    assert "contacts it had added were removed again" in summary.message
    assert await Contact.all().count() == 0
    assert_gone(spawned)


async def test_a_database_failure_stops_the_parser_and_rolls_back(db: str, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   spawned: list) -> None:
    async def disk_full() -> None:
        raise RuntimeError("disk full")

    on_third_batch(monkeypatch, db, disk_full)
    summary = await run(tmp_path, "phone\n" + "".join(f"6011{i:05d}\n" for i in range(20_000)), "dbfail")
    assert summary.status == "failed" and "disk full" in summary.message
    assert "The 2,000 contacts it had added were removed again" in summary.message
    assert await Contact.all().count() == 0
    assert_gone(spawned)


async def test_cancelling_an_import_stops_the_parser_and_rolls_back(db: str, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch,
                                                                    spawned: list) -> None:
    third_batch, release = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        third_batch.set()
        await release.wait()

    on_third_batch(monkeypatch, db, hold)
    task = asyncio.ensure_future(run(tmp_path, "phone\n" + "".join(f"6011{i:05d}\n" for i in range(20_000)), "stop"))
    await asyncio.wait_for(third_batch.wait(), 60)
    task.cancel()
    await asyncio.sleep(0.05)
    release.set()  # writes in flight are cancelled with the job, or else settle first
    with pytest.raises(asyncio.CancelledError):
        await task
    job = await ImportJob.get(filename="stop.csv")
    assert job.status == "failed" and "cancelled" in job.message
    assert re.search(r"The [123],000 contacts it had added were removed again", job.message), job.message
    assert await Contact.all().count() == 0
    assert_gone(spawned)


async def test_a_parser_that_dies_fails_the_import_cleanly(db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           spawned: list) -> None:
    monkeypatch.setattr(worker, "WORKER_MIN_BYTES", 0)
    monkeypatch.setattr(limits, "BATCH_ROWS", 1000)
    name = "_insert_sqlite" if db.startswith("sqlite") else "_insert_postgres"
    real_insert = getattr(writer, name)

    async def insert_then_kill_the_parser(conn, list_id, rows, *args):  # type: ignore[no-untyped-def]
        result = await real_insert(conn, list_id, rows, *args)
        if spawned[0]._process.poll() is None:
            os.kill(spawned[0].pid, signal.SIGKILL)
            await asyncio.to_thread(spawned[0]._process.wait)
        return result

    monkeypatch.setattr(writer, name, insert_then_kill_the_parser)
    summary = await run(tmp_path, "phone\n" + "".join(f"6011{i:05d}\n" for i in range(50_000)), "killed")
    assert summary.status == "failed" and "parsing process stopped unexpectedly" in summary.message, summary.message
    assert "contacts it had added were removed again" in summary.message
    assert await Contact.all().count() == 0
    assert_gone(spawned)


async def test_the_sqlite_checkpoint_interval_is_restored_after_an_import(sqlite_db: str, tmp_path: Path) -> None:
    # An SQLite connection setting: PostgreSQL has nothing to restore.
    from tortoise import Tortoise

    async def interval() -> int:
        return tuple((await Tortoise.get_connection("default").execute_query("PRAGMA wal_autocheckpoint"))[1][0])[0]

    before = await interval()
    assert (await run(tmp_path, HEADER + "Jan;601123456;x;R1;\n", "wal")).imported == 1
    assert await interval() == before
