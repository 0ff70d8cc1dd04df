"""``slim.nets.inception_v2`` as TF 1.15 shipped it: Inception v2, i.e. Inception with batch
normalisation (Ioffe & Szegedy, arXiv:1502.03167), as ``inception_v2_base``, ``inception_v2``
and ``inception_v2_arg_scope``.

As TF's (and so its ``inception_v2_2016_08_28`` checkpoint): the first layer is a separable
7x7 convolution (``depthwise_weights`` with multiplier ``min(depth(64) // 3, 8)``,
``pointwise_weights``, ``biases``: the arg scope normalises only ``conv2d``), every layer is SAME
(the reductions too), the paper's 5x5 branches are two 3x3s, and ``Mixed_5c`` pools by max.
"""

import tensorflow as tf

from graph_cnn.legacy.contrib import layers
from graph_cnn.legacy.contrib.slim.nets import _inception

v1 = tf.compat.v1
_conv, _pool = _inception.conv, _inception.pool


def _mixed(b0, b1, b1_out, b2, b2_out, b3, pool="avg"):
    return [[_conv(b0, [1, 1], "Conv2d_0a_1x1")],
            [_conv(b1, [1, 1], "Conv2d_0a_1x1", stddev=0.09),
             _conv(b1_out, [3, 3], "Conv2d_0b_3x3")],
            [_conv(b2, [1, 1], "Conv2d_0a_1x1", stddev=0.09),
             _conv(b2_out, [3, 3], "Conv2d_0b_3x3"), _conv(b2_out, [3, 3], "Conv2d_0c_3x3")],
            [_pool(pool, f"{pool.capitalize()}Pool_0a_3x3"),
             _conv(b3, [1, 1], "Conv2d_0b_1x1", stddev=0.1)]]


def _reduction(b0, b0_out, b1, b1_out):
    return [[_conv(b0, [1, 1], "Conv2d_0a_1x1", stddev=0.09),
             _conv(b0_out, [3, 3], "Conv2d_1a_3x3", stride=2)],
            [_conv(b1, [1, 1], "Conv2d_0a_1x1", stddev=0.09),
             _conv(b1_out, [3, 3], "Conv2d_0b_3x3"),
             _conv(b1_out, [3, 3], "Conv2d_1a_3x3", stride=2)],
            [_pool("max", "MaxPool_1a_3x3", stride=2)]]


# after the separable Conv2d_1a_7x7: (end point, step or branches), SAME and stride 1 unless
# a step says otherwise
_SEQUENCE = [
    ("MaxPool_2a_3x3", _pool("max", "MaxPool_2a_3x3", stride=2)),
    ("Conv2d_2b_1x1", _conv(64, [1, 1], "Conv2d_2b_1x1", stddev=0.1)),
    ("Conv2d_2c_3x3", _conv(192, [3, 3], "Conv2d_2c_3x3")),
    ("MaxPool_3a_3x3", _pool("max", "MaxPool_3a_3x3", stride=2)),
    ("Mixed_3b", _mixed(64, 64, 64, 64, 96, 32)),
    ("Mixed_3c", _mixed(64, 64, 96, 64, 96, 64)),
    ("Mixed_4a", _reduction(128, 160, 64, 96)),
    ("Mixed_4b", _mixed(224, 64, 96, 96, 128, 128)),
    ("Mixed_4c", _mixed(192, 96, 128, 96, 128, 128)),
    ("Mixed_4d", _mixed(160, 128, 160, 128, 160, 96)),
    ("Mixed_4e", _mixed(96, 128, 192, 160, 192, 96)),
    ("Mixed_5a", _reduction(128, 192, 192, 256)),
    ("Mixed_5b", _mixed(352, 192, 320, 160, 224, 128)),
    ("Mixed_5c", _mixed(352, 192, 320, 192, 224, 128, pool="max")),
]

END_POINTS = ["Conv2d_1a_7x7"] + [end_point for end_point, _ in _SEQUENCE]


def inception_v2_base(inputs, final_endpoint="Mixed_5c", min_depth=16, depth_multiplier=1.0,
                      scope=None):
    """Inception v2 from ``inputs`` up to ``final_endpoint`` (one of ``END_POINTS``); returns
    ``(net, end_points)``. Depths are ``max(int(d * depth_multiplier), min_depth)``."""
    depth = _inception.depth_function(depth_multiplier, min_depth)
    end_points = {}
    with v1.variable_scope(scope, "InceptionV2", [inputs]), \
            layers.arg_scope([layers.conv2d, layers.max_pool2d, layers.avg_pool2d,
                              layers.separable_conv2d], stride=1, padding="SAME"):
        net = end_points["Conv2d_1a_7x7"] = layers.separable_conv2d(
            inputs, depth(64), [7, 7], depth_multiplier=min(int(depth(64) / 3), 8), stride=2,
            weights_initializer=_inception.trunc_normal(1.0), scope="Conv2d_1a_7x7")
        reached = final_endpoint == "Conv2d_1a_7x7"
        if not reached:
            net, reached = _inception.build(net, _SEQUENCE, final_endpoint, depth, end_points)
    if not reached:
        raise ValueError(f"Unknown final endpoint {final_endpoint}")
    return net, end_points


def inception_v2(inputs, num_classes=1000, is_training=True, dropout_keep_prob=0.8,
                 min_depth=16, depth_multiplier=1.0, prediction_fn=layers.softmax,
                 spatial_squeeze=True, reuse=None, scope="InceptionV2"):
    """Inception v2 classifier (input 224x224): average pool (7x7, less on small inputs),
    dropout, 1x1 logits; returns ``(logits, end_points)`` with ``Logits`` and ``Predictions``."""
    _inception.depth_function(depth_multiplier, min_depth)  # TF checks before building
    with v1.variable_scope(scope, "InceptionV2", [inputs, num_classes], reuse=reuse) as sc, \
            layers.arg_scope([layers.batch_norm, layers.dropout], is_training=is_training):
        net, end_points = inception_v2_base(inputs, scope=sc, min_depth=min_depth,
                                            depth_multiplier=depth_multiplier)
        logits = _inception.reduced_logits_head(net, end_points, num_classes, [7, 7],
                                                dropout_keep_prob, spatial_squeeze,
                                                prediction_fn, pre_logits=False)
    return logits, end_points


inception_v2.default_image_size = 224


def inception_v2_arg_scope(weight_decay=0.00004, batch_norm_var_collection="moving_vars"):
    """The scope the published checkpoint was trained in (see ``_inception.arg_scope``)."""
    return _inception.arg_scope(weight_decay, True, batch_norm_var_collection)
