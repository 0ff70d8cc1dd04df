"""The TF1 LeNet-5 repost, part 1: LeNet-5 in TF1 with sigmoid units, written with raw
``tf.nn`` ops.

``input_data.read_data_sets('MNIST_data', one_hot=True)``; conv 5x5 6, 16 and 120 maps (SAME,
sigmoid), 2x2 max-pools after the first two, dense 5,880 -> 80 sigmoid -> 10 softmax; every
weight and bias from ``truncated_normal`` (stddev 1.0); loss ``-reduce_sum(y * log(softmax))``
over the batch; ``GradientDescentOptimizer(0.001)``; 20,000 steps of ``next_batch(200)``, the
batch's training accuracy printed every 2 steps with the elapsed time. The article shows its
results only as screenshots: there is no figure to diff, so the table reports ours. A NaN loss
(log of a softmax that underflowed to 0) is detected and reported.
"""

import sys
from dataclasses import replace

from graph_cnn.harness.optimizers import sgd
from graph_cnn.harness.spec import Budget, Pipeline, Reference
from graph_cnn.models import lenet5
from graph_cnn.reproductions.articles import TF1_LENET5


def twin_layers(activation, maps, units, conv3):
    """The article's LeNets as a layer list for the bench's tf.keras and PyTorch twins."""
    net = (("conv", maps[0], 5, activation), ("maxpool", 2, 2),
           ("conv", maps[1], 5, activation), ("maxpool", 2, 2))
    net += (("conv", 120, 5, activation),) if conv3 else ()
    return net + (("flatten",), ("dense", units, activation), ("dense", 10, None))


PIPELINE = Pipeline(
    id="lenet5_sigmoid",
    articles=(TF1_LENET5,),
    title="LeNet-5, sigmoid, truncated_normal(1.0), summed loss, SGD 0.001",
    model=lenet5.original,
    input_shape=(784,),
    data="input_data",
    one_hot=True,
    loss="summed_log_softmax",
    optimizer=lambda: sgd(0.001),
    batch_size=200,
    log_every=2,
    full=Budget(steps=20000),
    quick=Budget(steps=20, test_limit=1000),
    reference=Reference(equivalence="tf1", optimizer=("sgd", 1e-3),
                        layers=twin_layers("sigmoid", (6, 16), 80, conv3=True)),
)

ABLATIONS = (
    # ARTICLES.md's ambiguity: the scraped script indents train_step.run(...) under
    # "if i % 2 == 0:", so read literally it trains on even steps only (10,000 updates of the
    # 20,000 batches drawn); the default trains every step, as its two later scripts do
    replace(PIPELINE, id="lenet5_sigmoid_even_steps", train_every=2,
            title="... training on even steps only, as the scraped indentation reads (ablation)"),
)

if __name__ == "__main__":
    from graph_cnn.cli import reproduce_script
    sys.exit(reproduce_script(PIPELINE.id))
