"""What every command shares: exit codes, reading a workbook, checking an output path,
loading a solution. Domain errors become messages and exit codes here and only here."""

from __future__ import annotations

import time
from pathlib import Path

import click

from ..core.clock import Deadline
from ..core.errors import OutputPathError, WorkbookError
from ..workbook.reader import ReadResult, read_workbook
from ..core.files import check_output_path
from ..results.solution import Solution

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_INPUT, EXIT_INFEASIBLE, EXIT_NO_SOLUTION = 0, 1, 2, 3, 4, 5
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Failure(click.exceptions.Exit):
    """A reported failure: the message is already printed; exit with this code."""


def read(path: Path) -> ReadResult:
    """The workbook, or every problem in it on stderr and exit code 3."""
    try:
        return read_workbook(path)
    except WorkbookError as err:
        raise refused(err, "the workbook") from None


def read_for(path: Path, deadline: Deadline) -> tuple[ReadResult, Deadline]:
    """The workbook (as ``read``), and the run's ``deadline`` told how long reading it took."""
    began = time.monotonic()
    result = read(path)
    return result, deadline.read_in(time.monotonic() - began)


def refused(err: WorkbookError, what: str) -> Failure:
    """Every problem of a refused file on stderr; the failure to raise (exit code 3)."""
    click.echo(f"{len(err.problems)} problem(s) in {what} — nothing was solved:", err=True)
    for p in err.problems:
        click.echo(f"  ✗ {p}", err=True)
    for w in err.warnings:
        click.echo(f"  ! {w}", err=True)
    return Failure(EXIT_INPUT)


def output_path(out: Path, inputs: list[Path], force: bool) -> None:
    """Refuse an output that would replace an input, or an existing file without --force."""
    try:
        check_output_path(out, inputs, force)
    except OutputPathError as err:
        click.echo(f"Error: {err}", err=True)
        raise Failure(EXIT_USAGE) from None


def load_solution(path: Path, scheme: str) -> Solution:
    """A solution JSON of this scheme, or a usage error (exit 2) saying what is wrong."""
    try:
        sol = Solution.load(path)
    except Exception as e:  # noqa: BLE001 - a bad file is a usage error, not a crash
        click.echo(f"Error: {path} is not a rotasolve solution JSON ({type(e).__name__})", err=True)
        raise Failure(EXIT_USAGE) from None
    if sol.scheme != scheme:
        click.echo(f"Error: {path} is a solution for '{sol.scheme}', not '{scheme}'", err=True)
        raise Failure(EXIT_USAGE)
    return sol


def parse_memory(text: str | None) -> int | None:
    """'4G', '2048M', '1.5GiB' -> bytes; None stays None."""
    if text is None:
        return None
    units = {"": 1, "K": 1024, "M": 1024 ** 2, "G": 1024 ** 3, "T": 1024 ** 4}
    t = text.strip().upper().removesuffix("IB").removesuffix("B")
    number, unit = (t[:-1], t[-1]) if t and t[-1] in units else (t, "")
    try:
        value = float(number) * units[unit]
    except ValueError:
        raise click.BadParameter(f"'{text}' is not a size; write it like 4G or 2048M") from None
    if value < 64 * 1024 ** 2:
        raise click.BadParameter(f"{text} is too little for any model; give at least 64M")
    return int(value)
