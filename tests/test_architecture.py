"""The house's shape, held by a test (docs/architecture.md): no import cycle, no module
importing from a layer above its own, the model depending on the domain only, imports at
the top of modules, no private name used across modules, and no module or function over
its size unless docs/architecture.md says why."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "rotasolve"

# Lowest first. A module may import from its own layer and the ones below.
LAYERS = [
    ("foundation", ["rotasolve.errors", "rotasolve.dates", "rotasolve.rules", "rotasolve.progress",
                    "rotasolve.version", "rotasolve.stop"]),
    ("domain", ["rotasolve.domain", "rotasolve.solution", "rotasolve.sweep_results",
                "rotasolve.planning_results"]),
    ("facts about an allocation", ["rotasolve.check", "rotasolve.allocation"]),
    ("solvers", ["rotasolve.model", "rotasolve.baseline", "rotasolve.generate", "rotasolve.generate_shapes"]),
    ("engine and reports", ["rotasolve.engine", "rotasolve.explain", "rotasolve.compliance",
                            "rotasolve.diagnostics", "rotasolve.replan", "rotasolve.lifecycle",
                            "rotasolve.scenarios", "rotasolve.wording"]),
    ("workbooks and pages", ["rotasolve.excel", "rotasolve.reports"]),
    ("one run", ["rotasolve.pipeline", "rotasolve.sweep", "rotasolve.planning"]),
    ("entry points", ["rotasolve.cli", "rotasolve.fuzz", "rotasolve.web", "rotasolve"]),
]
# The CP-SAT model is built from the domain alone (and writes solution rows).
MODEL_MAY_USE = ("rotasolve.model", "rotasolve.domain", "rotasolve.solution", "rotasolve.errors",
                 "rotasolve.dates", "rotasolve.rules", "rotasolve.progress", "rotasolve.stop")
OPTIONAL = {"ray", "flask", "werkzeug"}  # optional dependencies are imported where they are used
# The web app needs the [web] extra: `rotasolve serve` imports it when it runs, so that the
# other commands work without Flask.
OPTIONAL_MODULES = ("rotasolve.web",)


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def layer(name: str) -> int:
    best, found = -1, None
    for i, (_title, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".")) and len(prefix) > best:
                best, found = len(prefix), i
    assert found is not None, f"{name} is in no layer of tests/test_architecture.py"
    return found


def imports(name: str, path: Path, runtime: bool = False) -> list[tuple[str, int, bool]]:
    """(imported rotasolve module, line, at the top of the module); with ``runtime``,
    leaving out imports for type hints alone."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    top = {id(node) for node in tree.body}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [base] + [f"{base}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        else:
            continue
        if runtime and _under_type_checking(tree, node):
            continue
        known = [t for t in targets if t in MODULES]
        for target in known[-1:] if len(known) > 1 and known[0] != known[-1] else known[:1]:
            out.append((target, node.lineno, id(node) in top or _under_type_checking(tree, node)
                        or target.startswith(OPTIONAL_MODULES)))
        for t in targets:
            if t.split(".")[0] not in ("rotasolve",) and id(node) not in top and t.split(".")[0] not in OPTIONAL:
                if not _under_type_checking(tree, node):
                    out.append((f"third party {t}", node.lineno, False))
    return out


def _under_type_checking(tree, node) -> bool:
    for parent in ast.walk(tree):
        if isinstance(parent, ast.If) and "TYPE_CHECKING" in ast.unparse(parent.test):
            if any(child is node for child in ast.walk(parent)):
                return True
    return False


MODULES = modules()


def graph() -> dict[str, set[str]]:
    """Who imports whom when the code runs: an import for type hints alone (under
    ``if TYPE_CHECKING``) is not followed, as Python never executes it."""
    return {name: {t for t, _line, _top in imports(name, path, runtime=True) if t in MODULES and t != name}
            for name, path in MODULES.items()}


def test_no_import_cycle():
    edges = graph()
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " -> ".join(path[path.index(nxt):] + [nxt]))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)


def test_no_module_imports_from_a_layer_above():
    upward = [f"{name} ({LAYERS[layer(name)][0]}) imports {target} ({LAYERS[layer(target)][0]})"
              for name, targets in graph().items() for target in sorted(targets) if layer(target) > layer(name)]
    assert upward == []


def test_the_model_depends_on_the_domain_only():
    wrong = [f"{name} imports {target}" for name, targets in graph().items() if name.startswith("rotasolve.model")
             for target in sorted(targets) if not target.startswith(MODEL_MAY_USE)]
    assert wrong == []


def test_imports_at_the_top_of_modules():
    inner = [f"{path.relative_to(ROOT)}:{line} imports {target}" for name, path in MODULES.items()
             for target, line, top in imports(name, path) if not top]
    assert inner == []


def test_no_private_name_used_across_modules():
    used = []
    for path in MODULES.values():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("rotasolve")):
                used += [f"{path.relative_to(ROOT)}:{node.lineno} imports {a.name}" for a in node.names
                         if a.name.startswith("_") and a.name != "__version__"]
    assert used == []


def exceptions() -> set[str]:
    """Modules and functions docs/architecture.md allows over the limits, with a reason."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    return set(re.findall(r"^- `([^`]+)`", text, re.M))


def test_no_module_over_450_lines_and_no_function_over_60():
    allowed = exceptions()
    over = []
    for path in MODULES.values():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        where = str(path.relative_to(ROOT))
        if lines > 450 and where not in allowed:
            over.append(f"{where}: {lines} lines")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > 60 and f"{where}:{node.name}" not in allowed:
                    over.append(f"{where}:{node.name}: {length} lines")
    assert over == []
