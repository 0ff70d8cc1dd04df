"""The PyTorch LeNet repost, part 1: a PyTorch LeNet with average pooling, rebuilt in TF graph
style.

torchvision's MNIST with ``ToTensor`` and ``Normalize((0.1307,), (0.3081,))``, DataLoaders of
batch 512 (training shuffled); conv 5x5 6 and 16 maps (VALID) each followed by a 2x2 average pool
with no activation, then 256 -> 120 ReLU -> 84 ReLU -> 10; ``CrossEntropyLoss``; ``SGD(lr=1e-3)``;
50 epochs, test accuracy after each (epochs numbered from 1). Reported: test acc 0.9549 at the end.
"""

import sys
from dataclasses import replace

from graph_cnn.harness.optimizers import adam, sgd
from graph_cnn.harness.spec import Budget, Figure, Pipeline, Reference
from graph_cnn.models import lenet_avgpool
from graph_cnn.reproductions.articles import PYTORCH_LENET

PIPELINE = Pipeline(
    id="lenet_avgpool",
    articles=(PYTORCH_LENET,),
    title="PyTorch LeNet, average pooling, SGD 1e-3",
    model=lenet_avgpool.lenet,  # PyTorch's default U(+-1/sqrt(fan_in)) initialisation
    input_shape=(28, 28, 1),
    data="torchvision",
    scale="torch",
    one_hot=False,
    loss="sparse_softmax_mean",
    optimizer=lambda: sgd(1e-3),
    batch_size=512,
    full=Budget(epochs=50),
    quick=Budget(epochs=1, train_limit=1024, test_limit=1000),
    figures=(Figure("test accuracy", "test_acc", 0.9549, at=50, source="text: test acc 0.9549"),),
    # the figures in braces are read from the committed results (graph_cnn.harness.compare.render)
    causes={"test accuracy": (
        "the figure does not hold for the code as printed: the article's own PyTorch code run "
        "today ({lenet_avgpool@pytorch test_acc 50 n} seeds) ends at "
        "{lenet_avgpool@pytorch test_acc 50 pm} after 50 epochs, as plain SGD at lr 1e-3 has "
        "not converged; the same code gives {lenet_avgpool_sgd_lr1e-2@pytorch test_acc 50 pm} "
        "with lr 1e-2 and {lenet_avgpool_200epochs@pytorch test_acc end pm} after 200 epochs at "
        "lr 1e-3, so the published run most likely used a larger learning rate or several times "
        "the epochs")},
    reference=Reference(
        equivalence="torch", originals=("torch",), optimizer=("sgd", 1e-3),
        layers=(("conv", 6, 5, None, "valid"), ("avgpool", 2, 2), ("conv", 16, 5, None, "valid"),
                ("avgpool", 2, 2), ("flatten",), ("dense", 120, "relu"), ("dense", 84, "relu"),
                ("dense", 10, None))),
)

ABLATIONS = (
    replace(PIPELINE, id="lenet_avgpool_sgd_lr1e-2", title="... with SGD lr 1e-2 (ablation)",
            optimizer=lambda: sgd(1e-2), figures=(), causes={}, reference=None),
    replace(PIPELINE, id="lenet_avgpool_adam", title="... with Adam lr 1e-3 (ablation)",
            optimizer=adam, figures=(), causes={}, reference=None),
)

if __name__ == "__main__":
    from graph_cnn.cli import reproduce_script
    sys.exit(reproduce_script(PIPELINE.id))
