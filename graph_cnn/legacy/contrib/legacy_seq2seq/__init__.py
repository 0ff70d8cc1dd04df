"""``tf.contrib.legacy_seq2seq`` (TensorFlow 0.12's ``tf.nn.seq2seq``): the static,
list-of-steps sequence-to-sequence models of the 2016 translate and chatbot tutorials, on
:mod:`graph_cnn.legacy.rnn`'s cells, with TF1's scopes and variable names
(``embedding_attention_seq2seq/rnn/embedding_wrapper/embedding``,
``.../attention_decoder/AttnOutputProjection/kernel``, ...).

Not emulated (each fails in one line naming it): ``embedding_tied_rnn_seq2seq`` and
``one2many_rnn_seq2seq``; the embeddings are not pinned to the CPU as TF1 did.
"""

import copy
import inspect

import tensorflow as tf

from graph_cnn.errors import not_provided
from graph_cnn.legacy.contrib import _paths
from graph_cnn.legacy.rnn import EmbeddingWrapper, OutputProjectionWrapper, static_rnn

v1 = tf.compat.v1

__all__ = [
    "attention_decoder",
    "basic_rnn_seq2seq",
    "embedding_attention_decoder",
    "embedding_attention_seq2seq",
    "embedding_rnn_decoder",
    "embedding_rnn_seq2seq",
    "model_with_buckets",
    "rnn_decoder",
    "sequence_loss",
    "sequence_loss_by_example",
    "tied_rnn_seq2seq",
]


def _linear(args, output_size):
    """TF1's ``_Linear`` in the current variable scope: ``kernel`` and a zero ``bias``."""
    args = tf.concat(args, 1) if isinstance(args, (list, tuple)) else args
    depth = v1.dimension_value(args.shape[-1])
    kernel = v1.get_variable("kernel", [depth, output_size], dtype=args.dtype)
    bias = v1.get_variable("bias", [output_size], dtype=args.dtype,
                           initializer=v1.zeros_initializer())
    return tf.nn.bias_add(tf.matmul(args, kernel), bias)


def _extract_argmax_and_embed(embedding, output_projection=None, update_embedding=True):
    """The loop function of the embedding decoders: the previous output's argmax, embedded."""
    def loop_function(prev, _):
        if output_projection is not None:
            prev = v1.nn.xw_plus_b(prev, output_projection[0], output_projection[1])
        embedded = tf.nn.embedding_lookup(embedding, tf.argmax(prev, 1))
        return embedded if update_embedding else tf.stop_gradient(embedded)

    return loop_function


def rnn_decoder(decoder_inputs, initial_state, cell, loop_function=None, scope=None):
    """``cell`` run over the list ``decoder_inputs`` from ``initial_state`` (scope
    ``rnn_decoder``); with ``loop_function(prev_output, i)`` each step after the first takes
    its input from the previous output instead. Returns ``(outputs, state)``."""
    with v1.variable_scope(scope or "rnn_decoder"):
        state, outputs, prev = initial_state, [], None
        for i, inp in enumerate(decoder_inputs):
            if loop_function is not None and prev is not None:
                with v1.variable_scope("loop_function", reuse=True):
                    inp = loop_function(prev, i)
            if i > 0:
                v1.get_variable_scope().reuse_variables()
            output, state = cell(inp, state)
            outputs.append(output)
            if loop_function is not None:
                prev = output
    return outputs, state


def basic_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, dtype=tf.float32, scope=None):
    """A copy of ``cell`` encodes; its final state starts ``rnn_decoder`` over
    ``decoder_inputs`` (scope ``basic_rnn_seq2seq``)."""
    with v1.variable_scope(scope or "basic_rnn_seq2seq"):
        _, state = static_rnn(copy.deepcopy(cell), encoder_inputs, dtype=dtype)
        return rnn_decoder(decoder_inputs, state, cell)


def tied_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, loop_function=None,
                     dtype=tf.float32, scope=None):
    """Like ``basic_rnn_seq2seq`` with one set of weights for encoder and decoder."""
    with v1.variable_scope("combined_tied_rnn_seq2seq"):
        scope = scope or "tied_rnn_seq2seq"
        _, state = static_rnn(cell, encoder_inputs, dtype=dtype, scope=scope)
        v1.get_variable_scope().reuse_variables()
        return rnn_decoder(decoder_inputs, state, cell, loop_function=loop_function,
                           scope=scope)


def _check_projection(output_projection, num_symbols, dtype):
    if output_projection is None:
        return None
    weights = tf.convert_to_tensor(output_projection[0], dtype=dtype)
    weights.shape.assert_is_compatible_with([None, num_symbols])
    biases = tf.convert_to_tensor(output_projection[1], dtype=dtype)
    biases.shape.assert_is_compatible_with([num_symbols])
    return weights, biases


def _embedded_decoder_inputs(decoder_inputs, num_symbols, embedding_size, output_projection,
                             feed_previous, update_embedding_for_previous, dtype):
    """The decoder's ``embedding`` variable (in the open scope), its embedded inputs, and the
    loop function feeding back the embedded argmax when ``feed_previous``."""
    output_projection = _check_projection(output_projection, num_symbols, dtype)
    embedding = v1.get_variable("embedding", [num_symbols, embedding_size])
    loop_function = _extract_argmax_and_embed(
        embedding, output_projection, update_embedding_for_previous) if feed_previous else None
    return [tf.nn.embedding_lookup(embedding, i) for i in decoder_inputs], loop_function


def embedding_rnn_decoder(decoder_inputs, initial_state, cell, num_symbols, embedding_size,
                          output_projection=None, feed_previous=False,
                          update_embedding_for_previous=True, scope=None):
    """``rnn_decoder`` on integer ``decoder_inputs`` looked up in ``embedding``
    (scope ``embedding_rnn_decoder``); ``feed_previous`` feeds back the embedded argmax of
    each output (through ``output_projection`` when given)."""
    with v1.variable_scope(scope or "embedding_rnn_decoder") as opened:
        embedded, loop_function = _embedded_decoder_inputs(
            decoder_inputs, num_symbols, embedding_size, output_projection, feed_previous,
            update_embedding_for_previous, opened.dtype)
        return rnn_decoder(embedded, initial_state, cell, loop_function=loop_function)


def _maybe_fed_back(decoder, feed_previous):
    """``decoder(bool)`` as it is, or both ways under a ``tf.cond`` on a boolean tensor
    (the second sharing the first's variables), as TF1 did."""
    if isinstance(feed_previous, bool):
        return decoder(feed_previous)

    structure = []

    def branch(flag):
        with v1.variable_scope(v1.get_variable_scope(), reuse=None if flag else True):
            outputs, state = decoder(flag)
        structure[:] = [len(outputs), state]
        return outputs + tf.nest.flatten(state)

    flat = tf.cond(feed_previous, lambda: branch(True), lambda: branch(False))
    count, state = structure
    return flat[:count], tf.nest.pack_sequence_as(state, flat[count:])


def embedding_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, num_encoder_symbols,
                          num_decoder_symbols, embedding_size, output_projection=None,
                          feed_previous=False, dtype=None, scope=None):
    """Encoder: a copy of ``cell`` behind an ``EmbeddingWrapper``; decoder:
    ``embedding_rnn_decoder`` with ``cell`` behind an ``OutputProjectionWrapper`` to
    ``num_decoder_symbols`` (unless ``output_projection``). ``feed_previous`` may be a
    boolean tensor. Scope ``embedding_rnn_seq2seq``."""
    with v1.variable_scope(scope or "embedding_rnn_seq2seq") as opened:
        dtype = dtype or opened.dtype
        encoder_cell = EmbeddingWrapper(copy.deepcopy(cell), num_encoder_symbols,
                                        embedding_size)
        _, encoder_state = static_rnn(encoder_cell, encoder_inputs, dtype=dtype)
        if output_projection is None:
            cell = OutputProjectionWrapper(cell, num_decoder_symbols)
        return _maybe_fed_back(lambda flag: embedding_rnn_decoder(
            decoder_inputs, encoder_state, cell, num_decoder_symbols, embedding_size,
            output_projection=output_projection, feed_previous=flag,
            update_embedding_for_previous=isinstance(feed_previous, bool)), feed_previous)


def attention_decoder(decoder_inputs, initial_state, attention_states, cell, output_size=None,
                      num_heads=1, loop_function=None, dtype=None, scope=None,
                      initial_state_attention=False):
    """Bahdanau-style attention over ``attention_states`` [batch, length, size]: each step's
    input joins the previous attention reads through a linear map, the cell's new state
    queries every head (``AttnW_k``, ``AttnV_k``, ``Attention_k``), and
    ``AttnOutputProjection`` maps output and reads to ``output_size``. Scope
    ``attention_decoder``."""
    if not decoder_inputs:
        raise ValueError("Must provide at least 1 input to attention decoder.")
    if num_heads < 1:
        raise ValueError("With less than 1 heads, use a non-attention decoder.")
    if attention_states.shape[2:].num_elements() is None:
        raise ValueError(f"Shape[2] of attention_states must be known: "
                         f"{attention_states.shape}")
    output_size = output_size or cell.output_size
    with v1.variable_scope(scope or "attention_decoder", dtype=dtype) as opened:
        dtype = opened.dtype
        batch_size = tf.shape(decoder_inputs[0])[0]
        length = v1.dimension_value(attention_states.shape[1]) or tf.shape(
            attention_states)[1]
        size = v1.dimension_value(attention_states.shape[2])
        hidden = tf.reshape(attention_states, [-1, length, 1, size])
        hidden_features, vectors = [], []
        for a in range(num_heads):
            k = v1.get_variable(f"AttnW_{a}", [1, 1, size, size], dtype=dtype)
            hidden_features.append(tf.nn.conv2d(hidden, k, [1, 1, 1, 1], "SAME"))
            vectors.append(v1.get_variable(f"AttnV_{a}", [size], dtype=dtype))

        def attention(query):
            query = tf.concat(tf.nest.flatten(query), 1) if tf.nest.is_nested(query) else query
            reads = []
            for a in range(num_heads):
                with v1.variable_scope(f"Attention_{a}"):
                    y = tf.reshape(_linear(query, size), [-1, 1, 1, size])
                    s = tf.reduce_sum(vectors[a] * tf.tanh(hidden_features[a] + y), [2, 3])
                    weights = tf.nn.softmax(s)
                    read = tf.reduce_sum(tf.reshape(weights, [-1, length, 1, 1]) * hidden,
                                         [1, 2])
                    reads.append(tf.reshape(read, [-1, size]))
            return reads

        state, outputs, prev = initial_state, [], None
        attns = [tf.zeros(tf.stack([batch_size, size]), dtype=dtype) for _ in range(num_heads)]
        for a in attns:
            a.set_shape([None, size])
        if initial_state_attention:
            attns = attention(initial_state)
        for i, inp in enumerate(decoder_inputs):
            if i > 0:
                v1.get_variable_scope().reuse_variables()
            if loop_function is not None and prev is not None:
                with v1.variable_scope("loop_function", reuse=True):
                    inp = loop_function(prev, i)
            if v1.dimension_value(inp.shape.with_rank(2)[1]) is None:
                raise ValueError(f"Could not infer input size from input: {inp.name}")
            x = _linear([inp] + attns, v1.dimension_value(inp.shape[1]))
            cell_output, state = cell(x, state)
            if i == 0 and initial_state_attention:
                with v1.variable_scope(v1.get_variable_scope(), reuse=True):
                    attns = attention(state)
            else:
                attns = attention(state)
            with v1.variable_scope("AttnOutputProjection"):
                output = _linear([cell_output] + attns, output_size)
            if loop_function is not None:
                prev = output
            outputs.append(output)
    return outputs, state


def embedding_attention_decoder(decoder_inputs, initial_state, attention_states, cell,
                                num_symbols, embedding_size, num_heads=1, output_size=None,
                                output_projection=None, feed_previous=False,
                                update_embedding_for_previous=True, dtype=None, scope=None,
                                initial_state_attention=False):
    """``attention_decoder`` on integer inputs looked up in ``embedding`` (scope
    ``embedding_attention_decoder``), feeding back its argmax when ``feed_previous``."""
    output_size = output_size or cell.output_size
    with v1.variable_scope(scope or "embedding_attention_decoder", dtype=dtype) as opened:
        embedded, loop_function = _embedded_decoder_inputs(
            decoder_inputs, num_symbols, embedding_size, output_projection, feed_previous,
            update_embedding_for_previous, opened.dtype)
        return attention_decoder(embedded, initial_state, attention_states, cell,
                                 output_size=output_size, num_heads=num_heads,
                                 loop_function=loop_function,
                                 initial_state_attention=initial_state_attention)


def embedding_attention_seq2seq(encoder_inputs, decoder_inputs, cell, num_encoder_symbols,
                                num_decoder_symbols, embedding_size, num_heads=1,
                                output_projection=None, feed_previous=False, dtype=None,
                                scope=None, initial_state_attention=False):
    """The 2016 translate model: an embedded encoder (a copy of ``cell``) whose outputs the
    ``embedding_attention_decoder`` attends to. Scope ``embedding_attention_seq2seq``."""
    with v1.variable_scope(scope or "embedding_attention_seq2seq", dtype=dtype) as opened:
        dtype = opened.dtype
        encoder_cell = EmbeddingWrapper(copy.deepcopy(cell), num_encoder_symbols,
                                        embedding_size)
        encoder_outputs, encoder_state = static_rnn(encoder_cell, encoder_inputs, dtype=dtype)
        attention_states = tf.concat([tf.reshape(e, [-1, 1, cell.output_size])
                                      for e in encoder_outputs], 1)
        output_size = None
        if output_projection is None:
            cell = OutputProjectionWrapper(cell, num_decoder_symbols)
            output_size = num_decoder_symbols
        return _maybe_fed_back(lambda flag: embedding_attention_decoder(
            decoder_inputs, encoder_state, attention_states, cell, num_decoder_symbols,
            embedding_size, num_heads=num_heads, output_size=output_size,
            output_projection=output_projection, feed_previous=flag,
            update_embedding_for_previous=isinstance(feed_previous, bool),
            initial_state_attention=initial_state_attention), feed_previous)


def _custom_loss(function, target, logit):
    """TF 1.2 on called ``softmax_loss_function(labels=, logits=)``; TF 0.12 and 1.0 called it
    ``(logit, target)`` by position, which is how a function without those names is called."""
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        parameters = {}
    keywords = {"labels", "logits"} <= set(parameters) or any(
        p.kind is p.VAR_KEYWORD for p in parameters.values())
    return function(labels=target, logits=logit) if keywords else function(logit, target)


def sequence_loss_by_example(logits, targets, weights, average_across_timesteps=True,
                             softmax_loss_function=None, name=None):
    """Per-example loss over lists of steps: the weighted sum of each step's cross-entropy,
    divided by the summed weights (plus 1e-12) when ``average_across_timesteps``."""
    if len(targets) != len(logits) or len(weights) != len(logits):
        raise ValueError(f"Lengths of logits, weights, and targets must be the same "
                         f"{len(logits)}, {len(weights)}, {len(targets)}.")
    with v1.name_scope(name, "sequence_loss_by_example", logits + targets + weights):
        losses = []
        for logit, target, weight in zip(logits, targets, weights):
            if softmax_loss_function is None:
                target = tf.reshape(target, [-1])
                loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=target,
                                                                      logits=logit)
            else:
                loss = _custom_loss(softmax_loss_function, target, logit)
            losses.append(loss * weight)
        total = tf.add_n(losses)
        if average_across_timesteps:
            total /= tf.add_n(weights) + 1e-12
    return total


def sequence_loss(logits, targets, weights, average_across_timesteps=True,
                  average_across_batch=True, softmax_loss_function=None, name=None):
    """The summed ``sequence_loss_by_example``, divided by the batch size when
    ``average_across_batch``: a scalar."""
    with v1.name_scope(name, "sequence_loss", logits + targets + weights):
        cost = tf.reduce_sum(sequence_loss_by_example(
            logits, targets, weights, average_across_timesteps=average_across_timesteps,
            softmax_loss_function=softmax_loss_function))
        if average_across_batch:
            return cost / tf.cast(tf.shape(targets[0])[0], cost.dtype)
        return cost


def model_with_buckets(encoder_inputs, decoder_inputs, targets, weights, buckets, seq2seq,
                       softmax_loss_function=None, per_example_loss=False, name=None):
    """One ``seq2seq(encoder_inputs[:e], decoder_inputs[:d])`` per bucket ``(e, d)``, all
    sharing variables, each with its loss; returns ``(outputs, losses)`` per bucket."""
    if len(encoder_inputs) < buckets[-1][0]:
        raise ValueError(f"Length of encoder_inputs ({len(encoder_inputs)}) must be at least "
                         f"that of last bucket ({buckets[-1][0]}).")
    for what, values in (("targets", targets), ("weights", weights)):
        if len(values) < buckets[-1][1]:
            raise ValueError(f"Length of {what} ({len(values)}) must be at least that of last "
                             f"bucket ({buckets[-1][1]}).")
    losses, outputs = [], []
    loss_fn = sequence_loss_by_example if per_example_loss else sequence_loss
    with v1.name_scope(name, "model_with_buckets",
                       encoder_inputs + decoder_inputs + targets + weights):
        for j, (encoder_size, decoder_size) in enumerate(buckets):
            with v1.variable_scope(v1.get_variable_scope(), reuse=True if j > 0 else None):
                bucket_outputs, _ = seq2seq(encoder_inputs[:encoder_size],
                                            decoder_inputs[:decoder_size])
                outputs.append(bucket_outputs)
                losses.append(loss_fn(bucket_outputs, targets[:decoder_size],
                                      weights[:decoder_size],
                                      softmax_loss_function=softmax_loss_function))
    return outputs, losses


# TF1's tf.contrib.legacy_seq2seq.python... paths (graph_cnn.legacy.contrib._paths)
python = _paths.tree(__name__, {"ops": _paths.files("seq2seq")})


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(not_provided(f"tf.contrib.legacy_seq2seq.{name}"))
