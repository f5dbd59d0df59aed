"""`rotasolve next` (the next period's workbook) and `rotasolve calendars` (calendar files
of a solution): the steps of a rotation's life after a solve (lifecycle.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NoReturn

import click
from pydantic import ValidationError

from ..domain import Instance
from ..excel.next_workbook import write_next_workbook
from ..lifecycle import report, roll_forward, solution_problems
from ..pipeline import file_sha256
from ..results.solution import Solution
from .calendar_output import check_calendar_dir, write_calendars
from .common import CONTEXT, EXIT_USAGE, Failure, output_path, read


def belonging_solution(workbook: Path, path: Path, inst: Instance) -> Solution:
    """The solution in ``path`` if it was solved from this very workbook; otherwise say
    why not and exit 2 (a usage error: the wrong file was given)."""
    sol = _load(path)
    for problem in solution_problems(inst, sol, file_sha256(workbook), what=str(path)):
        _refuse(problem)
    return sol


def _load(path: Path) -> Solution:
    """The file as a Solution, or why it is not one (never echoing its content)."""
    what = f"{path} is not a rotasolve solution JSON"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        _refuse(f"{what}: it is not text")
    except json.JSONDecodeError as e:
        _refuse(f"{what}: it is not JSON ({e.msg} at line {e.lineno}, column {e.colno})")
    if not isinstance(data, dict):
        _refuse(f"{what}: it holds a JSON {type(data).__name__}, not the object `rotasolve solve --json` writes")
    try:
        return Solution.model_validate(data)
    except ValidationError as e:
        fields = sorted({str(err["loc"][0]) for err in e.errors() if err["loc"]})
        _refuse(f"{what}: {', '.join(fields) or 'its fields'} missing or not as `rotasolve solve --json` "
                "writes them")


def _refuse(message: str) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    raise Failure(EXIT_USAGE)


@click.command("next", context_settings=CONTEXT)
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("solution_path", metavar="SOLUTION", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="The next period's workbook. Default: WORKBOOK-next.xlsx beside the input.")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
def next_period(workbook: Path, solution_path: Path, out: Path | None, force: bool):
    """Write the next period's workbook from WORKBOOK and its SOLUTION (solve --json).

    The plan start moves on a period; grades rise; sessions held are added; completed
    cases and trainees who finish core training are removed; running cases keep their
    trainee, supervisor and both slots. Everything else in the workbook is carried over.
    What changed is printed and written to a `Rolled forward` sheet. The next workbook is
    always an .xlsx: from an .ods, .xls or .xlsb it is a new one holding the values.
    """
    out = out or workbook.with_name(workbook.stem + "-next.xlsx")
    if out.suffix.lower() != ".xlsx":
        _refuse(f"the next period's workbook is written as an Excel Workbook; name it {out.stem}.xlsx")
    output_path(out, [workbook, solution_path], force)
    inst = read(workbook).instance
    sol = belonging_solution(workbook, solution_path, inst)
    roll = roll_forward(inst, sol)
    note = write_next_workbook(workbook, inst, roll, out)
    if note:
        click.echo(f"note: {note}", err=True)
    for line in report.text(inst, roll):
        click.echo(line)
    click.echo(f"wrote {out}" + (" (a new .xlsx workbook)" if note else ""))


@click.command(context_settings=CONTEXT)
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("solution_path", metavar="SOLUTION", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace calendars already in DIR (and remove ones no longer needed).")
def calendars(workbook: Path, solution_path: Path, directory: Path, force: bool):
    """Write calendar files (.ics) of SOLUTION under DIR/trainees, DIR/supervisors, DIR/groups.

    One file per trainee, supervisor and group with something this period; each weekly
    group meeting, therapy session and supervision meeting is one event repeating for
    the period, in Europe/London time.
    """
    check_calendar_dir(directory, [workbook, solution_path], force)
    inst = read(workbook).instance
    sol = belonging_solution(workbook, solution_path, inst)
    n = write_calendars(inst, sol, directory)
    click.echo(f"wrote {n} calendars under {directory}")
