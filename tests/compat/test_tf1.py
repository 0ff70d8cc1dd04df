"""The TF1 namespace, tf.layers (and the legacy layer's tf.contrib.layers): names, defaults and numbers as TF1 had them."""

import numpy as np
import pytest

from graph_cnn.compat import tf1 as tf


def names(collection=None):
    variables = tf.get_collection(collection or tf.GraphKeys.GLOBAL_VARIABLES)
    return [v.op.name for v in variables]


def test_tf1_api_is_graph_mode_with_sessions_and_training(graph):
    assert not tf.executing_eagerly()
    for attr in ("placeholder", "Session", "InteractiveSession", "placeholder_with_default",
                 "initialize_all_variables", "get_collection"):
        assert callable(getattr(tf, attr))
    assert tf.train.Saver and tf.train.AdamOptimizer and tf.train.RMSPropOptimizer
    assert tf.summary.FileWriter


@pytest.mark.smoke
def test_layer_variables_and_names_match_tf1(graph):
    x = tf.placeholder(tf.float32, (None, 28, 28, 1))
    h = tf.layers.conv2d(x, 6, 5, padding="same", activation=tf.nn.relu)
    h = tf.layers.conv2d(h, 8, (3, 3), name="conv1")
    h = tf.layers.max_pooling2d(h, 2, 2)
    h = tf.layers.average_pooling2d(h, 2, 2, padding="same")
    h = tf.layers.flatten(h)
    h = tf.layers.dense(h, 10)
    assert names() == ["conv2d/kernel", "conv2d/bias", "conv1/kernel", "conv1/bias",
                       "dense/kernel", "dense/bias"]
    assert names(tf.GraphKeys.TRAINABLE_VARIABLES) == names()
    shapes = [v.shape.as_list() for v in tf.global_variables()]
    assert shapes == [[5, 5, 1, 6], [6], [3, 3, 6, 8], [8], [7 * 7 * 8, 10], [10]]
    assert h.shape.as_list() == [None, 10]
    ops = {op.type for op in graph.get_operations()}
    assert {"Conv2D", "BiasAdd", "MaxPool", "AvgPool", "MatMul", "Relu"} <= ops
    tf.layers.conv2d(x, 6, 5)
    assert "conv2d_1/kernel" in names()
    with pytest.raises(ValueError, match="already exists"):
        tf.layers.conv2d(x, 8, 3, name="conv1")


def test_default_initializers_are_glorot_uniform_and_zero(graph):
    x = tf.placeholder(tf.float32, (None, 400))
    tf.layers.dense(x, 300)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        kernel, bias = sess.run(tf.global_variables())
    limit = np.sqrt(6.0 / (400 + 300))
    assert np.abs(kernel).max() <= limit and np.abs(kernel).max() > 0.95 * limit
    assert abs(kernel.std() - limit / np.sqrt(3)) < 0.01 * limit
    assert not bias.any()


def _bn_graph(shape, **kwargs):
    x = tf.placeholder(tf.float32, shape)
    training = tf.placeholder_with_default(False, shape=(), name="training")
    y = tf.layers.batch_normalization(x, training=training, **kwargs)
    return x, training, y


@pytest.mark.smoke
def test_batch_norm_updates_live_in_update_ops_and_move_only_when_training(graph):
    x, training, y = _bn_graph((None, 4, 4, 3), momentum=0.9)
    assert names() == ["batch_normalization/gamma", "batch_normalization/beta",
                       "batch_normalization/moving_mean", "batch_normalization/moving_variance"]
    assert names(tf.GraphKeys.TRAINABLE_VARIABLES) == names()[:2]
    updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    assert len(updates) == 2
    batch = np.random.RandomState(0).normal(3.0, 2.0, (8, 4, 4, 3)).astype(np.float32)
    mean_var = [v for v in tf.global_variables() if "moving" in v.name]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(updates, {x: batch})  # training defaults to False: nothing moves
        mean, var = sess.run(mean_var)
        assert not mean.any() and np.all(var == 1)
        out_eval = sess.run(y, {x: batch})
        np.testing.assert_allclose(out_eval, batch / np.sqrt(1 + 1e-3), rtol=1e-5)
        out_train, _ = sess.run([y, updates], {x: batch, training: True})
        mean, var = sess.run(mean_var)
    flat = batch.reshape(-1, 3)
    np.testing.assert_allclose(mean, 0.1 * flat.mean(0), rtol=1e-5)
    n = len(flat)  # fused batch norm: the moving variance gets Bessel's correction
    np.testing.assert_allclose(var, 0.9 + 0.1 * flat.var(0) * n / (n - 1), rtol=1e-5)
    expected = (batch - flat.mean(0)) / np.sqrt(flat.var(0) + 1e-3)
    np.testing.assert_allclose(out_train, expected, rtol=1e-4, atol=1e-4)


def test_dense_batch_norm_is_not_fused_and_uses_biased_variance(graph):
    x, training, y = _bn_graph((None, 5))
    batch = np.random.RandomState(1).normal(0, 3, (16, 5)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(tf.get_collection(tf.GraphKeys.UPDATE_OPS), {x: batch, training: True})
        var = sess.run(tf.global_variables()[3])
    np.testing.assert_allclose(var, 0.99 + 0.01 * batch.var(0), rtol=1e-5)
    assert "FusedBatchNormV3" not in {op.type for op in tf.get_default_graph().get_operations()}


def test_non_fused_batch_norm_matches_float64_in_value_and_gradient(graph):
    """The non-fused path (per-channel vectors tiled over the positions) for 6 channels, as
    LeNet's first batch norm: output, input gradient and PyTorch's unbiased moving variance
    against float64 NumPy."""
    batch = np.random.RandomState(2).normal(1.0, 3.0, (64, 12, 12, 6)).astype(np.float32)
    weights = np.random.RandomState(3).normal(size=batch.shape)
    x = tf.placeholder(tf.float32, (None, 12, 12, 6))

    class TorchBatchNorm(tf.layers.BatchNormalization):
        _unbiased_moving_variance = True

    y = TorchBatchNorm(momentum=0.9, epsilon=1e-5, fused=False)(x, training=True)
    (grad,) = tf.gradients(tf.reduce_sum(y * weights.astype(np.float32)), [x])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out, dx, _ = sess.run([y, grad, tf.get_collection(tf.GraphKeys.UPDATE_OPS)], {x: batch})
        moving_variance = sess.run(tf.global_variables()[3])
    flat = batch.astype(np.float64).reshape(-1, 6)
    n, mean, var = len(flat), flat.mean(0), flat.var(0)
    xhat = (batch - mean) / np.sqrt(var + 1e-5)
    np.testing.assert_allclose(out, xhat, atol=2e-5)
    g = weights.reshape(-1, 6)
    expected = (g - g.mean(0) - xhat.reshape(-1, 6) * (g * xhat.reshape(-1, 6)).mean(0)) / (
        np.sqrt(var + 1e-5))
    np.testing.assert_allclose(dx.reshape(-1, 6), expected, atol=2e-5)
    np.testing.assert_allclose(moving_variance, 0.9 + 0.1 * var * n / (n - 1), rtol=1e-6)


def test_average_pooling_2x2_gives_tensorflows_numbers_exactly(graph):
    """2x2/2 pooling takes a faster gradient; values and gradients are bit for bit
    AvgPoolGrad's, and an odd size keeps TensorFlow's own op."""
    rng = np.random.RandomState(4)
    for size in (24, 7):
        x = tf.constant(rng.randn(5, size, size, 6).astype(np.float32))
        ours = tf.layers.average_pooling2d(x, 2, 2)
        theirs = tf.nn.avg_pool2d(x, 2, 2, "VALID")
        dy = tf.constant(rng.randn(*ours.shape.as_list()).astype(np.float32))
        grads = tf.gradients([ours], [x], [dy])[0], tf.gradients([theirs], [x], [dy])[0]
        with tf.Session() as sess:
            a, b, ga, gb = sess.run([ours, theirs, *grads])
        assert (a == b).all() and (ga == gb).all()
        assert (ours.op.type == "AvgPool") == (size % 2 == 1)


def test_dropout_only_when_training(graph):
    x = tf.placeholder(tf.float32, (None, 1000))
    training = tf.placeholder_with_default(False, shape=())
    y = tf.layers.dropout(x, rate=0.5, training=training, seed=1)
    ones = np.ones((4, 1000), np.float32)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: ones}), ones)
        dropped = sess.run(y, {x: ones, training: True})
    assert set(np.unique(dropped)) == {0.0, 2.0}
    assert 0.45 < (dropped == 0).mean() < 0.55


def test_in_top_k_takes_predictions_then_targets(graph):
    predictions = tf.constant([[0.1, 0.8, 0.1], [0.6, 0.3, 0.1]])
    targets = tf.constant([1, 1])
    with tf.Session() as sess:
        assert sess.run(tf.nn.in_top_k(predictions, targets, 1)).tolist() == [True, False]
        assert sess.run(tf.nn.in_top_k(predictions, targets, 2)).tolist() == [True, True]


def test_contrib_layers_names_and_defaults(graph):
    from graph_cnn.legacy import tf as legacy_tf

    layers = legacy_tf.contrib.layers
    x = tf.placeholder(tf.float32, (None, 8, 8, 2))
    h = layers.conv2d(x, 4, 3, weights_regularizer=layers.l2_regularizer(0.5))
    h = layers.batch_norm(h, is_training=True)
    h = layers.fully_connected(layers.flatten(h), 10, activation_fn=None,
                               weights_initializer=layers.variance_scaling_initializer())
    assert h.shape.as_list() == [None, 10]
    assert names() == ["Conv/weights", "Conv/biases", "BatchNorm/beta", "BatchNorm/moving_mean",
                       "BatchNorm/moving_variance", "fully_connected/weights",
                       "fully_connected/biases"]
    assert len(tf.get_collection(tf.GraphKeys.UPDATE_OPS)) == 2
    (reg,) = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        weights, fc, penalty = sess.run([tf.global_variables()[0], tf.global_variables()[5], reg])
    assert np.isclose(penalty, 0.5 * (weights ** 2).sum() / 2, rtol=1e-5)
    assert abs(fc.std() - np.sqrt(1.3 * 2.0 / 256) * 0.8796) < 0.01  # truncated at 2 sd


@pytest.mark.smoke
def test_saver_round_trip_keeps_tf1_names(graph, tmp_path):
    x = tf.placeholder(tf.float32, (None, 3))
    tf.layers.dense(x, 2, name="fc")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = saver.save(sess, str(tmp_path / "model.ckpt"))
    stored = dict(tf.train.list_variables(path))
    assert stored == {"fc/kernel": [3, 2], "fc/bias": [2]}


def test_contrib_is_the_legacy_layers_and_says_so():
    with pytest.raises(AttributeError, match="from graph_cnn.legacy import tf"):
        tf.contrib  # noqa: B018
    from graph_cnn.legacy import tf as legacy_tf

    assert legacy_tf.contrib.layers.fully_connected is not None
    assert legacy_tf.nn.rnn_cell.BasicLSTMCell is not None
    assert legacy_tf.placeholder is tf.placeholder
