"""The TF1 LeNet-5 repost, part 2: the same LeNet-5 with ReLU in place of sigmoid, nothing else
changed.

The article says the training accuracy does not improve and stays low, and blames a learning rate
too high for ReLU, which kills neurons. The run records the fraction of ``fc1`` units that never
fire on the test images (``dead_fc1``) to check that cause.
"""

import sys
from dataclasses import replace

from graph_cnn.harness.compare import measured
from graph_cnn.harness.spec import Claim, Reference
from graph_cnn.models import lenet5
from graph_cnn.reproductions.lenet5_sigmoid import PIPELINE as SIGMOID
from graph_cnn.reproductions.lenet5_sigmoid import twin_layers


def stays_low(results):
    relu = measured(results["lenet5_relu_same_lr"], "test_acc")
    sigmoid = measured(results["lenet5_sigmoid"], "test_acc")
    return (f"final test accuracy ReLU {relu.round(4).tolist()} vs sigmoid "
            f"{sigmoid.round(4).tolist()} (yes if every ReLU seed is below the sigmoid mean)",
            bool(len(relu)) and bool(len(sigmoid)) and bool((relu < sigmoid.mean()).all()))


def kills_neurons(results):
    dead = measured(results["lenet5_relu_same_lr"], "dead_fc1")
    return (f"fraction of fc1 ReLUs silent on every test image: {dead.round(3).tolist()} "
            f"(yes if above 0.5 on average)", bool(len(dead)) and dead.mean() > 0.5)


PIPELINE = replace(
    SIGMOID,
    id="lenet5_relu_same_lr",
    title="LeNet-5 with ReLU, same initialisation and learning rate",
    model=lenet5.original_relu,
    claims=(Claim("with ReLU the accuracy does not improve and stays low", stays_low),
            Claim("the learning rate is too high for ReLU: it kills neurons", kills_neurons)),
    expected_divergence=(
        "the article's ReLU net does not learn at this learning rate; here its softmax "
        "underflows to 0 and the summed loss takes log(0), which is detected and recorded"),
    reference=Reference(equivalence="tf1", optimizer=("sgd", 1e-3),
                        layers=twin_layers("relu", (6, 16), 80, conv3=True)),
)

if __name__ == "__main__":
    from graph_cnn.cli import reproduce_script
    sys.exit(reproduce_script(PIPELINE.id))
