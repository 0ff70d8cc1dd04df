"""``tensorflow.contrib.boosted_trees.estimator_batch``: holds the ``estimator`` module."""

from graph_cnn.legacy.contrib.boosted_trees.estimator_batch import estimator  # noqa: F401
