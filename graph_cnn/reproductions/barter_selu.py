"""Barter's TensorFlow CNN, part 1 (Stephen Barter, "convolutional neural net in TensorFlow"):
a SELU CNN.

The article loads MNIST with ``fetch_mldata``, takes the first 60,000 rows for training and the
last 10,000 for test, shuffles the training rows, feeds random mini-batches to a TF1 graph
(12 and 16 3x3 conv maps, 3x3/2 max-pools, dense 288 and 144 SELU, 10 logits), minimises the mean
sparse softmax cross-entropy with Adam, measures accuracy with ``in_top_k`` and reports the test
accuracy each epoch, numbering epochs from 0.
"""

import sys
from dataclasses import replace

from graph_cnn.harness.optimizers import adam
from graph_cnn.harness.spec import Budget, Figure, Pipeline, Reference
from graph_cnn.models import barter
from graph_cnn.reproductions.articles import BARTER

PIPELINE = Pipeline(
    id="barter_selu",
    articles=(BARTER,),
    title="SELU CNN (fetch_mldata, Adam)",
    model=barter.selu_cnn,
    input_shape=(784,),
    data="fetch_mldata",  # 70,000 sorted rows -> 60k/10k, training rows shuffled
    one_hot=False,
    loss="sparse_softmax_mean",
    optimizer=adam,  # TF1 defaults
    batch_size=100,  # not stated: ARTICLES.md's default
    first_epoch=0,  # the article's "epoch 19" is its 20th
    full=Budget(epochs=20),
    quick=Budget(epochs=1, train_limit=1000, test_limit=1000),
    figures=(
        Figure("test accuracy", "test_acc", 0.9907, at=19, source="text: epoch 19, 0.9907"),
    ),
    notes=(
        "Conv activation not stated: SELU (ReLU as the ablation barter_selu_relu_convs).",
        "Kernel initialiser not stated: tf.layers' default glorot-uniform.",
        "Pixel scaling not stated: /255.",
    ),
    reference=Reference(
        equivalence="tf1", optimizer=("adam", 1e-3),
        layers=(("conv", 12, 3, "selu"), ("maxpool", 3, 2), ("conv", 16, 3, "selu"),
                ("maxpool", 3, 2), ("flatten",), ("dense", 288, "selu"), ("dense", 144, "selu"),
                ("dense", 10, None))),
)

ABLATIONS = (
    replace(PIPELINE, id="barter_selu_relu_convs", title="SELU CNN, ReLU convs (ablation)",
            model=barter.relu_convs(barter.selu_cnn), figures=()),
    # the batch size is not stated (ARTICLES.md's default: 100): half and double it
    *(replace(PIPELINE, id=f"barter_selu_batch{size}", batch_size=size, figures=(),
              title=f"SELU CNN, batch {size} (ablation)") for size in (50, 200)),
)

if __name__ == "__main__":
    from graph_cnn.cli import reproduce_script
    sys.exit(reproduce_script(PIPELINE.id))
