"""``tensorflow.contrib.factorization.python``: holds ``ops``."""

from graph_cnn.legacy.contrib.factorization.python import ops  # noqa: F401
