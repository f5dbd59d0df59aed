"""Solves one lane of independent parts in a process of its own (see engine.lanes).

Started as ``python -m rotasolve.engine.part_worker``: the job (parts, options, deadline,
budgets) arrives pickled on stdin, and the results leave pickled on stdout. A fresh
interpreter started this way never imports the caller's main module, which
multiprocessing's spawn and forkserver do, so a user's script without
``if __name__ == "__main__"`` still works, and no CP-SAT thread state is inherited as it
would be with fork. Both ends are rotasolve of the same installation, so pickle carries
nothing from outside. A stop requested in the parent reaches the child over its stop line
(``rotasolve.core.stop.Line``); the child then returns its best so far like any result.
"""

from __future__ import annotations

import pickle
import sys

from ..core import stop
from .solve import solve_in_turn


def main() -> None:
    stop.listen_to_parent()
    job = pickle.load(sys.stdin.buffer)
    results = solve_in_turn(job["parts"], job["options"], job["search_budget"], job["deadline"],
                            job["budget_bytes"], labels=job["labels"])
    pickle.dump(results, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":
    main()
