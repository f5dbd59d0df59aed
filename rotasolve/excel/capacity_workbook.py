"""`rotasolve capacity -o`: the Capacity sheet (what to recruit, what it costs, what it
unlocks, before and after), followed by the timetable of the allocation with the
additions made, so a director can see who would go where."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from ..results.planning import CapacityPlan
from ..workbook.safe import BOLD, TITLE_FONT, put, write_table
from .writer import save_output, solution_workbook

def status_text(plan: CapacityPlan) -> str:
    if any(sol is not None and sol.manifest.stopped_early for sol in (plan.before_solution, plan.solution)):
        return ("stopped early by the user: the best found by then, not proven; run again with the time it needs "
                "to place more critical requirements or find cheaper additions")
    if plan.proven:
        return "proven: no additions place more critical requirements, and none that place as many cost less"
    return ("not proven: the best found in the time; a longer --time-limit may place more critical "
            "requirements or find cheaper additions")


def write_capacity(plan: CapacityPlan, out: Path) -> None:
    if plan.solution is None:
        wb = Workbook()
        wb.remove(wb.worksheets[0])  # a new workbook's one default sheet
    else:
        assert plan.applied is not None  # made with the solution
        wb = solution_workbook(plan.applied, plan.solution)
    capacity_sheet(wb.create_sheet("Capacity", 0), plan)
    wb.active = 0
    save_output(wb, out)


def capacity_sheet(ws, plan: CapacityPlan) -> None:
    put(ws, 1, 1, f"{plan.scheme} — what to recruit").font = TITLE_FONT
    put(ws, 2, 1, status_text(plan))
    r = 4
    put(ws, r, 1, "Before and after").font = BOLD
    rows = []
    for label, key in (("critical requirements placed", "critical_placed"), ("requirements placed", "placed"),
                       ("WILL_MISS", "WILL_MISS"), ("AT_RISK", "AT_RISK")):
        before = getattr(plan.before, key) if plan.before else None
        after = getattr(plan.after, key) if plan.after else None
        change = after - before if before is not None and after is not None else None
        rows.append([label, before, after, change])
    r = write_table(ws, ["measure", "as it is", "with the additions", "change"], rows, start_row=r + 1,
                    filters=False, freeze=False) + 2
    put(ws, r, 1, f"Additions: total cost {plan.total_cost:g}" if plan.additions else
        "Additions: none — no addition places another critical requirement").font = BOLD
    if plan.additions:
        rows = [[a.kind, ", ".join(a.ids), a.amount, a.cost, a.what,
                 "; ".join(f"{u.trainee_id} {u.name} {u.requirement}" + (" (critical)" if u.critical else "")
                           for u in a.unlocks)]
                for a in plan.additions]
        r = write_table(ws, ["kind", "ids", "amount", "cost", "what", "unlocks"], rows, start_row=r + 1,
                        filters=False, freeze=False, widths={"what": 70, "unlocks": 90})
    r += 2
    put(ws, r, 1, "Critical requirements no addition can rescue").font = BOLD
    if plan.unrescued:
        rows = [[u.trainee_id, u.name, u.requirement, u.reason, u.detail] for u in plan.unrescued]
        r = write_table(ws, ["trainee_id", "name", "requirement", "reason", "detail"], rows, start_row=r + 1,
                        filters=False, freeze=False, widths={"detail": 100})
    else:
        r += 1
        put(ws, r, 1, "none: every critical requirement is placed")
    r += 2
    put(ws, r, 1, "Costs and limits used (the Costs sheet, or the defaults)").font = BOLD
    write_table(ws, ["key", "value"], [[k, v] for k, v in plan.costs.model_dump().items()], start_row=r + 1,
                filters=False, freeze=False)
    for letter, width in zip("ABCDEF", (30, 28, 20, 14, 70, 90)):  # the tables share columns
        ws.column_dimensions[letter].width = width
