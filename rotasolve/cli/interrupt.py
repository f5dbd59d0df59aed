"""Ctrl-C and SIGTERM during a long command (`solve`, `capacity`, `forecast`, `sweep`).

The first interrupt asks the library to stop (``rotasolve.core.stop.request``): every search
ends its step and the command goes on to check, explain and write the best allocation
found so far, noting that it was stopped early, and exits with EXIT_STOPPED. A second
one aborts at once: child processes are killed, temporary files being written are
deleted, nothing is written, and the process exits with 128 + the signal's number (130
for SIGINT, 143 for SIGTERM), as a shell reports a process ended by that signal.

Python runs signal handlers in the main thread only, between two of its own steps; a
solver holding that thread in native code for a minute would hold the handler back as
long. So the work runs in a thread of its own (``run``) while the main thread waits.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

import click

from ..core import stop

EXIT_STOPPED = 6
T = TypeVar("T")
STOPPING = ("Stopping early ({name}): finishing with the best allocation found so far; "
            "press Ctrl-C again to abort without writing anything.")


def _handler(signum: int, _frame) -> None:
    if not stop.requested():
        sys.stderr.write("\n" + STOPPING.format(name=signal.Signals(signum).name) + "\n")
        sys.stderr.flush()
        stop.request()
        return
    stop.abort()
    with contextlib.suppress(OSError):
        os.write(2, b"\nAborted: nothing was written.\n")
    os._exit(128 + signum)


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """For the length of a command: SIGINT and SIGTERM stop it early, a second aborts."""
    stop.reset()
    if threading.current_thread() is not threading.main_thread():  # signals go to the main thread only
        yield
        return
    saved = {s: signal.signal(s, _handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in saved.items():
            signal.signal(s, h)


def run(work: Callable[[], T]) -> T:
    """``work()`` in a thread of its own while this thread waits (so that an interrupt is
    handled at once); its result, or its exception raised here."""
    box: dict = {}

    def target() -> None:
        try:
            box["value"] = work()
        except BaseException as err:  # noqa: BLE001 - handed to the waiting thread
            box["error"] = err

    worker = threading.Thread(target=target, name="rotasolve-work", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.1)
    if "error" in box:
        raise box["error"]
    return box["value"]


def stopped_line(what: str) -> None:
    """The one line on stderr that says the run was stopped early, and what was written."""
    click.echo(f"Stopped early by the user: {what} (exit code {EXIT_STOPPED}).", err=True)
