"""``tf.contrib.signal``: TF 1.15's ``tf.signal`` under its contrib name (``stft``,
``inverse_stft``, ``frame``, ``hann_window``, ``linear_to_mel_weight_matrix`` ...)."""

import tensorflow as tf

from graph_cnn.legacy.contrib import _paths

__getattr__ = _paths.forward("signal", lambda: tf.signal)
