"""Benchmarks of the solve engine, run by hand (never in CI); results in results.json and
the tables of benchmarks/README.md.

    python benchmarks/run.py shapes       # 120 trainees, seven shapes, connected or not
    python benchmarks/run.py sizes        # connected and disconnected regions, 250-2,000 (and 5,000)
    python benchmarks/run.py variants     # tier 1 weighted / staged, with and without the greedy start
    python benchmarks/run.py previous --old DIR   # the previous engine, from a checkout at DIR
    python benchmarks/run.py references   # the independent reference (benchmarks/reference.py), long
    python benchmarks/run.py table        # the tables, as Markdown, from results.json

Every solve is a fresh process running the command line as a user would
(``rotasolve solve WORKBOOK --json ... --time-limit S``), reading and writing included;
its wall time is measured from outside, and its memory is the peak, over the run, of the
resident memory of the process and all its children together (sampled every 50 ms from
/proc), so the processes a region's parts run in are counted. Runs of the engines being
compared alternate, so that a machine that slows down slows them alike.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results.json"
CACHE = HERE / ".cache"  # generated workbooks (ignored by git)
SHAPES = ["balanced", "scarce-supervisors", "remote-heavy", "ltft-heavy", "tight-tutors", "many-running",
          "one-big-trust"]


# ----- running one command ------------------------------------------------------------------
def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants, now."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def measure(cmd: list[str], env: dict | None = None, timeout: float = 3600, cwd: Path | None = None) -> dict:
    """Wall seconds, peak memory of the process tree, exit code, and each stderr line
    with the second it arrived."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})}, cwd=cwd)
    peak = [0]
    lines: list[tuple[float, str]] = []

    def sample():
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            time.sleep(0.05)

    def read():
        for line in proc.stderr:
            lines.append((time.monotonic() - started, line.rstrip()))

    threads = [threading.Thread(target=sample), threading.Thread(target=read)]
    for t in threads:
        t.start()
    try:
        stdout = proc.stdout.read()
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        stdout = ""
    for t in threads:
        t.join()
    return {"wall_s": round(time.monotonic() - started, 2), "peak_mib": round(peak[0] / 2 ** 20),
            "exit": proc.returncode, "stderr": lines, "stdout": stdout}


# ----- instances ----------------------------------------------------------------------------
def workbook(n: int, trusts: int, seed: int, shape: str = "balanced", connected: bool = True) -> Path:
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"{'c' if connected else 'd'}{n}-{trusts}-{seed}-{shape}.xlsx"
    if not path.exists():
        args = ["generate", str(path), "-n", str(n), "-k", str(trusts), "-s", str(seed), "--shape", shape]
        subprocess.run([sys.executable, "-m", "rotasolve.cli", *args] + (["--connected"] if connected else []),
                       check=True, capture_output=True)
    return path


def key(n, trusts, seed, shape, connected) -> str:
    return f"{'connected' if connected else 'disconnected'} {n}/{trusts} seed {seed} {shape}"


# ----- the engines --------------------------------------------------------------------------
def ours(path: Path, limit: float, *extra: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        run = measure([sys.executable, "-m", "rotasolve.cli", "solve", str(path), "-o", str(out / "s.xlsx"),
                       "--json", str(out / "s.json"), "--time-limit", str(limit), *extra])
        sol = json.loads((out / "s.json").read_text()) if (out / "s.json").exists() else None
    row = {k: run[k] for k in ("wall_s", "peak_mib", "exit")}
    row["tier1_proven_s"] = _tier1_proven(run["stderr"])
    if sol:
        row.update(status=sol["status"], tiers=sol["objective"]["tiers"], bounds=sol["objective"]["bound"],
                   gaps=sol["objective"].get("gap"), variables=sol["manifest"]["model"]["variables"],
                   strategy=sol["manifest"].get("strategy"), deterministic=sol["manifest"].get("deterministic"))
    return row


def _tier1_proven(lines) -> float | None:
    """When the first stage (tiers 1a and 1b) finished with no gap: its line, as it arrived."""
    for second, line in lines:
        if "tier 1/" in line and "gap 0.0%" in line and "critical placed" in line:
            return round(second, 1)
    return None


def previous_engine(path: Path, limit: float, old: Path) -> dict:
    """The engine before this one, from a checkout at ``old``, with its own meaning of
    --time-limit (deterministic seconds)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        run = measure([sys.executable, "-c", "from rotasolve.cli import main; main()", "solve", str(path),
                       "-o", str(out / "s.xlsx"), "--json", str(out / "s.json"), "--time-limit", str(limit),
                       "--quiet"], env={"PYTHONPATH": str(old)}, cwd=old)
    # cwd too: `python -c` puts the working directory ahead of PYTHONPATH on sys.path, so
    # from a checkout of this engine it would import this engine, not the previous one.
        sol = json.loads((out / "s.json").read_text()) if (out / "s.json").exists() else None
    row = {k: run[k] for k in ("wall_s", "peak_mib", "exit")}
    if sol:
        row.update(status=sol["status"], tiers=sol["objective"]["tiers"], bounds=sol["objective"]["bound"],
                   variables=sol["manifest"]["model"]["variables"])
    return row


def greedy_tiers(path: Path) -> list[int] | None:
    from rotasolve.baseline import greedy
    from rotasolve.workbook.reader import read_workbook
    from rotasolve.model.objective import score

    inst = read_workbook(path).instance
    sol = greedy(inst)
    if sol is None:
        return None
    tiers = score(inst, sol)
    return [tiers.critical, tiers.others]


def reference(path: Path, limit: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "r.json"
        run = measure([sys.executable, str(HERE / "reference.py"), str(path), "--time-limit", str(limit),
                       "--json", str(out)], timeout=limit * 3 + 600)
        sol = json.loads(out.read_text()) if out.exists() else None
    if not sol:
        return {"exit": run["exit"]}
    return {"tiers": sol["objective"]["tiers"], "bounds": sol["objective"]["bound"], "status": sol["status"],
            "wall_s": run["wall_s"], "limit": limit}


# ----- the runs -----------------------------------------------------------------------------
def load() -> dict:
    return json.loads(RESULTS.read_text()) if RESULTS.exists() else {"runs": [], "references": {}}


def save(results: dict) -> None:
    results["machine"] = (f"{platform.machine()}, {os.cpu_count()} cores, "
                          f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2 ** 30:.0f} GiB, "
                          f"Python {platform.python_version()}")
    results["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                       cwd=ROOT).stdout.strip()
    results["date"] = time.strftime("%Y-%m-%d")
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")


def record(results: dict, what: str, instance: str, engine: str, limit: float, row: dict) -> None:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=ROOT).stdout.strip()
    row = {"what": what, "instance": instance, "engine": engine, "limit": limit, "commit": commit, **row}
    results["runs"].append(row)
    print(json.dumps(row), flush=True)
    save(results)


def shapes(args) -> None:
    results = load()
    for seed in range(1, args.seeds + 1):
        for connected in (False, True):
            for shape in SHAPES:
                path = workbook(120, 4, seed, shape, connected)
                name = key(120, 4, seed, shape, connected)
                row = ours(path, args.time_limit)
                row["greedy"] = greedy_tiers(path)
                record(results, "shapes", name, "ours", args.time_limit, row)


def sizes(args) -> None:
    results = load()
    for n in args.sizes:
        trusts = {250: 4, 500: 6}.get(n, 12)
        limit = args.time_limit or (60 if n <= 1000 else 120 if n <= 2000 else 600)
        for seed in range(1, args.seeds + 1):
            for connected in (True, False):
                path = workbook(n, trusts if connected else 3, seed, "balanced", connected)
                row = ours(path, limit)
                row["greedy"] = greedy_tiers(path) if n <= 2000 else None
                record(results, "sizes", key(n, trusts if connected else 3, seed, "balanced", connected), "ours",
                       limit, row)


def variants(args) -> None:
    """Tier 1 as one weighted sum or in two stages, from the greedy start or from nothing;
    the same instances, the variants alternating."""
    results = load()
    engines = {"weighted": [], "weighted, no start": ["--no-start-hint"], "staged": ["--tier-one", "staged"],
               "staged, no start": ["--tier-one", "staged", "--no-start-hint"]}
    for seed in range(1, args.seeds + 1):
        for shape in SHAPES:
            path = workbook(120, 4, seed, shape, True)
            for engine, extra in engines.items():
                record(results, "variants", key(120, 4, seed, shape, True), engine, args.time_limit,
                       ours(path, args.time_limit, *extra))


def previous(args) -> None:
    """The previous engine and this one on the same instances, alternating."""
    results = load()
    for n, trusts, shape in [(120, 4, s) for s in SHAPES] + [(250, 4, "balanced"), (500, 6, "balanced")]:
        path = workbook(n, trusts, 1, shape, True)
        name = key(n, trusts, 1, shape, True)
        record(results, "previous", name, "previous engine", args.time_limit,
               previous_engine(path, args.time_limit, Path(args.old)))
        record(results, "previous", name, "ours", args.time_limit, ours(path, args.time_limit))


def references(args) -> None:
    results = load()
    names = sorted({r["instance"] for r in results["runs"]})
    for name in names:
        if name in results["references"]:
            continue
        kind, size, _, seed, shape = name.split()
        n, trusts = map(int, size.split("/"))
        if n > args.largest:
            continue
        path = workbook(n, trusts, int(seed), shape, kind == "connected")
        results["references"][name] = reference(path, args.time_limit)
        print(name, results["references"][name], flush=True)
        save(results)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["shapes", "sizes", "variants", "previous", "references", "table"])
    ap.add_argument("--seeds", type=int, default=2)
    ap.add_argument("--sizes", type=int, nargs="+", default=[250, 500, 1000, 2000])
    ap.add_argument("--time-limit", type=float, default=None)
    ap.add_argument("--old", help="a checkout of the previous engine (for `previous`)")
    ap.add_argument("--largest", type=int, default=1000, help="the largest instance `references` solves")
    args = ap.parse_args()
    if args.what in ("shapes", "variants") and args.time_limit is None:
        args.time_limit = 30
    if args.what == "previous" and args.time_limit is None:
        args.time_limit = 60
    if args.what == "references" and args.time_limit is None:
        args.time_limit = 1800
    if args.what == "table":
        from table import markdown
        print(markdown(load()))
        return
    {"shapes": shapes, "sizes": sizes, "variants": variants, "previous": previous,
     "references": references}[args.what](args)


if __name__ == "__main__":
    main()
