"""The tables of benchmarks/README.md, from results.json (``python benchmarks/run.py table``)."""

from __future__ import annotations


def _tiers(row, i) -> str:
    tiers, bounds = row.get("tiers"), row.get("bounds")
    if not tiers:
        return "—"
    bound = bounds[i] if bounds and i < len(bounds) else None
    return f"{tiers[i]}" + ("" if bound is None else f" / {bound}")


def _reference(results, row, i) -> str:
    ref = results["references"].get(row["instance"], {})
    tiers = ref.get("tiers")
    return "—" if not tiers else f"{tiers[i]}" + ("" if ref.get("status") == "OPTIMAL" else " (best found)")


def latest_runs(results) -> list[dict]:
    """The latest run of each kind, instance, engine and limit: a re-run replaces the row."""
    return list({(r["what"], r["instance"], r["engine"], r["limit"]): r for r in results["runs"]}.values())


def markdown(results) -> str:
    out = [f"Machine: {results.get('machine')}; commit {results.get('commit')}; {results.get('date')}.", ""]
    for what in ("shapes", "sizes", "variants", "previous"):
        rows = [r for r in latest_runs(results) if r["what"] == what]
        if not rows:
            continue
        out += [f"### {what}", "",
                "| instance | engine | limit s | status | tier 1a / bound | tier 1b / bound | reference 1a, 1b "
                "| greedy 1a, 1b "
                "| tier 1 proven at s | wall s | peak MiB (all processes) | variables | strategy | commit |",
                "|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"]
        for r in rows:
            greedy = r.get("greedy")
            out.append(f"| {r['instance']} | {r['engine']} | {r['limit']:g} "
                       f"| {r.get('status', 'exit ' + str(r['exit']))} "
                       f"| {_tiers(r, 0)} | {_tiers(r, 1)} | {_reference(results, r, 0)}, {_reference(results, r, 1)} "
                       f"| {'—' if not greedy else f'{greedy[0]}, {greedy[1]}'} | {r.get('tier1_proven_s') or '—'} "
                       f"| {r['wall_s']} | {r['peak_mib']} | {r.get('variables', '—')} "
                       f"| {', '.join(r.get('strategy') or []) or '—'} | {r.get('commit', '—')} |")
        out.append("")
    return "\n".join(out)
