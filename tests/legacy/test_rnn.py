import os
import re
import subprocess
import sys

import numpy as np
import pytest

from graph_cnn.legacy import rnn, tf
from graph_cnn.verify.references import rnn_ref as reference

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ONE_THREAD = {"intra_op_parallelism_threads": 1, "inter_op_parallelism_threads": 1}


def variables():
    return [(v.op.name, v.shape.as_list()) for v in tf.global_variables()]


def sequence(batch=2, time=5, depth=3):
    return tf.placeholder(tf.float32, [batch, time, depth])


@pytest.mark.parametrize("loop", ["dynamic", "static"])
@pytest.mark.parametrize("make, expected", [
    (lambda: rnn.BasicLSTMCell(4), [("rnn/basic_lstm_cell/kernel", [7, 16]),
                                    ("rnn/basic_lstm_cell/bias", [16])]),
    (lambda: rnn.BasicRNNCell(4), [("rnn/basic_rnn_cell/kernel", [7, 4]),
                                   ("rnn/basic_rnn_cell/bias", [4])]),
    (lambda: rnn.GRUCell(4), [("rnn/gru_cell/gates/kernel", [7, 8]),
                              ("rnn/gru_cell/gates/bias", [8]),
                              ("rnn/gru_cell/candidate/kernel", [7, 4]),
                              ("rnn/gru_cell/candidate/bias", [4])]),
    (lambda: rnn.LSTMCell(4, use_peepholes=True, num_proj=2),
     [("rnn/lstm_cell/kernel", [5, 16]), ("rnn/lstm_cell/bias", [16]),
      ("rnn/lstm_cell/w_f_diag", [4]), ("rnn/lstm_cell/w_i_diag", [4]),
      ("rnn/lstm_cell/w_o_diag", [4]), ("rnn/lstm_cell/projection/kernel", [4, 2])]),
    (lambda: rnn.MultiRNNCell([rnn.BasicLSTMCell(4), rnn.GRUCell(2)]),
     [("rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel", [7, 16]),
      ("rnn/multi_rnn_cell/cell_0/basic_lstm_cell/bias", [16]),
      ("rnn/multi_rnn_cell/cell_1/gru_cell/gates/kernel", [6, 4]),
      ("rnn/multi_rnn_cell/cell_1/gru_cell/gates/bias", [4]),
      ("rnn/multi_rnn_cell/cell_1/gru_cell/candidate/kernel", [6, 2]),
      ("rnn/multi_rnn_cell/cell_1/gru_cell/candidate/bias", [2])]),
    (lambda: rnn.MultiRNNCell([rnn.DropoutWrapper(rnn.BasicLSTMCell(4), output_keep_prob=0.5)]),
     [("rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel", [7, 16]),
      ("rnn/multi_rnn_cell/cell_0/basic_lstm_cell/bias", [16])]),
    (lambda: rnn.DropoutWrapper(rnn.BasicLSTMCell(4, name="lstm"), 0.5, 0.5, 0.5),
     [("rnn/lstm/kernel", [7, 16]), ("rnn/lstm/bias", [16])]),
])
def test_variables_are_named_and_shaped_as_tf1_and_created_once(graph, loop, make, expected):
    cell = make()
    x = sequence()
    if loop == "dynamic":
        outputs, state = rnn.dynamic_rnn(cell, x, dtype=tf.float32)
        assert outputs.shape.as_list() == [2, 5, cell.output_size]
    else:
        outputs, state = rnn.static_rnn(cell, tf.unstack(x, axis=1), dtype=tf.float32)
        assert len(outputs) == 5 and outputs[-1].shape.as_list() == [2, cell.output_size]
    assert variables() == expected
    assert [v.op.name for v in cell.trainable_variables] == [name for name, _ in expected]
    assert tf.nest.map_structure(lambda s: s.shape.as_list()[1], state) == cell.state_size


def test_a_cell_fixes_its_scope_on_the_first_call_and_reuses_it(graph):
    first, second = rnn.BasicLSTMCell(4), rnn.BasicLSTMCell(4)
    x = tf.placeholder(tf.float32, [2, 3])
    state = first.zero_state(2, tf.float32)
    assert state.c.shape.as_list() == [2, 4] and state.c.op.name.startswith("BasicLSTMCellZeroS")
    first(x, state)
    second(x, state)
    first(x, state, scope="ignored_after_the_first_call")
    assert [name for name, _ in variables()] == [
        "basic_lstm_cell/kernel", "basic_lstm_cell/bias",
        "basic_lstm_cell_1/kernel", "basic_lstm_cell_1/bias"]
    rnn.BasicRNNCell(3)(x, tf.zeros([2, 3]), scope="given")
    assert [name for name, _ in variables()][-2:] == ["given/kernel", "given/bias"]


def test_two_rnns_in_one_scope_clash_unless_reused_as_in_tf1(graph):
    rnn.dynamic_rnn(rnn.BasicLSTMCell(4), sequence(), dtype=tf.float32)
    with pytest.raises(ValueError, match="rnn/basic_lstm_cell/kernel already exists"):
        rnn.dynamic_rnn(rnn.BasicLSTMCell(4), sequence(), dtype=tf.float32)
    with tf.variable_scope("model"):
        rnn.dynamic_rnn(rnn.GRUCell(4), sequence(), dtype=tf.float32)
    with tf.variable_scope("model", reuse=True):
        rnn.dynamic_rnn(rnn.GRUCell(4), sequence(), dtype=tf.float32)
    assert len(tf.global_variables()) == 2 + 4


def test_bidirectional_rnns_take_our_cells(graph):
    x = sequence()
    (fw, bw), _ = rnn.bidirectional_dynamic_rnn(rnn.BasicLSTMCell(4), rnn.GRUCell(3), x,
                                                dtype=tf.float32)
    assert fw.shape.as_list() == [2, 5, 4] and bw.shape.as_list() == [2, 5, 3]
    outputs, _, _ = rnn.static_bidirectional_rnn(rnn.BasicLSTMCell(4), rnn.GRUCell(3),
                                                 tf.unstack(x, axis=1), dtype=tf.float32,
                                                 scope="static")
    assert outputs[0].shape.as_list() == [2, 7]
    names = [name for name, _ in variables()]
    assert names[:2] == ["bidirectional_rnn/fw/basic_lstm_cell/kernel",
                         "bidirectional_rnn/fw/basic_lstm_cell/bias"]
    assert "static/bw/gru_cell/candidate/kernel" in names and len(names) == 12


def _run_reference(tmp_path):
    out = tmp_path / "reference.npz"
    env = dict(os.environ, TF_USE_LEGACY_KERAS="1", TF_CPP_MIN_LOG_LEVEL="2",
               PYTHONPATH=os.pathsep.join([ROOT, os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-m", "graph_cnn.verify.references.rnn_ref", str(out)],
                          capture_output=True, text=True, env=env, timeout=300, cwd=ROOT,
                          check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    with np.load(out) as data:
        found = {}
        for key, value in data.items():
            case, name = key.split("|", 1)
            found.setdefault(case, {})[name] = value
        return found


@pytest.fixture(scope="module")
def legacy(tmp_path_factory):
    import importlib.util

    if importlib.util.find_spec("tf_keras") is None:
        pytest.skip("tf-keras is not installed: no TF1 reference cells")
    return _run_reference(tmp_path_factory.mktemp("rnn_reference"))


@pytest.mark.parametrize("loop", ["dynamic", "static"])
@pytest.mark.parametrize("case", list(reference.CASES))
def test_cells_match_tensorflows_legacy_cells(legacy, case, loop):
    """Same weights (copied by name), same input: outputs, final state, the gradients of a loss
    on both (input and every weight) and the initial biases agree with TF's own cells."""
    theirs = legacy[case]
    spec, with_lengths = reference.CASES[case]
    index = list(reference.CASES).index(case)
    weights = {k[2:]: v for k, v in theirs.items() if k.startswith("w:")}
    ours = reference.trace(rnn, spec, with_lengths, reference.case_inputs(index), weights,
                           loop=loop)
    assert sorted(ours) == sorted(theirs)
    for key in ours:
        assert ours[key].shape == theirs[key].shape, key
        np.testing.assert_allclose(ours[key], theirs[key], rtol=0, atol=1e-5, err_msg=key)
    assert np.abs(ours["grad:x"]).max() > 1e-2


def test_gru_gate_bias_starts_at_one_and_lstm_bias_at_zero(graph):
    x = tf.placeholder(tf.float32, [2, 3])
    rnn.GRUCell(4)(x, tf.zeros([2, 4]))
    rnn.LSTMCell(4, use_peepholes=True)(x, rnn.LSTMStateTuple(tf.zeros([2, 4]), tf.zeros([2, 4])))
    with tf.Session(config=tf.ConfigProto(**ONE_THREAD)) as sess:
        sess.run(tf.global_variables_initializer())
        values = dict(zip([v.op.name for v in tf.global_variables()],
                          sess.run(tf.global_variables())))
    assert np.all(values["gru_cell/gates/bias"] == 1.0)
    assert not values["gru_cell/candidate/bias"].any() and not values["lstm_cell/bias"].any()
    assert values["lstm_cell/w_f_diag"].std() > 0


def test_forget_bias_is_added_to_the_f_gate_of_i_j_f_o(graph):
    """Kernel zero, bias chosen per gate block: one step from state (c=1, h=0) gives
    c' = c sigmoid(f + forget_bias) + sigmoid(i) tanh(j), h' = tanh(c') sigmoid(o)."""
    cell = rnn.BasicLSTMCell(1, forget_bias=0.7)
    x = tf.zeros([1, 2])
    _, state = cell(x, rnn.LSTMStateTuple(tf.ones([1, 1]), tf.zeros([1, 1])))
    i, j, f, o = 0.3, -0.4, 0.2, 0.9
    with tf.Session(config=tf.ConfigProto(**ONE_THREAD)) as sess:
        sess.run(tf.global_variables_initializer())
        cell.variables[0].load(np.zeros([3, 4], np.float32), sess)
        cell.variables[1].load(np.array([i, j, f, o], np.float32), sess)
        c, h = sess.run(state)

    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    expected_c = sigmoid(f + 0.7) + sigmoid(i) * np.tanh(j)
    np.testing.assert_allclose(c, [[expected_c]], rtol=1e-6)
    np.testing.assert_allclose(h, [[np.tanh(expected_c) * sigmoid(o)]], rtol=1e-6)


def test_dropout_wrapper_keep_probs_can_be_fed(graph):
    keep = tf.placeholder_with_default(1.0, [])
    cell = rnn.BasicLSTMCell(64)
    wrapped = rnn.DropoutWrapper(cell, output_keep_prob=keep, state_keep_prob=keep, seed=3)
    x = tf.placeholder(tf.float32, [32, 8])
    state = rnn.LSTMStateTuple(tf.ones([32, 64]), tf.ones([32, 64]))
    plain_out, plain_state = cell(x, state)
    out, new_state = wrapped(x, state)
    assert len(tf.global_variables()) == 2
    data = np.random.RandomState(0).normal(size=(32, 8)).astype(np.float32)
    with tf.Session(config=tf.ConfigProto(**ONE_THREAD)) as sess:
        sess.run(tf.global_variables_initializer())
        reference_run = sess.run([plain_out, plain_state], {x: data})
        kept = sess.run([out, new_state], {x: data})
        dropped = sess.run([out, new_state], {x: data, keep: 0.5})
    np.testing.assert_array_equal(kept[0], reference_run[0])
    np.testing.assert_array_equal(kept[1].h, reference_run[1].h)
    full, (c_full, h_full) = reference_run
    for got, whole in ((dropped[0], full), (dropped[1].h, h_full)):
        zeroed = got == 0
        assert 0.4 < zeroed.mean() < 0.6
        np.testing.assert_allclose(got[~zeroed], 2 * whole[~zeroed], rtol=1e-6)
    np.testing.assert_array_equal(dropped[1].c, c_full)  # an LSTM's memory is never dropped


def test_dropout_wrapper_adds_no_dropout_for_a_constant_keep_prob_of_one(graph):
    def dropouts():
        return [op for op in graph.get_operations()
                if op.type == "RandomUniform" and "dropout" in op.name]

    x = tf.ones([4, 10])
    rnn.DropoutWrapper(rnn.BasicRNNCell(3), input_keep_prob=1.0, state_keep_prob=1,
                       output_keep_prob=tf.constant(1.0))(x, tf.zeros([4, 3]))
    assert dropouts() == []
    rnn.DropoutWrapper(rnn.BasicRNNCell(3), input_keep_prob=0.25)(x, tf.zeros([4, 3]))
    assert len(dropouts()) == 1


def test_unsupported_arguments_say_which(graph):
    with pytest.raises(NotImplementedError, match="num_unit_shards"):
        rnn.LSTMCell(4, num_unit_shards=2)
    with pytest.raises(NotImplementedError, match="variational_recurrent"):
        rnn.DropoutWrapper(rnn.GRUCell(2), variational_recurrent=True)
    with pytest.raises(ValueError, match="output_keep_prob must be between 0 and 1"):
        rnn.DropoutWrapper(rnn.GRUCell(2), output_keep_prob=1.5)
    with pytest.raises(TypeError, match="bogus"):
        rnn.GRUCell(2, bogus=1)
    with pytest.raises(ValueError, match="at least one cell"):
        rnn.MultiRNNCell([])
    with pytest.raises(ValueError, match="inputs.shape\\[-1\\] to be known"):
        rnn.GRUCell(2)(tf.placeholder(tf.float32, [None, None]), tf.zeros([1, 2]))


def test_importing_the_cells_changes_nothing_global():
    code = ("import tensorflow as tf; from graph_cnn.legacy import rnn; "
            "assert tf.executing_eagerly() and tf.compat.v1.resource_variables_enabled(); "
            "print('ok')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, check=False,
                          env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONPATH=ROOT))
    assert done.stdout.strip() == "ok", done.stderr[-2000:]


def test_mnist_rows_lstm_learns_as_2017_tutorials_did(graph, mnist_dir):
    """28 rows of 28 pixels through BasicLSTMCell(128) with static_rnn, a dense layer on the last
    output, Adam 1e-3, batch 128: 300 steps reach about 0.90 on 2000 test images."""
    from graph_cnn.data import input_data

    mnist = input_data.read_data_sets(str(mnist_dir), one_hot=True, seed=0)
    tf.set_random_seed(0)
    x = tf.placeholder(tf.float32, [None, 28 * 28])
    y = tf.placeholder(tf.float32, [None, 10])
    inputs = tf.unstack(tf.reshape(x, [-1, 28, 28]), 28, 1)
    outputs, _ = rnn.static_rnn(rnn.BasicLSTMCell(128, forget_bias=1.0), inputs,
                                dtype=tf.float32)
    logits = tf.layers.dense(outputs[-1], 10)
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=logits, labels=y))
    train = tf.train.AdamOptimizer(1e-3).minimize(loss)
    correct = tf.equal(tf.argmax(logits, 1), tf.argmax(y, 1))
    accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
    test = {x: mnist.test.images[:2000], y: mnist.test.labels[:2000]}
    with tf.Session(config=tf.ConfigProto(**ONE_THREAD)) as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(accuracy, test)
        for _ in range(300):
            batch_x, batch_y = mnist.train.next_batch(128)
            sess.run(train, {x: batch_x, y: batch_y})
        after = sess.run(accuracy, test)
    print(f"MNIST-by-rows LSTM: test accuracy {before:.4f} before, {after:.4f} after 300 steps")
    assert before < 0.3 and after > 0.85


def _step_values(cell, x, state):
    """One step of ``cell`` on constants: (output, new state, {variable name: value})."""
    output, new_state = cell(tf.constant(x), state)
    with tf.Session(config=tf.ConfigProto(**ONE_THREAD)) as sess:
        sess.run(tf.global_variables_initializer())
        for v in tf.global_variables():  # random, so that every weight counts
            v.load(np.random.RandomState(len(v.op.name)).uniform(
                -0.8, 0.8, v.shape.as_list()).astype(np.float32), sess)
        got = sess.run([output, new_state])
        return got[0], got[1], dict(zip([v.op.name for v in tf.global_variables()],
                                        sess.run(tf.global_variables())))


@pytest.mark.parametrize("peephole, clip", [(False, None), (True, 0.5)])
def test_lstm_block_cell_is_tensorflows_fused_lstm_op(graph, peephole, clip):
    """contrib's LSTMBlockCell: TensorFlow still ships its op (``LSTMBlockCell``), which gives
    the same memory and output from the same variables (``lstm_cell/kernel``, ``bias``,
    ``w_*_diag``)."""
    from graph_cnn.legacy.contrib import rnn as contrib_rnn

    x = np.random.RandomState(0).normal(size=(3, 4)).astype(np.float32)
    c, h = (np.random.RandomState(k).normal(size=(3, 5)).astype(np.float32) for k in (1, 2))
    cell = contrib_rnn.LSTMBlockCell(5, forget_bias=0.7, cell_clip=clip, use_peephole=peephole)
    output, state, values = _step_values(cell, x, rnn.LSTMStateTuple(tf.constant(c),
                                                                      tf.constant(h)))
    assert sorted(values) == sorted(["lstm_cell/kernel", "lstm_cell/bias"] + (
        ["lstm_cell/w_i_diag", "lstm_cell/w_f_diag", "lstm_cell/w_o_diag"] if peephole else []))
    zeros = np.zeros(5, np.float32)
    fused = tf.raw_ops.LSTMBlockCell(
        x=x, cs_prev=c, h_prev=h, w=values["lstm_cell/kernel"], b=values["lstm_cell/bias"],
        wci=values.get("lstm_cell/w_i_diag", zeros), wcf=values.get("lstm_cell/w_f_diag", zeros),
        wco=values.get("lstm_cell/w_o_diag", zeros), forget_bias=0.7,
        cell_clip=clip if clip else -1.0, use_peephole=peephole)
    with tf.Session(config=tf.ConfigProto(**ONE_THREAD)) as sess:
        want = sess.run(fused)
    np.testing.assert_allclose(state.c, want.cs, atol=1e-5)
    np.testing.assert_allclose(output, want.h, atol=1e-5)
    np.testing.assert_allclose(state.h, want.h, atol=1e-5)
    if clip:
        assert np.abs(state.c).max() <= clip + 1e-6


def test_gru_block_cell_is_tensorflows_fused_gru_op(graph):
    from graph_cnn.legacy.contrib import rnn as contrib_rnn

    x = np.random.RandomState(0).normal(size=(3, 4)).astype(np.float32)
    h = np.random.RandomState(1).normal(size=(3, 5)).astype(np.float32)
    output, state, values = _step_values(contrib_rnn.GRUBlockCell(5), x, tf.constant(h))
    fused = tf.raw_ops.GRUBlockCell(x=x, h_prev=h, w_ru=values["gru_cell/gates/kernel"],
                                    w_c=values["gru_cell/candidate/kernel"],
                                    b_ru=values["gru_cell/gates/bias"],
                                    b_c=values["gru_cell/candidate/bias"])
    with tf.Session(config=tf.ConfigProto(**ONE_THREAD)) as sess:
        want = sess.run(fused)
    np.testing.assert_allclose(output, want.h, atol=1e-5)
    np.testing.assert_allclose(state, want.h, atol=1e-5)
    with pytest.raises(ValueError, match="Exactly one of num_units or cell_size"):
        contrib_rnn.GRUBlockCell()


def test_projection_and_embedding_wrappers_have_their_own_scope(graph):
    """TF1's core_rnn_cell wrappers: ``kernel``/``bias`` in ``output_projection_wrapper`` (or
    ``input_projection_wrapper``), the wrapped cell's variables inside; ``embedding`` in
    ``embedding_wrapper``; Residual and Device wrappers add no scope."""
    x = np.random.RandomState(0).normal(size=(2, 3)).astype(np.float32)
    cell = rnn.OutputProjectionWrapper(rnn.InputProjectionWrapper(rnn.BasicRNNCell(4), 6), 2)
    assert cell.output_size == 2 and cell.state_size == 4
    output, state, values = _step_values(cell, x, tf.zeros([2, 4]))
    assert sorted(values) == sorted(
        ["output_projection_wrapper/kernel", "output_projection_wrapper/bias",
         "output_projection_wrapper/input_projection_wrapper/kernel",
         "output_projection_wrapper/input_projection_wrapper/bias",
         "output_projection_wrapper/input_projection_wrapper/basic_rnn_cell/kernel",
         "output_projection_wrapper/input_projection_wrapper/basic_rnn_cell/bias"])
    assert len(cell.variables) == 6
    inner = "output_projection_wrapper/input_projection_wrapper/"
    projected = x @ values[inner + "kernel"] + values[inner + "bias"]
    new_h = np.tanh(np.concatenate([projected, np.zeros((2, 4))], 1)
                    @ values[inner + "basic_rnn_cell/kernel"] + values[inner + "basic_rnn_cell/bias"])
    np.testing.assert_allclose(state, new_h, atol=1e-5)
    np.testing.assert_allclose(output, new_h @ values["output_projection_wrapper/kernel"]
                               + values["output_projection_wrapper/bias"], atol=1e-5)


def test_residual_embedding_and_device_wrappers(graph):
    ids = tf.constant([3, 0])
    cell = rnn.EmbeddingWrapper(rnn.ResidualWrapper(rnn.DeviceWrapper(rnn.GRUCell(3), "/cpu:0")),
                                embedding_classes=5, embedding_size=3)
    output, state = cell(ids, tf.zeros([2, 3]))
    assert [v.op.name for v in cell.variables] == [
        "embedding_wrapper/embedding", "embedding_wrapper/gru_cell/gates/kernel",
        "embedding_wrapper/gru_cell/gates/bias", "embedding_wrapper/gru_cell/candidate/kernel",
        "embedding_wrapper/gru_cell/candidate/bias"]
    with tf.Session(config=tf.ConfigProto(**ONE_THREAD)) as sess:
        sess.run(tf.global_variables_initializer())
        table = sess.run(cell.variables[0])
        got_output, got_state = sess.run([output, state])
    assert np.abs(table).max() <= 3 ** 0.5  # TF1's default: uniform in +-sqrt(3)
    np.testing.assert_allclose(got_output, table[[3, 0]] + got_state, atol=1e-6)
    with pytest.raises(ValueError, match="must be > 0"):
        rnn.EmbeddingWrapper(rnn.GRUCell(3), 0, 3)


def test_layer_norm_basic_lstm_cell_normalises_each_gate(graph):
    from graph_cnn.legacy.contrib import rnn as contrib_rnn

    x = np.random.RandomState(0).normal(size=(3, 4)).astype(np.float32)
    c, h = (np.random.RandomState(k).normal(size=(3, 5)).astype(np.float32) for k in (1, 2))
    cell = contrib_rnn.LayerNormBasicLSTMCell(5, forget_bias=0.5)
    output, state, values = _step_values(cell, x, rnn.LSTMStateTuple(tf.constant(c),
                                                                      tf.constant(h)))
    scope = "layer_norm_basic_lstm_cell/"
    assert sorted(values) == sorted([scope + "kernel"] + [
        f"{scope}{part}/{name}" for part in ("input", "transform", "forget", "output", "state")
        for name in ("gamma", "beta")])

    def norm(z, part):
        normed = (z - z.mean(1, keepdims=True)) / np.sqrt(z.var(1, keepdims=True) + 1e-12)
        return normed * values[f"{scope}{part}/gamma"] + values[f"{scope}{part}/beta"]

    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    i, j, f, o = np.split(np.concatenate([x, h], 1) @ values[scope + "kernel"], 4, axis=1)
    i, j, f, o = norm(i, "input"), norm(j, "transform"), norm(f, "forget"), norm(o, "output")
    new_c = norm(c * sigmoid(f + 0.5) + sigmoid(i) * np.tanh(j), "state")
    np.testing.assert_allclose(state.c, new_c, atol=1e-4)
    np.testing.assert_allclose(output, np.tanh(new_c) * sigmoid(o), atol=1e-4)


@pytest.mark.parametrize("num_proj, use_bias", [(None, False), (3, True)])
def test_nas_cell_computes_zoph_and_le_s_cell_under_tf1_names(graph, num_proj, use_bias):
    from graph_cnn.legacy.contrib import rnn as contrib_rnn

    rng = np.random.RandomState(0)
    out = num_proj or 5
    x = rng.normal(size=(3, 4)).astype(np.float32)
    c, m = rng.normal(size=(3, 5)).astype(np.float32), rng.normal(size=(3, out)).astype(np.float32)
    cell = contrib_rnn.NASCell(5, num_proj=num_proj, use_bias=use_bias)
    assert cell.state_size == (5, out) and cell.output_size == out
    output, state, values = _step_values(cell, x, rnn.LSTMStateTuple(tf.constant(c),
                                                                      tf.constant(m)))
    scope = "nas_cell/"
    names = {scope + "kernel": [4, 40], scope + "recurrent_kernel": [out, 40]}
    if use_bias:
        names[scope + "bias"] = [40]
    if num_proj:
        names[scope + "projection_weights"] = [5, 3]
    assert {k: list(v.shape) for k, v in values.items()} == names

    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    relu = lambda z: np.maximum(z, 0)
    xs = np.split(x @ values[scope + "kernel"], 8, axis=1)
    hs = np.split(m @ values[scope + "recurrent_kernel"] + values.get(scope + "bias", 0), 8, 1)
    a = [sigmoid(xs[0] + hs[0]), relu(xs[1] + hs[1]), sigmoid(xs[2] + hs[2]),
         relu(xs[3] * hs[3]), np.tanh(xs[4] + hs[4]), sigmoid(xs[5] + hs[5]),
         np.tanh(xs[6] + hs[6]), sigmoid(xs[7] + hs[7])]
    new_c = np.tanh(np.tanh(a[0] * a[1]) + c) * np.tanh(a[2] + a[3])
    new_m = np.tanh(new_c * np.tanh(np.tanh(a[4] * a[5]) + sigmoid(a[6] + a[7])))
    if num_proj:
        new_m = new_m @ values[scope + "projection_weights"]
    np.testing.assert_allclose(state.c, new_c, atol=1e-5)
    np.testing.assert_allclose(output, new_m, atol=1e-5)
    np.testing.assert_allclose(state.h, new_m, atol=1e-5)


def test_cudnn_layers_run_time_major_on_the_standard_cells(graph):
    """CudnnLSTM/CudnnGRU on a CPU: outputs [time, batch, dirs * units], states stacked
    [layers * dirs, batch, units]; the GRU is cuDNN's (reset gate after the projection)."""
    from graph_cnn.legacy.contrib import cudnn_rnn

    rng = np.random.RandomState(0)
    x = rng.normal(size=(6, 2, 3)).astype(np.float32)
    lstm = cudnn_rnn.CudnnLSTM(2, 4, direction="bidirectional")
    outputs, (h, c) = lstm(tf.constant(x))
    assert outputs.shape.as_list() == [6, 2, 8] and h.shape.as_list() == [4, 2, 4]
    assert lstm.variables[0].op.name == "cudnn_lstm/layer_0/fw/cudnn_compatible_lstm_cell/kernel"
    assert lstm.variables[0].shape.as_list() == [3 + 4, 16]
    assert lstm.variables[-1].op.name == "cudnn_lstm/layer_1/bw/cudnn_compatible_lstm_cell/bias"
    gru = cudnn_rnn.CudnnGRU(1, 4)
    gru_out, (gru_h,) = gru(tf.constant(x), training=False)
    with tf.Session(config=tf.ConfigProto(**ONE_THREAD)) as sess:
        sess.run(tf.global_variables_initializer())
        got = sess.run([outputs, h, c, gru_out, gru_h])
        values = dict(zip([v.op.name for v in gru.variables], sess.run(gru.variables)))
    np.testing.assert_allclose(got[1][2], got[0][-1, :, :4], atol=1e-6)  # layer 1 forward
    np.testing.assert_allclose(got[1][3], got[0][0, :, 4:], atol=1e-6)  # layer 1 backward

    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    scope = "cudnn_gru/layer_0/fw/cudnn_compatible_gru_cell/"
    state = np.zeros((2, 4), np.float32)
    for t in range(6):
        gates = sigmoid(np.concatenate([x[t], state], 1) @ values[scope + "gates/kernel"]
                        + values[scope + "gates/bias"])
        r, u = np.split(gates, 2, axis=1)
        candidate = np.tanh(
            x[t] @ values[scope + "candidate/input_projection/kernel"]
            + values[scope + "candidate/input_projection/bias"]
            + r * (state @ values[scope + "candidate/hidden_projection/kernel"]
                   + values[scope + "candidate/hidden_projection/bias"]))
        state = u * state + (1 - u) * candidate
        np.testing.assert_allclose(got[3][t], state, atol=1e-5)
    np.testing.assert_allclose(got[4][0], state, atol=1e-5)
    with pytest.raises(NotImplementedError, match="linear_input"):
        cudnn_rnn.CudnnLSTM(1, 4, input_mode="skip_input")


def _run_script(name, tmp_path, *args):
    done = subprocess.run([sys.executable, "-m", "graph_cnn", "legacy",
                           os.path.join(ROOT, "tests", "legacy", "legacy_scripts", name), *args],
                          capture_output=True, text=True, timeout=600, cwd=tmp_path, check=False,
                          env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONPATH=ROOT))
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _losses(stdout):
    return [float(value) for value in re.findall(r"loss =? ?([0-9.]+)", stdout)]


def test_a_char_rnn_script_learns_through_the_runner(tmp_path):
    """A char-rnn (2017) TF1 script: MultiRNNCell of BasicLSTMCells behind DropoutWrapper,
    legacy_seq2seq.rnn_decoder with a sampling loop function, sequence_loss_by_example,
    clipped gradients; its loss falls on a small repetitive text the test writes."""
    (tmp_path / "input.txt").write_text("the quick brown fox jumps over the lazy dog. " * 60)
    stdout = _run_script("char_rnn_2017.py", tmp_path, str(tmp_path / "input.txt"), "80")
    losses = _losses(stdout)
    assert len(losses) >= 3 and losses[-1] < 0.6 * losses[0], stdout
    assert "sample:" in stdout


def test_a_ptb_style_script_learns_through_the_runner(tmp_path):
    """The PTB language model's way (2017): word ids in a text file, LSTMBlockCell layers,
    dynamic_rnn, contrib.seq2seq.sequence_loss with average_across_timesteps=False; its
    perplexity falls on a stand-in corpus the test writes in PTB's file format."""
    words = ["a", "b", "c", "d", "e", "f", "g", "h"]
    rng = np.random.RandomState(0)
    lines = [" ".join(words[(start + k) % 8] for k in range(rng.randint(5, 12)))
             for start in rng.randint(0, 8, 300)]
    (tmp_path / "ptb.train.txt").write_text("\n".join(" " + line + " " for line in lines) + "\n")
    stdout = _run_script("ptb_rnn_2017.py", tmp_path, str(tmp_path), "130")
    losses = _losses(stdout)
    assert len(losses) >= 3 and losses[-1] < 0.5 * losses[0], stdout


def test_stacked_bidirectional_rnns_feed_each_layer_both_directions(graph):
    from graph_cnn.legacy.contrib import rnn as contrib_rnn

    x = sequence()
    outputs, states_fw, states_bw = contrib_rnn.stack_bidirectional_dynamic_rnn(
        [rnn.GRUCell(3), rnn.GRUCell(2)], [rnn.GRUCell(4), rnn.GRUCell(2)], x,
        dtype=tf.float32)
    assert outputs.shape.as_list() == [2, 5, 4] and len(states_fw) == len(states_bw) == 2
    names = [name for name, _ in variables()]
    assert names[0] == "stack_bidirectional_rnn/cell_0/bidirectional_rnn/fw/gru_cell/gates/kernel"
    assert dict(variables())["stack_bidirectional_rnn/cell_1/bidirectional_rnn/bw/gru_cell/"
                             "gates/kernel"] == [7 + 2, 4]
    static, _, _ = contrib_rnn.stack_bidirectional_rnn(
        [rnn.GRUCell(3)], [rnn.GRUCell(3)], tf.unstack(x, axis=1), dtype=tf.float32,
        scope="static")
    assert len(static) == 5 and static[0].shape.as_list() == [2, 6]
    with pytest.raises(ValueError, match="same depth"):
        contrib_rnn.stack_bidirectional_dynamic_rnn([rnn.GRUCell(3)], [rnn.GRUCell(3)] * 2, x)


def test_lstm_block_fused_cell_is_the_block_cell_over_time(graph):
    """Time-major inputs, variables ``lstm_fused_cell/kernel`` and ``bias``; outputs zero past
    each sequence length, whose state is final; the same as LSTMBlockCell step by step."""
    from graph_cnn.legacy.contrib import rnn as contrib_rnn

    x = np.random.RandomState(0).normal(size=(4, 2, 3)).astype(np.float32)
    fused = contrib_rnn.LSTMBlockFusedCell(5, forget_bias=0.5)
    outputs, state = fused(tf.constant(x), dtype=tf.float32, sequence_length=[4, 2])
    assert [v.op.name for v in fused.variables] == ["lstm_fused_cell/kernel",
                                                    "lstm_fused_cell/bias"]
    step = contrib_rnn.LSTMBlockCell(5, forget_bias=0.5, name="lstm_fused_cell", reuse=True)
    states, h = [rnn.LSTMStateTuple(tf.zeros([2, 5]), tf.zeros([2, 5]))], []
    for t in range(4):
        out, new = step(tf.constant(x[t]), states[-1])
        h.append(out)
        states.append(new)
    assert len(tf.global_variables()) == 2
    with tf.Session(config=tf.ConfigProto(**ONE_THREAD)) as sess:
        sess.run(tf.global_variables_initializer())
        got, final, want = sess.run([outputs, state, h])
    np.testing.assert_allclose(got[:, 0], np.stack(want)[:, 0], atol=1e-6)
    np.testing.assert_allclose(got[:2, 1], np.stack(want)[:2, 1], atol=1e-6)
    assert not got[2:, 1].any()
    np.testing.assert_allclose(final.h, [want[3][0], want[1][1]], atol=1e-6)
    with pytest.raises(ValueError, match="initial_state or dtype"):
        fused(tf.constant(x))

