"""Whether a solution belongs to a workbook, before anything is built from the two.

Rolling forward or writing calendars from another workbook's solution would carry the
wrong people into the next period, so lifecycle.md asks for the scheme's name and the
input's SHA-256 (the solve's manifest records it) to match. A solution that matches but
fails the checker was edited by hand; it is refused too, with the rule it breaks.
"""

from __future__ import annotations

from ..check import check
from ..domain import Instance
from ..results.solution import FORMAT, Solution


def solution_problems(inst: Instance, sol: Solution, workbook_sha256: str, *,
                      what: str = "the solution") -> list[str]:
    """Why ``sol`` cannot be used with this workbook, in a tutor's words; [] when it can."""
    if sol.format != FORMAT:
        return [f"{what} is not a rotasolve solution (format '{sol.format}', expected '{FORMAT}')"]
    if sol.scheme != inst.settings.name:
        return [f"{what} is a solution for the scheme '{sol.scheme}', not '{inst.settings.name}'"]
    recorded = sol.manifest.input_sha256
    made_from = sol.manifest.input_name
    if not recorded:
        return [f"{what} does not record which workbook it was solved from (no input_sha256 in its "
                "manifest); solve the workbook with `rotasolve solve --json` and use that file"]
    if recorded != workbook_sha256:
        source = f" ({made_from} as it was then)" if made_from else ""
        return [f"{what} was solved from a different workbook{source}: its manifest records input "
                f"SHA-256 {recorded[:12]}…, this workbook's is {workbook_sha256[:12]}…; the workbook "
                "was changed after solving, or this is another scheme's solution. Solve this "
                "workbook again and use that solution"]
    if sol.status not in ("OPTIMAL", "FEASIBLE"):
        return [f"{what} has status {sol.status}: nothing was allocated, so there is nothing to carry "
                "forward; fix the workbook and solve it again"]
    violations = check(inst, sol)
    if violations:
        shown = "; ".join(str(v) for v in violations[:5])
        more = f" (and {len(violations) - 5} more)" if len(violations) > 5 else ""
        return [f"{what} breaks the rules of this workbook, so it was edited after solving: {shown}{more}"]
    return []
