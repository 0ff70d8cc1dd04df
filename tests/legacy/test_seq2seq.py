"""tf.contrib.seq2seq and tf.contrib.legacy_seq2seq against TF1's documented behaviour (NumPy
arithmetic, TF1's variable names) and, where TensorFlow still ships the loop, against it."""

import numpy as np
import pytest

from graph_cnn.legacy import rnn, tf
from graph_cnn.legacy.contrib import legacy_seq2seq, seq2seq

ONE_THREAD = {"intra_op_parallelism_threads": 1, "inter_op_parallelism_threads": 1}


def session():
    return tf.Session(config=tf.ConfigProto(**ONE_THREAD))


def names():
    return [v.op.name for v in tf.global_variables()]


def _crossent(logits, targets):
    shifted = logits - logits.max(-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
    return -np.take_along_axis(log_probs, targets[..., None], -1)[..., 0]


@pytest.fixture
def loss_data():
    rng = np.random.RandomState(0)
    logits = rng.normal(size=(3, 4, 5)).astype(np.float32)
    targets = rng.randint(0, 5, size=(3, 4)).astype(np.int32)
    weights = np.array([[1, 1, 1, 0], [1, 1, 0, 0], [2, 1, 1, 1]], np.float32)
    return logits, targets, weights


@pytest.mark.parametrize("flags, expected", [
    ({}, lambda c, w: c.sum() / w.sum()),
    ({"average_across_timesteps": False}, lambda c, w: c.sum(0) / w.sum(0)),
    ({"average_across_batch": False}, lambda c, w: c.sum(1) / w.sum(1)),
    ({"average_across_timesteps": False, "average_across_batch": False}, lambda c, w: c),
    ({"average_across_timesteps": False, "average_across_batch": False,
      "sum_over_timesteps": True, "sum_over_batch": True},
     lambda c, w: c.sum() / np.count_nonzero(w)),
    ({"average_across_timesteps": False, "average_across_batch": False,
      "sum_over_timesteps": True}, lambda c, w: c.sum(1) / np.count_nonzero(w, 1)),
    ({"average_across_timesteps": False, "average_across_batch": False,
      "sum_over_batch": True}, lambda c, w: c.sum(0) / np.count_nonzero(w, 0)),
])
def test_sequence_loss_reduces_as_tf1_documents(graph, loss_data, flags, expected):
    logits, targets, weights = loss_data
    loss = seq2seq.sequence_loss(tf.constant(logits), tf.constant(targets), tf.constant(weights),
                                 **flags)
    with session() as sess:
        got = sess.run(loss)
    weighted = _crossent(logits, targets) * weights
    np.testing.assert_allclose(got, expected(weighted, weights), rtol=1e-5)


def test_sequence_loss_refuses_average_and_sum_on_one_axis(graph, loss_data):
    logits, targets, weights = (tf.constant(a) for a in loss_data)
    with pytest.raises(ValueError, match="average_across_timesteps and sum_over_timesteps"):
        seq2seq.sequence_loss(logits, targets, weights, sum_over_timesteps=True)
    with pytest.raises(ValueError, match="Logits must be a"):
        seq2seq.sequence_loss(logits[0], targets, weights)


def test_legacy_sequence_losses_over_lists_of_steps(graph, loss_data):
    """``sequence_loss_by_example``: per example, the weighted sum over steps divided by the
    summed weights (+1e-12); ``sequence_loss``: their sum over the batch size."""
    logits, targets, weights = loss_data
    steps = range(logits.shape[1])
    as_lists = ([tf.constant(logits[:, t]) for t in steps], [tf.constant(targets[:, t])
                                                           for t in steps],
                [tf.constant(weights[:, t]) for t in steps])
    by_example = legacy_seq2seq.sequence_loss_by_example(*as_lists)
    summed = legacy_seq2seq.sequence_loss_by_example(*as_lists, average_across_timesteps=False)
    scalar = legacy_seq2seq.sequence_loss(*as_lists)
    with session() as sess:
        got = sess.run([by_example, summed, scalar])
    weighted = _crossent(logits, targets) * weights
    per_example = weighted.sum(1) / (weights.sum(1) + 1e-12)
    np.testing.assert_allclose(got[0], per_example, rtol=1e-5)
    np.testing.assert_allclose(got[1], weighted.sum(1), rtol=1e-5)
    np.testing.assert_allclose(got[2], per_example.sum() / 3, rtol=1e-5)
    with pytest.raises(ValueError, match="Lengths of logits, weights, and targets"):
        legacy_seq2seq.sequence_loss_by_example(as_lists[0], as_lists[1][:2], as_lists[2])


def test_training_helper_decode_is_tensorflows_dynamic_rnn(graph):
    """TrainingHelper + BasicDecoder + dynamic_decode(impute_finished=True) over a cell give
    TensorFlow's own dynamic_rnn outputs and final state with the same variables; lengths are
    the sequence lengths, argmax ids the sample ids."""
    rng = np.random.RandomState(1)
    x = tf.constant(rng.normal(size=(3, 6, 4)).astype(np.float32))
    lengths = tf.constant([6, 3, 1])
    cell = rnn.LSTMCell(5)
    with tf.variable_scope("loop"):
        expected, expected_state = tf.nn.dynamic_rnn(cell, x, lengths, dtype=tf.float32)
    decoder = seq2seq.BasicDecoder(cell, seq2seq.TrainingHelper(x, lengths),
                                   cell.zero_state(3, tf.float32))
    outputs, state, final_lengths = seq2seq.dynamic_decode(decoder, impute_finished=True)
    assert isinstance(outputs, seq2seq.BasicDecoderOutput)
    assert outputs.rnn_output.shape.as_list() == [3, None, 5]
    assert names() == ["loop/rnn/lstm_cell/kernel", "loop/rnn/lstm_cell/bias"]
    with session() as sess:
        sess.run(tf.global_variables_initializer())
        got, want = sess.run([(outputs, state, final_lengths), (expected, expected_state)])
    np.testing.assert_allclose(got[0].rnn_output, want[0], atol=1e-6)
    np.testing.assert_allclose(got[1], want[1], atol=1e-6)
    np.testing.assert_array_equal(got[2], [6, 3, 1])
    np.testing.assert_array_equal(got[0].sample_id, want[0].argmax(-1) * (want[0] != 0).any(-1))


class _NextToken(rnn.RNNCell):
    """A cell without weights whose logits favour ``input id + 1``: inputs are one-hot rows."""

    state_size = output_size = 8

    def call(self, inputs, state):
        return tf.roll(inputs, 1, axis=1) * 10.0, state


@pytest.mark.parametrize("maximum_iterations, lengths", [(None, [5, 3, 1]), (2, [2, 2, 1])])
def test_greedy_decoding_stops_at_the_end_token(graph, maximum_iterations, lengths):
    helper = seq2seq.GreedyEmbeddingHelper(np.eye(8, dtype=np.float32), [0, 2, 4], 5)
    decoder = seq2seq.BasicDecoder(_NextToken(), helper, tf.zeros([3, 8]))
    outputs, _, final_lengths = seq2seq.dynamic_decode(
        decoder, maximum_iterations=maximum_iterations, impute_finished=True)
    with session() as sess:
        ids, got_lengths = sess.run([outputs.sample_id, final_lengths])
    np.testing.assert_array_equal(got_lengths, lengths)
    assert ids.shape == (3, max(lengths))
    for row, start, length in zip(ids, [0, 2, 4], lengths):
        np.testing.assert_array_equal(row[:length], np.arange(start + 1, start + 1 + length))
        assert not row[length:].any()  # imputed: zero outputs, argmax 0, past the end


def test_sample_embedding_helper_draws_from_the_softmax(graph):
    logits = np.log(np.array([0.7, 0.2, 0.1], np.float32))
    helper = seq2seq.SampleEmbeddingHelper(np.eye(3, dtype=np.float32), tf.zeros([4000],
                                                                                 tf.int32), 9,
                                           seed=3)
    cold = seq2seq.SampleEmbeddingHelper(np.eye(3, dtype=np.float32), [0], 9,
                                         softmax_temperature=0.01, seed=3)
    outputs = tf.tile(logits[None], [4000, 1])
    ids = helper.sample(0, outputs, None)
    cold_ids = cold.sample(0, tf.tile(logits[None], [500, 1]), None)
    with session() as sess:
        drawn, frozen = sess.run([ids, cold_ids])
    np.testing.assert_allclose(np.bincount(drawn, minlength=3) / 4000, [0.7, 0.2, 0.1],
                               atol=0.03)
    assert not frozen.any()


def test_tile_batch_repeats_each_entry_in_a_row(graph):
    tiled = seq2seq.tile_batch({"a": tf.constant([[1, 2], [3, 4]]), "b": tf.constant([5, 6])}, 3)
    assert tiled["a"].shape.as_list() == [6, 2]
    with session() as sess:
        got = sess.run(tiled)
    np.testing.assert_array_equal(got["a"], [[1, 2]] * 3 + [[3, 4]] * 3)
    np.testing.assert_array_equal(got["b"], [5, 5, 5, 6, 6, 6])


def _softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _run_attention(mechanism_class, **kwargs):
    rng = np.random.RandomState(2)
    memory = rng.normal(size=(2, 5, 6)).astype(np.float32)
    query = rng.normal(size=(2, 4)).astype(np.float32)
    mechanism = mechanism_class(4, tf.constant(memory), memory_sequence_length=[5, 3], **kwargs)
    alignments, state = mechanism(tf.constant(query), mechanism.initial_state(2, tf.float32))
    with session() as sess:
        sess.run(tf.global_variables_initializer())
        values = dict(zip(names(), sess.run(tf.global_variables())))
        got, got_state, values_ = sess.run([alignments, state, mechanism.values])
    return memory, query, values, got, got_state, values_


def test_bahdanau_attention_is_v_tanh_of_keys_plus_query_masked_past_the_length(graph):
    memory, query, values, got, state, masked = _run_attention(seq2seq.BahdanauAttention,
                                                               normalize=True)
    assert sorted(values) == ["bahdanau_attention/attention_b", "bahdanau_attention/attention_g",
                              "bahdanau_attention/attention_v",
                              "bahdanau_attention/query_layer/kernel", "memory_layer/kernel"]
    v = values["bahdanau_attention/attention_v"]
    v = values["bahdanau_attention/attention_g"] * v / np.sqrt((v ** 2).sum())
    np.testing.assert_allclose(values["bahdanau_attention/attention_g"], np.sqrt(1 / 4))
    keys = memory @ values["memory_layer/kernel"]
    processed = query @ values["bahdanau_attention/query_layer/kernel"]
    score = (v * np.tanh(keys + processed[:, None] + values["bahdanau_attention/attention_b"])
             ).sum(-1)
    score[1, 3:] = -np.inf
    np.testing.assert_allclose(got, _softmax(score), rtol=1e-5, atol=1e-7)
    np.testing.assert_array_equal(state, got)
    assert not masked[1, 3:].any() and masked[0, 4].any()


def test_luong_attention_is_a_scaled_dot_product(graph):
    memory, query, values, got, _, _ = _run_attention(seq2seq.LuongAttention, scale=True)
    assert sorted(values) == ["luong_attention/attention_g", "memory_layer/kernel"]
    assert values["luong_attention/attention_g"] == 1.0
    score = np.einsum("bd,btd->bt", query, memory @ values["memory_layer/kernel"])
    score[1, 3:] = -np.inf
    np.testing.assert_allclose(got, _softmax(score), rtol=1e-5, atol=1e-7)


def test_luong_attention_wants_the_query_depth(graph):
    mechanism = seq2seq.LuongAttention(3, tf.zeros([2, 5, 6]))
    with pytest.raises(ValueError, match="Perhaps you need to set num_units"):
        mechanism(tf.zeros([2, 4]), None)


def test_attention_wrapper_step_and_state(graph):
    """One step: the cell reads [inputs, previous attention]; the attention is
    attention_layer([cell output, alignments . memory]); TF1's variable names."""
    rng = np.random.RandomState(4)
    memory = rng.normal(size=(2, 5, 6)).astype(np.float32)
    inputs = rng.normal(size=(2, 3)).astype(np.float32)
    mechanism = seq2seq.LuongAttention(4, tf.constant(memory))
    cell = seq2seq.AttentionWrapper(rnn.GRUCell(4), mechanism, attention_layer_size=7,
                                    alignment_history=True)
    assert cell.output_size == 7 and cell.state_size.attention == 7
    zero = cell.zero_state(2, tf.float32)
    assert isinstance(zero, seq2seq.AttentionWrapperState)
    start = zero.clone(cell_state=tf.ones([2, 4]))
    assert start.cell_state.shape.as_list() == [2, 4]
    output, state = cell(tf.constant(inputs), start)
    assert names() == ["memory_layer/kernel", "attention_wrapper/gru_cell/gates/kernel",
                       "attention_wrapper/gru_cell/gates/bias",
                       "attention_wrapper/gru_cell/candidate/kernel",
                       "attention_wrapper/gru_cell/candidate/bias",
                       "attention_wrapper/attention_layer/kernel"]
    assert len(cell.variables) == 6
    plain_output, _ = rnn.GRUCell(4, name="attention_wrapper/gru_cell", reuse=True)(
        tf.concat([tf.constant(inputs), tf.zeros([2, 7])], 1), tf.ones([2, 4]))
    with session() as sess:
        sess.run(tf.global_variables_initializer())
        got, new, cell_out = sess.run([output, state._replace(alignment_history=()),
                                        plain_output])
        history = sess.run(state.alignment_history.stack())
        values = dict(zip(names(), sess.run(tf.global_variables())))
    keys = memory @ values["memory_layer/kernel"]
    alignments = _softmax(np.einsum("bd,btd->bt", cell_out, keys))
    context = np.einsum("bt,btd->bd", alignments, memory)
    attention = np.concatenate([cell_out, context], 1) @ values[
        "attention_wrapper/attention_layer/kernel"]
    np.testing.assert_allclose(got, attention, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(new.attention, attention, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(new.alignments, alignments, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(history, alignments[None], rtol=1e-5, atol=1e-7)
    assert new.time == 1
    with pytest.raises(TypeError, match="AttentionWrapperState"):
        cell(tf.constant(inputs), tf.ones([2, 4]))


def test_legacy_models_name_their_variables_as_tf1(graph):
    encoder = [tf.placeholder(tf.int32, [None]) for _ in range(3)]
    decoder = [tf.placeholder(tf.int32, [None]) for _ in range(2)]
    outputs, _ = legacy_seq2seq.embedding_attention_seq2seq(encoder, decoder, rnn.GRUCell(4),
                                                            6, 7, 5)
    assert len(outputs) == 2 and outputs[0].shape.as_list() == [None, 7]
    prefix = "embedding_attention_seq2seq/"
    decoder_scope = prefix + "embedding_attention_decoder/attention_decoder/"
    assert names() == [prefix + n for n in (
        "rnn/embedding_wrapper/embedding", "rnn/embedding_wrapper/gru_cell/gates/kernel",
        "rnn/embedding_wrapper/gru_cell/gates/bias",
        "rnn/embedding_wrapper/gru_cell/candidate/kernel",
        "rnn/embedding_wrapper/gru_cell/candidate/bias", "embedding_attention_decoder/embedding")
    ] + [decoder_scope + n for n in (
        "AttnW_0", "AttnV_0", "kernel", "bias", "output_projection_wrapper/gru_cell/gates/kernel",
        "output_projection_wrapper/gru_cell/gates/bias",
        "output_projection_wrapper/gru_cell/candidate/kernel",
        "output_projection_wrapper/gru_cell/candidate/bias", "output_projection_wrapper/kernel",
        "output_projection_wrapper/bias", "Attention_0/kernel", "Attention_0/bias",
        "AttnOutputProjection/kernel", "AttnOutputProjection/bias")]


def test_feed_previous_feeds_back_the_argmax(graph):
    """With feed_previous the decoder inputs after the first are ignored; a boolean tensor
    chooses at run time, sharing one set of variables."""
    encoder = [tf.placeholder(tf.int32, [None]) for _ in range(3)]
    decoder = [tf.placeholder(tf.int32, [None]) for _ in range(3)]
    flag = tf.placeholder(tf.bool, [])
    outputs, state = legacy_seq2seq.embedding_rnn_seq2seq(encoder, decoder,
                                                          rnn.BasicLSTMCell(4), 5, 5, 3,
                                                          feed_previous=flag)
    assert isinstance(state, rnn.LSTMStateTuple) and len(names()) == 8
    rng = np.random.RandomState(5)
    feed = {p: rng.randint(0, 5, 4) for p in encoder + decoder}
    other = {**feed, **{p: (feed[p] + 1) % 5 for p in decoder[1:]}}
    with session() as sess:
        sess.run(tf.global_variables_initializer())
        fed = [sess.run(outputs, {**f, flag: True}) for f in (feed, other)]
        forced = [sess.run(outputs, {**f, flag: False}) for f in (feed, other)]
    np.testing.assert_array_equal(fed[0], fed[1])
    np.testing.assert_array_equal(fed[0][0], forced[0][0])
    assert np.abs(forced[0][2] - forced[1][2]).max() > 1e-4


def test_model_with_buckets_shares_variables_across_buckets(graph):
    encoder = [tf.placeholder(tf.int32, [None]) for _ in range(4)]
    decoder = [tf.placeholder(tf.int32, [None]) for _ in range(3)]
    weights = [tf.ones([2]) for _ in range(3)]

    def model(enc, dec):
        return legacy_seq2seq.embedding_rnn_seq2seq(enc, dec, rnn.GRUCell(4), 6, 6, 3)

    outputs, losses = legacy_seq2seq.model_with_buckets(encoder, decoder, decoder, weights,
                                                        [(2, 2), (4, 3)], model)
    assert [len(o) for o in outputs] == [2, 3] and len(losses) == 2
    assert len(names()) == 12 and not any("_1/" in name for name in names())  # one model's
    with pytest.raises(ValueError, match="must be at least that of last bucket"):
        legacy_seq2seq.model_with_buckets(encoder[:3], decoder, decoder, weights,
                                          [(4, 3)], model)


def test_an_attention_seq2seq_learns_to_reverse(graph):
    """An NMT-tutorial-style model (encoder LSTM; Bahdanau AttentionWrapper decoder trained with
    TrainingHelper and sequence_loss) on reversing 5 symbols; built again with reuse for
    inference, its greedy decoding (GreedyEmbeddingHelper) and beam search (width 3, memory
    and state tiled with tile_batch) go from chance to mostly right in 200 Adam steps."""
    vocab, length, units, batch, go, end, width = 8, 5, 32, 64, 0, 1, 3
    rng = np.random.RandomState(0)
    tf.set_random_seed(0)
    source = tf.placeholder(tf.int32, [None, length])
    batch_size = tf.shape(source)[0]

    def model(mode):
        with tf.variable_scope("nmt", reuse=mode != "train"):
            embedding = tf.get_variable("embedding", [vocab, units])
            memory, encoder_state = tf.nn.dynamic_rnn(
                rnn.BasicLSTMCell(units), tf.nn.embedding_lookup(embedding, source),
                dtype=tf.float32, scope="encoder")
            rows = batch_size
            if mode == "beam":
                memory, encoder_state = seq2seq.tile_batch((memory, encoder_state), width)
                rows = batch_size * width
            mechanism = seq2seq.BahdanauAttention(units, memory)
            cell = seq2seq.AttentionWrapper(rnn.BasicLSTMCell(units), mechanism,
                                            attention_layer_size=units)
            start = cell.zero_state(rows, tf.float32).clone(cell_state=encoder_state)
            projection = tf.layers.Dense(vocab, use_bias=False, name="output_projection")
            if mode == "train":
                target = tf.reverse(source, [1])
                decoder_in = tf.concat([tf.fill([batch_size, 1], go), target[:, :-1]], 1)
                helper = seq2seq.TrainingHelper(tf.nn.embedding_lookup(embedding, decoder_in),
                                                tf.fill([batch_size], length))
                decoder = seq2seq.BasicDecoder(cell, helper, start, projection)
                outputs, _, _ = seq2seq.dynamic_decode(decoder)
                return seq2seq.sequence_loss(outputs.rnn_output, target,
                                             tf.ones([batch_size, length]))
            tokens = tf.fill([batch_size], go)
            if mode == "greedy":
                decoder = seq2seq.BasicDecoder(
                    cell, seq2seq.GreedyEmbeddingHelper(embedding, tokens, end), start,
                    projection)
                return seq2seq.dynamic_decode(decoder, maximum_iterations=length)[0].sample_id
            decoder = seq2seq.BeamSearchDecoder(cell, embedding, tokens, end, start, width,
                                                output_layer=projection)
            outputs = seq2seq.dynamic_decode(decoder, maximum_iterations=length)[0]
            return outputs.predicted_ids[:, :, 0]

    loss = model("train")
    trained = len(tf.global_variables())
    step = tf.train.AdamOptimizer(0.01).minimize(loss)
    decoded = {mode: model(mode) for mode in ("greedy", "beam")}
    assert len(tf.global_variables()) == 3 * trained + 2  # only Adam added: m, v, powers
    test = rng.randint(2, vocab, (200, length))

    def accuracy(sess):
        found = {}
        for mode, ids in sess.run(decoded, {source: test}).items():
            padded = np.zeros((len(test), length), np.int32)
            padded[:, :ids.shape[1]] = ids
            found[mode] = (padded == test[:, ::-1]).mean()
        return found

    with session() as sess:
        sess.run(tf.global_variables_initializer())
        before = accuracy(sess)
        for _ in range(200):
            sess.run(step, {source: rng.randint(2, vocab, (batch, length))})
        after = accuracy(sess)
    print(f"reverse task, token accuracy: {before} before, {after} after")
    assert max(before.values()) < 0.35 and min(after.values()) > 0.8


def test_tf1_import_forms_resolve_through_the_runner(tmp_path):
    """``import tensorflow.contrib.seq2seq``, ``from tensorflow.contrib import legacy_seq2seq``,
    contrib's module paths (``...seq2seq.python.ops.attention_wrapper``,
    ``...rnn.python.ops.core_rnn_cell``), TF 0.12's ``tf.nn.seq2seq``; a name not provided
    fails naming it."""
    from tests.conftest import run_cli

    script = tmp_path / "forms.py"
    script.write_text(
        "import tensorflow as tf\n"
        "import tensorflow.contrib.seq2seq as seq2seq\n"
        "from tensorflow.contrib import cudnn_rnn, legacy_seq2seq\n"
        "from tensorflow.contrib.rnn.python.ops import core_rnn_cell\n"
        "from tensorflow.contrib.seq2seq.python.ops import attention_wrapper, helper\n"
        "memory = tf.zeros([2, 4, 3])\n"
        "cell = seq2seq.AttentionWrapper(tf.contrib.rnn.LSTMBlockCell(3),\n"
        "                                attention_wrapper.LuongAttention(3, memory))\n"
        "decoder = seq2seq.BasicDecoder(cell, helper.GreedyEmbeddingHelper(tf.eye(5), [0, 0], 1),\n"
        "                               cell.zero_state(2, tf.float32), tf.layers.Dense(5))\n"
        "out, _, lengths = seq2seq.dynamic_decode(decoder, maximum_iterations=3)\n"
        "proj = core_rnn_cell.OutputProjectionWrapper(tf.nn.rnn_cell.GRUCell(3), 4)\n"
        "loss = tf.nn.seq2seq.sequence_loss([tf.zeros([2, 4])], [tf.zeros([2], tf.int32)],\n"
        "                                   [tf.ones([2])])\n"
        "with tf.Session() as sess:\n"
        "    sess.run(tf.global_variables_initializer())\n"
        "    print(out.rnn_output.shape, sess.run(loss), sess.run(lengths), proj.output_size,\n"
        "          legacy_seq2seq.rnn_decoder is tf.nn.seq2seq.rnn_decoder,\n"
        "          cudnn_rnn.CudnnGRU(1, 3).num_dirs, flush=True)\n"
        "seq2seq.ScheduledOutputTrainingHelper\n")
    result = run_cli("legacy", script, timeout=300)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "(2, ?, 5) 1.3862944 [3 3] 4 True 1" in result.stdout
    assert "tf.contrib.seq2seq.ScheduledOutputTrainingHelper is not provided" in \
        result.stderr


class _Bigram(rnn.RNNCell):
    """A weightless cell whose logits are log P(next | previous token), previous one-hot."""

    state_size = 1
    output_size = 4

    def __init__(self, table):
        super().__init__()
        self._log_table = tf.constant(np.log(np.asarray(table, np.float32)))

    def call(self, inputs, state):
        return tf.matmul(inputs, self._log_table), state


def test_beam_search_finds_the_likelier_sequence_greedy_misses(graph):
    """Tokens GO=0, EOS=1, A=2, B=3: after GO, A 0.6 and B 0.4; A then EOS 0.4, B then EOS 0.9.
    Greedy says A EOS (0.24); a beam of 2 finds B EOS (0.36), best first, with its score."""
    table = [[1e-6, 1e-6, 0.6, 0.4], [1e-6, 1.0, 1e-6, 1e-6], [1e-6, 0.4, 0.3, 0.3],
             [1e-6, 0.9, 0.05, 0.05]]
    embedding = np.eye(4, dtype=np.float32)
    greedy = seq2seq.BasicDecoder(
        _Bigram(table), seq2seq.GreedyEmbeddingHelper(embedding, [0], 1), tf.zeros([1, 1]))
    greedy_out, _, _ = seq2seq.dynamic_decode(greedy, maximum_iterations=4)
    start = seq2seq.tile_batch(tf.zeros([1, 1]), 2)
    beam = seq2seq.BeamSearchDecoder(_Bigram(table), embedding, [0], 1, start, beam_width=2)
    beam_out, beam_state, _ = seq2seq.dynamic_decode(beam, maximum_iterations=4)
    assert isinstance(beam_out, seq2seq.FinalBeamSearchDecoderOutput)
    with session() as sess:
        greedy_ids, ids, scores, final_lengths = sess.run([
            greedy_out.sample_id, beam_out.predicted_ids,
            beam_out.beam_search_decoder_output.scores, beam_state.lengths])
    np.testing.assert_array_equal(greedy_ids, [[2, 1]])
    np.testing.assert_array_equal(ids[0, :, 0], [3, 1])
    np.testing.assert_array_equal(ids[0, :, 1], [2, 1])
    np.testing.assert_allclose(scores[0, -1], np.log([0.36, 0.24]), rtol=1e-4)
    np.testing.assert_array_equal(final_lengths, [[2, 2]])


def test_gather_tree_follows_parents_back(graph):
    """Traced by hand: each beam's path read backwards through its parents from the length;
    the end token after the first one and past the length."""
    step_ids = np.array([[[2, 5, 3]], [[4, 1, 6]], [[7, 8, 9]]], np.int32)
    parents = np.array([[[0, 0, 0]], [[0, 1, 0]], [[2, 0, 1]]], np.int32)
    tree = seq2seq.gather_tree(step_ids, parents, [3], end_token=1)
    short = seq2seq.gather_tree(step_ids, parents, [2], end_token=1)
    with session() as sess:
        got, got_short = sess.run([tree, short])
    np.testing.assert_array_equal(got[:, 0].T, [[2, 6, 7], [2, 4, 8], [5, 1, 1]])
    np.testing.assert_array_equal(got_short[:, 0].T, [[2, 4, 1], [5, 1, 1], [2, 6, 1]])


def test_scheduled_sampling_feeds_embedded_samples_with_its_probability(graph):
    """Probability 0: TrainingHelper exactly (ids -1); probability 1: every next input is the
    embedding of the sampled id."""
    rng = np.random.RandomState(6)
    x = tf.constant(rng.normal(size=(3, 4, 5)).astype(np.float32))
    embedding = tf.constant(rng.normal(size=(5, 5)).astype(np.float32))
    outputs = tf.constant(rng.normal(size=(3, 5)).astype(np.float32))
    results = []
    for probability in (0.0, 1.0):
        helper = seq2seq.ScheduledEmbeddingTrainingHelper(x, [4, 4, 4], embedding, probability,
                                                          seed=1)
        ids = helper.sample(0, outputs, None)
        results.append((ids, helper.next_inputs(0, outputs, None, ids)[1]))
    with session() as sess:
        (never_ids, never), (always_ids, always), inputs, table = sess.run(
            [results[0], results[1], x, embedding])
    np.testing.assert_array_equal(never_ids, [-1, -1, -1])
    np.testing.assert_array_equal(never, inputs[:, 1])
    assert (always_ids >= 0).all()
    np.testing.assert_allclose(always, table[always_ids])


def test_inference_helper_feeds_back_its_samples(graph):
    helper = seq2seq.InferenceHelper(
        sample_fn=lambda outputs: outputs * 2.0, sample_shape=[5], sample_dtype=tf.float32,
        start_inputs=tf.ones([2, 5]), end_fn=lambda ids: tf.reduce_sum(ids, 1) > 20.0)
    decoder = seq2seq.BasicDecoder(rnn.BasicRNNCell(5, activation=tf.identity), helper,
                                   tf.zeros([2, 5]))
    outputs, _, lengths = seq2seq.dynamic_decode(decoder, maximum_iterations=6)
    assert outputs.sample_id.dtype == tf.float32
    with session() as sess:
        sess.run(tf.global_variables_initializer())
        got, got_lengths = sess.run([outputs, lengths])
    np.testing.assert_allclose(got.sample_id, 2 * got.rnn_output)
    assert got_lengths.max() <= 6


def test_custom_loss_functions_of_either_era(graph, loss_data):
    """TF 1.2+ passes labels=/logits= by name; a 0.12-era function (inputs, labels) gets
    (logit, target) by position, as TF 0.12 and 1.0 called it."""
    logits, targets, _ = loss_data
    steps = [tf.constant(logits[:, 0])], [tf.constant(targets[:, 0])], [tf.ones([3])]
    calls = []

    def modern(labels, logits):
        calls.append("modern")
        return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)

    def old(inputs, labels):
        calls.append("old")
        return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=inputs)

    losses = [legacy_seq2seq.sequence_loss_by_example(*steps, softmax_loss_function=f)
              for f in (modern, old)]
    with session() as sess:
        got = sess.run(losses)
    assert calls == ["modern", "old"]
    np.testing.assert_allclose(got[0], _crossent(logits[:, 0], targets[:, 0]), rtol=1e-5)
    np.testing.assert_allclose(got[1], got[0])
