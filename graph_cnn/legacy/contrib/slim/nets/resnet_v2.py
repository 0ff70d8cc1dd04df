"""``slim.nets.resnet_v2`` as TF 1.15 shipped it: ResNet v2 (He et al. 2016, arXiv:1603.05027)
with the pre-activation ``bottleneck_v2`` unit, ``resnet_v2`` and ``resnet_v2_50/101/152/200``.

As in TF, the root ``conv1`` has biases and no batch norm, each unit's ``preact`` batch norm
feeds its convolutions and projection shortcut, ``conv3`` and the shortcut have biases, and a
``postnorm`` batch norm follows the last block; names and shapes match TF's published
``resnet_v2_*`` checkpoints. Logits are ``[batch, 1, 1, num_classes]``.
"""

import functools

import tensorflow as tf

from graph_cnn.legacy.contrib import layers
from graph_cnn.legacy.contrib.slim import utils
from graph_cnn.legacy.contrib.slim.nets import _resnet, resnet_utils

v1 = tf.compat.v1

resnet_arg_scope = resnet_utils.resnet_arg_scope


@layers.add_arg_scope
def bottleneck(inputs, depth, depth_bottleneck, stride, rate=1, outputs_collections=None,
               scope=None):
    """Batch norm + ReLU (``preact``), then 1x1 -> 3x3 (``stride``, ``rate``) -> 1x1 (no
    normalisation, biases) added to the shortcut (the input subsampled, or a 1x1 projection of
    the pre-activation where the depth changes)."""
    with v1.variable_scope(scope, "bottleneck_v2", [inputs]) as sc:
        depth_in = utils.last_dimension(inputs.shape, min_rank=4)
        preact = layers.batch_norm(inputs, activation_fn=tf.nn.relu, scope="preact")
        if depth == depth_in:
            shortcut = resnet_utils.subsample(inputs, stride, "shortcut")
        else:
            shortcut = layers.conv2d(preact, depth, [1, 1], stride=stride, normalizer_fn=None,
                                     activation_fn=None, scope="shortcut")
        residual = layers.conv2d(preact, depth_bottleneck, [1, 1], stride=1, scope="conv1")
        residual = resnet_utils.conv2d_same(residual, depth_bottleneck, 3, stride, rate=rate,
                                            scope="conv2")
        residual = layers.conv2d(residual, depth, [1, 1], stride=1, normalizer_fn=None,
                                 activation_fn=None, scope="conv3")
        return utils.collect_named_outputs(outputs_collections, sc.name, shortcut + residual)


_plain_root = functools.partial(layers.arg_scope, [layers.conv2d], activation_fn=None,
                                normalizer_fn=None)


def resnet_v2(inputs, blocks, num_classes=None, is_training=None, global_pool=True,
              output_stride=None, include_root_block=True, reuse=None, scope=None):
    """ResNet v2 from ``blocks``; returns ``(net, end_points)`` as ``resnet_v1.resnet_v1``."""
    return _resnet.build(inputs, blocks, bottleneck, num_classes, is_training, global_pool,
                         output_stride, include_root_block, reuse, scope, "resnet_v2",
                         _plain_root, postnorm=True)


resnet_v2.default_image_size = 224


resnet_v2_block = _resnet.block_function(bottleneck, "resnet_v2_block")
resnet_v2_50, resnet_v2_101, resnet_v2_152, resnet_v2_200 = _resnet.models(resnet_v2,
                                                                    resnet_v2_block)
