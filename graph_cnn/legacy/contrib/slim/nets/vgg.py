"""``slim.nets.vgg`` as TF 1.15 shipped it: VGG (Simonyan & Zisserman, arXiv:1409.1556)
configurations A, D and E as ``vgg_a``, ``vgg_16``, ``vgg_19`` (aliases ``vgg_d``, ``vgg_e``),
and ``vgg_arg_scope``.

The fully connected layers are convolutions (``fc6`` 7x7 VALID on the 7x7 map of a 224x224
input), so variable names and shapes are those of TF's ``vgg_16_2016_08_28`` and
``vgg_19_2016_08_28`` checkpoints: ``vgg_16/conv1/conv1_1/weights`` [3, 3, 3, 64] ...
``vgg_16/fc8/biases`` [1000]. TF 1.15's contrib version had no ``global_pool`` or
``fc_conv_padding`` (the later models repo added them); neither has this one.
"""

import tensorflow as tf

from graph_cnn.legacy.contrib import layers
from graph_cnn.legacy.contrib.slim.nets import _fc_conv

v1 = tf.compat.v1

# convolutions per stage (64, 128, 256, 512, 512 channels) of each configuration
_CONVS = {"vgg_a": (1, 1, 2, 2, 2), "vgg_16": (2, 2, 3, 3, 3), "vgg_19": (2, 2, 4, 4, 4)}


def vgg_arg_scope(weight_decay=0.0005):
    """ReLU convolutions and fully connected layers with L2 decay and zero biases; SAME
    convolutions."""
    with layers.arg_scope([layers.conv2d, layers.fully_connected], activation_fn=tf.nn.relu,
                          weights_regularizer=layers.l2_regularizer(weight_decay),
                          biases_initializer=v1.zeros_initializer()), \
            layers.arg_scope([layers.conv2d], padding="SAME") as scope:
        return scope


def _model(name):
    def model(inputs, num_classes=1000, is_training=True, dropout_keep_prob=0.5,
              spatial_squeeze=True, scope=name):
        with v1.variable_scope(scope, name, [inputs]) as sc:
            collection = sc.original_name_scope + "_end_points"
            with layers.arg_scope([layers.conv2d, layers.fully_connected, layers.max_pool2d],
                                  outputs_collections=collection):
                net = inputs
                for stage, (convs, depth) in enumerate(zip(_CONVS[name], (64, 128, 256, 512,
                                                                            512)), 1):
                    net = layers.repeat(net, convs, layers.conv2d, depth, [3, 3],
                                        scope=f"conv{stage}")
                    net = layers.max_pool2d(net, [2, 2], scope=f"pool{stage}")
                net = _fc_conv.head(net, [7, 7], num_classes, is_training, dropout_keep_prob,
                                    spatial_squeeze)
                return net, _fc_conv.end_points(collection, sc.name, net)

    model.__name__ = model.__qualname__ = name
    model.__doc__ = (f"VGG {name[4:].upper()}: returns ``(logits, end_points)``, end points "
                     f"named ``{name}/conv1/conv1_1`` ... ``{name}/fc8``; input 224x224.")
    model.default_image_size = 224
    return model


vgg_a = _model("vgg_a")
vgg_16 = _model("vgg_16")
vgg_19 = _model("vgg_19")
vgg_d = vgg_16
vgg_e = vgg_19
