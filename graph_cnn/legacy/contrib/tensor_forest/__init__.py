"""``tf.contrib.tensor_forest`` as TF1 scripts used it: ``python.tensor_forest``'s
``ForestHParams`` and ``RandomForestGraphs``, reached as
``from tensorflow.contrib.tensor_forest.python import tensor_forest``. The folders mirror TF's
paths so that import works without aliases; the forest itself is in ``python/tensor_forest.py``."""

from graph_cnn.legacy.contrib.tensor_forest import python  # noqa: F401
