"""What ``resnet_v1`` and ``resnet_v2`` share: the generator's scopes, end points, root block,
pooling and logits, and the per-depth block lists of the published models."""

import contextlib

import tensorflow as tf

from graph_cnn.legacy.contrib import layers
from graph_cnn.legacy.contrib.slim import utils
from graph_cnn.legacy.contrib.slim.nets import resnet_utils

v1 = tf.compat.v1

# units per block of the published depths (the bottleneck depths are 64, 128, 256, 512)
DEPTH_UNITS = {50: (3, 4, 6, 3), 101: (3, 4, 23, 3), 152: (3, 8, 36, 3), 200: (3, 24, 36, 3)}


def block(unit_fn, scope, base_depth, num_units, stride):
    """A bottleneck ``Block`` of ``num_units`` units of output depth ``4 * base_depth``, the
    stride in its last unit (TF's placement, which keeps the feature maps aligned)."""
    unit = {"depth": base_depth * 4, "depth_bottleneck": base_depth, "stride": 1}
    return resnet_utils.Block(scope, unit_fn, [unit] * (num_units - 1)
                              + [dict(unit, stride=stride)])


def blocks_for(block_fn, depth):
    """The four blocks of the ResNet of ``depth`` layers (strides 2, 2, 2, 1)."""
    return [block_fn(f"block{i + 1}", base_depth=64 * 2 ** i, num_units=units,
                     stride=2 if i < 3 else 1)
            for i, units in enumerate(DEPTH_UNITS[depth])]


def build(inputs, blocks, unit_fn, num_classes, is_training, global_pool, output_stride,
          include_root_block, reuse, scope, default_scope, root_scope, postnorm):
    """The ResNet generator: root (``conv1`` 7x7/2 in ``root_scope``, ``pool1``), the blocks,
    ``postnorm`` (v2's batch norm) if given, global mean pooling (``pool5``), 1x1 ``logits``;
    every layer's output in ``end_points`` by scope, plus ``predictions``."""
    with v1.variable_scope(scope, default_scope, [inputs], reuse=reuse) as sc:
        collection = sc.original_name_scope + "_end_points"
        training = (layers.arg_scope([layers.batch_norm], is_training=is_training)
                    if is_training is not None else contextlib.nullcontext())
        with layers.arg_scope([layers.conv2d, unit_fn, resnet_utils.stack_blocks_dense],
                              outputs_collections=collection), training:
            net = inputs
            if include_root_block:
                if output_stride is not None:
                    if output_stride % 4 != 0:
                        raise ValueError("The output_stride needs to be a multiple of 4.")
                    output_stride //= 4
                with root_scope():
                    net = resnet_utils.conv2d_same(net, 64, 7, stride=2, scope="conv1")
                net = layers.max_pool2d(net, [3, 3], stride=2, scope="pool1")
            net = resnet_utils.stack_blocks_dense(net, blocks, output_stride)
            if postnorm:
                net = layers.batch_norm(net, activation_fn=tf.nn.relu, scope="postnorm")
            if global_pool:
                net = tf.reduce_mean(net, [1, 2], name="pool5", keepdims=True)
            if num_classes is not None:
                net = layers.conv2d(net, num_classes, [1, 1], activation_fn=None,
                                    normalizer_fn=None, scope="logits")
            end_points = utils.convert_collection_to_dict(collection)
            if num_classes is not None:
                end_points["predictions"] = layers.softmax(net, scope="predictions")
            return net, end_points


def block_function(unit_fn, name):
    """``resnet_vN_block(scope, base_depth, num_units, stride)``: a ``block`` of ``unit_fn``."""
    def block_fn(scope, base_depth, num_units, stride):
        return block(unit_fn, scope, base_depth, num_units, stride)

    block_fn.__name__ = block_fn.__qualname__ = name
    block_fn.__doc__ = f"A block of ``{unit_fn.__name__}`` units (see ``_resnet.block``)."
    return block_fn


def models(generator, block_fn):
    """The published depths' models of a generator, 50, 101, 152 and 200 layers."""
    return [model(generator, block_fn, depth) for depth in DEPTH_UNITS]


def model(generator, block_fn, depth):
    """``resnet_vN_<depth>`` as TF defined it: ``generator`` (``resnet_v1`` or ``resnet_v2``)
    over ``blocks_for(block_fn, depth)`` with the root block, in scope ``resnet_vN_<depth>``."""
    name = f"{generator.__name__}_{depth}"

    def resnet(inputs, num_classes=None, is_training=None, global_pool=True, output_stride=None,
               reuse=None, scope=name):
        return generator(inputs, blocks_for(block_fn, depth), num_classes, is_training,
                         global_pool, output_stride, include_root_block=True, reuse=reuse,
                         scope=scope)

    resnet.__name__ = resnet.__qualname__ = name
    resnet.__doc__ = (f"ResNet-{depth} {generator.__name__[-2:]}; see ``{generator.__name__}`` "
                      "for the arguments and the result.")
    resnet.default_image_size = generator.default_image_size
    return resnet
