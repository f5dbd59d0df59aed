"""Solves one lane of independent parts in a process of its own (see
solve._solve_parts_side_by_side).

Started as ``python -m rotasolve.model.part_worker``: the parts, the options and the
lane's budget arrive pickled on stdin, and the results leave pickled on stdout. A fresh
interpreter started this way never imports the caller's main module, which
multiprocessing's spawn and forkserver do, so a user's script without
``if __name__ == "__main__"`` still works, and no CP-SAT thread state is inherited as it
would be with fork. Both ends are rotasolve of the same installation, so pickle carries
nothing from outside.
"""

from __future__ import annotations

import pickle
import sys


def main() -> None:
    from .solve import _solve_parts_in_turn

    parts, options, budget = pickle.load(sys.stdin.buffer)
    results = _solve_parts_in_turn(parts, options, None, 0.0, budget)
    pickle.dump(results, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":
    main()
