"""The command line: parse, call the library, report. Domain errors become exit codes here
and only here.

Exit codes: 0 done, 1 internal error, 2 usage, 3 input errors, 4 kept items infeasible,
5 no solution within the time limit.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_INPUT, EXIT_INFEASIBLE, EXIT_NO_SOLUTION = 0, 1, 2, 3, 4, 5
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Failure(click.exceptions.Exit):
    """A reported failure: the message is already printed; exit with this code."""


def _report_workbook_error(err) -> None:
    click.echo(f"{len(err.problems)} problem(s) in the workbook — nothing was solved:", err=True)
    for p in err.problems:
        click.echo(f"  ✗ {p}", err=True)
    for w in err.warnings:
        click.echo(f"  ! {w}", err=True)


def _read(path: Path):
    from .errors import WorkbookError
    from .excel.reader import read_workbook

    try:
        return read_workbook(path)
    except WorkbookError as err:
        _report_workbook_error(err)
        raise Failure(EXIT_INPUT) from None


def _out_path(out: Path, inputs: list[Path], force: bool) -> None:
    from .errors import OutputPathError
    from .excel.safe import check_output_path

    try:
        check_output_path(out, inputs, force)
    except OutputPathError as err:
        click.echo(f"Error: {err}", err=True)
        raise Failure(EXIT_USAGE) from None


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="rotasolve")
def cli():
    """rotasolve — psychotherapy training rotations for core psychiatry trainees.

    Reads a scheme workbook, assigns trainees to case-based discussion groups, cases,
    supervisors and weekly slots under every hard rule, and writes timetables and a
    compliance summary. Start with `rotasolve template scheme.xlsx`.
    """


@cli.command(context_settings=CONTEXT)
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
def template(out: Path, force: bool):
    """Write a blank scheme workbook to OUT, with an About sheet and drop-downs."""
    from .excel.template import write_template

    _out_path(out, [], force)
    write_template(out)
    click.echo(f"wrote {out}")


@cli.command(context_settings=CONTEXT)
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
def validate(workbook: Path):
    """Check WORKBOOK against the input contract and summarise what it holds.

    Every problem is listed at once with its sheet, row and column. Exit code 3 if any.
    """
    from .diagnostics import summary, warnings

    result = _read(workbook)
    inst = result.instance
    click.echo(f"{workbook}: OK — scheme '{inst.settings.name}', plan start {inst.settings.plan_start}")
    for title, counts in summary(inst).items():
        parts = ", ".join(f"{k}: {v}" for k, v in counts.items()) or "none"
        click.echo(f"  {title}: {parts}")
    notes = [str(w) for w in result.warnings] + warnings(inst)
    if notes:
        click.echo(f"{len(notes)} warning(s):")
        for n in notes:
            click.echo(f"  ! {n}")


@cli.command(context_settings=CONTEXT)
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--trainees", "-n", type=click.IntRange(1, 20000), default=60, show_default=True,
              help="Core trainees in all (more than 100 gives several schemes).")
@click.option("--trusts", "-k", type=click.IntRange(1, 12), default=3, show_default=True,
              help="NHS trusts per scheme.")
@click.option("--seed", "-s", type=int, default=0, show_default=True, help="Same seed, same file.")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
def generate(out: Path, trainees: int, trusts: int, seed: int, force: bool):
    """Write a synthetic scheme workbook shaped like a real one to OUT."""
    from .excel.template import write_instance
    from .generate import generate as make

    _out_path(out, [], force)
    inst = make(trainees=trainees, trusts=trusts, seed=seed)
    write_instance(inst, out)
    click.echo(f"wrote {out}: {len(inst.trainees)} trainees, {len(inst.cases)} cases, "
               f"{len(inst.supervisors)} supervisors, {len(inst.groups)} groups, {len(inst.tutors)} tutors")


def main(argv: list[str] | None = None) -> None:
    """Console entry point. Click maps usage errors to 2 and Failure to its code; anything
    unexpected becomes one line on stderr and exit code 1, never a traceback."""
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    try:
        cli.main(args=argv, prog_name="rotasolve")
    except Exception as e:  # noqa: BLE001 - the last line of defence
        if os.environ.get("ROTASOLVE_DEBUG"):
            raise
        click.echo(f"Internal error: {type(e).__name__}: {e}. Please report it with the input "
                   "file; set ROTASOLVE_DEBUG=1 to see the details.", err=True)
        sys.exit(EXIT_INTERNAL)
