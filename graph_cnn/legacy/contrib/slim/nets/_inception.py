"""What the Inception nets share: steps written as data (a convolution or a pool, with its
scope), branches of steps (a list inside a branch is a fork whose outputs are concatenated),
``Mixed`` blocks of ``Branch_<i>`` scopes, and the batch-normalised ``arg_scope``."""

import tensorflow as tf

from graph_cnn.legacy.contrib import layers

v1 = tf.compat.v1


def trunc_normal(stddev):
    return v1.truncated_normal_initializer(0.0, stddev)


def conv(depth, kernel, scope, stride=1, padding=None, stddev=None):
    """A convolution step; ``padding`` None takes the enclosing ``arg_scope``'s, ``stddev``
    (if given) starts the weights truncated-normal."""
    return ("conv", depth, kernel, scope, stride, padding, stddev)


def pool(kind, scope, stride=1, padding=None, kernel=(3, 3)):
    """A ``max`` or ``avg`` pooling step."""
    return (kind, None, list(kernel), scope, stride, padding, None)


def apply(net, step, depth):
    """``net`` through one step; convolution depths pass through ``depth``."""
    kind, channels, kernel, scope, stride, padding, stddev = step
    options = {"stride": stride} if padding is None else {"stride": stride, "padding": padding}
    if stddev is not None:
        options["weights_initializer"] = trunc_normal(stddev)
    if kind == "conv":
        return layers.conv2d(net, depth(channels), kernel, scope=scope, **options)
    pooling = layers.max_pool2d if kind == "max" else layers.avg_pool2d
    return pooling(net, kernel, scope=scope, **options)


def branch(net, steps, depth):
    for step in steps:
        if isinstance(step, list):
            net = tf.concat([apply(net, s, depth) for s in step], 3)
        else:
            net = apply(net, step, depth)
    return net


def mixed(net, end_point, branches, depth):
    """An Inception block: each branch in ``<end_point>/Branch_<i>``, concatenated."""
    with v1.variable_scope(end_point):
        outputs = []
        for i, steps in enumerate(branches):
            with v1.variable_scope(f"Branch_{i}"):
                outputs.append(branch(net, steps, depth))
        return tf.concat(outputs, 3)


def build(net, sequence, final_endpoint, depth, end_points):
    """``net`` through ``(end point, step or list of branches)`` pairs up to
    ``final_endpoint``; returns ``(net, reached)``, each end point's output in ``end_points``."""
    for end_point, what in sequence:
        if isinstance(what, tuple):
            net = apply(net, what, depth)
        else:
            net = mixed(net, end_point, what, depth)
        end_points[end_point] = net
        if end_point == final_endpoint:
            return net, True
    return net, False


def squeeze(logits, spatial_squeeze):
    return tf.squeeze(logits, [1, 2], name="SpatialSqueeze") if spatial_squeeze else logits


def logits_head(net, end_points, num_classes, pool, dropout_keep_prob, scopes, spatial_squeeze,
                prediction_fn, pre_logits):
    """In scope ``Logits``: average pool (``pool``: kernel and stride, VALID), dropout, 1x1
    linear ``num_classes`` convolution, squeezed if asked; ``scopes`` names the three. Adds
    ``PreLogits`` (if ``pre_logits``), ``Logits`` and ``Predictions`` to ``end_points``."""
    pool_scope, dropout_scope, conv_scope = scopes
    (kernel, stride) = pool
    with v1.variable_scope("Logits"):
        net = layers.avg_pool2d(net, kernel, stride=stride, padding="VALID", scope=pool_scope)
        net = layers.dropout(net, dropout_keep_prob, scope=dropout_scope)
        if pre_logits:
            end_points["PreLogits"] = net
        logits = layers.conv2d(net, num_classes, [1, 1], activation_fn=None,
                               normalizer_fn=None, scope=conv_scope)
        logits = squeeze(logits, spatial_squeeze)
    end_points["Logits"] = logits
    end_points["Predictions"] = prediction_fn(logits, scope="Predictions")
    return logits


def reduced_logits_head(net, end_points, num_classes, kernel, dropout_keep_prob,
                        spatial_squeeze, prediction_fn, pre_logits):
    """v2's and v3's ``logits_head``: an average pool of ``kernel`` (less on small maps) in
    ``AvgPool_1a_<h>x<w>``, ``Dropout_1b``, ``Conv2d_1c_1x1``."""
    kernel = reduced_kernel_size_for_small_input(net, kernel)
    return logits_head(net, end_points, num_classes, (kernel, 2), dropout_keep_prob,
                       ("AvgPool_1a_{}x{}".format(*kernel), "Dropout_1b", "Conv2d_1c_1x1"),
                       spatial_squeeze, prediction_fn, pre_logits)


def reduced_kernel_size_for_small_input(input_tensor, kernel_size):
    """``kernel_size`` cut to the input's spatial size where that is known and smaller."""
    height, width = input_tensor.shape.as_list()[1:3]
    if height is None or width is None:
        return kernel_size
    return [min(height, kernel_size[0]), min(width, kernel_size[1])]


def depth_function(depth_multiplier, min_depth):
    """``d -> max(int(d * depth_multiplier), min_depth)``, for a positive multiplier."""
    if depth_multiplier <= 0:
        raise ValueError("depth_multiplier is not greater than zero.")
    return lambda d: max(int(d * depth_multiplier), min_depth)


def arg_scope(weight_decay, use_batch_norm, batch_norm_var_collection, fused=None):
    """L2-decayed, He-initialised ReLU convolutions, each followed (``use_batch_norm``) by batch
    norm (``beta`` only; decay 0.9997, epsilon 0.001, the moving statistics also in
    ``batch_norm_var_collection``)."""
    batch_norm_params = {
        "decay": 0.9997, "epsilon": 0.001, "updates_collections": v1.GraphKeys.UPDATE_OPS,
        "variables_collections": {"beta": None, "gamma": None,
                                  "moving_mean": [batch_norm_var_collection],
                                  "moving_variance": [batch_norm_var_collection]}}
    if fused is not None:
        batch_norm_params["fused"] = fused
    normalizer = {"normalizer_fn": layers.batch_norm, "normalizer_params": batch_norm_params}
    with layers.arg_scope([layers.conv2d, layers.fully_connected],
                          weights_regularizer=layers.l2_regularizer(weight_decay)), \
            layers.arg_scope([layers.conv2d],
                             weights_initializer=layers.variance_scaling_initializer(),
                             activation_fn=tf.nn.relu,
                             **(normalizer if use_batch_norm else {"normalizer_fn": None})) \
            as scope:
        return scope
