"""``tensorflow.contrib.boosted_trees.proto``: holds ``learner_pb2``."""

from graph_cnn.legacy.contrib.boosted_trees.proto import learner_pb2  # noqa: F401
