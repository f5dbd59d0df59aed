"""The Ray engine: every job a Ray task on an existing cluster, or on one started here.

Ray is an optional extra (``pip install 'rotasolve[ray]'``), so it is imported when an
engine is made, not with this module. Every node of the cluster needs the same
rotasolve installed; the workbooks need no shared file system: each workbook's bytes
are put in Ray's object store once and handed to every task that solves it.

``address``: ``local`` starts a Ray instance on this machine with ``workers`` CPUs (and
stops it at the end); anything else is passed to ``ray.init(address=...)``: ``auto`` for
the cluster this machine is a node of (after ``ray start``), ``HOST:6379`` for a head
node, or ``ray://HOST:10001`` through Ray Client.

Stopped early (``rotasolve.core.stop``): the engine sets a flag held by a small Ray actor; each
task asks it every FLAG_EVERY seconds and, once set, stops its own search and returns its
best so far; a task that starts after it returns NOT_RUN. A task that does not answer
within GIVE_UP seconds of the stop is cancelled and marked NOT_RUN.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from ..core import stop
from .jobs import Job, JobResult, failed, not_run, run_job_with_data

# A task whose node is lost is run again on another (the result is the same, solves
# being reproducible); a task that fails by itself is not: its row says why.
_RETRIES = 2
FLAG_EVERY = 0.5  # seconds between a task's questions to the stop flag
GIVE_UP = 60.0  # seconds after a stop that a task still running is cancelled


class RayMissing(RuntimeError):
    """Ray is not installed here."""


class RayUnavailable(RuntimeError):
    """The Ray cluster could not be reached or started."""


def _import_ray():
    try:
        import ray  # optional dependency: the extra 'rotasolve[ray]'
    except ImportError:
        raise RayMissing("Ray is not installed; install it with: pip install 'rotasolve[ray]'") from None
    return ray


class RayEngine:
    """Runs sweep jobs as Ray tasks of one CPU each."""

    def __init__(self, address: str, workers: int):
        ray = self._ray = _import_ray()
        self.address = address
        # A caller that already started Ray (a notebook, a test) keeps it after the sweep.
        self._owner = not ray.is_initialized()
        if self._owner:
            self._init(ray, address, workers)
        self._remote = ray.remote(num_cpus=1, max_retries=_RETRIES)(run_job_listening)
        self._flag = ray.remote(num_cpus=0)(StopFlag).remote()
        self._stopped_at: float | None = None
        self._data: dict[int, Any] = {}  # workbook index -> its bytes in the object store

    @staticmethod
    def _init(ray, address: str, workers: int) -> None:
        # Workers' own output would break the progress bar on stderr; the rows say what
        # went wrong in a job.
        quiet = dict(log_to_driver=False, logging_level=logging.ERROR, include_dashboard=False)
        try:
            if address == "local":
                ray.init(num_cpus=workers, **quiet)
            else:
                ray.init(address=address, **quiet)
        except Exception as err:  # noqa: BLE001 - any failure to connect is reported as such
            what = "start Ray here" if address == "local" else f"connect to the Ray cluster at {address}"
            first = str(err).strip().splitlines()[0] if str(err).strip() else ""
            raise RayUnavailable(f"could not {what}: {type(err).__name__}: {first}") from None

    def describe(self) -> str:
        cpus = int(self._ray.cluster_resources().get("CPU", 0))
        where = "a local Ray instance" if self.address == "local" else f"the Ray cluster at {self.address}"
        return f"{where} ({cpus} CPUs)"

    def submit(self, job: Job):
        if job.workbook_index not in self._data:
            self._data[job.workbook_index] = self._ray.put(job.workbook.data)
        return self._remote.remote(job.without_data(), self._data[job.workbook_index], self._flag)

    def wait(self, handles: list) -> list:
        """The handles done. Stopped early: the flag is set, so the tasks return their best;
        those still running GIVE_UP seconds later are cancelled (all returned)."""
        while True:
            if stop.requested() and self._stopped_at is None:
                self._stopped_at = time.monotonic()
                self._flag.set.remote()
            ready, _ = self._ray.wait(handles, num_returns=1, timeout=FLAG_EVERY)
            if ready:
                return ready
            if self._stopped_at is not None and time.monotonic() - self._stopped_at > GIVE_UP:
                for h in handles:
                    self._ray.cancel(h, force=True)
                return handles

    def result(self, handle, job: Job) -> JobResult:
        try:
            return self._ray.get(handle)
        except Exception as err:  # noqa: BLE001 - a lost node or a dead worker: reported in the row
            if stop.requested():
                return not_run(job)
            first = str(err).strip().splitlines()[-1] if str(err).strip() else ""
            return failed(job, f"the Ray task failed: {type(err).__name__}: {first[:500]}")

    def close(self) -> None:
        self._data.clear()
        self._flag = None
        if self._owner:
            self._ray.shutdown()

    def __enter__(self) -> RayEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class StopFlag:
    """Whether the sweep was stopped early, held by a Ray actor that every task can ask."""

    def __init__(self):
        self.stopped = False

    def set(self) -> None:
        self.stopped = True

    def get(self) -> bool:
        return self.stopped


def run_job_listening(job: Job, data: bytes, flag) -> JobResult:
    """A Ray task: ``run_job_with_data``, stopping early when the sweep's ``flag`` is set
    (a thread asks it every FLAG_EVERY seconds); NOT_RUN if it is set already. The stop is
    this worker process's own and is forgotten after the job (Ray reuses the process)."""
    ray = _import_ray()
    stop.reset()
    if ray.get(flag.get.remote()):
        return not_run(job)
    done = threading.Event()

    def listen() -> None:
        while not done.wait(FLAG_EVERY):
            try:
                if ray.get(flag.get.remote(), timeout=10):
                    stop.request()
                    return
            except Exception:  # noqa: BLE001 - the sweep is gone: the job goes on to its own end
                return

    threading.Thread(target=listen, name="rotasolve-stop-flag", daemon=True).start()
    try:
        return run_job_with_data(job, data)
    finally:
        done.set()
        stop.reset()
