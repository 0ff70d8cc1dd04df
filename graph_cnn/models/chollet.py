"""Seeds 001 and 003 ("Deep Learning with Python" 5.1): the Keras convnet and its dense
baseline, built with tf.layers defaults that equal Keras's (glorot-uniform kernels, zero biases,
VALID padding). Softmax is applied by the loss; ``logits`` are the last Dense's pre-activation."""

import collections

from graph_cnn import lazy

tf = lazy.module("tensorflow")  # imported when a graph is built
layers = lazy.module("graph_cnn.compat.layers")


def convnet(X, training=None):
    """``chollet_convnet``: 26x26x32, 13x13x32, 11x11x64, 5x5x64, 3x3x64, 576, 64, 10
    (93,322 parameters)."""
    end_points = collections.OrderedDict()
    net = X
    for i, filters in enumerate((32, 64, 64)):
        suffix = f"_{i}" if i else ""
        net = end_points["conv2d" + suffix] = layers.conv2d(net, filters, 3,
                                                            activation=tf.nn.relu)
        if i < 2:
            net = end_points["max_pooling2d" + suffix] = layers.max_pooling2d(net, 2, 2)
    net = end_points["flatten"] = layers.flatten(net)
    net = end_points["dense"] = layers.dense(net, 64, activation=tf.nn.relu)
    logits = end_points["dense_1"] = layers.dense(net, 10)
    return logits, end_points


def dense(X, training=None):
    """``chollet_dense``: Dense 512 ReLU on the 784 pixels, then Dense 10."""
    end_points = collections.OrderedDict()
    net = end_points["dense"] = layers.dense(X, 512, activation=tf.nn.relu)
    logits = end_points["dense_1"] = layers.dense(net, 10)
    return logits, end_points
