"""``slim.nets.resnet_v1`` as TF 1.15 shipped it: ResNet v1 (He et al. 2015, arXiv:1512.03385)
with the ``bottleneck_v1`` unit (batch norm after each convolution, the stride on the 3x3 and in
each block's last unit), ``resnet_v1`` and ``resnet_v1_50/101/152/200``.

Variable names and shapes are those of TF's published checkpoints (``resnet_v1_50_2016_08_28``
...): ``resnet_v1_50/block1/unit_1/bottleneck_v1/conv1/weights`` .... Logits are
``[batch, 1, 1, num_classes]`` (TF 1.15's contrib nets did not squeeze them).
"""

import contextlib

import tensorflow as tf

from graph_cnn.legacy.contrib import layers
from graph_cnn.legacy.contrib.slim import utils
from graph_cnn.legacy.contrib.slim.nets import _resnet, resnet_utils

v1 = tf.compat.v1

resnet_arg_scope = resnet_utils.resnet_arg_scope


@layers.add_arg_scope
def bottleneck(inputs, depth, depth_bottleneck, stride, rate=1, outputs_collections=None,
               scope=None):
    """1x1 -> 3x3 (``stride``, atrous ``rate``) -> 1x1 convolutions plus the shortcut (the
    input subsampled, or a 1x1 projection where the depth changes), then ReLU."""
    with v1.variable_scope(scope, "bottleneck_v1", [inputs]) as sc:
        depth_in = utils.last_dimension(inputs.shape, min_rank=4)
        if depth == depth_in:
            shortcut = resnet_utils.subsample(inputs, stride, "shortcut")
        else:
            shortcut = layers.conv2d(inputs, depth, [1, 1], stride=stride, activation_fn=None,
                                     scope="shortcut")
        residual = layers.conv2d(inputs, depth_bottleneck, [1, 1], stride=1, scope="conv1")
        residual = resnet_utils.conv2d_same(residual, depth_bottleneck, 3, stride, rate=rate,
                                            scope="conv2")
        residual = layers.conv2d(residual, depth, [1, 1], stride=1, activation_fn=None,
                                 scope="conv3")
        output = tf.nn.relu(shortcut + residual)
        return utils.collect_named_outputs(outputs_collections, sc.name, output)


def resnet_v1(inputs, blocks, num_classes=None, is_training=None, global_pool=True,
              output_stride=None, include_root_block=True, reuse=None, scope=None):
    """ResNet v1 from ``blocks``; returns ``(net, end_points)``: the logits (``num_classes``
    given) or the last block's features, mean-pooled when ``global_pool``. ``is_training``
    None leaves batch norm's mode to the ``arg_scope``."""
    return _resnet.build(inputs, blocks, bottleneck, num_classes, is_training, global_pool,
                         output_stride, include_root_block, reuse, scope, "resnet_v1",
                         contextlib.nullcontext, postnorm=False)


resnet_v1.default_image_size = 224


resnet_v1_block = _resnet.block_function(bottleneck, "resnet_v1_block")
resnet_v1_50, resnet_v1_101, resnet_v1_152, resnet_v1_200 = _resnet.models(resnet_v1,
                                                                    resnet_v1_block)
