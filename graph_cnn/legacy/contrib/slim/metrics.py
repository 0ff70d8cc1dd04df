"""``slim.metrics``, which is ``tf.contrib.metrics`` (:mod:`graph_cnn.legacy.contrib.metrics`),
as in TF1."""

from graph_cnn.legacy.contrib.metrics import *
