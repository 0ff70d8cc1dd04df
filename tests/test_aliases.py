"""The old flat module names (README, "Upgrading"): until graph_cnn 0.3.0 each still imports,
warns with a DeprecationWarning naming its new home, and is that very module."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

import graph_cnn
from graph_cnn import _moved

ALIASES = {"tf1": "graph_cnn.legacy.tf", "layers": "graph_cnn.compat.layers",
           "contrib_layers": "graph_cnn.legacy.contrib.layers",
           "input_data": "graph_cnn.data.input_data", "mldata": "graph_cnn.data.mldata",
           "mnist": "graph_cnn.data.mnist"}

# in a fresh process: these imports switch TensorFlow to graph mode, and each warns only once
_PROBE = """
import importlib, json, sys, warnings
out = {}
for old, new in json.loads(sys.argv[1]).items():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        module = importlib.import_module("graph_cnn." + old)
    out[old] = {"same": module is importlib.import_module(new),
                "warnings": [[w.category.__name__, str(w.message)] for w in caught
                             if "graph_cnn." + old + " moved" in str(w.message)]}
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def imported():
    result = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(ALIASES)],
                            check=False, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.smoke
@pytest.mark.parametrize("old", sorted(ALIASES))
def test_old_name_warns_and_is_the_new_module(imported, old):
    assert imported[old]["same"], f"graph_cnn.{old} is not {ALIASES[old]}"
    assert imported[old]["warnings"] == [[
        "DeprecationWarning",
        f"graph_cnn.{old} moved to {ALIASES[old]}; the old name goes in graph_cnn 0.3.0"]]


@pytest.mark.smoke
def test_aliases_go_after_this_release():
    """The release that drops them comes after this one (else they should be gone)."""
    def version(text):
        return tuple(int(part) for part in text.split("."))
    assert version(graph_cnn.__version__) < version(_moved.REMOVED_IN)


@pytest.mark.smoke
def test_every_old_name_is_checked():
    package = Path(graph_cnn.__file__).parent
    flat = {p.stem for p in package.glob("*.py") if "alias(__name__" in p.read_text()}
    assert flat == set(ALIASES)
