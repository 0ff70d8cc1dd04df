import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_MNIST = ROOT.parent / "shared" / "data" / "mnist"


def mnist_source():
    """The MNIST folder tests read: $GRAPH_CNN_DATA, else ../shared/data/mnist beside the repo."""
    return Path(os.environ.get("GRAPH_CNN_DATA") or SHARED_MNIST)


@pytest.fixture(scope="session")
def mnist_dir():
    path = mnist_source()
    if not all((path / f"{n}.gz").exists() or (path / n).exists() for n in (
            "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")):
        pytest.fail(f"MNIST not found in {path}: set GRAPH_CNN_DATA to a folder holding it")
    return path


@pytest.fixture(autouse=True)
def _data_env(monkeypatch, tmp_path_factory):
    """Every test finds MNIST through $GRAPH_CNN_DATA and has an empty private cache."""
    monkeypatch.setenv("GRAPH_CNN_DATA", str(mnist_source()))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def graph():
    from graph_cnn.compat import tf1 as tf

    g = tf.Graph()
    with g.as_default():
        yield g


def run_cli(*args, timeout=600, env=None):
    import subprocess

    full_env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", **(env or {}))
    return subprocess.run([sys.executable, "-m", "graph_cnn", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, env=full_env,
                          cwd=ROOT)


@pytest.fixture(autouse=True)
def _tensorflow_left_as_found():
    """A test that installs the legacy runner in this process (``--check``'s reading, the API
    coverage walk) leaves ``tensorflow`` and the import finders as it found them, so the tests
    after it import real TensorFlow, not the runner's stand-in."""
    before = {name: module for name, module in sys.modules.items()
              if name == "tensorflow" or name.startswith("tensorflow.")}
    finders = list(sys.meta_path)
    yield
    for name in [n for n in sys.modules if n == "tensorflow" or n.startswith("tensorflow.")]:
        module = sys.modules[name]
        if name in before:
            sys.modules[name] = before[name]
        elif not str(getattr(module, "__file__", "") or "").startswith(
                str(Path(getattr(before.get("tensorflow"), "__file__", "/nonexistent")).parent)):
            del sys.modules[name]  # a stand-in the runner made
    sys.meta_path[:] = finders
