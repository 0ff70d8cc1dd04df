"""What ``alexnet`` and ``vgg`` share: the fully connected head written as convolutions
(``fc6`` over the last feature map, VALID; ``fc7`` and ``fc8`` 1x1) with dropout between, and
the ``end_points`` of every layer filed by scope."""

import tensorflow as tf

from graph_cnn.legacy.contrib import layers
from graph_cnn.legacy.contrib.slim import utils

v1 = tf.compat.v1


def head(net, fc6_kernel, num_classes, is_training, dropout_keep_prob, spatial_squeeze,
         fc8_biases=None):
    """``fc6`` (4096, ``fc6_kernel``, VALID), ``dropout6``, ``fc7`` (4096, 1x1), ``dropout7``,
    ``fc8`` (``num_classes``, 1x1, linear; biases from ``fc8_biases`` if given, else the
    scope's); squeezed to ``[batch, num_classes]`` if asked."""
    fc8_options = {} if fc8_biases is None else {"biases_initializer": fc8_biases}
    net = layers.conv2d(net, 4096, fc6_kernel, padding="VALID", scope="fc6")
    net = layers.dropout(net, dropout_keep_prob, is_training=is_training, scope="dropout6")
    net = layers.conv2d(net, 4096, [1, 1], scope="fc7")
    net = layers.dropout(net, dropout_keep_prob, is_training=is_training, scope="dropout7")
    net = layers.conv2d(net, num_classes, [1, 1], activation_fn=None, normalizer_fn=None,
                        scope="fc8", **fc8_options)
    if spatial_squeeze:
        net = tf.squeeze(net, [1, 2], name="fc8/squeezed")
    return net


def end_points(collection, scope_name, logits):
    """The collection's outputs by alias, the (possibly squeezed) logits as ``<scope>/fc8``."""
    points = utils.convert_collection_to_dict(collection)
    points[scope_name + "/fc8"] = logits
    return points
