"""``tf.contrib.autograph``: TF 1.15's ``tf.autograph`` under its contrib name (``to_graph``,
``to_code``, ``convert``, ``do_not_convert`` ...), with ``tf.compat.v1``'s signatures."""

import tensorflow as tf

from graph_cnn.legacy.contrib import _paths

__getattr__ = _paths.forward("autograph", lambda: tf.compat.v1.autograph)
