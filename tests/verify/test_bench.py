"""The benchmark's workers run and report a rate (a smoke test: no timing is asserted)."""

import importlib.util
import subprocess
import sys

import pytest

from graph_cnn import reproductions
from graph_cnn.verify import bench
from graph_cnn.verify import bench_models as twins


@pytest.mark.parametrize("kind", ["ours", "ours_one_tower", "ceiling", "keras"])
def test_bench_worker_reports_images_per_second(kind):
    done = subprocess.run([sys.executable, "-m", "graph_cnn.verify.bench", "--worker", kind,
                           "chollet_dense", "--batches", str(bench.WARMUP + 2)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert float(done.stdout.strip().splitlines()[-1]) > 0


def test_every_main_pipeline_declares_its_reference_model():
    """equivalence and bench read each article's reference from its pipeline: one folder."""
    mains = reproductions.pipelines(include_ablations=False)
    assert twins.twins(mains) == list(mains)
    assert all(p.reference.equivalence in ("keras", "torch", "tf1") for p in mains.values())


@pytest.mark.parametrize("pid", twins.twins(reproductions.pipelines(include_ablations=False)))
def test_twins_have_our_models_parameter_counts(pid):
    """The tf.keras and PyTorch twins the benchmark races are the same size as our graphs."""
    import keras
    import numpy as np

    from graph_cnn import reproductions
    from graph_cnn.compat import tf1
    from graph_cnn.harness.graph import build_graph

    graph, _ = build_graph(reproductions.get(pid))
    with graph.as_default():
        ours = sum(int(np.prod(v.shape)) for v in tf1.trainable_variables())
    reference = reproductions.get(pid).reference
    model, _ = twins.keras_model(keras, reference)
    assert sum(int(np.prod(w.shape)) for w in model.trainable_weights) == ours
    if importlib.util.find_spec("torch"):
        import torch
        model, _ = twins.torch_model(torch, reference)
        assert sum(p.numel() for p in model.parameters()) == ours


@pytest.mark.skipif(not importlib.util.find_spec("torch"), reason="torch is not installed")
def test_bench_torch_worker_runs_a_twin():
    done = subprocess.run([sys.executable, "-m", "graph_cnn.verify.bench", "--worker", "torch",
                           "barter_selu_bn_aug", "--batches", str(bench.WARMUP + 2)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert float(done.stdout.strip().splitlines()[-1]) > 0
