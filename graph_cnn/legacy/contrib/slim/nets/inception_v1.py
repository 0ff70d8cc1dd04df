"""``slim.nets.inception_v1`` as TF 1.15 shipped it: Inception v1 / GoogLeNet (Szegedy et al.,
"Going deeper with convolutions", arXiv:1409.4842) as ``inception_v1_base``, ``inception_v1``
and ``inception_v1_arg_scope``.

As TF's (and so its ``inception_v1_2016_08_28`` checkpoint), the paper's 5x5 branch is a 3x3
convolution (``Branch_2/Conv2d_0b_3x3``; ``Conv2d_0a_3x3`` in ``Mixed_5b``), there is no
auxiliary head, and the convolutions start truncated-normal (stddev 0.01).
"""

import tensorflow as tf

from graph_cnn.legacy.contrib import layers
from graph_cnn.legacy.contrib.slim.nets import _inception

v1 = tf.compat.v1
_conv, _pool = _inception.conv, _inception.pool


def _mixed(b0, b1, b1_out, b2, b2_out, b3, b2_scope="Conv2d_0b_3x3"):
    return [[_conv(b0, [1, 1], "Conv2d_0a_1x1")],
            [_conv(b1, [1, 1], "Conv2d_0a_1x1"), _conv(b1_out, [3, 3], "Conv2d_0b_3x3")],
            [_conv(b2, [1, 1], "Conv2d_0a_1x1"), _conv(b2_out, [3, 3], b2_scope)],
            [_pool("max", "MaxPool_0a_3x3"), _conv(b3, [1, 1], "Conv2d_0b_1x1")]]


# (end point, step or branches); every step SAME and stride 1 unless it says otherwise
_SEQUENCE = [
    ("Conv2d_1a_7x7", _conv(64, [7, 7], "Conv2d_1a_7x7", stride=2)),
    ("MaxPool_2a_3x3", _pool("max", "MaxPool_2a_3x3", stride=2)),
    ("Conv2d_2b_1x1", _conv(64, [1, 1], "Conv2d_2b_1x1")),
    ("Conv2d_2c_3x3", _conv(192, [3, 3], "Conv2d_2c_3x3")),
    ("MaxPool_3a_3x3", _pool("max", "MaxPool_3a_3x3", stride=2)),
    ("Mixed_3b", _mixed(64, 96, 128, 16, 32, 32)),
    ("Mixed_3c", _mixed(128, 128, 192, 32, 96, 64)),
    ("MaxPool_4a_3x3", _pool("max", "MaxPool_4a_3x3", stride=2)),
    ("Mixed_4b", _mixed(192, 96, 208, 16, 48, 64)),
    ("Mixed_4c", _mixed(160, 112, 224, 24, 64, 64)),
    ("Mixed_4d", _mixed(128, 128, 256, 24, 64, 64)),
    ("Mixed_4e", _mixed(112, 144, 288, 32, 64, 64)),
    ("Mixed_4f", _mixed(256, 160, 320, 32, 128, 128)),
    ("MaxPool_5a_2x2", _pool("max", "MaxPool_5a_2x2", stride=2, kernel=(2, 2))),
    ("Mixed_5b", _mixed(256, 160, 320, 32, 128, 128, b2_scope="Conv2d_0a_3x3")),
    ("Mixed_5c", _mixed(384, 192, 384, 48, 128, 128)),
]

END_POINTS = [end_point for end_point, _ in _SEQUENCE]


def inception_v1_base(inputs, final_endpoint="Mixed_5c", scope="InceptionV1"):
    """Inception v1 from ``inputs`` up to ``final_endpoint`` (one of ``END_POINTS``); returns
    ``(net, end_points)``."""
    end_points = {}
    with v1.variable_scope(scope, "InceptionV1", [inputs]), \
            layers.arg_scope([layers.conv2d, layers.fully_connected],
                             weights_initializer=_inception.trunc_normal(0.01)), \
            layers.arg_scope([layers.conv2d, layers.max_pool2d], stride=1, padding="SAME"):
        net, reached = _inception.build(inputs, _SEQUENCE, final_endpoint, int, end_points)
    if not reached:
        raise ValueError(f"Unknown final endpoint {final_endpoint}")
    return net, end_points


def inception_v1(inputs, num_classes=1000, is_training=True, dropout_keep_prob=0.8,
                 prediction_fn=layers.softmax, spatial_squeeze=True, reuse=None,
                 scope="InceptionV1"):
    """Inception v1 classifier (input 224x224): 7x7 average pool, dropout, 1x1 logits;
    returns ``(logits, end_points)`` with ``Logits`` and ``Predictions`` added."""
    with v1.variable_scope(scope, "InceptionV1", [inputs, num_classes], reuse=reuse) as sc, \
            layers.arg_scope([layers.batch_norm, layers.dropout], is_training=is_training):
        net, end_points = inception_v1_base(inputs, scope=sc)
        logits = _inception.logits_head(
            net, end_points, num_classes, ([7, 7], 1), dropout_keep_prob,
            ("MaxPool_0a_7x7", "Dropout_0b", "Conv2d_0c_1x1"), spatial_squeeze, prediction_fn,
            pre_logits=False)
    return logits, end_points


inception_v1.default_image_size = 224


def inception_v1_arg_scope(weight_decay=0.00004, use_batch_norm=True,
                           batch_norm_var_collection="moving_vars"):
    """The scope the published checkpoint was trained in (see ``_inception.arg_scope``)."""
    return _inception.arg_scope(weight_decay, use_batch_norm, batch_norm_var_collection)
