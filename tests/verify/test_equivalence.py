"""Equivalence with the original frameworks: same weights, same batches, same numbers."""

import json
import os
import subprocess
import sys

import pytest
from conftest import run_cli

from graph_cnn import reproductions
from graph_cnn.compat import tf1
from graph_cnn.harness.optimizers import KerasRMSprop, sgd
from graph_cnn.verify import equivalence

KERAS_IDS = ["chollet_convnet", "chollet_dense"]
TORCH_IDS = ["lenet_avgpool", "lenet_avgpool_bn"]
# TF1 pipelines against TensorFlow's own legacy tf.compat.v1.layers (tf-keras), on one thread.
TF1_IDS = ["barter_selu", "barter_selu_bn_aug", "lenet5_sigmoid", "lenet5_relu_same_lr", "lenet5_relu", "lenet5_wide"]


def needs(reference):
    """Skip, saying why, where the reference framework is absent; CI sets
    GRAPH_CNN_REQUIRE_REFERENCES=1 so that there a missing framework fails instead."""
    if not equivalence.reference_available(reference):
        message = f"{reference} is not installed (pip install -e '.[{reference}]')"
        if reference == "keras":
            message = "keras is not installed"
        if os.environ.get("GRAPH_CNN_REQUIRE_REFERENCES"):
            pytest.fail(message)
        pytest.skip(message)


_ROWS = {}
FIGURES = ("max_logit_diff", "max_loss_diff", "max_param_diff", "passed")


def command_row(pid):
    """``graph-cnn equivalence PID --json`` exactly as a user runs it (its own steps, threads
    and tolerance), in a fresh process; run once per id and kept for the tests below."""
    if pid not in _ROWS:
        result = run_cli("equivalence", pid, "--json")
        assert result.stdout.strip(), result.stderr[-2000:]
        (row,) = json.loads(result.stdout)
        _ROWS[pid] = row, result.returncode
    return _ROWS[pid]


@pytest.mark.parametrize("pid", KERAS_IDS + TORCH_IDS + TF1_IDS)
def test_rebuild_matches_original_framework(pid):
    # The same check as the command (a failing row makes it exit 1), so neither can pass while
    # the other fails.
    needs(equivalence.reference_of(pid))
    row, returncode = command_row(pid)
    assert returncode == 0 and row["passed"], row
    assert row["max_logit_diff"] < 1e-4 and row["max_loss_diff"] < 1e-4


def test_the_figures_are_the_same_beside_a_cpu_load():
    """One thread each side, fixed batches: the machine's load changes the time, not the
    numbers. The Adam pipeline with batch norm, the closest to its tolerance, run again while
    two processes keep both cores busy."""
    pid = "barter_selu_bn_aug"
    needs(equivalence.reference_of(pid))
    quiet, _ = command_row(pid)
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        result = run_cli("equivalence", pid, "--json")
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
    (loaded,) = json.loads(result.stdout)
    assert {k: loaded[k] for k in FIGURES} == {k: quiet[k] for k in FIGURES}


@pytest.mark.parametrize("optimizer", [
    lambda: KerasRMSprop(epsilon_inside=True),  # Keras 3's rule instead of Keras 2's
    lambda: KerasRMSprop(epsilon=1e-10),
    lambda: __import__("tensorflow").compat.v1.train.RMSPropOptimizer(0.001),  # ones, TF1
])
def test_a_wrong_rmsprop_default_is_caught(optimizer):
    row = equivalence.check("chollet_dense", steps=2, optimizer=optimizer)
    assert row["passed"] is False and row["max_param_diff"] > 1e-4


def test_biases_feeding_batch_norm_are_the_ones_held():
    from graph_cnn.harness.graph import build_graph

    graph, _ = build_graph(equivalence.comparable(reproductions.get("barter_selu_bn_aug"), True))
    assert equivalence.dead_biases(graph) == ["conv1/bias", "conv2/bias", "fc1/bias", "fc2/bias",
                                              "logits/bias"]
    graph, _ = build_graph(reproductions.get("barter_selu"))
    assert equivalence.dead_biases(graph) == []


@pytest.mark.smoke
def test_a_wrong_adam_epsilon_is_caught_against_tf1():
    needs("tf1")
    row = equivalence.check("barter_selu", steps=3,
                            optimizer=lambda: tf1.train.AdamOptimizer(1e-3, epsilon=1e-7))
    assert row["passed"] is False and row["max_param_diff"] > 1e-5


def test_a_wrong_learning_rate_is_caught_against_pytorch():
    needs("torch")
    row = equivalence.check("lenet_avgpool", steps=3, optimizer=lambda: sgd(1.2e-3))
    assert row["passed"] is False


def test_equivalence_command_json():
    result = run_cli("equivalence", "chollet_dense", "barter_selu", "--steps", "2", "--json")
    assert result.returncode == 0, result.stderr[-2000:]
    rows = {r["id"]: r for r in json.loads(result.stdout)}
    assert rows["chollet_dense"]["passed"] is True and rows["chollet_dense"]["steps"] == 2
    for key in ("reference", "max_logit_diff", "max_loss_diff", "max_param_diff"):
        assert key in rows["chollet_dense"]
    if equivalence.reference_available("tf1"):
        assert rows["barter_selu"]["passed"] is True and rows["barter_selu"]["reference"] == "tf1"
    else:
        assert rows["barter_selu"]["passed"] is None and "not installed" in rows["barter_selu"]["note"]
