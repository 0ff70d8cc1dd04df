"""``slim.nets.alexnet`` as TF 1.15 shipped it: ``alexnet_v2`` ("One weird trick",
Krizhevsky 2014, arXiv:1404.5997: one tower, no local response normalisation) and
``alexnet_v2_arg_scope``. The fully connected layers are convolutions (``fc6`` 5x5 VALID on the
5x5 map of a 224x224 input), with variable names ``alexnet_v2/conv1/weights`` ...
``alexnet_v2/fc8/biases`` as TF's."""

import tensorflow as tf

from graph_cnn.legacy.contrib import layers
from graph_cnn.legacy.contrib.slim.nets import _fc_conv

v1 = tf.compat.v1


def alexnet_v2_arg_scope(weight_decay=0.0005):
    """ReLU layers with L2 decay and biases starting at 0.1; SAME convolutions, VALID pools."""
    with layers.arg_scope([layers.conv2d, layers.fully_connected], activation_fn=tf.nn.relu,
                          biases_initializer=v1.constant_initializer(0.1),
                          weights_regularizer=layers.l2_regularizer(weight_decay)), \
            layers.arg_scope([layers.conv2d], padding="SAME"), \
            layers.arg_scope([layers.max_pool2d], padding="VALID") as scope:
        return scope


def alexnet_v2(inputs, num_classes=1000, is_training=True, dropout_keep_prob=0.5,
               spatial_squeeze=True, scope="alexnet_v2"):
    """AlexNet v2 (input 224x224): returns ``(logits, end_points)``, end points named
    ``alexnet_v2/conv1`` ... ``alexnet_v2/fc8``."""
    with v1.variable_scope(scope, "alexnet_v2", [inputs]) as sc:
        collection = sc.original_name_scope + "_end_points"
        with layers.arg_scope([layers.conv2d, layers.fully_connected, layers.max_pool2d],
                              outputs_collections=[collection]):
            net = layers.conv2d(inputs, 64, [11, 11], 4, padding="VALID", scope="conv1")
            net = layers.max_pool2d(net, [3, 3], 2, scope="pool1")
            net = layers.conv2d(net, 192, [5, 5], scope="conv2")
            net = layers.max_pool2d(net, [3, 3], 2, scope="pool2")
            net = layers.conv2d(net, 384, [3, 3], scope="conv3")
            net = layers.conv2d(net, 384, [3, 3], scope="conv4")
            net = layers.conv2d(net, 256, [3, 3], scope="conv5")
            net = layers.max_pool2d(net, [3, 3], 2, scope="pool5")
            with layers.arg_scope([layers.conv2d],
                                  weights_initializer=v1.truncated_normal_initializer(0.0, 0.005),
                                  biases_initializer=v1.constant_initializer(0.1)):
                net = _fc_conv.head(net, [5, 5], num_classes, is_training, dropout_keep_prob,
                                    spatial_squeeze, fc8_biases=v1.zeros_initializer())
            return net, _fc_conv.end_points(collection, sc.name, net)


alexnet_v2.default_image_size = 224
