"""The house's rooms: dependencies run one way (data <- compat <- models <- harness <-
reproductions <- verify, tools <- cli; legacy stands on compat beside the models, and nothing of
the reproduction side imports it), and importing a module switches nothing."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "graph_cnn"
# The rooms each room may import besides its own. The top level holds the shared base (errors,
# fileio, lazy, quiet), the entry points (cli, __main__) and the old paths kept for a release.
BELOW = {"base": set(), "data": {"base"}, "compat": {"base", "data"}}
BELOW["models"] = BELOW["legacy"] = BELOW["compat"] | {"compat"}
BELOW["harness"] = BELOW["models"] | {"models"}
BELOW["reproductions"] = BELOW["harness"] | {"harness"}
BELOW["tools"] = BELOW["reproductions"] | {"reproductions"}
BELOW["verify"] = BELOW["tools"] | {"legacy"}
BELOW["entry"] = set(BELOW) | {"verify", "tools"}
BELOW["moved"] = BELOW["entry"] | {"entry"}
TOP_LEVEL = {"__init__": "base", "errors": "base", "fileio": "base", "_moved": "base",
             "lazy": "base", "quiet": "base", "stats": "base", "cli": "entry", "__main__": "entry"}
MOVED = {"tf1", "layers", "contrib_layers", "input_data", "mldata", "mnist"}


def room(module):
    """The room of a dotted module name under graph_cnn (``graph_cnn.harness.train`` -> harness)."""
    parts = module.split(".")[1:]
    if not parts:
        return "base"
    if len(parts) == 1 and (PACKAGE / f"{parts[0]}.py").exists():
        return "moved" if parts[0] in MOVED else TOP_LEVEL[parts[0]]
    return parts[0]


def module_name(path):
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _main_guard_lines(tree):
    """Lines inside ``if __name__ == "__main__":``: a module's script entry, which may call the cli."""
    lines = set()
    for node in tree.body:
        if (isinstance(node, ast.If) and isinstance(node.test, ast.Compare)
                and isinstance(node.test.left, ast.Name) and node.test.left.id == "__name__"):
            lines |= set(range(node.lineno, node.end_lineno + 1))
    return lines


def imports(path):
    """Every graph_cnn module ``path`` imports, at any depth (inside functions too), except the
    cli called from a ``__main__`` guard."""
    tree = ast.parse(path.read_text())
    entry = _main_guard_lines(tree)
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rsplit(".", 1)[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("graph_cnn")]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            if not base.startswith("graph_cnn"):
                continue
            for alias in node.names:  # "from graph_cnn import data" names a room itself
                sub = f"{base}.{alias.name}"
                target = sub if base == "graph_cnn" else base
                found.append((node.lineno, target))
    return [(line, target) for line, target in found
            if not (line in entry and room(target) == "entry")]


def violations(paths):
    bad = []
    for path in paths:
        source = room(module_name(path))
        for line, target in imports(path):
            into = room(target)
            if into == source:
                continue
            if into not in BELOW[source]:
                bad.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {source} imports "
                           f"{target} ({into})")
    return bad


SOURCES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.smoke
def test_every_module_has_a_room():
    assert {room(module_name(p)) for p in SOURCES} <= set(BELOW)


@pytest.mark.smoke
def test_dependencies_run_one_way():
    assert violations(SOURCES) == []


def test_the_check_catches_compat_importing_the_harness():
    fake = PACKAGE / "compat" / "_probe_layering.py"
    text = "from graph_cnn.harness import towers\nfrom graph_cnn.data import mnist\n"
    try:
        fake.write_text(text)
        assert violations([fake]) == [
            "graph_cnn/compat/_probe_layering.py:1: compat imports graph_cnn.harness (harness)"]
    finally:
        fake.unlink()


@pytest.mark.parametrize("a, b", [("verify", "tools"), ("tools", "verify"), ("compat", "legacy"),
                                  ("harness", "legacy"), ("models", "legacy"),
                                  ("legacy", "models"), ("legacy", "harness")])
def test_sibling_rooms_do_not_import_each_other(a, b, tmp_path):
    fake = PACKAGE / a / "_probe_layering.py"
    try:
        fake.write_text(f"from graph_cnn.{b} import x\n")
        assert len(violations([fake])) == 1
    finally:
        fake.unlink()


def test_importing_any_module_switches_nothing():
    """Only graph_cnn.compat.tf1 and what extends it (graph_cnn.legacy.tf, the old graph_cnn.tf1
    path) enter TF1 graph mode; no module picks a matplotlib backend."""
    modules = [module_name(p) for p in SOURCES
               if module_name(p) not in ("graph_cnn.compat.tf1", "graph_cnn.legacy.tf",
                                         "graph_cnn.tf1", "graph_cnn.__main__")]
    code = ("import importlib, sys, warnings\n"
            "warnings.simplefilter('ignore')\n"
            "import matplotlib, tensorflow as tf\n"
            "backend = matplotlib.rcParams._get_backend_or_none()\n"
            f"for m in {modules!r}:\n"
            "    importlib.import_module(m)\n"
            "assert tf.executing_eagerly(), 'a module switched to graph mode'\n"
            "assert matplotlib.rcParams._get_backend_or_none() == backend, 'backend changed'\n"
            "print(len(sys.argv), 'ok')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, env={"TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin"})
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-1500:]


def test_no_import_circle():
    """No module imports, at any depth and inside functions too, a module that imports it back
    (a ``__main__`` guard may call the cli). Edges go to the module named: ``from a import b``
    to ``a.b`` when that is a module, else to ``a``."""
    modules = {module_name(p): p for p in SOURCES}

    def target(base, name):
        return f"{base}.{name}" if f"{base}.{name}" in modules else base

    graph = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text())
        entry = _main_guard_lines(tree)
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        edges = set()
        for node in ast.walk(tree):
            if getattr(node, "lineno", None) in entry:
                continue
            if isinstance(node, ast.Import):
                edges |= {a.name for a in node.names if a.name in modules}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                if base in modules:
                    edges |= {target(base, a.name) for a in node.names}
        graph[name] = edges - {name}

    # Tarjan's strongly connected components: every component of two or more is a circle
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert circles == [], "import circles: " + "; ".join(" -> ".join(c + c[:1]) for c in circles)
