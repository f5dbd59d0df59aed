"""Writing calendars into a folder, for `solve --calendars` and `rotasolve calendars`.

A folder of calendars is an output like any other: it never replaces an input, and
calendars already there are replaced only with --force. Then the `.ics` files in its
trainees/, supervisors/ and groups/ folders that this run does not write are removed —
they are rotasolve's own, from an earlier run, and a calendar left behind for someone
with nothing this period would show a timetable that no longer holds. Nothing else in the
folder is touched.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import click

from ..domain import Instance
from ..core.files import write_bytes
from ..lifecycle.calendars import KINDS, calendar_files
from ..results.solution import Solution
from .common import EXIT_USAGE, Failure


def existing_calendars(directory: Path) -> list[Path]:
    return sorted(p for kind in KINDS if (directory / kind).is_dir() for p in (directory / kind).glob("*.ics"))


def check_calendar_dir(directory: Path, inputs: list[Path], force: bool) -> None:
    """Refuse a folder that is a file or an input, or holds calendars, unless --force."""
    if directory.exists() and not directory.is_dir():
        _refuse(f"{directory} is a file; give a folder for the calendars")
    for kind in KINDS:
        sub = directory / kind
        if sub.exists() and not sub.is_dir():
            _refuse(f"{sub} is a file; the calendars need a folder of that name")
    real = Path(os.path.realpath(directory))
    for p in inputs:
        if Path(os.path.realpath(p)) == real:
            _refuse(f"the calendar folder {directory} is one of the inputs; choose another")
    found = existing_calendars(directory) if directory.is_dir() else []
    if found and not force:
        _refuse(f"{directory} already holds {len(found)} calendar(s) (e.g. {found[0]}); choose another "
                "folder or add --force to replace them")


def write_calendars(inst: Instance, sol: Solution, directory: Path) -> int:
    """Write every calendar (each file atomically), remove stale ones; the number written."""
    files = calendar_files(inst, sol)
    for rel, data in files.items():
        write_bytes(data, directory / rel)
    wanted = {(directory / rel).resolve() for rel in files}
    for old in existing_calendars(directory):
        if old.resolve() not in wanted:
            old.unlink()
    return len(files)


def _refuse(message: str) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    raise Failure(EXIT_USAGE)
