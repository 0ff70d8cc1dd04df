"""``slim.nets.inception_v3`` as TF 1.15 shipped it: Inception v3 (Szegedy et al., "Rethinking
the Inception Architecture for Computer Vision", arXiv:1512.00567): ``inception_v3_base`` up to
any end point, ``inception_v3`` with the auxiliary head and the logits, and
``inception_v3_arg_scope``.

Layer scopes, end points and variable shapes are TF's, quirks included (``Mixed_5c``'s
``Conv2d_0b_1x1``/``Conv_1_0c_5x5``, ``Mixed_6a``'s 3x3 ``Conv2d_1a_1x1``, ``Mixed_7b``'s
``Conv2d_0b_3x1``), so the published ``inception_v3_2016_08_28`` checkpoint restores by name.
As TF 1.15's contrib version, the auxiliary logits are always built and ``num_classes`` is
required (no ``global_pool`` or ``create_aux_logits``, which only the later models repo had).
"""

import tensorflow as tf

from graph_cnn.legacy.contrib import layers
from graph_cnn.legacy.contrib.slim.nets import _inception

v1 = tf.compat.v1
_conv, _pool = _inception.conv, _inception.pool


# The stem: (end point, step) in order; every step here is VALID unless it says otherwise.
_STEM = [
    _conv(32, [3, 3], "Conv2d_1a_3x3", stride=2),
    _conv(32, [3, 3], "Conv2d_2a_3x3"),
    _conv(64, [3, 3], "Conv2d_2b_3x3", padding="SAME"),
    _pool("max", "MaxPool_3a_3x3", stride=2),
    _conv(80, [1, 1], "Conv2d_3b_1x1"),
    _conv(192, [3, 3], "Conv2d_4a_3x3"),
    _pool("max", "MaxPool_5a_3x3", stride=2),
]


def _mixed_35(pool_depth, second_branch):
    return [[_conv(64, [1, 1], "Conv2d_0a_1x1")],
            second_branch,
            [_conv(64, [1, 1], "Conv2d_0a_1x1"), _conv(96, [3, 3], "Conv2d_0b_3x3"),
             _conv(96, [3, 3], "Conv2d_0c_3x3")],
            [_pool("avg", "AvgPool_0a_3x3"), _conv(pool_depth, [1, 1], "Conv2d_0b_1x1")]]


def _mixed_17(inner):
    return [[_conv(192, [1, 1], "Conv2d_0a_1x1")],
            [_conv(inner, [1, 1], "Conv2d_0a_1x1"), _conv(inner, [1, 7], "Conv2d_0b_1x7"),
             _conv(192, [7, 1], "Conv2d_0c_7x1")],
            [_conv(inner, [1, 1], "Conv2d_0a_1x1"), _conv(inner, [7, 1], "Conv2d_0b_7x1"),
             _conv(inner, [1, 7], "Conv2d_0c_1x7"), _conv(inner, [7, 1], "Conv2d_0d_7x1"),
             _conv(192, [1, 7], "Conv2d_0e_1x7")],
            [_pool("avg", "AvgPool_0a_3x3"), _conv(192, [1, 1], "Conv2d_0b_1x1")]]


def _mixed_8(second_3x1):
    # a list inside a branch is a fork: its convolutions read the same input, concatenated
    return [[_conv(320, [1, 1], "Conv2d_0a_1x1")],
            [_conv(384, [1, 1], "Conv2d_0a_1x1"),
             [_conv(384, [1, 3], "Conv2d_0b_1x3"), _conv(384, [3, 1], second_3x1)]],
            [_conv(448, [1, 1], "Conv2d_0a_1x1"), _conv(384, [3, 3], "Conv2d_0b_3x3"),
             [_conv(384, [1, 3], "Conv2d_0c_1x3"), _conv(384, [3, 1], "Conv2d_0d_3x1")]],
            [_pool("avg", "AvgPool_0a_3x3"), _conv(192, [1, 1], "Conv2d_0b_1x1")]]


_REDUCE = {"stride": 2, "padding": "VALID"}

# The inception blocks (SAME unless a step says otherwise): end point -> branches.
_MIXED = {
    "Mixed_5b": _mixed_35(32, [_conv(48, [1, 1], "Conv2d_0a_1x1"),
                               _conv(64, [5, 5], "Conv2d_0b_5x5")]),
    "Mixed_5c": _mixed_35(64, [_conv(48, [1, 1], "Conv2d_0b_1x1"),
                               _conv(64, [5, 5], "Conv_1_0c_5x5")]),
    "Mixed_5d": _mixed_35(64, [_conv(48, [1, 1], "Conv2d_0a_1x1"),
                               _conv(64, [5, 5], "Conv2d_0b_5x5")]),
    "Mixed_6a": [[_conv(384, [3, 3], "Conv2d_1a_1x1", **_REDUCE)],
                 [_conv(64, [1, 1], "Conv2d_0a_1x1"), _conv(96, [3, 3], "Conv2d_0b_3x3"),
                  _conv(96, [3, 3], "Conv2d_1a_1x1", **_REDUCE)],
                 [_pool("max", "MaxPool_1a_3x3", **_REDUCE)]],
    "Mixed_6b": _mixed_17(128),
    "Mixed_6c": _mixed_17(160),
    "Mixed_6d": _mixed_17(160),
    "Mixed_6e": _mixed_17(192),
    "Mixed_7a": [[_conv(192, [1, 1], "Conv2d_0a_1x1"),
                  _conv(320, [3, 3], "Conv2d_1a_3x3", **_REDUCE)],
                 [_conv(192, [1, 1], "Conv2d_0a_1x1"), _conv(192, [1, 7], "Conv2d_0b_1x7"),
                  _conv(192, [7, 1], "Conv2d_0c_7x1"),
                  _conv(192, [3, 3], "Conv2d_1a_3x3", **_REDUCE)],
                 [_pool("max", "MaxPool_1a_3x3", **_REDUCE)]],
    "Mixed_7b": _mixed_8("Conv2d_0b_3x1"),
    "Mixed_7c": _mixed_8("Conv2d_0c_3x1"),
}

END_POINTS = [step[3] for step in _STEM] + list(_MIXED)


def _pools_and_convs(padding):
    return layers.arg_scope([layers.conv2d, layers.max_pool2d, layers.avg_pool2d], stride=1,
                            padding=padding)


def inception_v3_base(inputs, final_endpoint="Mixed_7c", min_depth=16, depth_multiplier=1.0,
                      scope=None):
    """Inception v3 from ``inputs`` up to ``final_endpoint`` (one of ``END_POINTS``); returns
    ``(net, end_points)``. Depths are ``max(int(d * depth_multiplier), min_depth)``."""
    depth = _inception.depth_function(depth_multiplier, min_depth)
    end_points = {}
    with v1.variable_scope(scope, "InceptionV3", [inputs]):
        with _pools_and_convs("VALID"):
            net, reached = _inception.build(inputs, [(s[3], s) for s in _STEM], final_endpoint,
                                            depth, end_points)
        if not reached:
            with _pools_and_convs("SAME"):
                net, reached = _inception.build(net, _MIXED.items(), final_endpoint, depth,
                                                end_points)
        if reached:
            return net, end_points
    raise ValueError(f"Unknown final endpoint {final_endpoint}")


def inception_v3(inputs, num_classes=1000, is_training=True, dropout_keep_prob=0.8,
                 min_depth=16, depth_multiplier=1.0, prediction_fn=layers.softmax,
                 spatial_squeeze=True, reuse=None, scope="InceptionV3"):
    """Inception v3 classifier (default input 299x299); returns ``(logits, end_points)`` with
    ``AuxLogits`` (from ``Mixed_6e``), ``PreLogits``, ``Logits`` and ``Predictions`` added."""
    depth = _inception.depth_function(depth_multiplier, min_depth)
    with v1.variable_scope(scope, "InceptionV3", [inputs, num_classes], reuse=reuse) as sc, \
            layers.arg_scope([layers.batch_norm, layers.dropout], is_training=is_training):
        net, end_points = inception_v3_base(inputs, scope=sc, min_depth=min_depth,
                                            depth_multiplier=depth_multiplier)
        with _pools_and_convs("SAME"), v1.variable_scope("AuxLogits"):
            aux = layers.avg_pool2d(end_points["Mixed_6e"], [5, 5], stride=3,
                                    padding="VALID", scope="AvgPool_1a_5x5")
            aux = layers.conv2d(aux, depth(128), [1, 1], scope="Conv2d_1b_1x1")
            kernel = _inception.reduced_kernel_size_for_small_input(aux, [5, 5])
            aux = layers.conv2d(aux, depth(768), kernel, padding="VALID",
                                weights_initializer=_inception.trunc_normal(0.01),
                                scope="Conv2d_2a_{}x{}".format(*kernel))
            aux = layers.conv2d(aux, num_classes, [1, 1], activation_fn=None,
                                normalizer_fn=None, scope="Conv2d_2b_1x1",
                                weights_initializer=_inception.trunc_normal(0.001))
            end_points["AuxLogits"] = _inception.squeeze(aux, spatial_squeeze)
        logits = _inception.reduced_logits_head(net, end_points, num_classes, [8, 8],
                                                dropout_keep_prob, spatial_squeeze,
                                                prediction_fn, pre_logits=True)
    return logits, end_points


inception_v3.default_image_size = 299


def inception_v3_arg_scope(weight_decay=0.00004, batch_norm_var_collection="moving_vars",
                           use_fused_batchnorm=True):
    """The scope the published checkpoint was trained in (see ``_inception.arg_scope``)."""
    return _inception.arg_scope(weight_decay, True, batch_norm_var_collection,
                                fused=use_fused_batchnorm)
