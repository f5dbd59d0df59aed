"""Workbook fuzzing: mutate a valid workbook and require a clean error report or a valid
solve — never a traceback. Used by the test suite (a quick sample) and by
`python -m rotasolve.synthetic.fuzz N` (the long run)."""

from __future__ import annotations

import random
import sys
import tempfile
from collections import Counter
from datetime import datetime
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import PatternFill
from openpyxl.utils.exceptions import IllegalCharacterError

from ..check import check
from ..engine import SolveOptions
from ..core.errors import WorkbookError
from ..workbook.reader import read_workbook
from ..workbook.template import write_instance
from .generate import generate
from ..pipeline import allocate

ODD_TEXT = ["", " ", "0", "-1", "1e309", "NaN", "∞", "CT4", "yes/no", "=1+1", "2027/13/45", "31/02/2027",
            "Feb 3rd", "MON-AM;;,", "é ü ß 中文 🙂", "\u202e", "x" * 5000, "NULL", "None", "#REF!", "1,000"]


def _cell(rng, wb):

    ws = rng.choice(wb.worksheets)
    if ws.max_row < 1 or ws.max_column < 1:
        return ws, None
    cell = ws.cell(row=rng.randint(1, max(1, ws.max_row)), column=rng.randint(1, max(1, ws.max_column)))
    return ws, None if isinstance(cell, MergedCell) else cell  # merged cells cannot be written


def _blank(rng, wb):
    _, c = _cell(rng, wb)
    if c is not None:
        c.value = None

def _odd(rng, wb):
    _, c = _cell(rng, wb)
    if c is not None:
        c.value = rng.choice(ODD_TEXT + [rng.randint(-5, 10**6), rng.random() * 100, True,
                                         datetime(1900, 1, 1), datetime(2099, 12, 31)])

def _swap(rng, wb):
    ws, c = _cell(rng, wb)
    if c is not None and ws.max_row > 1:
        _, other = _cell(rng, wb)
        if other is not None:
            c.value, other.value = other.value, c.value

def _duplicate_row(rng, wb):
    ws = rng.choice(wb.worksheets)
    if ws.max_row > 1:
        r = rng.randint(2, ws.max_row)
        ws.append([c.value for c in ws[r]])

def _delete_row(rng, wb):
    ws = rng.choice(wb.worksheets)
    if ws.max_row > 1:
        ws.delete_rows(rng.randint(1, ws.max_row))

def _drop_sheet(rng, wb):
    if len(wb.worksheets) > 1:
        wb.remove(rng.choice(wb.worksheets))

def _drop_column(rng, wb):
    ws = rng.choice(wb.worksheets)
    if ws.max_column > 1:
        ws.delete_cols(rng.randint(1, ws.max_column))

def _control(rng, wb):
    _, c = _cell(rng, wb)
    if c is not None:
        try:
            c.value = "T\x01\x1b[31m" + str(c.value)
        except IllegalCharacterError:  # openpyxl refuses illegal XML characters; that is fine
            c.value = "T\u0085\u2028" + str(c.value)

def _merge(rng, wb):
    ws = rng.choice(wb.worksheets)
    if ws.max_row > 2 and ws.max_column > 2:
        r, c = rng.randint(1, ws.max_row - 1), rng.randint(1, ws.max_column - 1)
        ws.merge_cells(start_row=r, start_column=c, end_row=r + 1, end_column=c + 1)

def _hide(rng, wb):
    rng.choice(wb.worksheets).sheet_state = "hidden"

def _trailing_rows(rng, wb):
    ws = rng.choice(wb.worksheets)
    fill = PatternFill("solid", fgColor="FFFF00")
    for r in range(ws.max_row + 1, ws.max_row + 50_001, 97):
        ws.cell(row=r, column=1).fill = fill

def _uk_date_text(rng, wb):
    ws = wb["Trainees"] if "Trainees" in wb.sheetnames else rng.choice(wb.worksheets)
    for row in ws.iter_rows(min_row=2):
        for c in row:
            if isinstance(c.value, datetime):
                c.value = c.value.strftime(rng.choice(["%d/%m/%Y", "%Y-%m-%d", "%d.%m.%y", "%m/%d/%Y"]))


# Mutations a tutor's editing could cause, and rarer ones.
COMMON = [_blank, _odd, _swap, _duplicate_row, _delete_row, _drop_column, _control, _merge, _hide, _uk_date_text]
RARE = [_drop_sheet, _trailing_rows]


def fuzz_case(base: Path, seed: int, workdir: Path, solve_time: float = 2.0) -> str:
    """One mutated workbook; returns 'refused', 'solved', 'conflict' or 'no solution in
    time' (a valid outcome: exit code 5). Raises on a defect."""
    rng = random.Random(seed)
    wb = openpyxl.load_workbook(base)
    for _ in range(rng.randint(1, 3)):
        (rng.choice(RARE) if rng.random() < 0.03 else rng.choice(COMMON))(rng, wb)
    path = workdir / f"fuzz-{seed}.xlsx"
    wb.save(path)
    try:
        inst = read_workbook(path).instance
    except WorkbookError as err:
        assert err.problems and all(p.message for p in err.problems)
        return "refused"
    finally:
        path.unlink(missing_ok=True)
    sol = allocate(inst, SolveOptions(time_limit=solve_time, workers=1, seed=0))
    if sol.status == "INFEASIBLE":
        assert sol.conflicts
        return "conflict"
    if sol.status == "UNKNOWN":
        return "no solution in time"
    assert sol.status in ("OPTIMAL", "FEASIBLE")
    assert check(inst, sol) == []
    return "solved"


def main(n: int, start: int = 0) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        base = work / "base.xlsx"
        write_instance(generate(12, 2, seed=3), base)
        outcomes: Counter = Counter()
        defects = []
        for seed in range(start, start + n):
            try:
                outcomes[fuzz_case(base, seed, work)] += 1
            except Exception as e:  # noqa: BLE001 - a defect: record and go on
                defects.append((seed, f"{type(e).__name__}: {e}"[:300]))
                outcomes["defect"] += 1
            if (seed - start) % 500 == 499:
                print(f"{seed - start + 1} cases: {dict(outcomes)}", flush=True)
        print(f"{n} cases: {dict(outcomes)}")
        for seed, what in defects[:50]:
            print(f"  seed {seed}: {what}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000, int(sys.argv[2]) if len(sys.argv) > 2 else 0)
