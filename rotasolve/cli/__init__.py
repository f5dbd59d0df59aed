"""The command line: a thin click layer over the library. Each command parses its
options, calls the library and reports; domain errors become exit codes here and only
here (``common.py``).

Exit codes: 0 done, 1 internal error, 2 usage, 3 input errors, 4 kept items infeasible,
5 no solution within the time limit, 6 stopped early by Ctrl-C or SIGTERM (the best found
so far was written; ``interrupt.py``); a second Ctrl-C aborts with 130 (143 for SIGTERM).
"""

from __future__ import annotations

import logging
import os
import sys

import click

from ..core.clock import begin_command
from .common import CONTEXT, EXIT_INTERNAL
from .compliance import compliance
from .lifecycle import calendars, next_period
from .planning import capacity, forecast_command
from .serve import serve
from .solve import solve
from .sweep import sweep_command
from .workbook import generate, template, validate


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="rotasolve")
def cli():
    """rotasolve — psychotherapy training rotations for core psychiatry trainees.

    Reads a scheme workbook, assigns trainees to case-based discussion groups, cases,
    supervisors and weekly slots under every hard rule, and writes timetables and a
    compliance summary. Start with `rotasolve template scheme.xlsx`.
    """


for command in (
    template, validate, generate, solve, compliance, next_period, calendars, capacity,
    forecast_command, sweep_command, serve,
):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> None:
    """Console entry point. Click maps usage errors to 2 and Failure to its code; anything
    unexpected becomes one line on stderr and exit code 1, never a traceback."""
    begin_command()  # the time limit counts from when rotasolve began loading
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    try:
        cli.main(args=argv, prog_name="rotasolve")
    except Exception as e:  # the last line of defence
        if os.environ.get("ROTASOLVE_DEBUG"):
            raise
        click.echo(f"Internal error: {type(e).__name__}: {e}. Please report it with the input "
                   "file; set ROTASOLVE_DEBUG=1 to see the details.", err=True)
        sys.exit(EXIT_INTERNAL)
