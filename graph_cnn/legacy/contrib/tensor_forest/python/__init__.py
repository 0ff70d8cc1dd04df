"""``tensorflow.contrib.tensor_forest.python``: holds the ``tensor_forest`` module."""

from graph_cnn.legacy.contrib.tensor_forest.python import tensor_forest  # noqa: F401
