"""The TF1 LeNet-5 repost, part 3: the refactored LeNet with ReLU and a small learning rate.

Weights ``truncated_normal(stddev=0.1)``, biases 0.1; conv 5x5 6 and 16 maps (SAME, ReLU) with
2x2 max-pools (7x7x16 = 784), dense 120 ReLU, dense 10 softmax; the same summed loss;
``GradientDescentOptimizer(1e-4)`` (a comment says Adam, the code runs gradient descent: we follow
the code); 300 steps of batch 200, the training accuracy logged every 10 steps and plotted. No
figure is reported.
"""

import sys
from dataclasses import replace

from graph_cnn.harness.optimizers import sgd
from graph_cnn.harness.spec import Budget, Reference
from graph_cnn.models import lenet5
from graph_cnn.reproductions.lenet5_sigmoid import PIPELINE as SIGMOID
from graph_cnn.reproductions.lenet5_sigmoid import twin_layers

PIPELINE = replace(
    SIGMOID,
    id="lenet5_relu",
    title="LeNet refactor: ReLU, truncated_normal(0.1), biases 0.1, SGD 1e-4",
    model=lenet5.refactor,
    optimizer=lambda: sgd(1e-4),
    log_every=10,
    full=Budget(steps=300),
    quick=Budget(steps=20, test_limit=1000),
    reference=Reference(equivalence="tf1", optimizer=("sgd", 1e-4),
                        layers=twin_layers("relu", (6, 16), 120, conv3=False)),
)

if __name__ == "__main__":
    from graph_cnn.cli import reproduce_script
    sys.exit(reproduce_script(PIPELINE.id))
