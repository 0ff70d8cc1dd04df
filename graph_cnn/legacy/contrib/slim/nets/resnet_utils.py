"""``slim.nets.resnet_utils`` as TF 1.15 shipped it: the ``Block`` description of a ResNet
stage, ``subsample``, ``conv2d_same`` (explicit padding so that strided convolutions align the
same way whatever the input size), ``stack_blocks_dense`` (the ``block/unit_N`` scopes and
``output_stride`` by atrous convolution) and ``resnet_arg_scope``.

``Block.args`` may hold dicts (``depth``, ``depth_bottleneck``, ``stride``), as TF 1.15's
``resnet_v1_block`` made them, or the ``(depth, depth_bottleneck, stride)`` tuples of older
releases.
"""

import collections

import tensorflow as tf

from graph_cnn.legacy.contrib import layers
from graph_cnn.legacy.contrib.slim import utils

v1 = tf.compat.v1


class Block(collections.namedtuple("Block", ["scope", "unit_fn", "args"])):
    """One ResNet stage: its variable scope, the unit function and one argument set per unit."""


def subsample(inputs, factor, scope=None):
    """``inputs`` kept every ``factor``-th row and column (a 1x1 max pool); itself for 1."""
    if factor == 1:
        return inputs
    return layers.max_pool2d(inputs, [1, 1], stride=factor, scope=scope)


def conv2d_same(inputs, num_outputs, kernel_size, stride, rate=1, scope=None):
    """A ``SAME`` convolution that, for ``stride`` > 1, pads explicitly by the (atrous) kernel's
    extent and convolves ``VALID``, so that outputs do not depend on the input's parity."""
    if stride == 1:
        return layers.conv2d(inputs, num_outputs, kernel_size, stride=1, rate=rate,
                             padding="SAME", scope=scope)
    extent = kernel_size + (kernel_size - 1) * (rate - 1)
    before = (extent - 1) // 2
    after = extent - 1 - before
    inputs = tf.pad(inputs, [[0, 0], [before, after], [before, after], [0, 0]])
    return layers.conv2d(inputs, num_outputs, kernel_size, stride=stride, rate=rate,
                         padding="VALID", scope=scope)


def _unit_arguments(unit):
    if isinstance(unit, dict):
        return dict(unit)
    depth, depth_bottleneck, stride = unit
    return {"depth": depth, "depth_bottleneck": depth_bottleneck, "stride": stride}


@layers.add_arg_scope
def stack_blocks_dense(net, blocks, output_stride=None, outputs_collections=None):
    """Applies each block's units in scopes ``<block.scope>/unit_<i>``; once the product of the
    strides so far reaches ``output_stride``, later strides become atrous rates instead."""
    current_stride, rate = 1, 1
    for block in blocks:
        with v1.variable_scope(block.scope, "block", [net]) as sc:
            for i, unit in enumerate(block.args):
                if output_stride is not None and current_stride > output_stride:
                    raise ValueError("The target output_stride cannot be reached.")
                arguments = _unit_arguments(unit)
                with v1.variable_scope(f"unit_{i + 1}", values=[net]):
                    if output_stride is not None and current_stride == output_stride:
                        stride = arguments.pop("stride")
                        net = block.unit_fn(net, rate=rate, stride=1, **arguments)
                        rate *= stride
                    else:
                        net = block.unit_fn(net, rate=1, **arguments)
                        current_stride *= arguments["stride"]
            net = utils.collect_named_outputs(outputs_collections, sc.name, net)
    if output_stride is not None and current_stride != output_stride:
        raise ValueError("The target output_stride cannot be reached.")
    return net


def resnet_arg_scope(is_training=True, weight_decay=0.0001, batch_norm_decay=0.997,
                     batch_norm_epsilon=1e-5, batch_norm_scale=True):
    """The scope the published ResNet checkpoints were trained in: He-initialised, L2-decayed
    convolutions followed by batch norm (with ``gamma``) and ReLU, and ``SAME`` max pooling.
    ``is_training`` (deprecated in TF 1.15 for the nets' own argument) is batch norm's default;
    a net's ``is_training`` other than None overrides it."""
    batch_norm_params = {"decay": batch_norm_decay, "epsilon": batch_norm_epsilon,
                         "scale": batch_norm_scale}
    with layers.arg_scope([layers.conv2d],
                          weights_regularizer=layers.l2_regularizer(weight_decay),
                          weights_initializer=layers.variance_scaling_initializer(),
                          activation_fn=tf.nn.relu, normalizer_fn=layers.batch_norm,
                          normalizer_params=batch_norm_params), \
            layers.arg_scope([layers.batch_norm], is_training=is_training, **batch_norm_params), \
            layers.arg_scope([layers.max_pool2d], padding="SAME") as scope:
        return scope
