"""benchmarks/plot.png from results.json: wall time and peak memory (all processes)
against trainees (the median over an instance's seeds), for connected and disconnected
regions, with the previous engine where it was run. Needs matplotlib (``pip install matplotlib``)."""

from __future__ import annotations

import json
from pathlib import Path
from statistics import median

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from table import latest_runs  # benchmarks/, beside this script

HERE = Path(__file__).resolve().parent


def points(results: dict, engine: str, connected: bool, measure: str) -> tuple[list[int], list[float]]:
    by_size: dict[int, list[float]] = {}
    for r in latest_runs(results):  # as in the tables
        if r["engine"] != engine or r["instance"].startswith("connected") != connected or measure not in r:
            continue
        if r["what"] not in ("sizes", "shapes", "previous") or "balanced" not in r["instance"]:
            continue
        if engine == "ours" and r["what"] == "previous":  # its own runs at the sizes' limits, not these
            continue
        n = int(r["instance"].split()[1].split("/")[0])
        by_size.setdefault(n, []).append(r[measure])
    sizes = sorted(by_size)
    return sizes, [median(by_size[n]) for n in sizes]


def main() -> None:
    results = json.loads((HERE / "results.json").read_text())
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, measure, label in ((axes[0], "wall_s", "wall seconds (reading and writing included)"),
                               (axes[1], "peak_mib", "peak MiB, all processes")):
        for engine, style in (("ours", "-o"), ("previous engine", "--x")):
            for connected, colour in ((True, "tab:red"), (False, "tab:blue")):
                xs, ys = points(results, engine, connected, measure)
                if xs:
                    ax.plot(xs, ys, style, color=colour,
                            label=f"{engine}, {'connected' if connected else 'disconnected'}")
        ax.set_xscale("log")
        sizes = [120, 250, 500, 1000, 2000, 5000]
        ax.set_xticks(sizes, [f"{n:,}" for n in sizes])
        ax.minorticks_off()
        ax.set_xlabel("trainees")
        ax.set_ylabel(label)
        ax.grid(True, alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.suptitle(f"rotasolve solve, 2 workers, median over seeds ({results.get('machine')}, "
                 f"commit {results.get('commit')})", fontsize=9)
    fig.tight_layout()
    fig.savefig(HERE / "plot.png", dpi=110)
    print(f"wrote {HERE / 'plot.png'}")


if __name__ == "__main__":
    main()
