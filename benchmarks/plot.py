"""Plot benchmarks/results.json to benchmarks/plot.png (needs matplotlib: pip install matplotlib)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HERE = Path(__file__).resolve().parent


def main() -> None:
    rows = json.loads((HERE / "results.json").read_text())["rows"]
    by_n = defaultdict(list)
    for r in rows:
        by_n[r["trainees"]].append(r)
    sizes = sorted(by_n)
    mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
    solve = [mean([r["solve_s"] for r in by_n[n]]) for n in sizes]
    greedy_s = [mean([r["greedy_s"] for r in by_n[n]]) for n in sizes]
    def below(value, bound):
        return (bound - value) / max(1, bound) * 100

    gap = [mean([below(r["tier1a"], r["tier1a_flow_bound"]) for r in by_n[n]]) for n in sizes]
    gap_cpsat = [mean([below(r["tier1a"], r["tier1a_bound_solver"]) for r in by_n[n]]) for n in sizes]
    # greedy only where it could arrange the running cases at all
    greedy_pts = [(n, mean(xs)) for n in sizes
                  if (xs := [below(r["greedy_tier1a"], r["tier1a_flow_bound"]) for r in by_n[n]
                             if r["greedy_tier1a"] is not None])]
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4))
    a.plot(sizes, solve, "o-", label="rotasolve (CP-SAT)")
    a.plot(sizes, greedy_s, "s--", label="greedy by hand")
    a.set_xlabel("core trainees")
    a.set_ylabel("wall seconds")
    a.set_xscale("log")
    a.set_yscale("log")
    a.legend()
    a.set_title("Time")
    b.plot(sizes, gap, "o-", label="rotasolve vs max-flow bound")
    b.plot([n for n, _ in greedy_pts], [g for _, g in greedy_pts], "s--", label="greedy vs max-flow bound")
    b.plot(sizes, gap_cpsat, "^:", label="rotasolve vs its proven bound")
    b.set_xlabel("core trainees")
    b.set_ylabel("% below the bound (critical requirements placed)")
    b.set_xscale("log")
    b.legend()
    b.set_title("Tier 1a gap to the bound")
    fig.tight_layout()
    fig.savefig(HERE / "plot.png", dpi=90)
    print(f"wrote {HERE / 'plot.png'}")


if __name__ == "__main__":
    main()
