"""Results in words, for people who read them rather than filter them: statuses, reasons,
requirements and solve statuses as a DME says them, the headline of a result, and the run
record (manifest) in plain sentences. The JSON keeps the codes; the Excel pages and the
HTML reports show these words (and the Excel pages keep the codes in a column for filters).
"""

from __future__ import annotations

from collections import Counter

from ..domain import Instance, requirement_of
from ..results.solution import ComplianceRow, RunRecord, Solution

STATUS_WORDS = {"COMPLETE": "Complete", "IN_PROGRESS": "In progress", "ALLOCATED": "Allocated",
                "NOT_YET_DUE": "Not yet due", "WAITING": "Waiting", "AT_RISK": "At risk",
                "WILL_MISS": "Will miss"}
# Background and text colours per status (hex, no '#'): greens for on track, amber for
# waiting or at risk, red for a requirement that will be missed.
STATUS_COLOURS = {"COMPLETE": ("C6EFCE", "006100"), "IN_PROGRESS": ("C6EFCE", "006100"),
                  "ALLOCATED": ("DDEBF7", "1F4E78"), "NOT_YET_DUE": ("EDEDED", "404040"),
                  "WAITING": ("FFEB9C", "7F6000"), "AT_RISK": ("FFD8A8", "843C0C"),
                  "WILL_MISS": ("FFC7CE", "9C0006")}
STATUS_MEANING = {
    "COMPLETE": "done before this period",
    "IN_PROGRESS": "running, and carries on",
    "ALLOCATED": "placed this period",
    "NOT_YET_DUE": "cannot start yet (a case starts at CT2)",
    "WAITING": "not placed, with time in hand",
    "AT_RISK": "not placed; it becomes critical next period",
    "WILL_MISS": "not placed, and would finish after its due date",
}
REQUIREMENT_WORDS = {"cbdg": "Case-based discussion group", "short_case": "Short case", "long_case": "Long case"}
REASON_WORDS = {"no_case": "No suitable case", "no_supervisor": "No supervisor free",
                "no_slot": "No common free slot", "capacity": "Places all taken",
                "tutor_capacity": "Tutor has no room", "weekly_hours": "Weekly hours used up",
                "travel": "Too far to travel", "not_yet_due": "Not yet due",
                "group_too_small": "Group would be too small"}
SOLVE_STATUS_WORDS = {"OPTIMAL": "Optimal — proven the best allocation",
                      "FEASIBLE": "Feasible — a good allocation, not proven the best (see the bounds)",
                      "INFEASIBLE": "Not possible — the running items conflict; nothing was allocated",
                      "UNKNOWN": "No allocation found within the time limit"}


def status_words(code: str) -> str:
    return STATUS_WORDS.get(code, code.replace("_", " ").capitalize())


def requirement_words(code: str) -> str:
    return REQUIREMENT_WORDS.get(code, code.replace("_", " "))


def reason_words(code: str) -> str:
    return REASON_WORDS.get(code, code.replace("_", " ").capitalize())


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def placed_needs(inst: Instance, sol: Solution) -> set[tuple[str, str]]:
    """(trainee, requirement) placed this period (running items are not placements)."""
    out = {(g.trainee_id, "cbdg") for g in sol.groups if not g.kept}
    return out | {(c.trainee_id, requirement_of(inst.case[c.case_id].length))
                  for c in sol.cases if not c.kept and c.case_id in inst.case}


def _where(rows: list[ComplianceRow], status: str) -> str:
    """'1 trainee at risk, at Eastfield' style: trainees with the status and their trusts."""
    trusts: dict[str, set[str]] = {}
    for r in rows:
        if r.status == status:
            trusts.setdefault(r.trust, set()).add(r.trainee_id)
    n = len({t for ids in trusts.values() for t in ids})
    if len(trusts) == 1:
        return f"{_plural(n, 'trainee')} {_verb(status)}, at {next(iter(trusts))}"
    parts = ", ".join(f"{trust} ({len(ids)})" for trust, ids in sorted(trusts.items()))
    return f"{_plural(n, 'trainee')} {_verb(status)}: {parts}"


def _verb(status: str) -> str:
    return "will miss a requirement" if status == "WILL_MISS" else "at risk"


def risk_words(rows: list[ComplianceRow]) -> list[str]:
    """Who will miss a requirement and who is at risk, by trust; 'no trainee at risk' if none."""
    found = Counter(r.status for r in rows)
    out = [_where(rows, s) for s in ("WILL_MISS", "AT_RISK") if found[s]]
    return out or ["no trainee at risk or missing a requirement"]


def headline(inst: Instance, sol: Solution) -> str:
    """The result in one sentence: 'All 5 critical requirements placed; 30 of 75
    requirements placed (28 not yet due); 1 trainee at risk, at Eastfield.'"""
    if sol.status not in ("OPTIMAL", "FEASIBLE"):
        return SOLVE_STATUS_WORDS[sol.status] + "."
    needs = inst.needs.all()
    done = placed_needs(inst, sol)
    critical = {(n.trainee_id, n.requirement) for n in needs if n.critical and not n.gated}
    if not critical:
        first = "No requirement is critical this period"
    elif critical <= done:
        first = "The critical requirement placed" if len(critical) == 1 else \
            f"All {len(critical)} critical requirements placed"
    else:
        first = f"{len(critical & done)} of {len(critical)} critical requirements placed"
    gated = sum(1 for n in needs if n.gated)
    second = f"{len(done)} of {_plural(len(needs), 'requirement')} placed" + (
        f" ({gated} not yet due)" if gated else "")
    rows = sol.compliance
    return "; ".join([first, second, *risk_words(rows)]) + "."


def compliance_headline(rows: list[ComplianceRow], solved: bool) -> str:
    """Compliance in one sentence, before or after solving."""
    counts = Counter(r.status for r in rows)
    trainees = len({r.trainee_id for r in rows})
    lead = ("With the allocation" if solved else "As the workbook stands (nothing allocated yet)")
    done = counts["COMPLETE"] + counts["IN_PROGRESS"] + counts["ALLOCATED"]
    return (f"{lead}: {_plural(trainees, 'trainee')}, {done} of {len(rows)} requirements complete, running or "
            f"placed; " + "; ".join(risk_words(rows)) + ".")


def _number(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _singular(word: str, n) -> str:
    return word[:-1] if n == 1 and word.endswith("s") else word


def plain(value) -> str:
    """Any manifest value in words: lists joined, mappings as 'key value', no Python reprs."""
    if value is None:
        return "—"
    if isinstance(value, dict):
        return ", ".join(f"{_number(v)} {_singular(str(k).replace('_', ' '), v)}" for k, v in value.items()) or "none"
    if isinstance(value, (list, tuple)):
        return "; ".join(plain(v) for v in value) or "none"
    return _number(value)


def manifest_lines(record: RunRecord) -> list[tuple[str, str]]:
    """The run record in plain words: (what, said), in a fixed order; only what the run
    recorded."""
    m, given = record, record.model_fields_set
    out = []
    if "input_name" in given:
        out.append(("Workbook solved", f"{plain(m.input_name)} (SHA-256 {plain(m.input_sha256)})"))
    if "rotasolve" in given:
        out.append(("Software", f"rotasolve {m.rotasolve}, OR-Tools {plain(m.ortools)}"))
    if "seed" in given:
        out.append(("Settings", f"seed {m.seed}, {_plural(int(m.workers or 1), 'worker')}, time limit "
                                f"{plain(m.time_limit_seconds)} s"))
    if "reproducible" in given:
        if not m.reproducible:
            said = "no — the search used every second it had, so another run may differ"
        elif m.deterministic:
            said = "yes — the search did a fixed amount of work; the same workbook, seed and limit give the same files"
        else:
            said = "no — the clock stopped the search before its planned work was done; a longer limit avoids this"
        out.append(("Reproducible", said))
    if "search" in given:
        out.append(("Search", plain(m.search)))
    if m.model is not None:
        out.append(("Model size", plain(m.model.model_dump())))
    if "strategy" in given:
        out.append(("Strategy", plain(m.strategy)))
    if "notes" in given:
        out.append(("Notes", plain(m.notes)))
    if m.replanned:
        out.append(("Change cost", plain(m.change_cost)))
    if "cheapest_proven" in given:
        out.append(("Cheapest proven", plain(m.cheapest_proven)))
    if "stopped_early" in given:
        out.append(("Stopped early", plain(m.stopped_early)))
    return out
