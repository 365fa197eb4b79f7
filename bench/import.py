"""Benchmark of the CSV import: a generated contact list imported into SQLite and PostgreSQL.

The file is what Czech users' Excel writes: Windows-1250, semicolons, national number
formats mixed with +420 and 00420, 3 % duplicate numbers, 1 % invalid ones, a few custom
columns with diacritics. Each import runs in a child process so its peak RSS is its own.
Targets for 1,000,000 rows: <= 25 s on each database and <= 200 MB peak RSS.

    .venv/bin/python bench/import.py [--rows N] [--postgres URL] [--keep]

PostgreSQL comes from --postgres or DIALER_TEST_POSTGRES (a throw-away database is created
there and dropped after); without either, only SQLite runs. The last line is JSON:
{"rows": ..., "sqlite_s": ..., "postgres_s": ..., "peak_rss_mb": ...}
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

FIRST = ["Jiří", "Jan", "Petr", "Josef", "Pavel", "Tomáš", "Martin", "Lukáš", "Jaroslav", "Miroslav", "Zdeněk",
         "Marie", "Jana", "Eva", "Hana", "Anna", "Lenka", "Kateřina", "Věra", "Lucie", "Alena", "Petra", "Šárka"]
LAST = ["Novák", "Svoboda", "Novotný", "Dvořák", "Černý", "Procházka", "Kučera", "Veselý", "Horák", "Němec",
        "Marek", "Pospíšil", "Pokorný", "Hájek", "Král", "Jelínek", "Růžička", "Beneš", "Fiala", "Sedláček"]
CITY = ["Praha", "Brno", "Ostrava", "Plzeň", "Liberec", "Olomouc", "České Budějovice", "Hradec Králové",
        "Ústí nad Labem", "Pardubice", "Zlín", "Havířov", "Kladno", "Most", "Opava", "Frýdek-Místek"]
NOTE = ["", "", "", "volat odpoledne", "zájem o nabídku", "nevolat před 10:00", "žádá zpětné volání",
        "=KONTROLA", "klient od roku 2019; věrnostní program"]
# Prefixes of valid Czech numbers: mobiles and a few geographic areas.
PREFIXES = ["601", "602", "603", "604", "605", "606", "607", "608", "702", "720", "721", "723", "724", "725", "728",
            "730", "731", "732", "733", "736", "737", "739", "770", "773", "774", "775", "776", "777", "778",
            "790", "792", "797", "799", "222", "224", "233", "235", "241", "251", "266", "283", "296", "311",
            "321", "326", "377", "381", "466", "475", "485", "495", "516", "531", "541", "545", "553", "577", "596"]


def _formatted(national: str, rng: random.Random) -> str:
    n = national
    return rng.choice((n, f"{n[:3]} {n[3:6]} {n[6:]}", f"+420{n}", f"+420 {n[:3]} {n[3:6]} {n[6:]}",
                       f"00420{n}", f"{n[:3]}-{n[3:6]}-{n[6:]}", f"00420 {n}"))


def generate(path: Path, rows: int, seed: int = 2026) -> dict[str, int]:
    rng = random.Random(seed)
    used: list[str] = []
    duplicates = invalid = 0
    with open(path, "w", encoding="cp1250", newline="") as f:
        f.write("Jméno;Příjmení;Telefon;Město;Poznámka;Číslo zákazníka;Mobil 2\r\n")
        lines: list[str] = []
        for i in range(rows):
            r = rng.random()
            if r < 0.03 and used:
                national = rng.choice(used)
                phone = _formatted(national, rng)
                duplicates += 1
            elif r < 0.04:
                phone = rng.choice(("12345", "601 12", "999 999 999 999 999", "+420 123", "tel. neznámé"))
                invalid += 1
            else:
                national = rng.choice(PREFIXES) + f"{rng.randrange(1_000_000):06d}"
                used.append(national) if len(used) < 50_000 else None
                phone = _formatted(national, rng)
            note = rng.choice(NOTE)
            if ";" in note:
                note = f'"{note}"'
            mobile2 = _formatted(rng.choice(PREFIXES[:20]) + f"{rng.randrange(1_000_000):06d}", rng) \
                if rng.random() < 0.1 else ""
            lines.append(f"{rng.choice(FIRST)};{rng.choice(LAST)};{phone};{rng.choice(CITY)};{note};"
                         f"Z{i:07d};{mobile2}\r\n")
            if len(lines) >= 10_000:
                f.writelines(lines)
                lines.clear()
        f.writelines(lines)
    # "duplicates" drawn from numbers already used; random numbers may also collide (rarely).
    return {"duplicates_written": duplicates, "invalid_written": invalid}


def _peak_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = list(Path(f"/proc/{parent}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except (OSError, ValueError):
                continue
            found += children
            todo += children
    return found


class TreeRss:
    """The peak of the summed RSS of this process and all its descendants (the import's
    parsing process and the fork server it comes from), sampled every 50 ms. Pages shared
    between them are counted in each, so this errs high."""

    def __init__(self) -> None:
        import threading

        self.peak_kb = 0
        self.cpu_ticks: dict[int, int] = {}  # descendants' CPU as last seen (utime + stime)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        me = os.getpid()
        while not self._stop.wait(0.05):
            others = _descendants(me)
            total = sum(_status_kb(pid, "VmRSS:") for pid in [me, *others])
            self.peak_kb = max(self.peak_kb, total)
            for pid in others:
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    self.cpu_ticks[pid] = int(fields[11]) + int(fields[12])
                except (OSError, ValueError, IndexError):
                    pass

    @property
    def descendants_cpu_s(self) -> float:
        return sum(self.cpu_ticks.values()) / os.sysconf("SC_CLK_TCK")

    def __enter__(self) -> "TreeRss":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


async def _child(db_url: str, csv_path: Path, data_dir: Path) -> dict[str, object]:
    from dialer.db import database
    from dialer.importer.jobs import import_file
    from dialer.importer.plan import ImportOptions

    async with database(db_url):
        with TreeRss() as tree:
            started = time.perf_counter()
            summary = await import_file(csv_path, "Benchmark", ImportOptions(region="CZ"), data_dir, source="cli")
            seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "imported": summary.imported, "duplicates": summary.duplicates,
            "invalid": summary.invalid, "status": summary.status, "message": summary.message,
            # This process and its parsing process together (see TreeRss).
            "peak_rss_mb": round(max(_peak_rss_mb(), tree.peak_kb / 1024), 1),
            # CPU used (all threads): on a busy machine wall time says little. The parsing
            # process is a grandchild (via the fork server): sampled, not from getrusage.
            "cpu_s": round(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]), 2),
            "parser_cpu_s": round(tree.descendants_cpu_s, 2)}


def run_child(db_url: str, csv_path: Path, data_dir: Path) -> dict[str, object]:
    out = subprocess.run([sys.executable, __file__, "--child", db_url, "--file", str(csv_path),
                          "--data-dir", str(data_dir)], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"import child failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _with_database(url: str, name: str) -> str:
    p = urlsplit(url)
    return urlunsplit((p.scheme, p.netloc, f"/{name}", p.query, p.fragment))


async def _pg(admin_url: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(admin_url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def report(name: str, rows: int, result: dict[str, object]) -> None:
    seconds = float(result["seconds"])  # type: ignore[arg-type]
    print(f"{name:10s} {seconds:7.2f} s  {rows / seconds:>9,.0f} rows/s  peak RSS {result['peak_rss_mb']} MB  "
          f"CPU {result.get('cpu_s', '?')} s (+ parsing process {result.get('parser_cpu_s', '?')} s)  "
          f"imported {result['imported']:,} duplicates {result['duplicates']:,} invalid {result['invalid']:,}"
          f"  [{result['status']}]")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres", default=os.environ.get("DIALER_TEST_POSTGRES"),
                        help="admin URL of a PostgreSQL server (default DIALER_TEST_POSTGRES)")
    parser.add_argument("--keep", action="store_true", help="keep the generated file and SQLite database")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(_child(args.child, Path(args.file), Path(args.data_dir)))))
        return 0

    tmp = Path(tempfile.mkdtemp(prefix="dialer-import-bench-"))
    csv_path = tmp / "contacts.csv"
    started = time.perf_counter()
    written = generate(csv_path, args.rows)
    print(f"generated {args.rows:,} rows, {csv_path.stat().st_size / 2**20:.1f} MiB (Windows-1250, ';') "
          f"in {time.perf_counter() - started:.1f} s: {written}")
    results: dict[str, dict[str, object]] = {}
    results["sqlite"] = run_child(f"sqlite://{(tmp / 'bench.sqlite3').as_posix()}", csv_path, tmp / "data-sqlite")
    report("SQLite", args.rows, results["sqlite"])
    if args.postgres:
        admin = args.postgres.replace("postgresql://", "postgres://", 1)
        name = f"dialer_bench_{uuid.uuid4().hex[:10]}"
        asyncio.run(_pg(admin, f'CREATE DATABASE "{name}"'))
        try:
            results["postgres"] = run_child(_with_database(admin, name), csv_path, tmp / "data-postgres")
        finally:
            asyncio.run(_pg(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        report("PostgreSQL", args.rows, results["postgres"])
    else:
        print("PostgreSQL skipped: set DIALER_TEST_POSTGRES or pass --postgres")
    if not args.keep:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print(f"kept {tmp}")
    print(json.dumps({
        "rows": args.rows,
        "sqlite_s": results["sqlite"]["seconds"],
        "postgres_s": results["postgres"]["seconds"] if "postgres" in results else None,
        "peak_rss_mb": max(float(r["peak_rss_mb"]) for r in results.values()),  # type: ignore[arg-type]
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
