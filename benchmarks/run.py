"""Benchmarks, run by hand (not part of the test suite):

    python benchmarks/run.py                   # the table in benchmarks/README.md
    python benchmarks/run.py --sizes 20 60 --seeds 1 --time-limit 20

For each generated scheme: model size, time to first solution, solve time, status and
gap, peak memory, tier-1 values of the solver, the greedy by-hand baseline (same
instance, same checker) and the max-flow bound. Each run is a fresh process so that
peak memory (ru_maxrss) belongs to that run alone.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def one(n: int, seed: int, trusts: int, time_limit: float, workers: int) -> dict:
    import resource

    from rotasolve.baseline import coverage_bound, greedy, tier1
    from rotasolve.check import check
    from rotasolve.generate import generate
    from rotasolve.model.solve import SolveOptions
    from rotasolve.pipeline import allocate

    inst = generate(n, trusts, seed)
    t0 = time.monotonic()
    by_hand = greedy(inst)
    greedy_seconds = time.monotonic() - t0
    greedy_tier1 = tier1(inst, by_hand) if by_hand is not None else None
    greedy_ok = by_hand is not None and check(inst, by_hand) == []
    bound = coverage_bound(inst)
    first: list[float] = []

    def progress(p):
        if not first:
            first.append(p.elapsed)
    t0 = time.monotonic()
    sol = allocate(inst, SolveOptions(time_limit=time_limit, workers=workers, seed=seed), progress=progress)
    seconds = time.monotonic() - t0
    ours = tuple(sol.objective.tiers[:2]) if sol.objective.tiers else None
    return {
        "trainees": n, "seed": seed, "trusts": trusts, "parts": sol.manifest["model"]["parts"],
        "variables": sol.manifest["model"]["variables"], "constraints": sol.manifest["model"]["constraints"],
        "status": sol.status, "first_solution_s": round(first[0], 2) if first else None,
        "solve_s": round(seconds, 2), "deterministic_s": sol.solve_seconds,
        "deterministic": sol.manifest["deterministic"],
        "solution_sha256": hashlib.sha256(sol.to_json().encode()).hexdigest()[:12],
        "tier1a": ours[0] if ours else None, "tier1b": ours[1] if ours else None,
        "tier1a_bound_solver": sol.objective.bound[0] if sol.objective.bound else None,
        "tier1a_flow_bound": bound,
        "greedy_tier1a": greedy_tier1[0] if greedy_tier1 else None,
        "greedy_tier1b": greedy_tier1[1] if greedy_tier1 else None,
        "greedy_valid": greedy_ok, "greedy_s": round(greedy_seconds, 3),
        "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        # Parts solved side by side run in child processes: the largest of them, at its peak.
        "peak_child_mib": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[20, 60, 120, 250, 500, 1000])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--trusts", type=int, default=3)
    ap.add_argument("--time-limit", type=float, default=None,
                    help="deterministic seconds; default 10 up to 120 trainees, else 60")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, default=HERE / "results.json")
    ap.add_argument("--one", nargs=5, type=float, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        n, seed, trusts, limit, workers = args.one
        print(json.dumps(one(int(n), int(seed), int(trusts), limit, int(workers))))
        return
    rows = []
    for n in args.sizes:
        limit = args.time_limit or (10.0 if n <= 120 else 60.0)
        for seed in range(1, args.seeds + 1):
            cmd = [sys.executable, __file__, "--one", str(n), str(seed), str(args.trusts), str(limit), str(args.workers)]
            out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
            row = json.loads(out.strip().splitlines()[-1])
            rows.append(row)
            print(json.dumps(row), flush=True)
    meta = {"machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, "
                       f"{__import__('os').cpu_count()} cores, Python {platform.python_version()}",
            "date": time.strftime("%Y-%m-%d"), "rows": rows}
    args.out.write_text(json.dumps(meta, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
