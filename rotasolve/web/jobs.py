"""The web app's state: uploaded workbooks and the runs made from them (a solve, a
capacity plan, a forecast), each run in a background thread that reports its progress
here for the page to poll. Everything lives in one temporary folder per app."""

from __future__ import annotations

import secrets
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..workbook.reader import ReadResult
from ..core.progress import Progress, describe


@dataclass
class Upload:
    """A workbook dropped in, read by the same safe reader as every command."""

    id: str
    name: str
    path: Path
    read: ReadResult


class Failed(Exception):
    """A run that ended without a result a user can use: ``kind`` says which page to show
    (``conflict``, ``no_solution``, ``error``), the lines say why."""

    def __init__(self, kind: str, message: str, lines: list[str] | None = None):
        super().__init__(message)
        self.kind, self.message, self.lines = kind, message, lines or []


@dataclass
class Job:
    id: str
    kind: str  # solve, capacity, forecast
    upload: Upload
    time_limit: float
    folder: Path
    state: str = "running"  # running, done, failed
    started: float = field(default_factory=time.time)
    ended: float | None = None
    result: Any = None
    failure: Failed | None = None
    log: list[str] = field(default_factory=list)
    stages: dict[tuple[str, int], Progress] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def progress(self, p: Progress) -> None:
        """The engine's progress callback: keep the latest of each stage, log finished ones."""
        with self.lock:
            if p.what != "note":
                self.stages[(p.label, p.stage)] = p
            if p.done or p.what == "note":
                self.log.append(describe(p))

    def snapshot(self) -> dict:
        """What the progress page shows, as JSON."""
        with self.lock:
            stages = [{"label": p.label, "what": p.what, "stage": p.stage, "stages": p.stages, "tier": p.tier,
                       "incumbent": p.incumbent, "bound": p.bound,
                       "gap": None if p.gap is None else round(100 * p.gap, 2), "done": p.done,
                       "elapsed": round(p.elapsed, 1)} for p in self.stages.values()]
            log = self.log[-15:]
        now = self.ended or time.time()
        return {"id": self.id, "kind": self.kind, "state": self.state, "elapsed": round(now - self.started, 1),
                "time_limit": self.time_limit, "stages": stages, "log": log}


class Store:
    """Uploads and jobs of one app, under ``root`` (removed by whoever made it)."""

    def __init__(self, root: Path):
        self.root = root
        self.uploads: dict[str, Upload] = {}
        self.jobs: dict[str, Job] = {}
        self.lock = threading.Lock()

    def folder(self) -> tuple[str, Path]:
        key = secrets.token_hex(8)
        path = self.root / key
        path.mkdir(parents=True)
        return key, path

    def add_upload(self, upload: Upload) -> None:
        with self.lock:
            self.uploads[upload.id] = upload

    def start(self, kind: str, upload: Upload, time_limit: float, work: Callable[[Job], Any]) -> Job:
        """Run ``work(job)`` in a background thread; its return value is the result, a
        Failed its failure, anything else an internal error shown without a traceback."""
        key, folder = self.folder()
        job = Job(id=key, kind=kind, upload=upload, time_limit=time_limit, folder=folder)
        with self.lock:
            self.jobs[key] = job
        threading.Thread(target=_run, args=(job, work), name=f"rotasolve-{kind}-{key}", daemon=True).start()
        return job


def _run(job: Job, work: Callable[[Job], Any]) -> None:
    try:
        job.result = work(job)
        job.state = "done"
    except Failed as f:
        job.failure, job.state = f, "failed"
    except Exception as e:  # noqa: BLE001 - shown as a page, never as a traceback
        traceback.print_exc()  # for the terminal that started `rotasolve serve`
        job.failure = Failed("error", f"Internal error: {type(e).__name__}: {e}. Please report it with the workbook.")
        job.state = "failed"
    finally:
        job.ended = time.time()
