"""``tf.contrib.keras``: in TF 1.15 the very names of ``tf.keras`` (``layers``, ``models``,
``datasets``, ``utils`` ...), so here the layer's ``tf.keras`` (today's Keras through
``tf.compat.v1``). Not emulated: the pre-1.4 module paths ``tf.contrib.keras.python.keras...``.
"""

from graph_cnn.legacy.contrib import _paths


def _keras():
    from graph_cnn.compat import tf1

    return tf1.keras


__getattr__ = _paths.forward("keras", _keras)
