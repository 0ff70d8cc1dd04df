"""The jerry-jy.co Keras convnet's baseline (Deep Learning with Python 2.1): Dense 512 ReLU
-> Dense 10 softmax on
the flattened pixels, RMSprop, 5 epochs of batch 128; reported test accuracy 97.8%. The article
says the convnet cuts this error rate by 68%."""

import sys

from graph_cnn.harness.compare import measured
from graph_cnn.harness.optimizers import keras_rmsprop
from graph_cnn.harness.spec import Budget, Claim, Figure, Pipeline, Reference
from graph_cnn.models import chollet
from graph_cnn.reproductions.articles import JERRY_JY


def convnet_cuts_error_by_68(results):
    dense = 1 - measured(results["chollet_dense"], "test_acc").mean()
    conv = 1 - measured(results["chollet_convnet"], "test_acc").mean()
    cut = 1 - conv / dense
    return (f"test error {dense:.4f} (dense) -> {conv:.4f} (convnet): cut by {cut:.0%} "
            f"(yes if within 68% +- 10 points)", abs(cut - 0.68) <= 0.10)


PIPELINE = Pipeline(
    id="chollet_dense",
    articles=(JERRY_JY,),
    title="Keras dense baseline (load_data, RMSprop)",
    model=chollet.dense,
    input_shape=(784,),
    data="keras_load_data",
    one_hot=True,
    loss="keras_categorical",
    optimizer=keras_rmsprop,
    batch_size=128,
    full=Budget(epochs=5),
    quick=Budget(epochs=1, train_limit=1280, test_limit=1000),
    figures=(Figure("test accuracy", "test_acc", 0.978, at=5, source="001"),),
    claims=(Claim("the convnet cuts the dense network's test error rate by 68%",
                  convnet_cuts_error_by_68),),
    reference=Reference(equivalence="keras", originals=("keras",), optimizer=("rmsprop", 1e-3),
                        layers=(("flatten",), ("dense", 512, "relu"), ("dense", 10, None))),
)

if __name__ == "__main__":
    from graph_cnn.cli import reproduce_script
    sys.exit(reproduce_script(PIPELINE.id))
