"""Small expression helpers shared by the rule modules."""

from __future__ import annotations

from ortools.sat.python import cp_model


def total(items) -> cp_model.LinearExpr:
    """A sum that is always a CP-SAT expression, even when empty."""
    return cp_model.LinearExpr.Sum(list(items))
