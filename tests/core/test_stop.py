"""What still runs as the process exits is stopped and waited for (core/stop.py)."""

from __future__ import annotations

import threading
import time

from rotasolve.core import stop


def test_what_still_runs_at_exit_is_stopped_and_waited_for():
    registered, ended = threading.Event(), threading.Event()

    def step() -> None:  # a step that runs until it is asked to stop, as HiGHS does
        asked = threading.Event()
        with stop.stoppable(asked.set):
            registered.set()
            asked.wait(30)
        ended.set()

    worker = threading.Thread(target=step, daemon=True)
    worker.start()
    assert registered.wait(10)
    started = time.monotonic()
    try:
        stop._end_at_exit()
        worker.join(5)
        assert ended.is_set() and time.monotonic() - started < 5
    finally:
        stop.reset()


def test_nothing_running_at_exit_is_no_stop():
    stop._end_at_exit()
    assert not stop.requested()
