"""Scenario sweeps at national scale: jobs per minute on the local pool and on a local
Ray, with 1 and 2 workers. Run by hand; results in benchmarks/README.md ("Scenario
sweeps").

    pip install -e '.[ray]'
    python benchmarks/sweep.py                      # 40 schemes x 4 scenarios, 4 s a job
    python benchmarks/sweep.py --schemes 8 --time-limit 2 --one-worker-schemes 4   # a quick look

A national set: ``--schemes`` generated schemes of 50-120 trainees (2-4 trusts each,
``rotasolve.synthetic.generate``), and four scenarios: the baseline, 25 group sessions, one more
place per supervisor, two more CBT supervisors. Every configuration solves the same jobs
(with one worker, the first ``--one-worker-schemes`` schemes only, to keep the run
short: jobs per minute is a rate) and must give the same rows; the table says whether
it did. Each configuration runs in a fresh process, so Ray's start-up is counted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rotasolve.domain.scenario import Scenario  # noqa: E402
from rotasolve.workbook.template import write_instance  # noqa: E402
from rotasolve.synthetic.generate import generate  # noqa: E402
from rotasolve.sweep import LocalPool, RayEngine, WorkbookData, sweep  # noqa: E402

SCENARIOS = [Scenario(name="25 group sessions", profile={"cbdg_sessions": 25}),
             Scenario(name="one more place per supervisor", supervisor_places=1),
             Scenario(name="two more CBT supervisors", new_supervisors=(("CBT", 2),))]


def schemes(folder: Path, count: int) -> list[Path]:
    """``count`` generated schemes of 50-120 trainees, the same every run."""
    paths = []
    for i in range(count):
        n, trusts = 50 + (i * 37) % 71, 2 + i % 3
        path = folder / f"scheme{i + 1:02d}-{n}.xlsx"
        if not path.exists():
            write_instance(generate(n, trusts, seed=i + 1), path)
        paths.append(path)
    return paths


def one(engine: str, workers: int, paths: list[Path], time_limit: float) -> dict:
    """One configuration, in this process: the sweep's wall time and its rows' hash."""
    started = time.time()
    books = [WorkbookData(p.name, p.read_bytes()) for p in paths]
    runner = LocalPool(workers) if engine == "pool" else RayEngine("local", workers)
    with runner:
        report = sweep(SCENARIOS, books, runner, time_limit=time_limit, seed=0)
    wall = time.time() - started
    rows = json.dumps([r.model_dump(mode="json") for r in report.rows], sort_keys=True)
    return {"engine": engine, "workers": workers, "schemes": len(paths), "jobs": len(report.rows),
            "failed": len(report.failed), "wall_seconds": round(wall, 1),
            "jobs_per_minute": round(60 * len(report.rows) / wall, 1),
            "not_deterministic": sum(1 for r in report.rows if r.deterministic is False),
            "rows_sha256": hashlib.sha256(rows.encode()).hexdigest()[:12],
            "trainees": sum(r.trainees or 0 for r in report.rows if r.scenario == "baseline")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--schemes", type=int, default=40)
    ap.add_argument("--one-worker-schemes", type=int, default=20)
    ap.add_argument("--time-limit", type=float, default=4.0)
    ap.add_argument("--engines", default="pool,ray")
    ap.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()) / "rotasolve-sweep-bench")
    ap.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "sweep_results.json")
    ap.add_argument("--child", nargs=3, metavar=("ENGINE", "WORKERS", "SCHEMES"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    paths = schemes(args.folder, args.schemes)
    if args.child:
        engine, workers, count = args.child[0], int(args.child[1]), int(args.child[2])
        print(json.dumps(one(engine, workers, paths[:count], args.time_limit)))
        return
    results = []
    for engine in args.engines.split(","):
        for workers, count in ((1, args.one_worker_schemes), (2, args.schemes)):
            done = subprocess.run([sys.executable, __file__, "--schemes", str(args.schemes), "--time-limit",
                                   str(args.time_limit), "--folder", str(args.folder), "--child", engine,
                                   str(workers), str(count)], capture_output=True, text=True, check=True)
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(results[-1], file=sys.stderr, flush=True)
    _table(results, args)


def _table(results: list[dict], args) -> None:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    same = {}
    for r in results:  # configurations over the same schemes must agree row for row
        same.setdefault(r["schemes"], set()).add(r["rows_sha256"])
    meta = {"date": date.today().isoformat(), "commit": commit, "machine": f"{platform.machine()}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}", "load_average": os.getloadavg(),
            "time_limit": args.time_limit, "results": results}
    args.json.write_text(json.dumps(meta, indent=2) + "\n")
    print(f"**Machine:** {meta['machine']}. **Date:** {meta['date']}. **Commit:** {commit}. "
          f"Load average at the end: {', '.join(f'{x:.1f}' for x in meta['load_average'])}.\n")
    print("| engine | workers | schemes | jobs | failed | wall (s) | jobs / min | rows identical |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        print(f"| {r['engine']} | {r['workers']} | {r['schemes']} | {r['jobs']} | {r['failed']} | "
              f"{r['wall_seconds']} | {r['jobs_per_minute']} | "
              f"{'yes' if len(same[r['schemes']]) == 1 else 'NO'} (`{r['rows_sha256']}`) |")


if __name__ == "__main__":
    main()
