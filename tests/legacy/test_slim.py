"""``tf.contrib.slim``: names, defaults, losses, arg_scope, the training loop and its checkpoints,
streaming metrics, and a 2017-style slim MNIST script trained and evaluated end to end."""

import numpy as np
import pytest

from graph_cnn.legacy import tf
from graph_cnn.legacy.contrib import slim
from graph_cnn.data import input_data


def one_thread():
    return tf.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=1)


def names(variables):
    return [v.op.name for v in variables]


def test_layer_names_defaults_and_model_variables(graph):
    x = tf.placeholder(tf.float32, (None, 12, 12, 3))
    h = slim.conv2d(x, 6, [5, 5])
    assert h.op.type == "Relu" and h.shape.as_list() == [None, 12, 12, 6]  # relu, SAME
    h = slim.max_pool2d(h, [2, 2])
    assert h.shape.as_list() == [None, 6, 6, 6]  # stride 2 by default
    h = slim.fully_connected(slim.flatten(h), 20)
    slim.model_variable("extra", shape=[2], initializer=tf.ones_initializer())
    slim.variable("plain", shape=[], collections=["mine"])
    model = ["Conv/weights", "Conv/biases", "fully_connected/weights",
             "fully_connected/biases", "extra"]
    assert names(slim.get_model_variables()) == model
    assert names(slim.get_variables()) == model
    assert names(tf.get_collection("mine")) == ["plain"]
    assert names(slim.get_variables("Conv")) == model[:2]
    assert names(slim.get_variables(suffix="biases")) == ["Conv/biases", "fully_connected/biases"]
    assert names(slim.get_variables_by_name("weights")) == ["Conv/weights",
                                                            "fully_connected/weights"]
    assert names(slim.get_variables_to_restore(exclude=["fully_connected"])) == [
        "Conv/weights", "Conv/biases", "extra"]
    assert names(slim.get_variables_to_restore(include=["fully_connected"])) == model[2:4]
    with pytest.raises(TypeError, match="not a list or a tuple"):
        slim.get_variables_to_restore(include="Conv")
    limit = np.sqrt(6.0 / (216 + 20))  # xavier uniform for fully_connected/weights
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        fc = sess.run(slim.get_variables_by_name("weights")[1])
    assert limit * 0.95 < np.abs(fc).max() <= limit


def test_arg_scope_sets_and_overrides_model_variable_arguments(graph):
    with slim.arg_scope([slim.model_variable], initializer=tf.constant_initializer(3.0),
                        shape=[2]):
        a = slim.model_variable("a")
        with slim.arg_scope([slim.model_variable], initializer=tf.constant_initializer(5.0)):
            b = slim.model_variable("b")
            c = slim.model_variable("c", shape=[3], initializer=tf.zeros_initializer())
    d = slim.model_variable("d", shape=[1])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = sess.run([a, b, c, d])
    assert [v.tolist() for v in values[:3]] == [[3.0, 3.0], [5.0, 5.0], [0.0, 0.0, 0.0]]
    assert values[3].shape == (1,) and values[3][0] not in (3.0, 5.0)  # the scope has ended


def test_losses_weights_smoothing_and_total_loss(graph):
    rng = np.random.RandomState(0)
    logits_np = rng.randn(4, 3).astype(np.float32)
    labels_np = np.eye(3, dtype=np.float32)[[0, 2, 1, 2]]
    weights_np = np.array([1.0, 0.0, 2.0, 0.5], np.float32)
    logits = tf.constant(logits_np)
    plain = slim.losses.softmax_cross_entropy(logits, labels_np)
    weighted = slim.losses.softmax_cross_entropy(logits, labels_np, weights=weights_np)
    smooth = slim.losses.softmax_cross_entropy(logits, labels_np, label_smoothing=0.3)
    sparse = slim.losses.sparse_softmax_cross_entropy(logits, labels_np.argmax(1)[:, None])
    mse = slim.losses.mean_squared_error(logits, tf.zeros_like(logits), weights=2.0)
    w = tf.get_variable("w", [3], initializer=tf.constant_initializer([1.0, -2.0, 2.0]),
                        regularizer=slim.l2_regularizer(0.1))
    extra = tf.reduce_sum(w)
    slim.losses.add_loss(extra)
    total = slim.losses.get_total_loss()
    without = slim.losses.get_total_loss(add_regularization_losses=False, name="no_reg")
    assert len(slim.losses.get_losses()) == 6
    assert plain.op.name == "softmax_cross_entropy_loss/value"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got = sess.run([plain, weighted, smooth, sparse, mse, total, without])

    def xent(targets):
        log_p = logits_np - np.log(np.exp(logits_np).sum(1, keepdims=True))
        return -(targets * log_p).sum(1)

    per_sample = xent(labels_np)
    np.testing.assert_allclose(got[0], per_sample.mean(), rtol=1e-5)
    # slim divides the weighted sum by the number of samples with a non-zero weight
    np.testing.assert_allclose(got[1], (per_sample * weights_np).sum() / 3, rtol=1e-5)
    np.testing.assert_allclose(got[2], xent(labels_np * 0.7 + 0.1).mean(), rtol=1e-5)
    np.testing.assert_allclose(got[3], got[0], rtol=1e-6)
    np.testing.assert_allclose(got[4], 2 * (logits_np ** 2).mean(), rtol=1e-5)
    losses = got[0] + got[1] + got[2] + got[3] + got[4] + 1.0
    np.testing.assert_allclose(got[6], losses, rtol=1e-5)
    np.testing.assert_allclose(got[5], losses + 0.1 * 9 / 2, rtol=1e-5)


def test_create_train_op_runs_updates_clips_each_gradient_and_counts_steps(graph):
    x = tf.constant(np.arange(8, dtype=np.float32).reshape(4, 2))
    y = slim.fully_connected(x, 3, activation_fn=None,
                             weights_initializer=tf.ones_initializer())
    loss = tf.reduce_sum(tf.square(y))
    counter = tf.get_variable("counter", [], tf.int32, tf.zeros_initializer(), trainable=False)
    tf.add_to_collection(tf.GraphKeys.UPDATE_OPS, tf.assign_add(counter, 1))
    train_op = slim.learning.create_train_op(loss, tf.train.GradientDescentOptimizer(1.0),
                                             clip_gradient_norm=0.5, summarize_gradients=True)
    assert train_op in tf.get_collection(tf.GraphKeys.TRAIN_OP)
    tags = {summary.op.name for summary in tf.get_collection(tf.GraphKeys.SUMMARIES)}
    assert "summarize_grads/fully_connected/weights_gradient_norm" in tags
    weights, biases = slim.get_model_variables()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run([weights, biases])
        returned, expected_loss = sess.run(train_op), None
        after = sess.run([weights, biases])
        expected_loss = sess.run(loss, {weights: before[0], biases: before[1]})
        step, count = sess.run([tf.train.get_global_step(), counter])
    assert returned == pytest.approx(expected_loss)  # the loss before the step
    assert step == 1 and count == 1
    for old, new in zip(before, after):  # each clipped to norm 0.5 on its own, lr 1
        assert np.linalg.norm(new - old) == pytest.approx(0.5, rel=1e-5)


def _regression_graph(seed=0):
    """A linear model fed by queue runners (slice_input_producer + batch), as slim scripts were."""
    rng = np.random.RandomState(seed)
    inputs = rng.randn(256, 4).astype(np.float32)
    targets = inputs @ np.array([[1.0], [-2.0], [0.5], [3.0]], np.float32)
    x, y = tf.train.slice_input_producer([inputs, targets], seed=seed)
    xs, ys = tf.train.batch([x, y], batch_size=32)
    predictions = slim.fully_connected(xs, 1, activation_fn=None, scope="linear")
    slim.losses.mean_squared_error(predictions, ys)
    total = slim.losses.get_total_loss()
    tf.summary.scalar("total_loss", total)
    return slim.learning.create_train_op(total, tf.train.AdamOptimizer(0.2))


def test_train_checkpoints_resumes_and_returns_the_last_loss(tmp_path):
    steps, losses, inits = [], [], []

    def counting_step(sess, train_op, global_step, kwargs):
        loss, stop = slim.learning.train_step(sess, train_op, global_step, kwargs)
        steps.append(sess.run(global_step))
        losses.append(loss)
        return loss, stop

    for budget in (40, 60):
        with tf.Graph().as_default():
            train_op = _regression_graph()
            final = slim.learning.train(train_op, str(tmp_path), train_step_fn=counting_step,
                                        number_of_steps=budget, init_fn=inits.append,
                                        session_config=one_thread())
        assert final == losses[-1]
    assert steps == list(range(1, 61))  # the second run resumed at step 40
    assert len(inits) == 1  # init_fn runs only when no checkpoint was restored
    assert np.mean(losses[-5:]) < 0.05 * np.mean(losses[:5])
    assert tf.train.latest_checkpoint(str(tmp_path)).endswith("model.ckpt-60")
    assert list(tmp_path.glob("events.out.tfevents.*"))
    with pytest.raises(ValueError, match="number_of_steps"):
        slim.learning.train(train_op, str(tmp_path), number_of_steps=0)


def test_streaming_metrics_accumulate_over_batches(graph):
    predictions = tf.placeholder(tf.int64, [None])
    labels = tf.placeholder(tf.int64, [None])
    values, updates = slim.metrics.aggregate_metric_map({
        "accuracy": slim.metrics.streaming_accuracy(predictions, labels),
        "mean": slim.metrics.streaming_mean(tf.cast(predictions, tf.float32)),
    })
    assert sorted(values) == sorted(updates) == ["accuracy", "mean"]
    batches = [([1, 2, 3], [1, 2, 0]), ([4, 4], [4, 0]), ([0], [0])]
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        for p, t in batches:
            sess.run(list(updates.values()), {predictions: p, labels: t})
        result = sess.run(values)
    assert result["accuracy"] == pytest.approx(4 / 6)
    assert result["mean"] == pytest.approx(14 / 6)
    with pytest.raises(ValueError, match="at least one"):
        slim.metrics.aggregate_metrics()


def lenet(images, is_training):
    """The slim MNIST model of the 2017 tutorials (fc 1024, dropout 0.5)."""
    with slim.arg_scope([slim.conv2d, slim.fully_connected], activation_fn=tf.nn.relu,
                        weights_regularizer=slim.l2_regularizer(0.0005)):
        net = slim.conv2d(images, 32, [5, 5], scope="conv1")
        net = slim.max_pool2d(net, [2, 2], scope="pool1")
        net = slim.conv2d(net, 64, [5, 5], scope="conv2")
        net = slim.max_pool2d(net, [2, 2], scope="pool2")
        net = slim.flatten(net)
        net = slim.fully_connected(net, 1024, scope="fc3")
        net = slim.dropout(net, 0.5, is_training=is_training, scope="dropout3")
        return slim.fully_connected(net, 10, activation_fn=None, scope="fc4")


def _image_batch(images, labels, batch_size, **producer_args):
    image, label = tf.train.slice_input_producer([images, labels], **producer_args)
    image = tf.reshape(tf.cast(image, tf.float32) / 255.0, [28, 28, 1])
    return tf.train.batch([image, label], batch_size=batch_size)


def test_slim_mnist_script_trains_restores_and_evaluates(mnist_dir, tmp_path):
    mnist = input_data.read_data_sets(str(mnist_dir), one_hot=True, dtype=tf.uint8)
    train_dir, eval_dir = tmp_path / "train", tmp_path / "eval"
    with tf.Graph().as_default():
        tf.set_random_seed(0)
        images, labels = _image_batch(mnist.train.images[:10000], mnist.train.labels[:10000],
                                      50, seed=0)
        logits = lenet(images, is_training=True)
        slim.losses.softmax_cross_entropy(logits, labels)
        total_loss = slim.losses.get_total_loss()
        tf.summary.scalar("losses/total_loss", total_loss)
        assert len(slim.losses.get_regularization_losses()) == 4
        train_op = slim.learning.create_train_op(total_loss, tf.train.AdamOptimizer(1e-3))
        final_loss = slim.learning.train(train_op, str(train_dir), number_of_steps=150,
                                         session_config=one_thread())
    assert 0.0 < final_loss < 0.6
    checkpoint = tf.train.latest_checkpoint(str(train_dir))
    assert checkpoint.endswith("model.ckpt-150")

    test_images, test_labels = mnist.test.images[:2000], mnist.test.labels[:2000]
    with tf.Graph().as_default():
        images, labels = _image_batch(test_images, test_labels, 500, shuffle=False,
                                      num_epochs=1)
        with tf.variable_scope(tf.get_variable_scope(), reuse=tf.AUTO_REUSE):
            predictions = tf.argmax(lenet(images, is_training=False), 1)
            every = tf.constant(test_images.reshape(-1, 28, 28, 1).astype(np.float32) / 255)
            all_logits = lenet(every, is_training=False)
        values, updates = slim.metrics.aggregate_metric_map({
            "accuracy": slim.metrics.streaming_accuracy(predictions, tf.argmax(labels, 1))})
        tf.summary.scalar("accuracy", values["accuracy"])
        saver = tf.train.Saver(slim.get_variables_to_restore())
        accuracy = slim.evaluation.evaluate_once(
            "", checkpoint, str(eval_dir), num_evals=4, eval_op=list(updates.values()),
            final_op=values["accuracy"], session_config=one_thread())
        with tf.Session(config=one_thread()) as sess:
            saver.restore(sess, checkpoint)
            direct = (sess.run(all_logits).argmax(1) == test_labels.argmax(1)).mean()
    print(f"slim MNIST: loss {final_loss:.4f} after 150 steps, accuracy {accuracy:.4f} "
          "on 2000 test images")
    assert accuracy == pytest.approx(direct, abs=1e-6)  # all 4 batches of 500 counted
    assert accuracy > 0.9
    assert list(eval_dir.glob("events.out.tfevents.*"))
