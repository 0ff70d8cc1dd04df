"""``tf.contrib.framework``: the argument scopes slim is built on."""

from graph_cnn.legacy.contrib.layers import add_arg_scope, arg_scope  # noqa: F401
