"""``tf.contrib.layers`` beyond the MNIST basics: regularizers, ``optimize_loss``, pooling,
dropout, ``conv2d_transpose``, ``repeat``/``stack``, summaries, and ``arg_scope`` semantics."""

import numpy as np
import pytest

from graph_cnn.legacy import tf
from graph_cnn.legacy.contrib import layers


def names(variables):
    return [v.op.name for v in variables]


def run(*fetches, feed=None):
    with tf.Session() as sess:
        sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
        return sess.run(list(fetches), feed)


@pytest.mark.smoke
def test_variables_join_model_variables_and_the_collections_asked_for(graph):
    x = tf.placeholder(tf.float32, (None, 6, 6, 2))
    h = layers.conv2d(x, 3, 3, normalizer_fn=layers.batch_norm,
                      variables_collections={"weights": [tf.GraphKeys.WEIGHTS]})
    h = layers.fully_connected(layers.flatten(h), 4, variables_collections=["fc"])
    model = ["Conv/weights", "Conv/BatchNorm/beta", "Conv/BatchNorm/moving_mean",
             "Conv/BatchNorm/moving_variance", "fully_connected/weights",
             "fully_connected/biases"]
    assert names(tf.get_collection(tf.GraphKeys.MODEL_VARIABLES)) == model
    assert names(tf.get_collection(tf.GraphKeys.WEIGHTS)) == ["Conv/weights"]
    assert names(tf.get_collection("fc")) == model[4:]
    assert names(tf.trainable_variables()) == [model[0], model[1], *model[4:]]
    assert h.op.inputs[0].op.name == "fully_connected/BiasAdd"
    assert layers.flatten(x).op.name == "Flatten_1/Reshape"


def test_regularizer_values_and_contrib_checks(graph):
    w_np = np.array([[1.0, -2.0], [0.5, 3.0]], np.float32)
    w = tf.constant(w_np)
    penalties = [layers.l1_regularizer(0.1)(w), layers.l2_regularizer(0.1)(w),
                 layers.l1_l2_regularizer(0.1, 0.2)(w),
                 layers.sum_regularizer([layers.l1_regularizer(0.3), None])(w)]
    values = run(*penalties)
    l1, l2 = np.abs(w_np).sum(), (w_np ** 2).sum() / 2
    np.testing.assert_allclose(values, [0.1 * l1, 0.1 * l2, 0.1 * l1 + 0.2 * l2, 0.3 * l1],
                               rtol=1e-6)
    assert penalties[2].op.name == "l1_l2_regularizer"
    assert layers.l1_regularizer(0.0)(w) is None
    assert layers.sum_regularizer([None]) is None
    with pytest.raises(ValueError, match="cannot be an integer"):
        layers.l1_regularizer(1)
    with pytest.raises(ValueError, match="less than 0"):
        layers.l1_l2_regularizer(0.1, -0.5)


def test_apply_regularization_defaults_to_the_weights_collection(graph):
    x = tf.placeholder(tf.float32, (None, 3))
    layers.fully_connected(x, 2)
    with pytest.raises(ValueError, match="No weights to regularize"):
        layers.apply_regularization(layers.l2_regularizer(1.0))  # contrib 1.x left WEIGHTS empty
    weights = tf.global_variables()[0]
    tf.add_to_collection(tf.GraphKeys.WEIGHTS, weights)
    penalty = layers.apply_regularization(layers.l1_regularizer(0.5))
    explicit = layers.apply_regularization(layers.l2_regularizer(2.0), tf.global_variables())
    assert tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES) == [penalty, explicit]
    w, b, p, e = run(*tf.global_variables(), penalty, explicit)
    assert p == pytest.approx(0.5 * np.abs(w).sum())
    assert e == pytest.approx((w ** 2).sum() + (b ** 2).sum(), rel=1e-5)


def test_pooling_defaults_dropout_and_one_hot(graph):
    x_np = np.random.RandomState(0).randn(2, 5, 5, 3).astype(np.float32)
    x = tf.constant(x_np)
    max_pool, avg_pool = layers.max_pool2d(x, [2, 2]), layers.avg_pool2d(x, 3, stride=1)
    assert (max_pool.op.type, avg_pool.op.type) == ("MaxPool", "AvgPool")
    assert max_pool.op.name.startswith("MaxPool2D/") and avg_pool.op.name.startswith("AvgPool2D/")
    assert max_pool.shape.as_list() == [2, 2, 2, 3]  # stride 2 and VALID by default
    assert avg_pool.shape.as_list() == [2, 3, 3, 3]
    ones = tf.placeholder(tf.float32, (None, 1000))
    training = tf.placeholder_with_default(True, ())
    dropped = layers.dropout(ones, keep_prob=0.8, is_training=training)
    assert dropped.op.name.startswith("Dropout/")
    labels = layers.one_hot_encoding(tf.constant([2, 0]), 3, on_value=5.0, off_value=-1.0)
    m, a, d, onehot = run(max_pool, avg_pool, dropped, labels, feed={ones: np.ones((4, 1000))})
    np.testing.assert_allclose(m[:, 1, 1], x_np[:, 2:4, 2:4].max(axis=(1, 2)))
    np.testing.assert_allclose(a[:, 0, 0], x_np[:, :3, :3].mean(axis=(1, 2)), rtol=1e-5)
    assert set(np.unique(d)) == {0.0, 1.25} and 0.17 < (d == 0).mean() < 0.23
    with tf.Session() as sess:
        kept = sess.run(dropped, {ones: np.ones((4, 1000)), training: False})
    assert (kept == 1).all()
    assert onehot.tolist() == [[-1.0, -1.0, 5.0], [5.0, -1.0, -1.0]]
    with pytest.raises(NotImplementedError, match="NHWC only"):
        layers.max_pool2d(x, 2, data_format="NCHW")


def test_conv2d_transpose_names_shapes_and_values(graph):
    x_np = np.random.RandomState(1).randn(2, 3, 4, 2).astype(np.float32)
    x = tf.placeholder(tf.float32, (None, 3, 4, 2))
    same = layers.conv2d_transpose(x, 5, 3, stride=2)
    valid = layers.conv2d_transpose(x, 4, [3, 2], stride=[2, 1], padding="VALID",
                                    activation_fn=None, biases_initializer=tf.ones_initializer())
    assert names(tf.global_variables()) == [
        "Conv2d_transpose/weights", "Conv2d_transpose/biases", "Conv2d_transpose_1/weights",
        "Conv2d_transpose_1/biases"]
    assert tf.global_variables()[2].shape.as_list() == [3, 2, 4, 2]  # (kh, kw, out, in)
    assert same.shape.as_list() == [None, 6, 8, 5] and same.op.type == "Relu"
    assert valid.shape.as_list() == [None, 7, 5, 4]
    out, w = run(valid, tf.global_variables()[2], feed={x: x_np})
    expected = np.ones((2, 7, 5, 4), np.float32)  # each input scatters its kernel, plus bias 1
    for i in range(3):
        for j in range(4):
            expected[:, 2 * i:2 * i + 3, j:j + 2] += np.einsum("nc,hwoc->nhwo", x_np[:, i, j], w)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


def test_repeat_and_stack_scopes(graph):
    x = tf.placeholder(tf.float32, (None, 8, 8, 3))
    layers.repeat(x, 2, layers.conv2d, 4, [3, 3], scope="conv1")
    layers.repeat(x, 1, layers.conv2d, 4, [3, 3])
    h = layers.stack(layers.flatten(x), layers.fully_connected, [16, 8, 4], scope="fc")
    layers.stack(x, layers.conv2d, [(2, [3, 3]), (3, [1, 1])])
    weights = [n for n in names(tf.global_variables()) if n.endswith("weights")]
    assert weights == ["conv1/conv1_1/weights", "conv1/conv1_2/weights",
                       "Repeat/conv2d_1/weights", "fc/fc_1/weights", "fc/fc_2/weights",
                       "fc/fc_3/weights", "Stack/conv2d_1/weights", "Stack/conv2d_2/weights"]
    assert h.shape.as_list() == [None, 4]
    assert tf.global_variables()[-2].shape.as_list() == [1, 1, 2, 3]
    with pytest.raises(ValueError, match="list or tuple"):
        layers.stack(x, layers.conv2d, 4)


@pytest.mark.smoke
def test_arg_scope_defaults_nesting_and_overrides(graph):
    x = tf.placeholder(tf.float32, (None, 8, 8, 3))
    with layers.arg_scope([layers.conv2d, layers.fully_connected], activation_fn=None,
                          padding="VALID") as outer:
        a = layers.conv2d(x, 4, 3)
        with layers.arg_scope([layers.conv2d], padding="SAME", stride=2):
            b = layers.conv2d(x, 4, 3)
            c = layers.conv2d(x, 4, 3, stride=1, activation_fn=tf.nn.relu)
        with layers.arg_scope([layers.max_pool2d], stride=1):
            d = layers.convolution2d(x, 4, 3)  # same function, same defaults
    with layers.arg_scope(outer):
        e = layers.conv2d(x, 4, 3)
    f = layers.conv2d(x, 4, 3)
    shapes = [t.shape.as_list()[1:3] for t in (a, b, c, d, e, f)]
    assert shapes == [[6, 6], [4, 4], [8, 8], [6, 6], [6, 6], [8, 8]]
    assert [t.op.type for t in (a, b, c, d, e, f)] == ["BiasAdd", "BiasAdd", "Relu", "BiasAdd",
                                                       "BiasAdd", "Relu"]
    assert layers.current_arg_scope() == {}
    assert "activation_fn" in layers.arg_scoped_arguments(layers.fully_connected)
    with pytest.raises(ValueError, match="not decorated with @add_arg_scope"), \
            layers.arg_scope([tf.nn.relu], name="x"):
        pass
    with pytest.raises(TypeError, match="list/tuple"), \
            layers.arg_scope(layers.conv2d, padding="SAME"):
        pass
    with pytest.raises(ValueError, match="kwargs must be empty"), \
            layers.arg_scope(outer, padding="SAME"):
        pass
    assert layers.current_arg_scope() == {}


def test_add_arg_scope_on_a_new_function():
    @layers.add_arg_scope
    def scaled(value, factor=1.0, offset=0.0):
        return value * factor + offset

    with layers.arg_scope([scaled], factor=3.0):
        with layers.arg_scope([scaled], offset=1.0):
            assert scaled(2.0) == 7.0 and scaled(2.0, offset=0.5) == 6.5
        assert scaled(2.0) == 6.0
    assert scaled(2.0) == 2.0 and scaled.__name__ == "scaled"
    assert layers.arg_scoped_arguments(scaled) == ["factor", "offset"]
    assert layers.has_arg_scope(scaled) and not layers.has_arg_scope(tf.nn.relu)


def _regression(optimizer, **kwargs):
    """optimize_loss on least squares; returns (losses over the steps, the train tensor). The
    graph seed fixes the initial weights (unseeded, Ftrl's 30 steps at 0.05 sometimes fell
    short of the bar)."""
    tf.set_random_seed(0)
    rng = np.random.RandomState(0)
    inputs = rng.randn(64, 3).astype(np.float32)
    targets = inputs @ np.array([[1.0], [-1.0], [2.0]], np.float32)
    step = tf.train.get_or_create_global_step()
    predictions = layers.fully_connected(tf.constant(inputs), 1, activation_fn=None)
    loss = tf.reduce_mean(tf.square(predictions - targets))
    train = layers.optimize_loss(loss, step, kwargs.pop("learning_rate", 0.05), optimizer,
                                 **kwargs)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        losses = [sess.run(train) for _ in range(30)]
        assert sess.run(step) == 30
    return losses, train


@pytest.mark.parametrize("optimizer", sorted(layers.OPTIMIZER_CLS_NAMES))
def test_optimize_loss_with_each_optimizer_name_decreases_the_loss(graph, optimizer):
    losses, _ = _regression(optimizer)
    assert losses[-1] < 0.7 * losses[0]
    assert all(np.isfinite(losses))
    assert "OptimizeLoss/learning_rate" in names(tf.global_variables())
    tags = {s.op.name for s in tf.get_collection(tf.GraphKeys.SUMMARIES)}
    assert tags == {"OptimizeLoss/loss", "OptimizeLoss/global_norm/gradient_norm"}


def test_optimize_loss_takes_classes_instances_and_functions_and_checks_arguments():
    optimizers = (tf.train.AdamOptimizer, tf.train.AdagradOptimizer(0.5),
                  lambda rate: tf.train.MomentumOptimizer(rate, momentum=0.5))
    for optimizer in optimizers:
        with tf.Graph().as_default():
            losses, _ = _regression(optimizer, summaries=["gradients", "gradient_norm"])
            tags = {s.op.name for s in tf.get_collection(tf.GraphKeys.SUMMARIES)}
        assert losses[-1] < 0.7 * losses[0]
        assert {"OptimizeLoss/gradients/fully_connected/weights_0",
                "OptimizeLoss/gradient_norm/fully_connected/biases_0"} <= tags
    for kwargs, message in (({"optimizer": "Nesterov"}, "Optimizer name should be one of"),
                            ({"summaries": ["histograms"]}, "Summaries should be one of"),
                            ({"learning_rate": 1}, "Learning rate should be 0d Tensor or float"),
                            ({"optimizer": 3}, "Unrecognized optimizer")):
        with tf.Graph().as_default(), pytest.raises(ValueError, match=message):
            _regression(kwargs.pop("optimizer", "SGD"), **kwargs)


def test_optimize_loss_runs_update_ops_and_clips_by_global_norm(graph):
    counter = tf.get_variable("counter", [], tf.int32, tf.zeros_initializer(), trainable=False)
    tf.add_to_collection(tf.GraphKeys.UPDATE_OPS, tf.assign_add(counter, 1))
    w = tf.get_variable("w", [2], initializer=tf.zeros_initializer())
    loss = tf.reduce_sum(tf.square(w - [30.0, 40.0]))
    step = tf.train.get_or_create_global_step()
    train = layers.optimize_loss(loss, step, 1.0, tf.train.GradientDescentOptimizer,
                                 clip_gradients=5.0, name="opt",
                                 learning_rate_decay_fn=lambda rate, _: rate * 0.5)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        value = sess.run(train)
        moved, count = sess.run([w, counter])
    assert value == pytest.approx(2500.0)  # the loss before the step
    # gradient (-60, -80) clipped to norm 5, times the decayed rate 0.5
    np.testing.assert_allclose(moved, [1.5, 2.0], rtol=1e-6)
    assert count == 1
    assert "opt/learning_rate" in names(tf.global_variables())
    tags = {s.op.name for s in tf.get_collection(tf.GraphKeys.SUMMARIES)}
    assert {"opt/learning_rate_1", "opt/global_norm/clipped_gradient_norm"} <= tags


def test_optimize_loss_adds_gradient_noise(graph):
    w = tf.get_variable("w", [1000], initializer=tf.zeros_initializer())
    train = layers.optimize_loss(tf.reduce_sum(w * 0.0), None, 1.0, "SGD",
                                 gradient_noise_scale=0.5)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        moved = sess.run(w)
    assert 0.4 < moved.std() < 0.5 and np.abs(moved).max() <= 1.0  # truncated at 2 sd


def test_summaries_of_activations_and_tensors(graph):
    pre = tf.constant([[-1.0, 2.0, -3.0, 4.0]])
    relu = tf.nn.relu(pre, name="act")
    tf.add_to_collection(tf.GraphKeys.ACTIVATIONS, relu)
    tf.add_to_collection(tf.GraphKeys.ACTIVATIONS, tf.identity(pre, name="other"))
    made = layers.summarize_activations(name_filter="act")
    scalar = layers.summarize_tensor(tf.reduce_sum(pre, name="total"))
    assert layers.summarize_tensor(tf.constant([True])) is None
    tags = [s.op.name for s in tf.get_collection(tf.GraphKeys.SUMMARIES)]
    assert tags == ["act/zeros", "act/activation", "total_summary"]
    assert made[0].op.type == "HistogramSummary" and scalar.op.type == "ScalarSummary"
    zeros = tf.get_collection(tf.GraphKeys.SUMMARIES)[0]
    summary = tf.Summary.FromString(run(zeros)[0])
    assert summary.value[0].simple_value == 0.5


def test_batch_norm_arguments_beyond_the_mnist_ones(graph):
    x = tf.placeholder(tf.float32, (None, 4))
    y = layers.batch_norm(x, scale=True, fused=False, is_training=True,
                          param_regularizers={"gamma": layers.l2_regularizer(1.0)})
    (penalty,) = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert "FusedBatchNormV3" not in {op.type for op in tf.get_default_graph().get_operations()}
    batch = np.random.RandomState(2).randn(16, 4).astype(np.float32)
    out, p = run(y, penalty, feed={x: batch})
    np.testing.assert_allclose(out, (batch - batch.mean(0)) / np.sqrt(batch.var(0) + 1e-3),
                               rtol=1e-4, atol=1e-4)
    assert p == pytest.approx(2.0)  # gamma starts at ones: 4 / 2
    with pytest.raises(NotImplementedError, match="renorm, zero_debias_moving_mean"):
        layers.batch_norm(x, renorm=True, zero_debias_moving_mean=True)


def test_bias_add_names_collections_values_and_channel_axis(graph):
    x = tf.constant(np.arange(24, dtype=np.float32).reshape(2, 3, 2, 2))
    nhwc = layers.bias_add(x, activation_fn=tf.nn.relu,
                           initializer=tf.constant_initializer([-100.0, 1.0]),
                           variables_collections=["mine"])
    nchw = layers.bias_add(x, initializer=tf.constant_initializer([1.0, 2.0, 3.0]),
                           data_format="NCHW", scope="by_channel")
    assert names(tf.get_collection(tf.GraphKeys.MODEL_VARIABLES)) == [
        "BiasAdd/biases", "by_channel/biases"]
    assert names(tf.get_collection("mine")) == ["BiasAdd/biases"]
    got_nhwc, got_nchw = run(nhwc, nchw)
    value = np.arange(24, dtype=np.float32).reshape(2, 3, 2, 2)
    np.testing.assert_allclose(got_nhwc, np.maximum(value + [-100.0, 1.0], 0))
    np.testing.assert_allclose(got_nchw, value + np.array([1.0, 2.0, 3.0])[:, None, None])
    with pytest.raises(ValueError, match="NCHW only supports 4D"):
        layers.bias_add(tf.zeros([2, 3, 4]), data_format="NCHW")
