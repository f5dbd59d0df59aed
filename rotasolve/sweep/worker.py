"""A local pool's worker: ``python -m rotasolve.sweep.worker`` (see ``pool.py``).

Jobs arrive pickled on stdin, one after another, and each result leaves pickled on the
original stdout until stdin closes. A stop requested in the parent (Ctrl-C) reaches the
worker over its stop line (``rotasolve.core.stop.Line``): the job it is solving then returns
its best so far. Anything else written to stdout — by Python or by
the solver's C++ code — is sent to stderr instead, so that it can never corrupt the
results. Both ends are rotasolve of the same installation, so pickle carries nothing
from outside.
"""

from __future__ import annotations

import os
import pickle
import sys

from ..core import stop
from .jobs import run_job


def main() -> None:
    stop.listen_to_parent()
    results = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    jobs = sys.stdin.buffer
    while True:
        try:
            job = pickle.load(jobs)
        except EOFError:
            return
        pickle.dump(run_job(job), results, protocol=pickle.HIGHEST_PROTOCOL)
        results.flush()


if __name__ == "__main__":
    main()
