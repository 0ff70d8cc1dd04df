import os
import subprocess
import sys

import numpy as np
import pytest

from graph_cnn.legacy import rnn
from graph_cnn.legacy import tf
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
