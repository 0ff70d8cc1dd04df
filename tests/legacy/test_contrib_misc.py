"""TF1's deep ``tf.contrib.X.python...`` module paths and the smaller contrib families
(``opt``, ``keras``, ``framework.nest`` ...), checked against TF 1.15's behaviour."""

import numpy as np
import pytest
from conftest import run_cli

DEEP_PATHS = """\
import tensorflow as tf
from tensorflow.contrib.training import HParams
import tensorflow.contrib.training.python.training.hparam as hp
from tensorflow.contrib.training.python.training import evaluation
from tensorflow.contrib.framework.python.ops import arg_scope, add_arg_scope
import tensorflow.contrib.layers.python.layers.initializers as inits
from tensorflow.contrib.layers.python.layers import utils, layers as contrib_layers
from tensorflow.contrib.seq2seq.python.ops import decoder, helper
import tensorflow.contrib.seq2seq.python.ops.decoder as dec
from tensorflow.contrib.cudnn_rnn.python.ops import cudnn_rnn_ops
import tensorflow.contrib.rnn.python.ops.core_rnn_cell as crc
from tensorflow.contrib.slim import initializers as slim_inits
import tensorflow.contrib.slim.layers as slim_layers
import tensorflow.contrib.slim as slim
import tensorflow.contrib.framework.python.ops.arg_scope
from tensorflow.contrib.framework.python.ops.arg_scope import arg_scope as scope_function
x = tf.placeholder(tf.float32, [None, 4, 4, 3])
with arg_scope([contrib_layers.max_pool2d], kernel_size=2):
    pooled = slim_layers.max_pool2d(x)
utils.collect_named_outputs("outs", "pool", pooled)
print("pool", pooled.shape, sorted(utils.convert_collection_to_dict("outs")))
print("same", hp.HParams is HParams, dec.Decoder is decoder.Decoder, crc.LSTMCell is tf.nn.rnn_cell.LSTMCell,
      inits.xavier_initializer is tf.contrib.layers.python.layers.initializers.xavier_initializer,
      slim_inits is slim.initializers, evaluation.checkpoints_iterator is tf.train.checkpoints_iterator,
      cudnn_rnn_ops.CudnnLSTM is tf.contrib.cudnn_rnn.CudnnLSTM,
      helper.TrainingHelper is tf.contrib.seq2seq.TrainingHelper,
      arg_scope is scope_function is tf.contrib.framework.python.ops.arg_scope is slim.arg_scope)
try:
    import tensorflow.contrib.layers.python.layers.no_such_file
except ImportError as e:
    print("refused", type(e).__name__)
try:
    tf.contrib.training.python.no_such_folder
except AttributeError:
    print("no attribute")
"""


def test_deep_contrib_paths_import_and_resolve_as_attributes(tmp_path):
    # `import a.b.c as x` binds by attribute lookups along the path: this failed once
    # `from tensorflow.contrib.training import HParams` had imported the real module.
    script = tmp_path / "deep.py"
    script.write_text(DEEP_PATHS)
    result = run_cli("legacy", script)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert "pool (?, 2, 2, 3) ['pool']" in lines
    assert "same True True True True True True True True True" in lines
    assert "refused ModuleNotFoundError" in lines and "no attribute" in lines


def test_coverage_counts_deep_paths_the_runner_serves_and_nothing_else():
    from graph_cnn.legacy import coverage
    from graph_cnn.legacy import tf as root

    for name in ("tf.contrib.framework.python.ops", "tf.contrib.layers.python.layers.utils",
                 "tf.contrib.layers.python.layers.initializers.xavier_initializer",
                 "tf.contrib.training.python.training.evaluation", "tf.contrib.slim.initializers",
                 "tf.contrib.seq2seq.python.ops.helper", "tf.contrib.cudnn_rnn.python.ops.cudnn_rnn_ops"):
        assert coverage.resolves(name, root), name
    for name in ("tf.contrib.layers.python.layers.no_such_file", "tf.contrib.framework.python.nope",
                 "tf.contrib.layers.python.layers.utils.no_such_name"):
        assert not coverage.resolves(name, root), name


def _adam_rows(value, m, v, grad, t, lr=0.1, b1=0.9, b2=0.999, eps=1e-8):
    """TF1's Adam step (by hand) on the rows given: new value, m, v."""
    m = b1 * m + (1 - b1) * grad
    v = b2 * v + (1 - b2) * grad ** 2
    step = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
    return value - step * m / (np.sqrt(v) + eps), m, v


def test_lazy_adam_moves_only_the_gathered_rows(graph):
    from graph_cnn.compat import tf1 as tf
    from graph_cnn.legacy.contrib import opt

    start = np.arange(12, dtype=np.float32).reshape(4, 3) / 10
    table = tf.Variable(start)
    ids = tf.placeholder(tf.int32, [None])
    loss = tf.reduce_sum(tf.square(tf.gather(table, ids)))
    train = opt.LazyAdamOptimizer(0.1).minimize(loss)
    expected, m, v = start.copy(), np.zeros_like(start), np.zeros_like(start)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for t, rows in enumerate(([0, 2, 2], [2], [1]), 1):
            sess.run(train, {ids: rows})
            grad = np.zeros_like(start)
            np.add.at(grad, rows, 2 * expected[rows])  # repeated ids summed, as TF1 did
            touched = sorted(set(rows))
            expected[touched], m[touched], v[touched] = _adam_rows(
                expected[touched], m[touched], v[touched], grad[touched], t)
        got = sess.run(table)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    assert got[3].tolist() == start[3].tolist()  # never gathered: unchanged
    # row 0, touched at step 1 only, stays put after it; dense Adam's momentum would move it on
    plain, m0, v0 = _adam_rows(start[0], 0, 0, 2 * start[0], 1)
    for t in (2, 3):
        plain, m0, v0 = _adam_rows(plain, m0, v0, 0, t)
    assert abs(got[0, 2] - plain[2]) > 0.05


def test_adamw_decays_only_the_listed_variables_before_the_adam_step(graph):
    from graph_cnn.compat import tf1 as tf
    from graph_cnn.legacy.contrib import opt

    a0, b0 = np.array([1.0, -2.0], np.float32), np.array([3.0], np.float32)
    a, b = tf.Variable(a0), tf.Variable(b0)
    loss = tf.reduce_sum(a * a) + tf.reduce_sum(b)
    train = opt.AdamWOptimizer(weight_decay=0.1, learning_rate=0.01).minimize(
        loss, decay_var_list=[a])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        ea, ma, va = a0.copy(), np.zeros(2), np.zeros(2)
        eb, mb, vb = b0.copy(), np.zeros(1), np.zeros(1)
        for t in (1, 2):
            sess.run(train)
            grad_a = 2 * ea  # the gradient is taken before the decay, as TF1 did
            ea, ma, va = _adam_rows(ea - 0.1 * ea, ma, va, grad_a, t, lr=0.01)
            eb, mb, vb = _adam_rows(eb, mb, vb, np.ones(1), t, lr=0.01)
        np.testing.assert_allclose(sess.run(a), ea, rtol=1e-5)
        np.testing.assert_allclose(sess.run(b), eb, rtol=1e-5)
    assert "tf.contrib.opt.ShampooOptimizer" in str(pytest.raises(AttributeError, getattr, opt,
                                                                  "ShampooOptimizer").value)


def test_nest_lookup_util_and_linear_behave_as_tf1(graph, tmp_path):
    from graph_cnn.compat import tf1 as tf
    from graph_cnn.legacy.contrib import framework, layers, lookup, util

    nest = framework.nest
    structure = {"b": (1, [2, 3]), "a": 4}
    assert nest.flatten(structure) == [4, 1, 2, 3]  # dict keys sorted, as TF1's nest did
    assert nest.pack_sequence_as(structure, [40, 10, 20, 30]) == {"a": 40, "b": (10, [20, 30])}
    assert nest.map_structure(lambda x: x * 2, (1, [2])) == (2, [4])
    assert nest.is_sequence([1]) and not nest.is_sequence("ab")
    with pytest.raises(ValueError):
        nest.assert_same_structure((1, 2), (1, (2, 3)))

    words = tf.constant(["b", "zz", "a"])
    ids = lookup.index_table_from_tensor(mapping=["a", "b", "c"]).lookup(words)
    oov = lookup.index_table_from_tensor(["a", "b"], num_oov_buckets=1).lookup(words)
    back = lookup.index_to_string_table_from_tensor(mapping=["a", "b"]).lookup(
        tf.constant([1, 0, 7], tf.int64))
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("x\ny\n")
    from_file = lookup.index_table_from_file(str(vocab), default_value=9).lookup(tf.constant(["y", "q"]))
    table = lookup.HashTable(lookup.KeyValueTensorInitializer(["k"], [5]), -1)
    hashed = table.lookup(tf.constant(["k", "m"]))

    x = tf.placeholder(tf.float32, [None, 3])
    out = layers.linear(x, 2, weights_initializer=tf.constant_initializer(-1.0))
    with tf.Session() as sess:
        sess.run([tf.global_variables_initializer(), tf.tables_initializer()])
        got = sess.run([ids, oov, back, from_file, hashed, out], {x: [[1.0, 2.0, 3.0]]})
    assert got[0].tolist() == [1, -1, 0]
    assert got[1].tolist() == [1, 2, 0]  # the one OOV bucket follows the vocabulary
    assert got[2].tolist() == [b"b", b"a", b"UNK"]
    assert got[3].tolist() == [1, 9] and got[4].tolist() == [5, -1]
    assert got[5].tolist() == [[-6.0, -6.0]]  # no ReLU: fully_connected's default is dropped
    assert [v.name for v in tf.trainable_variables()] == ["fully_connected/weights:0",
                                                           "fully_connected/biases:0"]
    proto = util.make_tensor_proto([[1, 2]], dtype=tf.int32)
    assert util.make_ndarray(proto).tolist() == [[1, 2]] and proto.tensor_shape.dim[1].size == 2
    assert layers.summaries.summarize_tensor is layers.summarize_tensor


def test_keras_signal_and_autograph_are_tf1s_core_names(tmp_path):
    script = tmp_path / "core_names.py"
    script.write_text(
        "import numpy as np\n"
        "import tensorflow as tf\n"
        "from tensorflow.contrib.keras import layers, models\n"
        "print(layers is tf.keras.layers, models.Sequential is tf.keras.models.Sequential,\n"
        "      tf.contrib.keras.utils.to_categorical([1], 3).tolist())\n"
        "spec = tf.contrib.signal.stft(tf.zeros([1, 64]), frame_length=16, frame_step=8)\n"
        "def f(x):\n"
        "    return x * 2 if x > 0 else -x\n"
        "g = tf.contrib.autograph.to_graph(f)\n"
        "with tf.Session() as s:\n"
        "    print(spec.shape, s.run(g(tf.constant(-3.0))))\n"
        "tf.contrib.signal.no_such_op\n")
    result = run_cli("legacy", script)
    assert result.returncode == 1
    assert result.stdout.splitlines() == ["True True [[0.0, 1.0, 0.0]]", "(1, 7, 9) 3.0"]
    assert "tf.contrib.signal.no_such_op is not provided" in result.stderr


def test_image_rotate_translate_transform_as_tf1(graph):
    from graph_cnn.compat import tf1 as tf
    from graph_cnn.legacy.contrib import image

    square = np.arange(16, dtype=np.float32).reshape(4, 4)
    batch = np.stack([square, square * 10])[..., None]  # NHWC, two images
    turned = image.rotate(square, np.pi / 2)  # HW, counter-clockwise
    each = image.rotate(batch, [np.pi / 2, np.pi])  # one angle per image
    moved = image.translate(square[..., None], [1, 2])  # HWC
    half = image.transform(square, [1, 0, 0.5, 0, 1, 0, 0, 0], interpolation="BILINEAR")
    with tf.Session() as sess:
        turned, each, moved, half = sess.run([turned, each, moved, half])
    np.testing.assert_array_equal(turned, np.rot90(square))
    np.testing.assert_array_equal(each[0, ..., 0], np.rot90(square))
    np.testing.assert_array_equal(each[1, ..., 0], np.rot90(square * 10, 2))
    expected = np.zeros_like(square)
    expected[2:, 1:] = square[:2, :3]  # dx=1 right, dy=2 down, zeros come in
    np.testing.assert_array_equal(moved[..., 0], expected)
    np.testing.assert_allclose(half[:, :3], (square[:, :3] + square[:, 1:]) / 2)
    with pytest.raises(ValueError, match="NEAREST"):
        image.rotate(square, 1.0, interpolation="CUBIC")


def test_distributions_have_tf1_names_shapes_and_densities(graph):
    from graph_cnn.compat import tf1 as tf
    from graph_cnn.legacy.contrib import distributions as ds

    normal = ds.Normal(loc=[0.0, 1.0], scale=[1.0, 2.0])
    mvn = ds.MultivariateNormalDiag(loc=[[0.0, 1.0]], scale_diag=[[1.0, 2.0]])
    coin = ds.Bernoulli(probs=0.25)
    cat = ds.Categorical(logits=[[0.0, np.log(3.0)]])
    x = np.array([0.5, -1.0], np.float32)
    with tf.Session() as sess:
        got = sess.run({"lp": normal.log_prob(x), "sample": tf.shape(normal.sample(5, seed=1)),
                        "std": normal.stddev(), "ent": normal.entropy(),
                        "mvn_lp": mvn.log_prob(x), "mvn_sample": tf.shape(mvn.sample([3])),
                        "mvn_ent": mvn.entropy(), "cov": mvn.covariance(),
                        "coin": coin.prob(1), "cat_lp": cat.log_prob([1])})
    scale = np.array([1.0, 2.0])
    by_hand = -0.5 * ((x - [0.0, 1.0]) / scale) ** 2 - np.log(np.sqrt(2 * np.pi) * scale)
    np.testing.assert_allclose(got["lp"], by_hand, rtol=1e-5)
    assert got["sample"].tolist() == [5, 2] and got["std"].tolist() == [1.0, 2.0]
    np.testing.assert_allclose(got["ent"], 0.5 + 0.5 * np.log(2 * np.pi) + np.log(scale), rtol=1e-5)
    np.testing.assert_allclose(got["mvn_lp"], [by_hand.sum()], rtol=1e-5)
    assert got["mvn_sample"].tolist() == [3, 1, 2]
    assert mvn.batch_shape.as_list() == [1] and mvn.event_shape.as_list() == [2]
    np.testing.assert_allclose(got["mvn_ent"], [got["ent"].sum()], rtol=1e-5)
    np.testing.assert_allclose(got["cov"], [np.diag([1.0, 4.0])])
    assert got["coin"] == pytest.approx(0.25)
    np.testing.assert_allclose(got["cat_lp"], [np.log(0.75)], rtol=1e-5)
    assert ds.python.ops.normal.Normal is ds.Normal
    with pytest.raises(AttributeError, match="tf.contrib.distributions.Mixture is not provided"):
        ds.Mixture  # noqa: B018


def test_instance_norm_normalises_each_example_and_channel(graph):
    from graph_cnn.compat import tf1 as tf
    from graph_cnn.legacy.contrib import layers, slim

    rng = np.random.default_rng(0)
    data = rng.normal(3.0, 2.0, (2, 4, 5, 3)).astype(np.float32)
    nhwc = layers.instance_norm(tf.constant(data), param_initializers={
        "gamma": tf.constant_initializer(2.0)})
    nchw = slim.instance_norm(tf.constant(data.transpose(0, 3, 1, 2)), data_format="NCHW",
                              center=False)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        nhwc, nchw = sess.run([nhwc, nchw])
    mean = data.mean(axis=(1, 2), keepdims=True)
    by_hand = (data - mean) / np.sqrt(data.var(axis=(1, 2), keepdims=True) + 1e-6)
    np.testing.assert_allclose(nhwc, 2 * by_hand, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(nchw, by_hand.transpose(0, 3, 1, 2), rtol=1e-4, atol=1e-4)
    assert [(v.name, v.shape.as_list()) for v in tf.model_variables()] == [
        ("InstanceNorm/beta:0", [3]), ("InstanceNorm/gamma:0", [3]), ("InstanceNorm_1/gamma:0", [3])]


def test_moving_average_optimizer_averages_and_saves_the_averages(graph, tmp_path):
    from graph_cnn.compat import tf1 as tf
    from graph_cnn.legacy.contrib import opt

    w = tf.Variable(1.0, name="w")
    optimizer = opt.MovingAverageOptimizer(tf.train.GradientDescentOptimizer(0.5), average_decay=0.9)
    with pytest.raises(RuntimeError, match="apply_gradients"):
        optimizer.swapping_saver()
    train = optimizer.minimize(tf.square(w))  # w <- w - 0.5 * 2w = 0 after one step
    saver = optimizer.swapping_saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        sess.run(w.assign(4.0))
        sess.run(train)  # w: 4 -> 0 again
        average = sess.run(optimizer._ema.average(w))
        path = saver.save(sess, str(tmp_path / "model"))
    assert average == pytest.approx(0.9 * (0.9 * 1.0 + 0.1 * 0.0) + 0.1 * 0.0)
    with tf.Graph().as_default():
        plain = tf.Variable(9.0, name="w")
        with tf.Session() as sess:
            tf.train.Saver([plain]).restore(sess, path)
            assert sess.run(plain) == pytest.approx(average)


def test_lars_scales_each_variables_momentum_step_by_its_trust_ratio(graph):
    from graph_cnn.compat import tf1 as tf
    from graph_cnn.legacy.contrib import opt

    w0, b0 = np.array([3.0, 4.0], np.float32), np.array([2.0], np.float32)
    w, b = tf.Variable(w0, name="w"), tf.Variable(b0, name="bias")
    loss = tf.reduce_sum(tf.square(w)) + tf.reduce_sum(b)
    train = opt.LARSOptimizer(0.1, momentum=0.9, weight_decay=0.01, eeta=0.001,
                              skip_list=["bias"]).minimize(loss)
    ew, mw, eb, mb = w0.copy(), np.zeros(2), b0.copy(), np.zeros(1)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(2):
            sess.run(train)
            grad = 2 * ew
            w_norm, g_norm = np.linalg.norm(ew), np.linalg.norm(grad)
            lr = 0.1 * 0.001 * w_norm / (g_norm + 0.01 * w_norm)
            mw = 0.9 * mw + (grad + 0.01 * ew) * lr
            ew = ew - mw
            mb = 0.9 * mb + np.ones(1) * 0.1  # skipped: plain momentum, no decay
            eb = eb - mb
        np.testing.assert_allclose(sess.run(w), ew, rtol=1e-5)
        np.testing.assert_allclose(sess.run(b), eb, rtol=1e-5)


def test_training_loops_train_then_evaluate_each_checkpoint(graph, tmp_path):
    from graph_cnn.compat import tf1 as tf
    from graph_cnn.legacy.contrib import training

    w = tf.Variable(5.0, name="w")
    loss = tf.square(w)
    seen = []
    train_op = training.create_train_op(
        loss, tf.train.GradientDescentOptimizer(0.1),
        transform_grads_fn=lambda pairs: seen.append(len(pairs)) or [(g * 0.5, v) for g, v in pairs])
    tf.summary.scalar("loss", loss)
    last = training.train(train_op, str(tmp_path), hooks=[tf.train.StopAtStepHook(last_step=3)],
                          save_summaries_steps=None, save_checkpoint_secs=None,
                          chief_only_hooks=[tf.train.CheckpointSaverHook(str(tmp_path), save_steps=3)])
    assert seen == [1] and last > 0  # train returns the train op's last value, the loss
    with tf.Graph().as_default():  # the evaluation program, as TF1 ran it: its own graph
        w = tf.Variable(0.0, name="w")
        tf.summary.scalar("w", w)
        counted = tf.Variable(0, name="counted", trainable=False,
                              collections=[tf.GraphKeys.LOCAL_VARIABLES])
        final = training.evaluate_repeatedly(
            str(tmp_path), eval_ops=tf.assign_add(counted, 1), final_ops={"w": w, "n": counted},
            hooks=[training.StopAfterNEvalsHook(4),
                   training.SummaryAtEndHook(str(tmp_path / "eval"))],
            max_number_of_evaluations=1, eval_interval_secs=0)
    # three steps of halved gradients, w <- w - 0.1 * 0.5 * 2w; four evaluation batches
    assert final["w"] == pytest.approx(5.0 * 0.9 ** 3) and final["n"] == 4
    assert list((tmp_path / "eval").glob("events.out.tfevents.*"))


def test_graph_editor_walks_and_rnn_common_and_framework_odds(graph):
    from graph_cnn.legacy import tf
    from graph_cnn.legacy.contrib import graph_editor as ge

    x = tf.placeholder(tf.float32, [None, 3], name="x")
    w = tf.constant(np.ones((3, 2), np.float32), name="w")
    h = tf.matmul(x, w, name="h")
    y = tf.nn.relu(h, name="y")
    z = tf.reduce_sum(y, name="z")
    back = [op.name for op in ge.get_backward_walk_ops(z)]
    assert back == ["z", "y", "Const", "h", "x", "w"]  # breadth first: y, then its axis
    assert [op.name for op in ge.get_backward_walk_ops([z], stop_at_ts=[h], inclusive=False)] == [
        "y", "Const"]
    assert [op.name for op in ge.get_forward_walk_ops(x.op)] == ["x", "h", "y", "z"]
    with pytest.raises(AttributeError, match="tf.contrib.graph_editor.reroute_ts is not provided"):
        ge.reroute_ts  # noqa: B018
    activations = np.arange(2 * 4 * 3, dtype=np.float32).reshape(2, 4, 3)
    last = tf.contrib.learn.estimators.rnn_common.select_last_activations(
        tf.constant(activations), tf.constant([2, 4]))
    full = tf.contrib.learn.estimators.rnn_common.select_last_activations(
        tf.constant(activations), None)
    with tf.Session() as sess:
        got, got_full = sess.run([last, full])
    np.testing.assert_array_equal(got, activations[[0, 1], [1, 3]])
    np.testing.assert_array_equal(got_full, activations[:, -1])
    assert tf.contrib.learn.monitored_session.MonitoredSession is tf.train.MonitoredSession

    @tf.contrib.framework.deprecated("2017-01-01", "Use g instead.")
    def f():
        return 7

    assert f() == 7 and "DEPRECATED" in f.__doc__
