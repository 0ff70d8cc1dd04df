"""Seed 000 (Stephen Barter's TF1 tutorial): a small SELU CNN, then the same with batch norm,
dropout and augmentation. Shapes: 28x28x1 -> 28x28x12 -> 13x13x12 -> 13x13x16 -> 6x6x16 (576)
-> 288 -> 144 -> 10."""

import collections

from graph_cnn import lazy

tf = lazy.module("tensorflow")  # imported when a graph is built
layers = lazy.module("graph_cnn.compat.layers")


def selu_cnn(X, training=None, conv_activation=None):
    """``barter_selu``: conv 12 and conv 16 (3x3 SAME), each followed by a 3x3/2 VALID max-pool,
    then dense 288 and 144 with SELU. The article names SELU only for the dense layers; the convs
    use ``conv_activation`` (SELU by default, ReLU as the ablation)."""
    conv_activation = conv_activation or tf.nn.selu
    end_points = collections.OrderedDict()
    net = end_points["reshape"] = tf.reshape(X, [-1, 28, 28, 1])
    net = end_points["conv1"] = layers.conv2d(net, 12, 3, padding="same",
                                              activation=conv_activation, name="conv1")
    net = end_points["pool1"] = layers.max_pooling2d(net, 3, 2, padding="valid", name="pool1")
    net = end_points["conv2"] = layers.conv2d(net, 16, 3, padding="same",
                                              activation=conv_activation, name="conv2")
    net = end_points["pool2"] = layers.max_pooling2d(net, 3, 2, padding="valid", name="pool2")
    net = end_points["flatten"] = layers.flatten(net)
    net = end_points["fc1"] = layers.dense(net, 288, activation=tf.nn.selu, name="fc1")
    net = end_points["fc2"] = layers.dense(net, 144, activation=tf.nn.selu, name="fc2")
    logits = end_points["logits"] = layers.dense(net, 10, name="logits")
    return logits, end_points


def selu_cnn_bn(X, training, conv_activation=None, momentum=0.9, dropout_rate=0.5):
    """``barter_selu_bn_aug``: the same layers, each linear part followed by batch norm
    (momentum 0.9) before its activation (SELU unless ``conv_activation`` says), the logits
    batch-normalised too (the Hands-On-ML pattern the article follows), and dropout after each
    hidden dense layer while training."""
    conv_activation = conv_activation or tf.nn.selu
    end_points = collections.OrderedDict()

    def bn(net, name):
        return layers.batch_normalization(net, momentum=momentum, training=training,
                                          name=name + "_bn")

    net = end_points["reshape"] = tf.reshape(X, [-1, 28, 28, 1])
    net = end_points["conv1"] = conv_activation(bn(layers.conv2d(net, 12, 3, padding="same",
                                                                 name="conv1"), "conv1"))
    net = end_points["pool1"] = layers.max_pooling2d(net, 3, 2, padding="valid", name="pool1")
    net = end_points["conv2"] = conv_activation(bn(layers.conv2d(net, 16, 3, padding="same",
                                                                 name="conv2"), "conv2"))
    net = end_points["pool2"] = layers.max_pooling2d(net, 3, 2, padding="valid", name="pool2")
    net = end_points["flatten"] = layers.flatten(net)
    for name, units in (("fc1", 288), ("fc2", 144)):
        net = tf.nn.selu(bn(layers.dense(net, units, name=name), name))
        net = end_points[name] = layers.dropout(net, dropout_rate, training=training,
                                                name=name + "_drop")
    logits = end_points["logits"] = bn(layers.dense(net, 10, name="logits"), "logits")
    return logits, end_points


def relu_convs(builder):
    """The ablation: the same builder with ReLU in the conv layers."""
    def build(X, training=None):
        return builder(X, training=training, conv_activation=tf.nn.relu)
    build.__doc__ = f"{builder.__name__} with ReLU convs (ablation)."
    return build
