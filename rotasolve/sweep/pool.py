"""The local engine: a pool of worker processes on this machine, no extra dependency.

Each worker is a fresh interpreter (``python -m rotasolve.sweep.worker``) that solves
the jobs it is sent over a pipe, one at a time, until the pool closes; it is started
once, so a job does not pay for importing the solver. Not multiprocessing: its spawn
and forkserver start methods re-run the caller's main script in every child (a plain
script without ``if __name__ == "__main__"`` would fail, or sweep again), and fork would
copy the solver's thread state (``engine/lanes.py`` chose the same for the same
reasons). A thread per worker only waits on its pipe.

A worker that dies (killed, out of memory, a crash in native code) or outlives its
job's hard limit is stopped and replaced; its job becomes a failed row that says so and
the others go on.

Stopped early (``rotasolve.core.stop``): each worker hears it over its stop line and the job
it is solving returns its best so far; jobs not yet started come back NOT_RUN at once.
An abort kills every worker.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from queue import Empty, SimpleQueue

from ..core import stop
from .jobs import Job, JobResult, failed, not_run

_STDERR_LINES = 20  # of a dead worker's stderr, quoted in its job's row


def default_hard_limit(job: Job) -> float:
    """Seconds after which a job's worker is stopped: twice the solve's own clock limit
    and a minute, so only a hung process meets it."""
    return 2 * job.options.time_limit + 60


class WorkerDied(RuntimeError):
    """A worker process ended or was stopped before returning its job's result."""


class _Worker:
    def __init__(self):
        env = dict(os.environ)
        # The child imports this very rotasolve, wherever it was imported from.
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(__file__).resolve().parents[2]),
                                                          env.get("PYTHONPATH")]))
        self.line = stop.Line()
        self.proc = subprocess.Popen([sys.executable, "-m", "rotasolve.sweep.worker"], **self.line.child_args(env),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert self.proc.stdin is not None and self.proc.stdout is not None and self.proc.stderr is not None
        self._to_child, self._from_child, self._child_stderr = self.proc.stdin, self.proc.stdout, self.proc.stderr
        self.line.started()
        self._token = stop.register(self.line.send, kill=self.kill)
        self.stderr: deque[str] = deque(maxlen=_STDERR_LINES)
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        # Read stderr as it comes, so a chatty child never blocks on a full pipe.
        for line in self._child_stderr:
            self.stderr.append(line.decode(errors="replace").rstrip())

    def run(self, job: Job, hard_limit: float) -> JobResult:
        stopped = threading.Event()

        def stop():
            stopped.set()
            self.proc.kill()

        timer = threading.Timer(hard_limit, stop)
        timer.daemon = True
        timer.start()
        try:
            pickle.dump(job, self._to_child, protocol=pickle.HIGHEST_PROTOCOL)
            self._to_child.flush()
            return pickle.load(self._from_child)
        except (EOFError, OSError, pickle.UnpicklingError) as err:
            self.kill()
            if stopped.is_set():
                raise WorkerDied(f"the job did not finish within {hard_limit:g} s, so its process was "
                                 "stopped") from None
            raise WorkerDied(self._death(err)) from None
        finally:
            timer.cancel()

    def _death(self, err: Exception) -> str:
        code = self.proc.returncode
        time.sleep(0.1)  # let the drain thread take the last lines
        said = " | ".join(line for line in self.stderr if line)
        return (f"its worker process ended (exit code {code}, {type(err).__name__})"
                + (f": {said[-1500:]}" if said else ""))

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._forget()

    def _forget(self) -> None:
        stop.forget(self._token)
        self.line.close()

    def close(self, grace: float = 5.0) -> None:
        """End of input: the worker finishes and exits; stopped if it does not."""
        try:
            self._to_child.close()
            self.proc.wait(timeout=grace)
        except (OSError, subprocess.TimeoutExpired):
            self.kill()
        self._forget()


class LocalPool:
    """Runs sweep jobs on ``workers`` processes of this machine."""

    def __init__(self, workers: int, hard_limit: Callable[[Job], float] = default_hard_limit):
        if workers < 1:
            raise ValueError("a pool needs at least one worker")
        self.workers = workers
        self._hard_limit = hard_limit
        self._threads = ThreadPoolExecutor(workers, thread_name_prefix="rotasolve-sweep")
        self._idle: SimpleQueue[_Worker] = SimpleQueue()
        self._lock = threading.Lock()
        self._started: list[_Worker] = []
        self._closed = False

    def describe(self) -> str:
        return f"local pool of {self.workers} process{'es' if self.workers > 1 else ''}"

    def submit(self, job: Job) -> Future:
        return self._threads.submit(self._run, job)

    def wait(self, handles: list[Future]) -> list[Future]:
        done, _ = wait(handles, return_when=FIRST_COMPLETED)
        return list(done)

    def result(self, handle: Future, job: Job) -> JobResult:
        try:
            return handle.result()
        except Exception as err:  # noqa: BLE001 - reported in the job's row
            return failed(job, f"internal error in the pool: {type(err).__name__}: {err}")

    def _take(self) -> _Worker:
        try:
            return self._idle.get_nowait()
        except Empty:
            with self._lock:
                if self._closed:
                    raise RuntimeError("the pool is closed") from None
                worker = _Worker()
                self._started.append(worker)
            return worker

    def _run(self, job: Job) -> JobResult:
        if stop.requested():  # stopped early before this job started
            return not_run(job)
        started = time.time()
        worker = self._take()
        try:
            result = worker.run(job, self._hard_limit(job))
        except WorkerDied as err:
            return failed(job, str(err), time.time() - started)
        self._idle.put(worker)
        return result

    def close(self) -> None:
        """Idle workers exit at once. After an interrupted sweep (Ctrl-C), jobs not yet
        started are dropped and a worker still solving is stopped after a short grace."""
        with self._lock:
            self._closed = True
            workers = list(self._started)
        self._threads.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            worker.close(grace=2.0)
        self._threads.shutdown(wait=True)

    def __enter__(self) -> LocalPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
