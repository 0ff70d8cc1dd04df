"""``tf.contrib.tensorboard``: its ``plugins.projector``, the embedding projector's config."""

from graph_cnn.legacy.contrib.tensorboard import plugins  # noqa: F401
