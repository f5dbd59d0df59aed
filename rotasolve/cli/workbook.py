"""Commands about the workbook itself: template, validate, generate."""

from __future__ import annotations

from pathlib import Path

import click

from ..analysis.diagnostics import summary, warnings
from ..workbook.scenarios import write_scenarios_template
from ..workbook.template import write_instance, write_template
from ..synthetic.generate import generate as make
from ..synthetic.shapes import SHAPES
from .common import CONTEXT, output_path, read


@click.command(context_settings=CONTEXT)
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--scenarios", is_flag=True,
              help="Write a scenarios workbook for `rotasolve sweep` instead: a Scenarios sheet with "
                   "example rows and an About sheet explaining every column.")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
def template(out: Path, scenarios: bool, force: bool):
    """Write a blank scheme workbook to OUT, with an About sheet and drop-downs.

    With --scenarios, a scenarios workbook for `rotasolve sweep` instead.
    """
    output_path(out, [], force)
    (write_scenarios_template if scenarios else write_template)(out)
    click.echo(f"wrote {out}")


@click.command(context_settings=CONTEXT)
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
def validate(workbook: Path):
    """Check WORKBOOK against the input contract and summarise what it holds.

    Every problem is listed at once with its sheet, row and column. Exit code 3 if any.
    """
    result = read(workbook)
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


@click.command(context_settings=CONTEXT)
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--trainees", "-n", type=click.IntRange(1, 20000), default=60, show_default=True,
              help="Core trainees in all (more than 100 gives several schemes, unless --connected).")
@click.option("--trusts", "-k", type=click.IntRange(1, 12), default=3, show_default=True,
              help="NHS trusts per scheme (in the region, with --connected).")
@click.option("--seed", "-s", type=int, default=0, show_default=True, help="Same seed, same file.")
@click.option("--connected", is_flag=True,
              help="One connected region of all the trainees over the trusts, as in real life: trusts on a "
                   "ring of roads (far ones out of reach), 25% remote supervisors, 15% remote cases, 20% "
                   "online groups, tutors covering 2-3 neighbouring trusts. Options below override these.")
@click.option("--shape", type=click.Choice(list(SHAPES)), default="balanced", show_default=True,
              help="Benchmark shape: scarce-supervisors (about half the supervisor places), remote-heavy "
                   "(60% remote supervisors, 50% remote cases, 60% online groups), ltft-heavy (~40% LTFT "
                   "at 0.5-0.8), tight-tutors (about half the tutor PAs needed), many-running (many running "
                   "groups and cases), one-big-trust (60% of each scheme in one trust).")
@click.option("--remote-supervisors", type=click.FloatRange(0, 1), metavar="SHARE",
              help="Share (0-1) of supervisors who supervise by video.")
@click.option("--remote-cases", type=click.FloatRange(0, 1), metavar="SHARE",
              help="Share (0-1) of cases whose sessions may run by video.")
@click.option("--online-groups", type=click.FloatRange(0, 1), metavar="SHARE",
              help="Share (0-1) of groups that meet online.")
@click.option("--tutor-trusts", type=click.IntRange(1, 12), metavar="N",
              help="Trusts each tutor covers: one tutor per trust, their areas overlapping round the region.")
@click.option("--random", "at_random", is_flag=True,
              help="Draw every knob at random from the seed, over ranges wider than any shape (tutor PAs "
                   "0.4-1.3 of demand, 4-12 trainees per supervisor with 1-4 places, sparse to dense free "
                   "slots, 0-60% remote items, 0-50% LTFT, few to most running items, one trust with 25-70% "
                   "or none, group sizes, travel limits, 0.5-2 cases per trainee, distinct modalities, CBDG "
                   "first, weekly case hours); the knobs drawn go in the Scheme sheet's notes. Replaces "
                   "--shape; the options above still win.")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
def generate(out: Path, trainees: int, trusts: int, seed: int, connected: bool, shape: str,
             remote_supervisors: float | None, remote_cases: float | None, online_groups: float | None,
             tutor_trusts: int | None, at_random: bool, force: bool):
    """Write a synthetic scheme workbook shaped like a real one to OUT.

    Without --connected, more than 100 trainees give several independent schemes (remote
    items, if asked for, are open to every trainee and so join them).
    """
    output_path(out, [], force)
    inst = make(trainees=trainees, trusts=trusts, seed=seed, connected=connected, shape=shape,
                remote_supervisors=remote_supervisors, remote_cases=remote_cases,
                online_groups=online_groups, tutor_trusts=tutor_trusts, at_random=at_random)
    write_instance(inst, out)
    click.echo(f"wrote {out}: {len(inst.trainees)} trainees, {len(inst.cases)} cases, "
               f"{len(inst.supervisors)} supervisors, {len(inst.groups)} groups, {len(inst.tutors)} tutors")
