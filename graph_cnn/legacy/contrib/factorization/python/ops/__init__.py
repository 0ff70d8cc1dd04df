"""``tensorflow.contrib.factorization.python.ops``: holds ``clustering_ops``."""

from graph_cnn.legacy.contrib.factorization.python.ops import clustering_ops  # noqa: F401
