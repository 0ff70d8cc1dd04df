"""Equivalence with the original frameworks: same weights, same batches, same numbers."""

import json
import os

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


@pytest.mark.parametrize("pid", KERAS_IDS + TORCH_IDS + TF1_IDS)
def test_rebuild_matches_original_framework(pid):
    # Through the command, in a fresh process: TensorFlow sizes its CPU thread pool once per
    # process, and the comparison runs both sides on one thread.
    needs(equivalence.reference_of(pid))
    result = run_cli("equivalence", pid, "--steps", "3", "--json")
    (row,) = json.loads(result.stdout)
    assert result.returncode == 0 and row["passed"], row
    assert row["max_logit_diff"] < 1e-4 and row["max_loss_diff"] < 1e-4


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
