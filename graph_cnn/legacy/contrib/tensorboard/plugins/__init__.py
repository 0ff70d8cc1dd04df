"""``tf.contrib.tensorboard.plugins``: ``projector``."""

from graph_cnn.legacy.contrib.tensorboard.plugins import projector  # noqa: F401
