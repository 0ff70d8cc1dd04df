"""``tf.contrib.seq2seq`` (TensorFlow 1.4-1.15) on ``tf.compat.v1`` ops: ``sequence_loss``,
``dynamic_decode`` with ``BasicDecoder`` and the training, scheduled-sampling, greedy,
sampling, inference and custom helpers,
``BeamSearchDecoder`` (with ``gather_tree``), ``tile_batch`` and the attention wrappers
(``AttentionWrapper`` over ``BahdanauAttention`` or ``LuongAttention``), with TF1's signatures,
defaults and variable names (``decoder/attention_wrapper/bahdanau_attention/attention_v``,
``memory_layer/kernel``, ...).

Not emulated (each fails in one line naming it): the monotonic attentions,
``ScheduledOutputTrainingHelper``; beam search's coverage penalty. Graph mode only.
"""

import collections

import numpy as np
import tensorflow as tf

from graph_cnn.compat.layers import Dense
from graph_cnn.errors import not_provided
from graph_cnn.legacy.contrib import _paths
from graph_cnn.legacy.rnn import RNNCell, _zeros

v1 = tf.compat.v1

__all__ = [
    "AttentionMechanism",
    "AttentionWrapper",
    "AttentionWrapperState",
    "BahdanauAttention",
    "BasicDecoder",
    "BasicDecoderOutput",
    "BeamSearchDecoder",
    "BeamSearchDecoderOutput",
    "BeamSearchDecoderState",
    "CustomHelper",
    "Decoder",
    "FinalBeamSearchDecoderOutput",
    "GreedyEmbeddingHelper",
    "Helper",
    "LuongAttention",
    "SampleEmbeddingHelper",
    "TrainingHelper",
    "dynamic_decode",
    "gather_tree",
    "hardmax",
    "sequence_loss",
    "tile_batch",
]


def sequence_loss(logits, targets, weights, average_across_timesteps=True,
                  average_across_batch=True, sum_over_timesteps=False, sum_over_batch=False,
                  softmax_loss_function=None, name=None):
    """Weighted cross-entropy of ``logits`` [batch, time, classes] against integer ``targets``
    [batch, time]: a scalar by default (summed, divided by the sum of ``weights``); an
    ``average_*`` flag off keeps that axis; ``sum_over_*`` divide by the count of non-zero
    weights instead."""
    if len(logits.get_shape()) != 3:
        raise ValueError("Logits must be a [batch_size x sequence_length x logits] tensor")
    if len(targets.get_shape()) != 2:
        raise ValueError("Targets must be a [batch_size x sequence_length] tensor")
    if len(weights.get_shape()) != 2:
        raise ValueError("Weights must be a [batch_size x sequence_length] tensor")
    if average_across_timesteps and sum_over_timesteps:
        raise ValueError("average_across_timesteps and sum_over_timesteps cannot be set to "
                         "True at same time.")
    if average_across_batch and sum_over_batch:
        raise ValueError("average_across_batch and sum_over_batch cannot be set to True at "
                         "same time.")
    with v1.name_scope(name, "sequence_loss", [logits, targets, weights]):
        flat_logits = tf.reshape(logits, [-1, tf.shape(logits)[2]])
        flat_targets = tf.reshape(targets, [-1])
        if softmax_loss_function is None:
            losses = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=flat_targets,
                                                                    logits=flat_logits)
        else:
            losses = softmax_loss_function(labels=flat_targets, logits=flat_logits)
        losses *= tf.reshape(weights, [-1])
        if average_across_timesteps and average_across_batch:
            return tf.math.divide_no_nan(tf.reduce_sum(losses), tf.reduce_sum(weights))
        if sum_over_timesteps and sum_over_batch:
            count = tf.cast(tf.math.count_nonzero(weights), losses.dtype)
            return tf.math.divide_no_nan(tf.reduce_sum(losses), count)
        losses = tf.reshape(losses, tf.shape(logits)[0:2])
        if average_across_timesteps or average_across_batch:
            axis = [0] if average_across_batch else [1]
            return tf.math.divide_no_nan(tf.reduce_sum(losses, axis=axis),
                                         tf.reduce_sum(weights, axis=axis))
        if sum_over_timesteps or sum_over_batch:
            axis = [0] if sum_over_batch else [1]
            count = tf.cast(tf.math.count_nonzero(weights, axis=axis), losses.dtype)
            return tf.math.divide_no_nan(tf.reduce_sum(losses, axis=axis), count)
        return losses


# ---------------------------------------------------------------- helpers


def _transpose_batch_time(x):
    x = tf.convert_to_tensor(x)
    rank = x.shape.rank
    if rank is not None and rank < 2:
        return x
    perm = tf.concat(([1, 0], tf.range(2, tf.rank(x))), axis=0)
    transposed = tf.transpose(x, perm)
    if rank is not None:
        dims = x.shape.as_list()
        transposed.set_shape([dims[1], dims[0]] + dims[2:])
    return transposed


def _unstack_ta(inp):
    return tf.TensorArray(dtype=inp.dtype, size=tf.shape(inp)[0],
                          element_shape=inp.shape[1:]).unstack(inp)


class Helper:
    """How a decoder gets its inputs: ``initialize()`` gives ``(finished, first_inputs)``,
    ``sample`` the ids from the outputs, ``next_inputs`` ``(finished, inputs, state)``."""

    batch_size = property(lambda self: self._batch_size)
    sample_ids_shape = property(lambda self: tf.TensorShape([]))
    sample_ids_dtype = property(lambda self: tf.int32)

    def initialize(self, name=None):
        raise NotImplementedError("a Helper subclass gives initialize")

    def sample(self, time, outputs, state, name=None):
        raise NotImplementedError("a Helper subclass gives sample")

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        raise NotImplementedError("a Helper subclass gives next_inputs")


class CustomHelper(Helper):
    """A helper from three functions: ``initialize_fn()``, ``sample_fn(time, outputs, state)``
    and ``next_inputs_fn(time, outputs, state, sample_ids)``."""

    def __init__(self, initialize_fn, sample_fn, next_inputs_fn, sample_ids_shape=None,
                 sample_ids_dtype=None):
        self._initialize_fn, self._sample_fn = initialize_fn, sample_fn
        self._next_inputs_fn = next_inputs_fn
        self._batch_size = None
        self._ids_shape = tf.TensorShape(sample_ids_shape or [])
        self._ids_dtype = sample_ids_dtype or tf.int32

    sample_ids_shape = property(lambda self: self._ids_shape)
    sample_ids_dtype = property(lambda self: self._ids_dtype)

    @property
    def batch_size(self):
        if self._batch_size is None:
            raise ValueError("batch_size accessed before initialize was called")
        return self._batch_size

    def initialize(self, name=None):
        with v1.name_scope(name, f"{type(self).__name__}Initialize"):
            finished, next_inputs = self._initialize_fn()
            if self._batch_size is None:
                self._batch_size = tf.size(finished)
        return finished, next_inputs

    def sample(self, time, outputs, state, name=None):
        with v1.name_scope(name, f"{type(self).__name__}Sample", (time, outputs, state)):
            return self._sample_fn(time=time, outputs=outputs, state=state)

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        with v1.name_scope(name, f"{type(self).__name__}NextInputs",
                           (time, outputs, state)):
            return self._next_inputs_fn(time=time, outputs=outputs, state=state,
                                        sample_ids=sample_ids)


class TrainingHelper(Helper):
    """Teacher forcing: step ``t`` reads ``inputs[:, t]`` (``inputs[t]`` when ``time_major``);
    an example is finished once ``t + 1 >= sequence_length``. Sample ids are the argmax."""

    def __init__(self, inputs, sequence_length, time_major=False, name=None):
        with v1.name_scope(name, "TrainingHelper", [inputs, sequence_length]):
            inputs = tf.nest.map_structure(tf.convert_to_tensor, inputs)
            if not time_major:
                inputs = tf.nest.map_structure(_transpose_batch_time, inputs)
            self._input_tas = tf.nest.map_structure(_unstack_ta, inputs)
            self._sequence_length = tf.convert_to_tensor(sequence_length,
                                                         name="sequence_length")
            if self._sequence_length.shape.rank != 1:
                raise ValueError("Expected sequence_length to be a vector, but received "
                                 f"shape: {self._sequence_length.shape}")
            self._zero_inputs = tf.nest.map_structure(lambda x: tf.zeros_like(x[0, :]), inputs)
            self._batch_size = tf.size(sequence_length)

    @property
    def inputs(self):
        return self._input_tas

    @property
    def sequence_length(self):
        return self._sequence_length

    def _read(self, time, finished):
        return tf.cond(tf.reduce_all(finished), lambda: self._zero_inputs,
                       lambda: tf.nest.map_structure(lambda ta: ta.read(time), self._input_tas))

    def initialize(self, name=None):
        with v1.name_scope(name, "TrainingHelperInitialize"):
            finished = tf.equal(0, self._sequence_length)
            return finished, self._read(0, finished)

    def sample(self, time, outputs, name=None, **unused_kwargs):
        with v1.name_scope(name, "TrainingHelperSample", [time, outputs]):
            return tf.cast(tf.argmax(outputs, axis=-1), tf.int32)

    def next_inputs(self, time, outputs, state, name=None, **unused_kwargs):
        with v1.name_scope(name, "TrainingHelperNextInputs", [time, outputs, state]):
            next_time = time + 1
            finished = next_time >= self._sequence_length
            return finished, self._read(next_time, finished), state


class ScheduledEmbeddingTrainingHelper(TrainingHelper):
    """Scheduled sampling (Bengio et al. 2015): like ``TrainingHelper``, but each example's
    next input is, with ``sampling_probability``, the embedding of an id drawn from the
    softmax of its outputs instead of the true input; sample id -1 marks those not sampled.
    The draws are TensorFlow's, not TF1's exact random stream."""

    def __init__(self, inputs, sequence_length, embedding, sampling_probability,
                 time_major=False, seed=None, scheduling_seed=None, name=None):
        with v1.name_scope(name, "ScheduledEmbeddingSamplingWrapper",
                           [embedding, sampling_probability]):
            if callable(embedding):
                self._embedding_fn = embedding
            else:
                self._embedding_fn = lambda ids: tf.nn.embedding_lookup(embedding, ids)
            self._sampling_probability = tf.convert_to_tensor(sampling_probability,
                                                              name="sampling_probability")
            if self._sampling_probability.shape.rank not in (0, 1):
                raise ValueError(f"sampling_probability must be either a scalar or a vector. "
                                 f"saw shape: {self._sampling_probability.shape}")
            self._seed, self._scheduling_seed = seed, scheduling_seed
            super().__init__(inputs=inputs, sequence_length=sequence_length,
                             time_major=time_major, name=name)

    def sample(self, time, outputs, state, name=None):
        with v1.name_scope(name, "ScheduledEmbeddingTrainingHelperSample",
                           [time, outputs, state]):
            chosen = tf.random.uniform([self._batch_size], seed=self._scheduling_seed) < (
                tf.cast(self._sampling_probability, tf.float32))
            drawn = tf.random.categorical(outputs, 1, dtype=tf.int32, seed=self._seed)[:, 0]
            return v1.where(chosen, drawn, tf.fill([self._batch_size], -1))

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        with v1.name_scope(name, "ScheduledEmbeddingTrainingHelperNextInputs",
                           [time, outputs, state, sample_ids]):
            finished, base_inputs, state = super().next_inputs(time, outputs, state,
                                                               name=name)

            def mixed():
                sampled = tf.cast(tf.where(sample_ids > -1), tf.int32)
                kept = tf.cast(tf.where(sample_ids <= -1), tf.int32)
                shape = tf.shape(base_inputs)
                embedded = self._embedding_fn(tf.gather_nd(sample_ids, sampled))
                return (tf.scatter_nd(sampled, embedded, shape)
                        + tf.scatter_nd(kept, tf.gather_nd(base_inputs, kept), shape))

            next_inputs = tf.cond(tf.reduce_all(finished), lambda: base_inputs, mixed)
            return finished, next_inputs, state


class InferenceHelper(Helper):
    """Decoding fed by its own samples without an embedding: ``sample_fn(outputs)`` gives the
    ids (of ``sample_shape``/``sample_dtype``), ``next_inputs_fn`` (identity by default) the
    next inputs, ``end_fn`` the finished flags; starts from ``start_inputs``."""

    def __init__(self, sample_fn, sample_shape, sample_dtype, start_inputs, end_fn,
                 next_inputs_fn=None):
        self._sample_fn, self._end_fn = sample_fn, end_fn
        self._next_inputs_fn = next_inputs_fn
        self._ids_shape = tf.TensorShape(sample_shape)
        self._ids_dtype = sample_dtype
        self._start_inputs = tf.convert_to_tensor(start_inputs, name="start_inputs")
        self._batch_size = tf.shape(self._start_inputs)[0]

    sample_ids_shape = property(lambda self: self._ids_shape)
    sample_ids_dtype = property(lambda self: self._ids_dtype)

    def initialize(self, name=None):
        return tf.tile([False], [self._batch_size]), self._start_inputs

    def sample(self, time, outputs, state, name=None):
        return self._sample_fn(outputs)

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        next_inputs = (sample_ids if self._next_inputs_fn is None
                       else self._next_inputs_fn(sample_ids))
        return self._end_fn(sample_ids), next_inputs, state


class GreedyEmbeddingHelper(Helper):
    """Inference: the first inputs are ``start_tokens`` embedded, each next the embedded
    argmax of the outputs; an example finishes when it emits ``end_token``. ``embedding`` is a
    [vocab, depth] table or a function of ids."""

    def __init__(self, embedding, start_tokens, end_token):
        if callable(embedding):
            self._embedding_fn = embedding
        else:
            self._embedding_fn = lambda ids: tf.nn.embedding_lookup(embedding, ids)
        self._start_tokens = tf.convert_to_tensor(start_tokens, dtype=tf.int32,
                                                  name="start_tokens")
        self._end_token = tf.convert_to_tensor(end_token, dtype=tf.int32, name="end_token")
        if self._start_tokens.shape.rank != 1:
            raise ValueError("start_tokens must be a vector")
        self._batch_size = tf.size(start_tokens)
        if self._end_token.shape.rank != 0:
            raise ValueError("end_token must be a scalar")
        self._start_inputs = self._embedding_fn(self._start_tokens)

    def initialize(self, name=None):
        return tf.tile([False], [self._batch_size]), self._start_inputs

    def sample(self, time, outputs, state, name=None):
        del time, state
        if not isinstance(outputs, tf.Tensor):
            raise TypeError(f"Expected outputs to be a single Tensor, got: {type(outputs)}")
        return tf.argmax(outputs, axis=-1, output_type=tf.int32)

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        del time, outputs
        finished = tf.equal(sample_ids, self._end_token)
        next_inputs = tf.cond(tf.reduce_all(finished), lambda: self._start_inputs,
                              lambda: self._embedding_fn(sample_ids))
        return finished, next_inputs, state


class SampleEmbeddingHelper(GreedyEmbeddingHelper):
    """``GreedyEmbeddingHelper`` that draws each id from the softmax of the outputs (divided
    by ``softmax_temperature``) instead of taking the argmax."""

    def __init__(self, embedding, start_tokens, end_token, softmax_temperature=None,
                 seed=None):
        super().__init__(embedding, start_tokens, end_token)
        self._softmax_temperature = softmax_temperature
        self._seed = seed

    def sample(self, time, outputs, state, name=None):
        del time, state
        if not isinstance(outputs, tf.Tensor):
            raise TypeError(f"Expected outputs to be a single Tensor, got: {type(outputs)}")
        logits = outputs if self._softmax_temperature is None else (
            outputs / self._softmax_temperature)
        return tf.random.categorical(logits, 1, dtype=tf.int32, seed=self._seed)[:, 0]


# ---------------------------------------------------------------- decoders


class BasicDecoderOutput(collections.namedtuple("BasicDecoderOutput",
                                                ("rnn_output", "sample_id"))):
    """One decoder step's output: the cell's (projected) output and the sampled ids."""

    __slots__ = ()


class Decoder:
    """What ``dynamic_decode`` runs: ``batch_size``, ``output_size``, ``output_dtype``,
    ``initialize()`` giving ``(finished, inputs, state)`` and
    ``step(time, inputs, state)`` giving ``(outputs, next_state, next_inputs, finished)``."""

    @property
    def tracks_own_finished(self):
        return False

    def initialize(self, name=None):
        raise NotImplementedError("a Decoder subclass gives initialize")

    def step(self, time, inputs, state, name=None):
        raise NotImplementedError("a Decoder subclass gives step")

    def finalize(self, outputs, final_state, sequence_lengths):
        raise NotImplementedError


class BasicDecoder(Decoder):
    """A cell, a helper and an initial state, with an optional ``output_layer`` (such as
    ``tf.layers.Dense(vocab)``) applied to the cell's output at each step."""

    def __init__(self, cell, helper, initial_state, output_layer=None):
        if not callable(cell) or not hasattr(cell, "output_size"):
            raise TypeError(f"cell must be an RNNCell, received: {type(cell)}")
        if not isinstance(helper, Helper):
            raise TypeError(f"helper must be a Helper, received: {type(helper)}")
        if output_layer is not None and not callable(output_layer):
            raise TypeError(f"output_layer must be a Layer, received: {type(output_layer)}")
        self._cell, self._helper = cell, helper
        self._initial_state = initial_state
        self._output_layer = output_layer

    @property
    def batch_size(self):
        return self._helper.batch_size

    def _rnn_output_size(self):
        size = self._cell.output_size
        if self._output_layer is None:
            return size
        units = getattr(self._output_layer, "units", None)
        if units is not None:
            return tf.nest.map_structure(lambda _: tf.TensorShape([units]), size)
        shapes = self._output_layer.compute_output_shape(tf.nest.map_structure(
            lambda s: tf.TensorShape([None]).concatenate(s), size))
        return tf.nest.map_structure(lambda s: s[1:], shapes)

    @property
    def output_size(self):
        return BasicDecoderOutput(rnn_output=self._rnn_output_size(),
                                  sample_id=self._helper.sample_ids_shape)

    @property
    def output_dtype(self):
        dtype = tf.nest.flatten(self._initial_state)[0].dtype
        return BasicDecoderOutput(tf.nest.map_structure(lambda _: dtype,
                                                        self._rnn_output_size()),
                                  self._helper.sample_ids_dtype)

    def initialize(self, name=None):
        return self._helper.initialize() + (self._initial_state,)

    def step(self, time, inputs, state, name=None):
        with v1.name_scope(name, "BasicDecoderStep", (time, inputs, state)):
            cell_outputs, cell_state = self._cell(inputs, state)
            if self._output_layer is not None:
                cell_outputs = self._output_layer(cell_outputs)
            sample_ids = self._helper.sample(time=time, outputs=cell_outputs, state=cell_state)
            finished, next_inputs, next_state = self._helper.next_inputs(
                time=time, outputs=cell_outputs, state=cell_state, sample_ids=sample_ids)
        return BasicDecoderOutput(cell_outputs, sample_ids), next_state, next_inputs, finished


def _shape(batch_size, size):
    return tf.TensorShape([tf.get_static_value(batch_size)]).concatenate(tf.TensorShape(size))


def dynamic_decode(decoder, output_time_major=False, impute_finished=False,
                   maximum_iterations=None, parallel_iterations=32, swap_memory=False,
                   scope=None):
    """Runs ``decoder`` step by step in a ``while_loop`` (variable scope ``decoder``) until
    every example is finished or ``maximum_iterations``; returns ``(final_outputs,
    final_state, final_sequence_lengths)``, outputs batch-major unless ``output_time_major``.
    ``impute_finished`` zeroes outputs and freezes the state of finished examples."""
    if not isinstance(decoder, Decoder):
        raise TypeError(f"Expected decoder to be type Decoder, but saw: {type(decoder)}")
    with v1.variable_scope(scope, "decoder") as varscope:
        if varscope.caching_device is None:
            varscope.set_caching_device(lambda op: op.device)
        if maximum_iterations is not None:
            maximum_iterations = tf.convert_to_tensor(maximum_iterations, dtype=tf.int32,
                                                      name="maximum_iterations")
            if maximum_iterations.shape.rank != 0:
                raise ValueError("maximum_iterations must be a scalar")
        initial_finished, initial_inputs, initial_state = decoder.initialize()
        zero_outputs = tf.nest.map_structure(
            lambda size, dtype: _zeros(decoder.batch_size, size, dtype),
            decoder.output_size, decoder.output_dtype)
        if maximum_iterations is not None:
            initial_finished = tf.logical_or(initial_finished, 0 >= maximum_iterations)
        initial_lengths = tf.zeros_like(initial_finished, dtype=tf.int32)
        static_batch = tf.get_static_value(decoder.batch_size)
        arrays = tf.nest.map_structure(
            lambda size, dtype: tf.TensorArray(
                dtype=dtype, size=0, dynamic_size=True,
                element_shape=tf.TensorShape([static_batch]).concatenate(
                    tf.TensorShape(size))),
            decoder.output_size, decoder.output_dtype)

        def condition(time, arrays, state, inputs, finished, lengths):
            return tf.logical_not(tf.reduce_all(finished))

        def body(time, arrays, state, inputs, finished, lengths):
            outputs, decoder_state, next_inputs, decoder_finished = decoder.step(
                time, inputs, state)
            if decoder.tracks_own_finished:
                next_finished = decoder_finished
            else:
                next_finished = tf.logical_or(decoder_finished, finished)
            if maximum_iterations is not None:
                next_finished = tf.logical_or(next_finished, time + 1 >= maximum_iterations)
            next_lengths = v1.where(tf.logical_not(finished),
                                    tf.fill(tf.shape(lengths), time + 1), lengths)
            tf.nest.assert_same_structure(state, decoder_state)
            tf.nest.assert_same_structure(outputs, decoder.output_size)
            tf.nest.assert_same_structure(inputs, next_inputs)
            if impute_finished:
                emit = tf.nest.map_structure(lambda out, zero: v1.where(finished, zero, out),
                                             outputs, zero_outputs)

                def keep(new, current):
                    if isinstance(current, tf.TensorArray):
                        return new
                    new.set_shape(current.shape)
                    return new if new.shape.rank == 0 else v1.where(finished, current, new)

                next_state = tf.nest.map_structure(keep, decoder_state, state)
            else:
                emit, next_state = outputs, decoder_state
            arrays = tf.nest.map_structure(lambda ta, out: ta.write(time, out), arrays, emit)
            return time + 1, arrays, next_state, next_inputs, next_finished, next_lengths

        loop = v1.while_loop(
            condition, body,
            loop_vars=(tf.constant(0, tf.int32), arrays, initial_state, initial_inputs,
                       initial_finished, initial_lengths),
            parallel_iterations=parallel_iterations, maximum_iterations=maximum_iterations,
            swap_memory=swap_memory)
        final_outputs = tf.nest.map_structure(lambda ta: ta.stack(), loop[1])
        final_state, final_lengths = loop[2], loop[5]
        try:
            final_outputs, final_state = decoder.finalize(final_outputs, final_state,
                                                          final_lengths)
        except NotImplementedError:
            pass
        if not output_time_major:
            final_outputs = tf.nest.map_structure(_transpose_batch_time, final_outputs)
    return final_outputs, final_state, final_lengths


def tile_batch(t, multiplier, name=None):
    """Each batch entry of every tensor in ``t`` repeated ``multiplier`` times in a row
    (``[a, b]`` -> ``[a, a, b, b]``), as beam search wants its encoder outputs."""
    flat = tf.nest.flatten(t)
    with v1.name_scope(name, "tile_batch", flat + [multiplier]):
        def tile(x):
            x = tf.convert_to_tensor(x, name="t")
            if x.shape.rank is None or x.shape.rank < 1:
                raise ValueError("t must have statically known rank")
            tiling = [1] * (x.shape.rank + 1)
            tiling[1] = multiplier
            tiled = tf.tile(tf.expand_dims(x, 1), tiling)
            shape = tf.shape(x)
            tiled = tf.reshape(tiled, tf.concat(([shape[0] * multiplier], shape[1:]), 0))
            batch = v1.dimension_value(x.shape[0])
            tiled.set_shape(tf.TensorShape([batch * multiplier if batch is not None else None])
                            .concatenate(x.shape[1:]))
            return tiled

        return tf.nest.map_structure(tile, t)


# ---------------------------------------------------------------- attention


def hardmax(logits, name=None):
    """One-hot of the argmax along the last axis."""
    with v1.name_scope(name, "Hardmax", [logits]):
        logits = tf.convert_to_tensor(logits, name="logits")
        depth = v1.dimension_value(logits.shape[-1]) or tf.shape(logits)[-1]
        return tf.one_hot(tf.argmax(logits, -1), depth, dtype=logits.dtype)


class AttentionMechanism:
    """The base of the attention mechanisms (for ``isinstance`` checks)."""


class _BaseAttentionMechanism(AttentionMechanism):
    """Memory (batch, time, depth) masked past ``memory_sequence_length``, keys from it through
    ``memory_layer``, and ``probability_fn`` on the scores with padded slots masked out."""

    def __init__(self, query_layer, memory, probability_fn, memory_sequence_length=None,
                 memory_layer=None, score_mask_value=None, custom_key_value_fn=None,
                 name=None):
        self._query_layer, self._memory_layer = query_layer, memory_layer
        self.dtype = memory_layer.dtype if memory_layer is not None else None
        if not callable(probability_fn):
            raise TypeError(f"probability_fn must be callable, saw type: "
                            f"{type(probability_fn).__name__}")
        if score_mask_value is None:
            score_mask_value = tf.as_dtype(
                tf.nest.flatten(memory)[0].dtype).as_numpy_dtype(-np.inf)
        self._probability_fn = lambda score, prev: probability_fn(
            _mask_score(score, memory_sequence_length, score_mask_value), prev)
        with v1.name_scope(name, "BaseAttentionMechanismInit", tf.nest.flatten(memory)):
            self._values = _prepare_memory(memory, memory_sequence_length)
            self._keys = (self._memory_layer(self._values) if self._memory_layer is not None
                          else self._values)
            if custom_key_value_fn is not None:
                self._keys, self._values = custom_key_value_fn(self._keys, self._values)
            self._batch_size = (v1.dimension_value(self._keys.shape[0])
                                or tf.shape(self._keys)[0])
            self._alignments_size = (v1.dimension_value(self._keys.shape[1])
                                     or tf.shape(self._keys)[1])

    memory_layer = property(lambda self: self._memory_layer)
    query_layer = property(lambda self: self._query_layer)
    values = property(lambda self: self._values)
    keys = property(lambda self: self._keys)
    batch_size = property(lambda self: self._batch_size)
    alignments_size = property(lambda self: self._alignments_size)
    state_size = property(lambda self: self._alignments_size)

    def initial_alignments(self, batch_size, dtype):
        """Zeros, [batch_size, memory time]."""
        return tf.zeros(tf.stack([batch_size, self._alignments_size]), dtype=dtype)

    def initial_state(self, batch_size, dtype):
        """The previous alignments these mechanisms keep as state: zeros."""
        return self.initial_alignments(batch_size, dtype)


def _prepare_memory(memory, memory_sequence_length):
    memory = tf.nest.map_structure(lambda m: tf.convert_to_tensor(m, name="memory"), memory)
    if memory_sequence_length is None:
        return memory
    lengths = tf.convert_to_tensor(memory_sequence_length, name="memory_sequence_length")

    def mask(m):
        keep = tf.sequence_mask(lengths, maxlen=tf.shape(m)[1], dtype=m.dtype)
        extra = tf.ones([m.shape.rank - 2], tf.int32) if m.shape.rank else tf.ones(
            tf.rank(m) - 2, tf.int32)
        return m * tf.reshape(keep, tf.concat([tf.shape(keep), extra], 0))

    return tf.nest.map_structure(mask, memory)


def _mask_score(score, memory_sequence_length, score_mask_value):
    if memory_sequence_length is None:
        return score
    keep = tf.sequence_mask(memory_sequence_length, maxlen=tf.shape(score)[1])
    return v1.where(keep, score, score_mask_value * tf.ones_like(score))


def _probability(probability_fn):
    return (lambda score, _: tf.nn.softmax(score)) if probability_fn is None else (
        lambda score, _: probability_fn(score))


class BahdanauAttention(_BaseAttentionMechanism):
    """Additive attention: ``score = v . tanh(keys + query_layer(query))`` (``attention_v``),
    with weight normalisation (``attention_g``, ``attention_b``) when ``normalize``; keys and
    query through bias-free ``memory_layer``/``query_layer`` of ``num_units``."""

    def __init__(self, num_units, memory, memory_sequence_length=None, normalize=False,
                 probability_fn=None, score_mask_value=None, dtype=None,
                 custom_key_value_fn=None, name="BahdanauAttention"):
        dtype = dtype or tf.float32
        super().__init__(
            query_layer=Dense(num_units, name="query_layer", use_bias=False, dtype=dtype),
            memory=memory, probability_fn=_probability(probability_fn),
            memory_sequence_length=memory_sequence_length,
            memory_layer=Dense(num_units, name="memory_layer", use_bias=False, dtype=dtype),
            score_mask_value=score_mask_value, custom_key_value_fn=custom_key_value_fn,
            name=name)
        self._num_units, self._normalize, self._name = num_units, normalize, name

    def __call__(self, query, state):
        """``(alignments, next_state)``: the softmax over memory slots, twice."""
        with v1.variable_scope(None, "bahdanau_attention", [query]):
            processed = tf.expand_dims(self._query_layer(query), 1)
            keys = self._keys
            units = v1.dimension_value(keys.shape[2]) or tf.shape(keys)[2]
            v = v1.get_variable("attention_v", [units], dtype=processed.dtype)
            if self._normalize:
                g = v1.get_variable("attention_g", dtype=processed.dtype, shape=(),
                                    initializer=v1.constant_initializer(np.sqrt(1.0 / units)))
                b = v1.get_variable("attention_b", [units], dtype=processed.dtype,
                                    initializer=v1.zeros_initializer())
                v = g * v * tf.math.rsqrt(tf.reduce_sum(tf.square(v)))
                score = tf.reduce_sum(v * tf.tanh(keys + processed + b), [2])
            else:
                score = tf.reduce_sum(v * tf.tanh(keys + processed), [2])
            alignments = self._probability_fn(score, state)
        return alignments, alignments


class LuongAttention(_BaseAttentionMechanism):
    """Multiplicative attention: ``score = query . keys`` (keys through a bias-free
    ``memory_layer`` of ``num_units``, which must equal the query's depth), times a scalar
    ``attention_g`` when ``scale``."""

    def __init__(self, num_units, memory, memory_sequence_length=None, scale=False,
                 probability_fn=None, score_mask_value=None, dtype=None,
                 custom_key_value_fn=None, name="LuongAttention"):
        dtype = dtype or tf.float32
        super().__init__(
            query_layer=None, memory=memory, probability_fn=_probability(probability_fn),
            memory_sequence_length=memory_sequence_length,
            memory_layer=Dense(num_units, name="memory_layer", use_bias=False, dtype=dtype),
            score_mask_value=score_mask_value, custom_key_value_fn=custom_key_value_fn,
            name=name)
        self._num_units, self._scale, self._name = num_units, scale, name

    def __call__(self, query, state):
        """``(alignments, next_state)``: the softmax over memory slots, twice."""
        with v1.variable_scope(None, "luong_attention", [query]):
            depth, key_units = query.shape[-1], self._keys.shape[-1]
            if depth != key_units:
                raise ValueError(
                    f"Incompatible or unknown inner dimensions between query and keys.  Query "
                    f"({query}) has units: {depth}.  Keys ({self._keys}) have units: "
                    f"{key_units}.  Perhaps you need to set num_units to the keys' dimension "
                    f"({key_units})?")
            score = tf.squeeze(tf.matmul(tf.expand_dims(query, 1), self._keys,
                                         transpose_b=True), [1])
            if self._scale:
                g = v1.get_variable("attention_g", dtype=query.dtype, shape=(),
                                    initializer=v1.ones_initializer())
                score = g * score
            alignments = self._probability_fn(score, state)
        return alignments, alignments


class AttentionWrapperState(collections.namedtuple("AttentionWrapperState", (
        "cell_state", "attention", "time", "alignments", "alignment_history",
        "attention_state"))):
    """The state of an ``AttentionWrapper``: the wrapped cell's state, the last attention
    vector, the step, the alignments (and, if kept, their history as a ``TensorArray``)."""

    __slots__ = ()

    def clone(self, **kwargs):
        """A copy with the given fields replaced (the new tensors take the old static shapes),
        e.g. ``state.clone(cell_state=encoder_state)``."""
        def same_shape(old, new):
            if isinstance(old, tf.Tensor) and isinstance(new, tf.Tensor):
                new.set_shape(old.shape)
            return new

        return tf.nest.map_structure(same_shape, self, self._replace(**kwargs))


class AttentionWrapper(RNNCell):
    """A cell with attention over a memory: each step feeds ``cell_input_fn(inputs,
    previous attention)`` (their concatenation) to the cell, scores its output against the
    memory, and makes the attention vector from the context (through a bias-free
    ``attention_layer`` of ``attention_layer_size`` over ``[cell_output, context]`` when given);
    outputs the attention (or the cell output if not ``output_attention``). Scope
    ``attention_wrapper``."""

    def __init__(self, cell, attention_mechanism, attention_layer_size=None,
                 alignment_history=False, cell_input_fn=None, output_attention=True,
                 initial_cell_state=None, name=None, attention_layer=None, attention_fn=None):
        super().__init__(name=name)
        self._is_multi = isinstance(attention_mechanism, (list, tuple))
        mechanisms = tuple(attention_mechanism) if self._is_multi else (attention_mechanism,)
        for mechanism in mechanisms:
            if not isinstance(mechanism, AttentionMechanism):
                raise TypeError(f"attention_mechanism must be an AttentionMechanism or list of "
                                f"multiple AttentionMechanism instances, saw type: "
                                f"{type(mechanism).__name__}")
        if cell_input_fn is not None and not callable(cell_input_fn):
            raise TypeError(f"cell_input_fn must be callable, saw type: "
                            f"{type(cell_input_fn).__name__}")
        self._cell_input_fn = cell_input_fn or (lambda inputs, attention: tf.concat(
            [inputs, attention], -1))
        if attention_layer_size is not None and attention_layer is not None:
            raise ValueError("Only one of attention_layer_size and attention_layer should be "
                             "set")
        if attention_layer_size is not None:
            sizes = tuple(attention_layer_size if isinstance(attention_layer_size,
                                                             (list, tuple))
                          else (attention_layer_size,))
            if len(sizes) != len(mechanisms):
                raise ValueError(f"If provided, attention_layer_size must contain exactly one "
                                 f"integer per attention_mechanism, saw: {len(sizes)} vs "
                                 f"{len(mechanisms)}")
            self._attention_layers = tuple(
                Dense(size, name="attention_layer", use_bias=False, dtype=m.dtype)
                for size, m in zip(sizes, mechanisms))
            self._attention_layer_size = sum(sizes)
        elif attention_layer is not None:
            layers = tuple(attention_layer if isinstance(attention_layer, (list, tuple))
                           else (attention_layer,))
            if len(layers) != len(mechanisms):
                raise ValueError(f"If provided, attention_layer must contain exactly one layer "
                                 f"per attention_mechanism, saw: {len(layers)} vs "
                                 f"{len(mechanisms)}")
            self._attention_layers = layers
            self._attention_layer_size = sum(layer.units for layer in layers)
        else:
            self._attention_layers = None
            self._attention_layer_size = sum(
                v1.dimension_value(m.values.shape[-1]) for m in mechanisms)
        self._cell, self._mechanisms = cell, mechanisms
        self._attention_fn = attention_fn or _compute_attention
        self._output_attention, self._alignment_history = output_attention, alignment_history
        self._initial_cell_state = initial_cell_state

    def _item_or_tuple(self, seq):
        seq = tuple(seq)
        return seq if self._is_multi else seq[0]

    @property
    def output_size(self):
        return self._attention_layer_size if self._output_attention else self._cell.output_size

    @property
    def state_size(self):
        return AttentionWrapperState(
            cell_state=self._cell.state_size, time=tf.TensorShape([]),
            attention=self._attention_layer_size,
            alignments=self._item_or_tuple(m.alignments_size for m in self._mechanisms),
            attention_state=self._item_or_tuple(m.state_size for m in self._mechanisms),
            alignment_history=self._item_or_tuple(
                m.alignments_size if self._alignment_history else () for m in self._mechanisms))

    def zero_state(self, batch_size, dtype):
        """The wrapped cell's zero state (or ``initial_cell_state``), zero attention, zero
        alignments, time 0. Its ``batch_size`` must be the memory's (beam search would tile
        both)."""
        with v1.name_scope(type(self).__name__ + "ZeroState", values=[batch_size]):
            cell_state = (self._initial_cell_state if self._initial_cell_state is not None
                          else self._cell.zero_state(batch_size, dtype))
            message = (f"When calling zero_state of AttentionWrapper {self.name}: Non-matching "
                       "batch sizes between the memory (encoder output) and the requested "
                       "batch size.")
            with tf.control_dependencies(self._batch_size_checks(batch_size, message)):
                cell_state = tf.nest.map_structure(
                    lambda s: tf.identity(s, name="checked_cell_state"), cell_state)
            alignments = [m.initial_alignments(batch_size, dtype) for m in self._mechanisms]
            return AttentionWrapperState(
                cell_state=cell_state, time=tf.zeros([], dtype=tf.int32),
                attention=tf.zeros(tf.stack([batch_size, self._attention_layer_size]),
                                   dtype=dtype),
                alignments=self._item_or_tuple(alignments),
                attention_state=self._item_or_tuple(
                    m.initial_state(batch_size, dtype) for m in self._mechanisms),
                alignment_history=self._item_or_tuple(
                    tf.TensorArray(dtype, size=0, dynamic_size=True,
                                   element_shape=a.shape) if self._alignment_history else ()
                    for a in alignments))

    def _batch_size_checks(self, batch_size, message):
        return [v1.assert_equal(batch_size, m.batch_size, message=message)
                for m in self._mechanisms]

    def call(self, inputs, state):
        if not isinstance(state, AttentionWrapperState):
            raise TypeError(f"Expected state to be instance of AttentionWrapperState. Received "
                            f"type {type(state)} instead.")
        cell_output, next_cell_state = self._cell(self._cell_input_fn(inputs, state.attention),
                                                  state.cell_state)
        batch = v1.dimension_value(cell_output.shape[0]) or tf.shape(cell_output)[0]
        message = (f"When applying AttentionWrapper {self.name}: Non-matching batch sizes "
                   "between the memory (encoder output) and the query (decoder output).")
        with tf.control_dependencies(self._batch_size_checks(batch, message)):
            cell_output = tf.identity(cell_output, name="checked_cell_output")
        if self._is_multi:
            previous_states, histories = state.attention_state, state.alignment_history
        else:
            previous_states, histories = [state.attention_state], [state.alignment_history]
        attentions, all_alignments, attention_states, new_histories = [], [], [], []
        for k, mechanism in enumerate(self._mechanisms):
            attention, alignments, next_attention_state = self._attention_fn(
                mechanism, cell_output, previous_states[k],
                self._attention_layers[k] if self._attention_layers else None)
            attentions.append(attention)
            all_alignments.append(alignments)
            attention_states.append(next_attention_state)
            new_histories.append(histories[k].write(state.time, alignments)
                                 if self._alignment_history else ())
        attention = tf.concat(attentions, 1)
        next_state = AttentionWrapperState(
            time=state.time + 1, cell_state=next_cell_state, attention=attention,
            attention_state=self._item_or_tuple(attention_states),
            alignments=self._item_or_tuple(all_alignments),
            alignment_history=self._item_or_tuple(new_histories))
        return (attention if self._output_attention else cell_output), next_state

    @property
    def variables(self):
        """The variables in the wrapper's scope (cell, attention) and the memory layers'."""
        inside = v1.get_collection(v1.GraphKeys.GLOBAL_VARIABLES,
                                   scope=self._scope.name + "/") if self._scope else []
        return inside + [v for m in self._mechanisms if m.memory_layer is not None
                         for v in m.memory_layer.variables]


def _compute_attention(mechanism, cell_output, attention_state, attention_layer):
    alignments, next_attention_state = mechanism(cell_output, state=attention_state)
    context = tf.squeeze(tf.matmul(tf.expand_dims(alignments, 1), mechanism.values), [1])
    if attention_layer is not None:
        return attention_layer(tf.concat([cell_output, context], 1)), alignments, \
            next_attention_state
    return context, alignments, next_attention_state


# ---------------------------------------------------------------- beam search


class BeamSearchDecoderOutput(collections.namedtuple("BeamSearchDecoderOutput",
                                                     ("scores", "predicted_ids", "parent_ids"))):
    """One beam-search step: each beam's score, its new token and the beam it extends."""

    __slots__ = ()


class BeamSearchDecoderState(collections.namedtuple("BeamSearchDecoderState", (
        "cell_state", "log_probs", "finished", "lengths", "accumulated_attention_probs"))):
    """The beams' cell states, summed log probabilities, finished flags and lengths."""

    __slots__ = ()


class FinalBeamSearchDecoderOutput(collections.namedtuple(
        "FinalBeamDecoderOutput", ("predicted_ids", "beam_search_decoder_output"))):
    """``predicted_ids`` [batch, time, beam] (whole hypotheses, best beam first) and the raw
    per-step ``BeamSearchDecoderOutput``."""

    __slots__ = ()


def gather_tree(step_ids, parent_ids, max_sequence_lengths, end_token):
    """Whole hypotheses from per-step ids and parent beams ([time, batch, beam]), followed
    back from each batch entry's ``max_sequence_lengths``; ``end_token`` past it and after
    the first ``end_token``."""
    with v1.name_scope(None, "GatherTree", [step_ids, parent_ids, max_sequence_lengths]):
        step_ids = tf.convert_to_tensor(step_ids, name="step_ids")
        parent_ids = tf.convert_to_tensor(parent_ids, name="parent_ids")
        lengths = tf.cast(max_sequence_lengths, tf.int32)[:, None]
        end = tf.cast(end_token, step_ids.dtype)
        shape = tf.shape(step_ids)
        start = tf.tile(tf.range(shape[2])[None], [shape[1], 1])

        def body(t, parent, ids):
            valid = t < lengths
            ids = ids.write(t, v1.where_v2(valid, tf.gather(step_ids[t], parent, batch_dims=1),
                                           end))
            parent = v1.where_v2(valid, tf.cast(tf.gather(parent_ids[t], parent, batch_dims=1),
                                                tf.int32), parent)
            return t - 1, parent, ids

        _, _, ids = v1.while_loop(
            lambda t, parent, ids: t >= 0, body,
            (shape[0] - 1, start, tf.TensorArray(step_ids.dtype, size=shape[0])))
        ids = ids.stack()
        ended_before = tf.cumsum(tf.cast(tf.equal(ids, end), tf.int32), axis=0, exclusive=True)
        gathered = v1.where(ended_before > 0, tf.fill(shape, end), ids)
        gathered.set_shape(step_ids.shape)
        return gathered


def _gather_beams(indices, values, batch_size, beam_width, gather_shape):
    """``values[b, indices[b, k]]`` for [batch, range, ...] values seen as ``gather_shape``."""
    offsets = tf.expand_dims(tf.range(batch_size) * beam_width, 1)
    flat = tf.gather(tf.reshape(values, gather_shape), tf.reshape(indices + offsets, [-1]))
    gathered = tf.reshape(flat, tf.shape(values)[:1 + len(gather_shape)])
    gathered.set_shape(tf.TensorShape([tf.get_static_value(batch_size)]).concatenate(
        values.shape[1:1 + len(gather_shape)]))
    return gathered


class BeamSearchDecoder(Decoder):
    """Beam search over ``cell`` (whose ``initial_state`` the caller tiled to
    ``batch * beam_width`` rows, e.g. with ``tile_batch``): each step keeps the
    ``beam_width`` best continuations by summed log probability, divided by the GNMT length
    penalty ``((5 + length) / 6) ** length_penalty_weight``; finished beams only extend with
    ``end_token``. ``dynamic_decode`` returns a ``FinalBeamSearchDecoderOutput``. Not
    emulated: ``coverage_penalty_weight`` and the reordering of ``TensorArray`` states."""

    def __init__(self, cell, embedding, start_tokens, end_token, initial_state, beam_width,
                 output_layer=None, length_penalty_weight=0.0, coverage_penalty_weight=0.0,
                 reorder_tensor_arrays=True):
        if not callable(cell) or not hasattr(cell, "output_size"):
            raise TypeError(f"cell must be an RNNCell, received: {type(cell)}")
        if output_layer is not None and not callable(output_layer):
            raise TypeError(f"output_layer must be a Layer, received: {type(output_layer)}")
        if coverage_penalty_weight:
            raise NotImplementedError("graph_cnn's BeamSearchDecoder does not emulate "
                                      "coverage_penalty_weight")
        self._cell, self._output_layer = cell, output_layer
        if callable(embedding):
            self._embedding_fn = embedding
        else:
            self._embedding_fn = lambda ids: tf.nn.embedding_lookup(embedding, ids)
        self._start_tokens = tf.convert_to_tensor(start_tokens, dtype=tf.int32,
                                                  name="start_tokens")
        if self._start_tokens.shape.rank != 1:
            raise ValueError("start_tokens must be a vector")
        self._end_token = tf.convert_to_tensor(end_token, dtype=tf.int32, name="end_token")
        if self._end_token.shape.rank != 0:
            raise ValueError("end_token must be a scalar")
        self._batch_size = tf.size(self._start_tokens)
        self._beam_width = beam_width
        self._length_penalty_weight = length_penalty_weight
        self._initial_cell_state = tf.nest.map_structure(self._split, initial_state,
                                                         self._cell.state_size)
        self._start_tokens = tf.tile(tf.expand_dims(self._start_tokens, 1), [1, beam_width])
        self._start_inputs = self._embedding_fn(self._start_tokens)
        self._finished = tf.one_hot(tf.zeros([self._batch_size], tf.int32), depth=beam_width,
                                    on_value=False, off_value=True, dtype=tf.bool)

    batch_size = property(lambda self: self._batch_size)
    tracks_own_finished = property(lambda self: True)

    def _split(self, t, size):
        if isinstance(t, tf.TensorArray) or t.shape.rank is None or t.shape.rank < 1:
            return t
        size = tf.TensorShape(size)
        split = tf.reshape(t, tf.concat(([self._batch_size, self._beam_width],
                                         tf.shape(t)[1:]), 0))
        batch = tf.get_static_value(self._batch_size)
        split.set_shape(tf.TensorShape([batch, self._beam_width]).concatenate(size))
        return split

    def _merge(self, t, size):
        if isinstance(t, tf.TensorArray) or t.shape.rank is None or t.shape.rank < 2:
            return t
        merged = tf.reshape(t, tf.concat(([self._batch_size * self._beam_width],
                                          tf.shape(t)[2:]), 0))
        batch = tf.get_static_value(self._batch_size)
        merged.set_shape(tf.TensorShape([batch * self._beam_width if batch else None])
                         .concatenate(tf.TensorShape(size)))
        return merged

    def _rnn_output_size(self):
        size = self._cell.output_size
        if self._output_layer is None:
            return tf.TensorShape(size)
        return tf.TensorShape([self._output_layer.units])

    @property
    def output_size(self):
        beams = tf.TensorShape([self._beam_width])
        return BeamSearchDecoderOutput(scores=beams, predicted_ids=beams, parent_ids=beams)

    @property
    def output_dtype(self):
        dtype = tf.nest.flatten(self._initial_cell_state)[0].dtype
        return BeamSearchDecoderOutput(scores=dtype, predicted_ids=tf.int32,
                                       parent_ids=tf.int32)

    def initialize(self, name=None):
        with v1.name_scope(name, "BeamSearchDecoderInitialize"):
            dtype = tf.nest.flatten(self._initial_cell_state)[0].dtype
            log_probs = tf.one_hot(tf.zeros([self._batch_size], tf.int32),
                                   depth=self._beam_width,
                                   on_value=tf.constant(0.0, dtype),
                                   off_value=tf.constant(-np.inf, dtype), dtype=dtype)
            state = BeamSearchDecoderState(
                cell_state=self._initial_cell_state, log_probs=log_probs,
                finished=self._finished,
                lengths=tf.zeros([self._batch_size, self._beam_width], tf.int64),
                accumulated_attention_probs=())
        return self._finished, self._start_inputs, state

    def step(self, time, inputs, state, name=None):
        batch, beams = self._batch_size, self._beam_width
        with v1.name_scope(name, "BeamSearchDecoderStep", (time, inputs, state)):
            inputs = tf.nest.map_structure(lambda x: self._merge(x, x.shape[2:]), inputs)
            cell_state = tf.nest.map_structure(self._merge, state.cell_state,
                                               self._cell.state_size)
            cell_outputs, next_cell_state = self._cell(inputs, cell_state)
            cell_outputs = self._split(cell_outputs, cell_outputs.shape[1:])
            next_cell_state = tf.nest.map_structure(self._split, next_cell_state,
                                                    self._cell.state_size)
            if self._output_layer is not None:
                cell_outputs = self._output_layer(cell_outputs)
            vocab = v1.dimension_value(cell_outputs.shape[-1]) or tf.shape(cell_outputs)[-1]
            finished = state.finished
            step_log_probs = tf.nn.log_softmax(cell_outputs)
            only_end = tf.one_hot(self._end_token, vocab, dtype=step_log_probs.dtype,
                                  on_value=0.0, off_value=step_log_probs.dtype.min)
            step_log_probs = v1.where(
                tf.tile(tf.expand_dims(finished, 2), [1, 1, vocab]),
                tf.tile(tf.reshape(only_end, [1, 1, -1]),
                        tf.concat([tf.shape(finished), [1]], 0)), step_log_probs)
            total = tf.expand_dims(state.log_probs, 2) + step_log_probs
            grows = tf.one_hot(tf.fill([batch, beams], self._end_token), depth=vocab,
                               on_value=np.int64(0), off_value=np.int64(1), dtype=tf.int64)
            grows *= tf.expand_dims(tf.cast(tf.logical_not(finished), tf.int64), 2)
            lengths = grows + tf.expand_dims(state.lengths, 2)
            scores = total / self._length_penalty(lengths)
            best_scores, indices = tf.nn.top_k(tf.reshape(scores, [batch, -1]), k=beams)
            static_batch = tf.get_static_value(batch)
            best_scores.set_shape([static_batch, beams])
            indices.set_shape([static_batch, beams])
            next_log_probs = _gather_beams(indices, total, batch, beams * vocab, [-1])
            word_ids = tf.cast(tf.math.floormod(indices, vocab), tf.int32)
            parent_ids = tf.cast(indices // vocab, tf.int32)
            was_finished = _gather_beams(parent_ids, finished, batch, beams, [-1])
            next_finished = tf.logical_or(was_finished, tf.equal(word_ids, self._end_token))
            next_lengths = _gather_beams(parent_ids, state.lengths, batch, beams, [-1])
            next_lengths += tf.cast(tf.logical_not(was_finished), tf.int64)

            def reorder(values):
                if isinstance(values, tf.TensorArray) or values.shape.rank is None or \
                        values.shape.rank < 2:
                    return values
                return _gather_beams(parent_ids, values, batch, beams, [batch * beams, -1])

            next_state = BeamSearchDecoderState(
                cell_state=tf.nest.map_structure(reorder, next_cell_state),
                log_probs=next_log_probs, finished=next_finished, lengths=next_lengths,
                accumulated_attention_probs=())
            output = BeamSearchDecoderOutput(scores=best_scores, predicted_ids=word_ids,
                                             parent_ids=parent_ids)
            next_inputs = tf.cond(tf.reduce_all(next_finished), lambda: self._start_inputs,
                                  lambda: self._embedding_fn(word_ids))
        return output, next_state, next_inputs, next_finished

    def _length_penalty(self, lengths):
        weight = tf.get_static_value(tf.convert_to_tensor(self._length_penalty_weight))
        if weight is not None and weight == 0:
            return 1.0
        weight = tf.cast(self._length_penalty_weight, tf.float32)
        return (5.0 + tf.cast(lengths, tf.float32)) ** weight / 6.0 ** weight

    def finalize(self, outputs, final_state, sequence_lengths):
        """Whole hypotheses by ``gather_tree`` up to the longest beam of each batch entry."""
        del sequence_lengths
        longest = tf.cast(tf.reduce_max(final_state.lengths, axis=1), tf.int32)
        predicted = gather_tree(outputs.predicted_ids, outputs.parent_ids, longest,
                                self._end_token)
        return FinalBeamSearchDecoderOutput(beam_search_decoder_output=outputs,
                                            predicted_ids=predicted), final_state


# TF1's tf.contrib.seq2seq.python... paths (graph_cnn.legacy.contrib._paths)
python = _paths.tree(__name__, {"ops": _paths.files(
    "attention_wrapper", "basic_decoder", "beam_search_decoder", "beam_search_ops", "decoder",
    "helper", "loss", "sampler")})


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(not_provided(f"tf.contrib.seq2seq.{name}"))
