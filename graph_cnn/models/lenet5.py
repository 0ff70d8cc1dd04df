"""Seed 002 (LeNet-5 in TF1, written with raw ``tf.nn`` ops): the sigmoid original, its ReLU
variant, the refactor and the wide refactor. Every weight and bias has the article's own
initialiser; SAME convolutions and 2x2/2 SAME max-pools."""

import collections

from graph_cnn import lazy
from graph_cnn.models import initializers

tf = lazy.module("tensorflow")  # imported when a graph is built
layers = lazy.module("graph_cnn.compat.layers")


def _conv(net, filters, activation, init, bias_init, name):
    return layers.conv2d(net, filters, 5, padding="same", activation=activation,
                         kernel_initializer=init, bias_initializer=bias_init, name=name)


def _pool(net, name):
    return layers.max_pooling2d(net, 2, 2, padding="same", name=name)


def _lenet(X, maps, units, activation, init, bias_init, conv3=None):
    """conv maps[0], pool, conv maps[1], pool, [conv ``conv3``], dense ``units``, dense 10."""
    end_points = collections.OrderedDict()
    net = end_points["reshape"] = tf.reshape(X, [-1, 28, 28, 1])
    net = end_points["conv1"] = _conv(net, maps[0], activation, init, bias_init, "conv1")
    net = end_points["pool1"] = _pool(net, "pool1")
    net = end_points["conv2"] = _conv(net, maps[1], activation, init, bias_init, "conv2")
    net = end_points["pool2"] = _pool(net, "pool2")
    if conv3:
        net = end_points["conv3"] = _conv(net, conv3, activation, init, bias_init, "conv3")
    net = end_points["flatten"] = layers.flatten(net)
    net = end_points["fc1"] = layers.dense(net, units, activation=activation,
                                           kernel_initializer=init, bias_initializer=bias_init,
                                           name="fc1")
    logits = end_points["logits"] = layers.dense(net, 10, kernel_initializer=init,
                                                 bias_initializer=bias_init, name="logits")
    return logits, end_points


def original(X, training=None, activation=None):
    """``lenet5_sigmoid`` (and ``lenet5_relu_same_lr`` with ReLU): conv 6, pool, conv 16, pool,
    conv 120 (7x7x120, no pool), dense 5,880 -> 80, dense 80 -> 10, sigmoid units unless
    ``activation`` says; every variable from ``truncated_normal`` with stddev 1.0."""
    activation = activation or tf.nn.sigmoid
    init = initializers.truncated_normal(1.0)
    return _lenet(X, (6, 16), 80, activation, init, init, conv3=120)


def original_relu(X, training=None):
    return original(X, training, activation=tf.nn.relu)


def refactor(X, training=None, maps=(6, 16), units=120):
    """``lenet5_relu`` (``lenet5_wide`` with maps 32, 64 and 1,024 units): conv, pool, conv,
    pool (7x7xmaps[1]), dense ReLU, dense 10; weights ``truncated_normal(stddev=0.1)``, biases
    0.1."""
    return _lenet(X, maps, units, tf.nn.relu, initializers.truncated_normal(0.1),
                  initializers.constant(0.1))


def wide(X, training=None):
    return refactor(X, training, maps=(32, 64), units=1024)
