"""Small expression helpers shared by the rule modules."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy.typing as npt
from ortools.sat.python import cp_model, cp_model_helper

Values = Mapping[int, int] | npt.NDArray[Any]  # a value per variable index


def total(items: Iterable[cp_model.LinearExprT]) -> cp_model.LinearExpr:
    """A sum that is always a CP-SAT expression, even when empty."""
    return cp_model.LinearExpr.Sum(list(items))


def flat_value(flat: cp_model_helper.FlatIntExpr, values: Values) -> int:
    """A flattened linear expression's value, ``values`` indexed by variable index (a dict
    or an array): a stage's tier scored on an allocation that CP-SAT did not report."""
    return int(flat.offset + sum(c * int(values[v.index]) for v, c in zip(flat.vars, flat.coeffs)))


def value_in(expr: cp_model.LinearExpr, values: Values) -> int:
    """``flat_value`` of a linear expression."""
    return flat_value(cp_model_helper.FlatIntExpr(expr), values)
