"""Solves one independent part in a process of its own (see solve._solve_parts_side_by_side).

Started as ``python -m rotasolve.model.part_worker``: the part, the options and the budget
arrive pickled on stdin, and the result leaves pickled on stdout. A fresh interpreter
started this way never imports the caller's main module, which multiprocessing's spawn
and forkserver do, so a user's script without ``if __name__ == "__main__"`` still works,
and no CP-SAT thread state is inherited as it would be with fork. Both ends are
rotasolve of the same installation, so pickle carries nothing from outside.
"""

from __future__ import annotations

import pickle
import sys


def main() -> None:
    from .solve import _solve_part

    part, options, budget = pickle.load(sys.stdin.buffer)
    result = _solve_part(part, options, budget, None, 0.0)
    pickle.dump(result, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":
    main()
