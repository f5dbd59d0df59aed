"""Stopping early: a process-wide request to stop searching and keep the best found so far.

Whoever decides to stop (the command line on Ctrl-C or SIGTERM, a worker process told
by its parent) calls ``request()``. Everything that searches for a long time checks
``requested()`` between its steps, and registers a way to cut its current step short
while it runs (``stoppable``): a CP-SAT solver's ``StopSearch``, HiGHS's
``cancelSolve``, a child process's stop line. ``request()`` calls every such function, and
keeps calling them every STOP_EVERY seconds, since a solver asked to stop just before it
starts would not hear it; each function must therefore be harmless to call again.

``abort()`` is for a second interrupt: it calls the registered kill functions (child
processes killed at once) and deletes the temporary files being written, so that the
caller can end the process without leaving a partial file or a process behind.

Child processes (a region's lanes, a sweep's workers) hear of a stop over a ``Line``: a
pipe whose read end they inherit. A byte on it, or its end (the parent is gone), makes the
child ``request()`` a stop of its own and return its best; the child runs in a session of
its own, so the terminal's Ctrl-C reaches the parent alone, which decides.

Nothing here prints, exits or installs a signal handler: that is the command line's
(``cli/interrupt.py``). A program using rotasolve as a library calls ``request()`` from
its own handler (or another thread) to stop a solve early, and ``reset()`` before the next.
What is still running when the process exits is stopped and waited for (``_end_at_exit``).
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from .tuning import END_WAIT

STOP_EVERY = 0.25  # seconds between calls of the registered stop functions once stopping

_requested = threading.Event()
_lock = threading.RLock()  # re-entrant: a signal handler may run while its thread holds it
_count = itertools.count()
_stoppers: dict[int, Callable[[], None]] = {}
_killers: dict[int, Callable[[], None]] = {}
_temporary: set[str] = set()
_repeater: threading.Thread | None = None


def requested() -> bool:
    """Whether a stop was requested: searches end their current step and keep their best."""
    return _requested.is_set()


def request() -> None:
    """Ask every running search to stop and return its best allocation so far."""
    global _repeater
    _requested.set()
    _call(_stoppers)
    with _lock:
        if _repeater is None or not _repeater.is_alive():
            _repeater = threading.Thread(target=_repeat, name="rotasolve-stop", daemon=True)
            _repeater.start()


def reset() -> None:
    """Forget a request (a new run in the same process, a test)."""
    _requested.clear()


def _repeat() -> None:
    pause = threading.Event()  # never set: a sleep
    while _requested.is_set():
        pause.wait(STOP_EVERY)
        if _requested.is_set():
            _call(_stoppers)


def _call(registry: dict[int, Callable[[], None]]) -> None:
    with _lock:
        functions = list(registry.values())
    for f in functions:
        try:
            f()
        except Exception:  # noqa: BLE001 - a solver or process that has just ended is no failure
            pass


def register(stop: Callable[[], None] | None = None, kill: Callable[[], None] | None = None) -> int:
    """From now on ``request()`` calls ``stop`` (again and again: it must be harmless to
    repeat; at once if a stop was already requested) and ``abort()`` calls ``kill``; the
    token returned undoes it (``forget``)."""
    token = next(_count)
    with _lock:
        if stop is not None:
            _stoppers[token] = stop
        if kill is not None:
            _killers[token] = kill
    if stop is not None and requested():
        with contextlib.suppress(Exception):
            stop()
    return token


def forget(token: int) -> None:
    with _lock:
        _stoppers.pop(token, None)
        _killers.pop(token, None)


@contextlib.contextmanager
def stoppable(stop: Callable[[], None], kill: Callable[[], None] | None = None) -> Iterator[None]:
    """``register`` for the length of the block."""
    token = register(stop, kill)
    try:
        yield
    finally:
        forget(token)


@contextlib.contextmanager
def temporary(path: str | Path) -> Iterator[None]:
    """A file being written: ``abort()`` deletes it."""
    key = str(path)
    with _lock:
        _temporary.add(key)
    try:
        yield
    finally:
        with _lock:
            _temporary.discard(key)


def abort() -> None:
    """A second interrupt: kill what the running steps registered to be killed, and delete
    every temporary file being written. The caller then ends the process."""
    _requested.set()
    _call(_killers)
    with _lock:
        paths = list(_temporary)
    for p in paths:
        with contextlib.suppress(OSError):
            os.unlink(p)


@atexit.register
def _end_at_exit() -> None:
    """As the process exits, stop whatever still runs and wait for it to return, END_WAIT
    seconds at most. HiGHS left solving on a thread of its own (a relaxation no search
    waits for any more) is otherwise killed with the process by C++'s terminate: "terminate
    called without an active exception", exit status -6, after the outputs were written
    (a 1,000-trainee region relaxed whole, on a slow day). Nothing registered: nothing to do."""
    with _lock:
        if not _stoppers:
            return
    request()
    ends = time.monotonic() + END_WAIT
    while time.monotonic() < ends:
        with _lock:
            if not _stoppers:
                return
        time.sleep(0.05)


def once(f: Callable[[], None]) -> Callable[[], None]:
    """``f`` made harmless to repeat: only the first call does anything (a signal sent to a
    child process must be sent once, as a second one tells it to abort)."""
    done = threading.Event()

    def call() -> None:
        if not done.is_set():
            done.set()
            f()

    return call


class Line:
    """The parent's end of a child's stop line: ``child_args`` go to ``subprocess.Popen``,
    ``started()`` once it is started, ``send()`` passes a stop on, ``close()`` when done."""

    def __init__(self) -> None:
        self._read, self._write = os.pipe()
        self.send = once(self._send)

    def child_args(self, env: dict[str, str]) -> dict:
        return dict(env={**env, STOP_FD: str(self._read)}, pass_fds=(self._read,), start_new_session=True)

    def started(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._read)

    def _send(self) -> None:
        with contextlib.suppress(OSError):
            os.write(self._write, b"s")

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._write)


STOP_FD = "ROTASOLVE_STOP_FD"


def listen_to_parent() -> None:
    """In a child process: a stop is requested when the parent sends one on the line it
    was started with, or the line ends (the parent is gone). No line: nothing to do."""
    fd = os.environ.get(STOP_FD)
    if not fd:
        return

    def listen() -> None:
        with contextlib.suppress(OSError):
            os.read(int(fd), 1)
        request()

    threading.Thread(target=listen, name="rotasolve-stop-line", daemon=True).start()


def child_environment() -> dict[str, str]:
    """The environment for a child rotasolve process (``python -m rotasolve...``): this
    one's, with this very rotasolve importable, wherever it was imported from."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(__file__).resolve().parents[2]),
                                                      env.get("PYTHONPATH")]))
    return env
