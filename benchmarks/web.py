"""The web app of `rotasolve serve` at 120 trainees: how often progress reaches the page
during a solve, and how fast the result pages answer afterwards (issue 23: "under 300 ms
each, and progress at least once a second"). Run by hand, never in CI; a benchmark, not a
timed test.

    pip install -e '.[web]'
    nice -n 10 python benchmarks/web.py                       # 120 trainees, 4 trusts, seed 1, 30 s solve
    python benchmarks/web.py --repeat 50 --trainee-pages 10   # more samples
    python benchmarks/web.py --timeline                       # also every change of the progress payload

What it does, as a user's browser would:

1. generates the scheme of `rotasolve generate OUT.xlsx -n 120 -k 4 -s 1 --connected`
   (``rotasolve.synthetic.generate.generate`` + ``write_instance``) into a temporary folder;
2. starts the real server, `rotasolve serve --port 0 --no-browser`, in a subprocess on
   127.0.0.1 (so the solve runs in the server's process, beside the request threads, as
   it does for a user; this script's polling is a separate process, like a browser) and
   talks to it with ``urllib`` only;
3. uploads the workbook (``POST /workbooks``), starts a solve with a 30 s time limit
   (``POST /workbooks/<key>/solve``) and polls ``/jobs/<id>/progress`` every 100 ms (the
   page itself polls every 500 ms) until the run is no longer ``running``. It records
   when each poll answered and when the payload changed: *engine reports* (any stage's
   row changed, its elapsed included, or a log line arrived) and *changes* (a new stage,
   incumbent, bound, gap or finished stage; the rows without their elapsed, and the log).
   The top-level ``elapsed`` is the server's clock and changes on every poll, so it is
   ignored. Reported: the largest gap between successive answered polls, and between
   successive changes (from the solve's start to the run's end, so a silent start or a
   silent end counts);
4. then requests each result page ``--repeat`` times (default 20): the job's result page
   (the solution), ``--trainee-pages`` trainee pages spread over the trainees the result
   page links to, the workbook's page (which lists its runs), the home page (which lists
   the uploads) and the finished job's progress JSON. Downloads (``/jobs/<id>/files/...``)
   are not pages and are not measured. The first request to each route is reported on its
   own (``first``), then min / median / max of the ``--repeat`` requests after it, in ms
   from sending the request to having read the whole body, over a fresh connection each
   time (as ``urllib`` does);
5. prints a Markdown table, with the machine (cores, Python, OR-Tools), the load average,
   the date and the git commit.

The machine is usually shared: wall times vary between runs; the load average printed
with the table says how busy it was when the run started.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rotasolve.workbook.template import write_instance  # noqa: E402
from rotasolve.synthetic.generate import generate  # noqa: E402

TARGET_MS = 300  # issue 23: each result page in under 300 ms
TARGET_GAP_S = 1.0  # issue 23: progress reaches the page at least once a second


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Keep a 303 as it is, to read its Location (the upload's and the run's address)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def request(url: str, data: bytes | None = None, headers: dict | None = None,
            timeout: float = 30) -> tuple[int, dict, bytes]:
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with OPENER.open(req, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:  # a 3xx (not followed) or an error page
        return e.code, dict(e.headers), e.read()


def multipart(field: str, path: Path) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{path.name}\"\r\n"
            "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n").encode()
    body += path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def start_server(folder: Path) -> tuple[subprocess.Popen, str, Path]:
    """`rotasolve serve --port 0 --no-browser` in a subprocess; its address from its first line."""
    out, err = folder / "serve.out", folder / "serve.err"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    cmd = [sys.executable, "-c", "import sys; from rotasolve.cli import main; main(sys.argv[1:])",
           "serve", "--port", "0", "--no-browser"]
    with open(out, "wb") as o, open(err, "wb") as e:
        proc = subprocess.Popen(cmd, stdout=o, stderr=e, cwd=ROOT, env=env)
    end = time.time() + 60
    while time.time() < end:
        m = re.search(r"open at (http://127\.0\.0\.1:\d+/)", out.read_text(errors="replace"))
        if m:
            return proc, m.group(1).rstrip("/"), err
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    stop_server(proc)
    raise SystemExit(f"the server did not start:\n{err.read_text(errors='replace')}")


def stop_server(proc: subprocess.Popen) -> None:
    """Ctrl-C, as a user stops it (it removes its uploads), then a kill if it hangs."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def signatures(snap: dict) -> tuple[str, str]:
    """(engine reports, changes) of a progress payload: see the module docstring."""
    stages = snap.get("stages", [])
    reports = json.dumps([stages, snap.get("log", [])], sort_keys=True)
    changes = json.dumps([[{k: v for k, v in s.items() if k != "elapsed"} for s in stages], snap.get("log", [])],
                         sort_keys=True)
    return reports, changes


def describe_stages(snap: dict) -> str:
    parts = []
    for s in snap.get("stages", []):
        label = f"{s['label']}: " if s["label"] else ""
        gap = "" if s["gap"] is None else f" gap {s['gap']}%"
        parts.append(f"{label}{s['what']} {s['stage']}/{s['stages']} {s['tier']} {s['incumbent']}/{s['bound']}{gap}"
                     + (" done" if s["done"] else "") + f" (engine {s['elapsed']} s)")
    return "; ".join(parts) or "(no stages yet)"


def largest_gaps(times: list[float], n: int = 3) -> list[tuple[float, float, float]]:
    """The n largest (gap, from, to) between successive times."""
    gaps = [(b - a, a, b) for a, b in zip(times, times[1:])]
    return sorted(gaps, reverse=True)[:n]


def solve_and_poll(base: str, workbook: Path, time_limit: float, seed: int, interval: float,
                   timeline: bool) -> dict:
    body, ctype = multipart("workbook", workbook)
    t = time.perf_counter()
    status, headers, data = request(base + "/workbooks", body, {"Content-Type": ctype}, timeout=120)
    upload_ms = 1000 * (time.perf_counter() - t)
    if status != 303:
        raise SystemExit(f"upload answered {status}: {data[:500]!r}")
    wb = headers["Location"]
    wb_path = urllib.parse.urlparse(wb).path if wb.startswith("http") else wb
    form = urllib.parse.urlencode({"time_limit": f"{time_limit:g}", "seed": str(seed)}).encode()
    start = time.perf_counter()
    status, headers, data = request(base + wb_path + "/solve", form,
                                    {"Content-Type": "application/x-www-form-urlencoded"})
    if status != 303:
        raise SystemExit(f"starting the solve answered {status}: {data[:500]!r}")
    job = headers["Location"]
    job_path = urllib.parse.urlparse(job).path if job.startswith("http") else job

    polls: list[tuple[float, float]] = []  # (sent, answered), seconds since the solve was started
    failed = 0
    reports_at: list[float] = []
    changes_at: list[float] = []
    last = ("", "")
    snap: dict = {}
    end_by = start + time_limit + 600
    while time.perf_counter() < end_by:
        sent = time.perf_counter()
        try:
            status, _h, data = request(base + job_path + "/progress", timeout=10)
            ok = status == 200
        except OSError:
            ok = False
        answered = time.perf_counter()
        if not ok:
            failed += 1
        else:
            snap = json.loads(data)
            polls.append((sent - start, answered - start))
            sig = signatures(snap)
            if sig[0] != last[0]:
                reports_at.append(answered - start)
            if sig[1] != last[1]:
                changes_at.append(answered - start)
                if timeline:
                    print(f"  {answered - start:6.2f} s  {describe_stages(snap)}", file=sys.stderr)
            last = sig
            if snap["state"] != "running":
                break
        time.sleep(max(0.0, interval - (time.perf_counter() - sent)))
    else:
        raise SystemExit("the run did not finish")
    done = polls[-1][1]
    answered_at = [0.0] + [a for _s, a in polls]
    latency = [1000 * (a - s) for s, a in polls]
    return {"upload_ms": upload_ms, "wb": wb_path, "job": job_path, "state": snap["state"], "snap": snap,
            "done_s": done, "server_elapsed": snap["elapsed"], "polls": len(polls), "failed": failed,
            "poll_ms": (min(latency), statistics.median(latency), max(latency)),
            "poll_gaps": largest_gaps(answered_at),
            "reports": len(reports_at), "report_gaps": largest_gaps([0.0] + reports_at + [done]),
            "changes": len(changes_at), "change_gaps": largest_gaps([0.0] + changes_at + [done]),
            "first_change": changes_at[0] if changes_at else None}


def time_route(url: str, repeat: int, first: tuple[float, int, int] | None = None) -> dict:
    """``first``: the first request's (ms, status, bytes) when it was already made."""
    def once() -> tuple[float, int, int]:
        t = time.perf_counter()
        status, _h, data = request(url, timeout=60)
        return 1000 * (time.perf_counter() - t), status, len(data)
    first, status, size = first or once()
    ms = []
    for _ in range(repeat):
        m, s, _n = once()
        ms.append(m)
        status = s if s != 200 else status
    return {"first": first, "min": min(ms), "median": statistics.median(ms), "max": max(ms), "status": status,
            "kb": size / 1024}


def machine() -> dict:
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return "?"
    try:
        from importlib.metadata import version
        ortools, flask = version("ortools"), version("flask")
    except Exception:  # noqa: BLE001 - only for the printout
        ortools = flask = "?"
    dirty = " (uncommitted changes in the checkout)" if git("status", "--porcelain", "--untracked-files=no") else ""
    return {"cores": os.cpu_count(), "python": platform.python_version(), "machine": platform.machine(),
            "ortools": ortools, "flask": flask, "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
            "date": datetime.now().strftime("%Y-%m-%d %H:%M"), "commit": git("rev-parse", "--short", "HEAD") + dirty}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trainees", "-n", type=int, default=120)
    ap.add_argument("--trusts", "-k", type=int, default=4)
    ap.add_argument("--seed", "-s", type=int, default=1, help="the generator's seed (the solve's is 0)")
    ap.add_argument("--time-limit", type=float, default=30)
    ap.add_argument("--repeat", type=int, default=20, help="requests to each route after the first")
    ap.add_argument("--trainee-pages", type=int, default=5)
    ap.add_argument("--poll", type=float, default=0.1, help="seconds between progress polls")
    ap.add_argument("--timeline", action="store_true", help="print each change of the progress payload (stderr)")
    args = ap.parse_args()

    info = machine()
    with tempfile.TemporaryDirectory(prefix="rotasolve-bench-web-") as tmp:
        folder = Path(tmp)
        workbook = folder / f"connected-{args.trainees}-{args.trusts}-s{args.seed}.xlsx"
        inst = generate(trainees=args.trainees, trusts=args.trusts, seed=args.seed, connected=True)
        write_instance(inst, workbook)
        print(f"generated {workbook.name}: {len(inst.trainees)} trainees, {len(inst.cases)} cases, "
              f"{len(inst.supervisors)} supervisors", file=sys.stderr)
        proc, base, server_err = start_server(folder)
        try:
            print(f"server at {base}; solving for up to {args.time_limit:g} s, polling every "
                  f"{1000 * args.poll:.0f} ms", file=sys.stderr)
            run = solve_and_poll(base, workbook, args.time_limit, 0, args.poll, args.timeline)
            if run["state"] != "done":
                raise SystemExit(f"the solve ended {run['state']}: {run['snap'].get('log')}")
            t = time.perf_counter()  # the first request after the solve: timed as the result page's first
            status, _h, page = request(base + run["job"], timeout=60)
            result_first = (1000 * (time.perf_counter() - t), status, len(page))
            links = sorted(set(re.findall(re.escape(run["job"]) + r"/trainees/([^\"'/?#]+)\"", page.decode())))
            k = max(1, min(args.trainee_pages, len(links)))
            chosen = [links[round(i * (len(links) - 1) / max(1, k - 1))] for i in range(k)] if links else []
            print(f"result page links {len(links)} trainees; timing {len(chosen)} of them", file=sys.stderr)
            routes = [("result page", "/jobs/<id>", run["job"])]
            routes += [(f"trainee {t}", "/jobs/<id>/trainees/<tid>", f"{run['job']}/trainees/{t}") for t in chosen]
            routes += [("workbook page", "/workbooks/<key>", run["wb"]), ("home", "/", "/"),
                       ("progress (finished)", "/jobs/<id>/progress", run["job"] + "/progress")]
            timed = [(name, route, time_route(base + path, args.repeat, result_first if i == 0 else None))
                     for i, (name, route, path) in enumerate(routes)]
        finally:
            stop_server(proc)
        errors = server_err.read_text(errors="replace")

    print_report(args, info, run, timed, len(inst.trainees))
    if "Traceback" in errors:
        print("\nThe server wrote a traceback on stderr:\n" + errors[-3000:], file=sys.stderr)


def print_report(args, info: dict, run: dict, timed: list, trainees: int) -> None:
    print(f"\n## Web app, {trainees} trainees (connected, {args.trusts} trusts, generator seed {args.seed})\n")
    print(f"**Machine:** {info['machine']}, {info['cores']} cores, Python {info['python']}, OR-Tools "
          f"{info['ortools']}, Flask {info['flask']}; load average at start {info['load']}. "
          f"**Date:** {info['date']}. **Commit:** {info['commit']}.\n")
    print(f"Upload (read and checked): {run['upload_ms']:.0f} ms. Solve: time limit {args.time_limit:g} s, ended "
          f"`{run['state']}` after {run['done_s']:.1f} s (server's clock {run['server_elapsed']} s).\n")
    print("### Result pages (ms, request sent to body read)\n")
    print(f"| page | route | status | KB | first | min | median | max (of {args.repeat}) | < {TARGET_MS} ms? |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, route, r in timed:
        ok = "yes" if max(r["first"], r["max"]) < TARGET_MS else "**no**"
        print(f"| {name} | `{route}` | {r['status']} | {r['kb']:.0f} | {r['first']:.0f} | {r['min']:.0f} | "
              f"{r['median']:.0f} | {r['max']:.0f} | {ok} |")

    def gaps(g: list) -> str:
        return ", ".join(f"{d:.2f} s ({a:.1f}→{b:.1f})" for d, a, b in g)
    print(f"\n### Progress during the solve (polled every {1000 * args.poll:.0f} ms; times in s from the "
          "solve's start)\n")
    print(f"| measure | count | largest gaps (from→to) | ≤ {TARGET_GAP_S:g} s? |")
    print("|---|---|---|---|")
    lat = run["poll_ms"]
    print(f"| answered polls (latency {lat[0]:.0f} / {lat[1]:.0f} / {lat[2]:.0f} ms min / median / max; "
          f"{run['failed']} failed) | {run['polls']} | {gaps(run['poll_gaps'])} | "
          f"{'yes' if run['poll_gaps'][0][0] <= TARGET_GAP_S else '**no**'} |")
    for key, label in (("report_gaps", "engine reports (any stage row or log line)"),
                       ("change_gaps", "changes (stage, incumbent, bound, done, log)")):
        count = run["reports" if key == "report_gaps" else "changes"]
        print(f"| {label} | {count} | {gaps(run[key])} | {'yes' if run[key][0][0] <= TARGET_GAP_S else '**no**'} |")
    if run["first_change"] is not None:
        print(f"\nFirst change of the payload {run['first_change']:.2f} s after the solve was started.")


if __name__ == "__main__":
    main()
