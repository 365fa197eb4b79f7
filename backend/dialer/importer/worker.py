"""Where an import's parsing runs: in one child process beside the database writer, so the
CPU-bound half (`batches.parse_batches`) does not compete with the writer for this process's
GIL, or in a thread for small files (a process costs more than it saves there) and when no
child process can be started. The child is a fresh interpreter (`python -c`, not a fork of
the serving process with its threads and memory) that talks to us over a socket pair.

`parsed_batches(spec, size)` is the one entry: an async context manager whose value gives
the batches in file order. Leaving it, normally or by an error or a cancellation, stops the
child (terminate, then kill) or the thread, so nothing outlives the job.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import signal
import socket
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, AsyncIterator, Protocol

from dialer.importer.batches import ParsedBatch, ParseSpec, parse_batches

log = logging.getLogger(__name__)

# Files smaller than this are parsed in a thread: starting a process costs more than it saves.
WORKER_MIN_BYTES = 2 << 20
# Batches parsed ahead of the writer (each about 1-5 MB): enough that the writer never waits
# for the parser, few enough to keep memory flat.
_AHEAD = 2
_STOP_TIMEOUT_S = 2.0


class ParserDied(RuntimeError):
    """The parsing process ended without saying why (killed, out of memory)."""


class BatchSource(Protocol):
    async def next(self) -> ParsedBatch: ...

    def close(self) -> None: ...


@contextlib.asynccontextmanager
async def parsed_batches(spec: ParseSpec, size: int) -> AsyncIterator[BatchSource]:
    """The file's batches, parsed in a child process (or a thread for small files).

    `await source.next()` gives them in order until one has `final` set; a parsing error
    (`reader.Unreadable` and the like) is raised from `next()` after the batches before it.
    """
    source: BatchSource | None = None
    if size >= WORKER_MIN_BYTES and sys.executable:  # (no interpreter to start when embedded)
        try:
            source = await _ProcessSource.start(spec)
        except (OSError, ValueError) as exc:  # no processes here (sandbox, limits, no pass_fds)
            log.warning("import: cannot start a parsing process (%s); parsing in a thread", exc)
    if source is None:
        source = _ThreadSource(spec)
    try:
        yield source
    finally:
        source.close()


class _Failure:
    """An exception raised while parsing, carried to the writer's side."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


# The child: a fresh interpreter (nothing of the serving process's threads or memory) that
# imports only the parsing modules, reads its ParseSpec from the socket and sends batches.
_CHILD = "import sys; from dialer.importer.worker import serve; serve(int(sys.argv[1]))"


def serve(fd: int) -> None:
    """The parsing process's main: parse and send each batch, or the exception that stopped it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which stops us
    conn = Connection(fd)
    try:
        try:
            spec = pickle.loads(conn.recv_bytes())
            for batch in parse_batches(spec):
                conn.send_bytes(pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL))
        except (BrokenPipeError, ConnectionResetError, EOFError):
            return  # the parent has gone or stopped listening
        except BaseException as exc:  # noqa: BLE001 - every failure goes to the parent
            try:
                message = pickle.dumps(_Failure(exc))
            except Exception:  # noqa: BLE001 - an exception that does not pickle
                message = pickle.dumps(_Failure(RuntimeError(f"{type(exc).__name__}: {exc}")))
            with contextlib.suppress(OSError):
                conn.send_bytes(message)
    finally:
        conn.close()


def _child_env() -> dict[str, str]:
    # The child must import this same `dialer` (a checkout, an installed copy, a test's path).
    root = str(Path(__file__).resolve().parents[2])
    paths = [root, *[p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]]
    return dict(os.environ, PYTHONPATH=os.pathsep.join(paths))


class _ProcessSource:
    """Batches from a child process through a socket; a thread of ours waits on the socket."""

    def __init__(self, process: subprocess.Popen[bytes], conn: Connection) -> None:
        self._process = process
        self._conn = conn
        # One thread: receiving (and unpickling) happens off the event loop, in order, and
        # the socket is closed by that same thread after its last read.
        self._receiver = ThreadPoolExecutor(1, thread_name_prefix="dialer-import-receive")
        self._closed = False

    @classmethod
    async def start(cls, spec: ParseSpec) -> _ProcessSource:
        ours, theirs = socket.socketpair()
        try:
            process = subprocess.Popen([sys.executable, "-c", _CHILD, str(theirs.fileno())],
                                       pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL,
                                       stdout=subprocess.DEVNULL, env=_child_env())
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()  # the child has its own copy: its exit is our end of data
        source = cls(process, Connection(ours.detach()))
        source._conn.send_bytes(pickle.dumps(spec))  # small: the socket buffer takes it at once
        return source

    @property
    def pid(self) -> int:
        return self._process.pid

    def _receive(self) -> Any:
        try:
            return pickle.loads(self._conn.recv_bytes())
        except (EOFError, OSError):
            return None

    async def next(self) -> ParsedBatch:
        message = await asyncio.get_running_loop().run_in_executor(self._receiver, self._receive)
        if isinstance(message, ParsedBatch):
            return message
        if isinstance(message, _Failure):
            raise message.exc
        with contextlib.suppress(subprocess.TimeoutExpired):
            await asyncio.to_thread(self._process.wait, _STOP_TIMEOUT_S)
        raise ParserDied(f"the parsing process stopped unexpectedly (exit status {self._process.returncode})")

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        process = self._process
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        # The child is gone, so a read still waiting gets end-of-file and returns; then the
        # same thread closes the socket (never under a read in progress).
        self._receiver.submit(self._conn.close)
        self._receiver.shutdown(wait=False)


class _ThreadSource:
    """The same batches from a thread of this process (small files, or no processes)."""

    def __init__(self, spec: ParseSpec) -> None:
        self._loop = asyncio.get_running_loop()
        self._queue: asyncio.Queue[Any] = asyncio.Queue(_AHEAD)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._produce, args=(spec,), name="dialer-import-parser",
                                        daemon=True)
        self._thread.start()

    def _offer(self, item: Any) -> bool:
        """Hand an item to the loop, waiting while the queue is full; False once stopped."""
        try:
            future = asyncio.run_coroutine_threadsafe(self._queue.put(item), self._loop)
        except RuntimeError:  # the loop is closed
            return False
        while not self._stop.is_set():
            try:
                future.result(0.1)
                return True
            except TimeoutError:
                continue
        future.cancel()
        return False

    def _produce(self, spec: ParseSpec) -> None:
        batches = parse_batches(spec)
        try:
            for batch in batches:
                if not self._offer(batch):
                    return
        except BaseException as exc:  # noqa: BLE001 - every failure goes to the loop
            self._offer(_Failure(exc))
        finally:
            batches.close()  # closes the file

    async def next(self) -> ParsedBatch:
        message = await self._queue.get()
        if isinstance(message, _Failure):
            raise message.exc
        return message

    def close(self) -> None:
        self._stop.set()  # the thread ends at its next hand-over (within one batch)
