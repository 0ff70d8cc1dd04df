"""``tf.contrib.rnn``: the recurrent cells of :mod:`graph_cnn.legacy.rnn`, the static loops and
contrib's own cells, rebuilt on the standard ops: ``LSTMBlockCell`` and ``GRUBlockCell`` (TF1's
fused kernels, here the same arithmetic in plain ops under the same variable names, so their
checkpoints still load), ``LSTMBlockFusedCell`` (the same as a time-major layer),
``LayerNormBasicLSTMCell``, ``NASCell`` and the stacked bidirectional loops. Not emulated:
``AttentionCellWrapper``, ``GridLSTMCell`` and the other
rarely used cells (each fails in one line naming it)."""

import tensorflow as tf

from graph_cnn.errors import not_provided
from graph_cnn.legacy.contrib import _paths
from graph_cnn.legacy.rnn import (  # noqa: F401
    BasicLSTMCell,
    BasicRNNCell,
    DeviceWrapper,
    DropoutWrapper,
    EmbeddingWrapper,
    GRUCell,
    InputProjectionWrapper,
    LSTMCell,
    LSTMStateTuple,
    MultiRNNCell,
    OutputProjectionWrapper,
    ResidualWrapper,
    RNNCell,
    bidirectional_dynamic_rnn,
    static_bidirectional_rnn,
    static_rnn,
    static_state_saving_rnn,
)

v1 = tf.compat.v1


class LSTMBlockCell(LSTMCell):
    """TF1's fused LSTM cell, same gates (i, j, f, o) and variables (``kernel``, ``bias``,
    ``w_i_diag``/``w_f_diag``/``w_o_diag``) as ``LSTMCell``, scope ``lstm_cell``; tanh only,
    state always an ``LSTMStateTuple``. The fused op itself is not used."""

    def __init__(self, num_units, forget_bias=1.0, cell_clip=None, use_peephole=False,
                 dtype=None, reuse=None, name="lstm_cell"):
        if cell_clip is not None and cell_clip <= 0:
            cell_clip = None  # the op clipped only for a positive cell_clip
        super().__init__(num_units, use_peepholes=use_peephole, cell_clip=cell_clip,
                         forget_bias=forget_bias, reuse=reuse, name=name, dtype=dtype)


class GRUBlockCell(GRUCell):
    """TF1's fused GRU cell: ``GRUCell``'s arithmetic and variables (``gates/kernel``,
    ``gates/bias`` from 1.0, ``candidate/kernel``, ``candidate/bias``), scope ``gru_cell``."""

    def __init__(self, num_units=None, cell_size=None, reuse=None, name="gru_cell"):
        if (num_units is None) == (cell_size is None):
            raise ValueError("Exactly one of num_units or cell_size must be provided.")
        super().__init__(num_units if num_units is not None else cell_size, reuse=reuse,
                         name=name)


GRUBlockCellV2 = GRUBlockCell


class LSTMBlockFusedCell:
    """TF1's fused, time-major LSTM layer: ``cell(inputs [time, batch, depth], initial_state,
    dtype, sequence_length)`` gives ``(outputs, LSTMStateTuple(c, h))``; ``LSTMBlockCell``'s
    arithmetic and variables, directly in the scope ``lstm_fused_cell``, run by
    ``dynamic_rnn``."""

    def __init__(self, num_units, forget_bias=1.0, cell_clip=None, use_peephole=False,
                 reuse=None, dtype=None, name="lstm_fused_cell"):
        self._cell = LSTMBlockCell(num_units, forget_bias=forget_bias, cell_clip=cell_clip,
                                   use_peephole=use_peephole, dtype=dtype, reuse=reuse,
                                   name=name)
        self.num_units = num_units

    def __call__(self, inputs, initial_state=None, dtype=None, sequence_length=None,
                 scope=None):
        """Runs the whole sequence; zeros past ``sequence_length``, whose state is final."""
        if initial_state is None and dtype is None:
            raise ValueError("Either initial_state or dtype needs to be specified")
        cell = self._cell
        if cell._scope is None:  # the variables sit in the layer's own scope, not under rnn/
            with v1.variable_scope(scope, default_name=cell.name) as captured:
                cell._scope = captured
        return v1.nn.dynamic_rnn(cell, inputs, sequence_length=sequence_length,
                                 initial_state=initial_state, dtype=dtype, time_major=True,
                                 scope=cell._scope)

    @property
    def variables(self):
        return self._cell.variables

    trainable_variables = trainable_weights = weights = variables


class LayerNormBasicLSTMCell(RNNCell):
    """BasicLSTM with layer normalisation (Ba et al. 2016) of each gate block and of the new
    memory: ``kernel`` (plus ``bias`` only without layer norm), then ``gamma``/``beta`` in the
    scopes ``input``, ``transform``, ``forget``, ``output`` and ``state``; optional recurrent
    dropout on the candidate ``g`` (Semeniuta et al. 2016)."""

    def __init__(self, num_units, forget_bias=1.0, input_size=None, activation=tf.tanh,
                 layer_norm=True, norm_gain=1.0, norm_shift=0.0, dropout_keep_prob=1.0,
                 dropout_prob_seed=None, reuse=None):
        super().__init__(_reuse=reuse)
        if input_size is not None:
            v1.logging.warning("The input_size parameter is deprecated.")
        self._num_units, self._activation = num_units, activation
        self._forget_bias, self._layer_norm = forget_bias, layer_norm
        self._norm_gain, self._norm_shift = norm_gain, norm_shift
        self._keep_prob, self._seed = dropout_keep_prob, dropout_prob_seed

    @property
    def state_size(self):
        return LSTMStateTuple(self._num_units, self._num_units)

    @property
    def output_size(self):
        return self._num_units

    def _norm(self, values, scope):
        with v1.variable_scope(scope):
            gamma = self.add_variable("gamma", values.shape[-1:],
                                      v1.constant_initializer(self._norm_gain))
            beta = self.add_variable("beta", values.shape[-1:],
                                     v1.constant_initializer(self._norm_shift))
        mean, variance = tf.nn.moments(values, [1], keepdims=True)
        return tf.nn.batch_normalization(values, mean, variance, beta, gamma, 1e-12)

    def call(self, inputs, state):
        c, h = state
        args = tf.concat([inputs, h], 1)
        kernel = self.add_variable("kernel", [self._input_depth(args.shape),
                                              4 * self._num_units])
        gates = tf.matmul(args, kernel)
        if not self._layer_norm:
            gates = tf.nn.bias_add(gates, self.add_variable("bias", [4 * self._num_units]))
        i, j, f, o = tf.split(gates, 4, axis=1)
        if self._layer_norm:
            i, j, f, o = (self._norm(gate, scope) for gate, scope in (
                (i, "input"), (j, "transform"), (f, "forget"), (o, "output")))
        g = self._activation(j)
        if not isinstance(self._keep_prob, float) or self._keep_prob < 1:
            g = tf.nn.dropout(g, rate=1 - self._keep_prob, seed=self._seed)
        new_c = c * tf.sigmoid(f + self._forget_bias) + tf.sigmoid(i) * g
        if self._layer_norm:
            new_c = self._norm(new_c, "state")
        new_h = self._activation(new_c) * tf.sigmoid(o)
        return new_h, LSTMStateTuple(new_c, new_h)


class NASCell(RNNCell):
    """The recurrent cell Neural Architecture Search found (Zoph and Le, ICLR 2017), as TF 1.15
    built it: ``kernel`` [input, 8 * units] on the input and ``recurrent_kernel`` [proj, 8 *
    units] on the previous output, eight branches combined in three layers, the memory
    injected after the first; ``bias`` only with ``use_bias``, ``projection_weights`` only
    with ``num_proj``. State ``(c, m)``."""

    _BRANCHES = 8
    # the eight first-layer branches: how input and recurrent parts meet, and the activation
    _FIRST = ((tf.add, tf.sigmoid), (tf.add, tf.nn.relu), (tf.add, tf.sigmoid),
              (tf.multiply, tf.nn.relu), (tf.add, tf.tanh), (tf.add, tf.sigmoid),
              (tf.add, tf.tanh), (tf.add, tf.sigmoid))

    def __init__(self, num_units, num_proj=None, use_bias=False, reuse=None, **kwargs):
        super().__init__(_reuse=reuse, **kwargs)
        self._num_units, self._num_proj, self._use_bias = num_units, num_proj, use_bias

    @property
    def state_size(self):
        return LSTMStateTuple(self._num_units, self._num_proj or self._num_units)

    @property
    def output_size(self):
        return self._num_proj or self._num_units

    def build(self, inputs_shape):
        depth = tf.TensorShape(inputs_shape).with_rank(2)[1]
        if depth is None:
            raise ValueError("Could not infer input size from inputs.get_shape()[-1]")
        width = self._BRANCHES * self._num_units
        self.recurrent_kernel = self.add_variable("recurrent_kernel",
                                                  [self.output_size, width])
        self.kernel = self.add_variable("kernel", [depth, width])
        if self._use_bias:
            self.bias = self.add_variable("bias", [width],
                                          initializer=v1.zeros_initializer)
        if self._num_proj is not None:
            self.projection_weights = self.add_variable("projection_weights",
                                                        [self._num_units, self._num_proj])
        self.built = True

    def call(self, inputs, state):
        c_prev, m_prev = state
        recurrent = tf.matmul(m_prev, self.recurrent_kernel)
        if self._use_bias:
            recurrent = tf.nn.bias_add(recurrent, self.bias)
        pairs = zip(tf.split(tf.matmul(inputs, self.kernel), self._BRANCHES, axis=1),
                    tf.split(recurrent, self._BRANCHES, axis=1))
        a = [act(meet(x, h)) for (meet, act), (x, h) in zip(self._FIRST, pairs)]
        second = (tf.tanh(tf.tanh(a[0] * a[1]) + c_prev), tf.tanh(a[2] + a[3]),
                  tf.tanh(a[4] * a[5]), tf.sigmoid(a[6] + a[7]))
        new_c = second[0] * second[1]
        new_m = tf.tanh(new_c * tf.tanh(second[2] + second[3]))
        if self._num_proj is not None:
            new_m = tf.matmul(new_m, self.projection_weights)
        return new_m, LSTMStateTuple(new_c, new_m)


def _stacked(loop, cells_fw, cells_bw, initial_states_fw, initial_states_bw, scope):
    """Layer ``k`` runs ``loop`` (a bidirectional loop on the previous layer's outputs) in
    ``stack_bidirectional_rnn/cell_k``; the final states by layer and direction."""
    if not cells_fw or not cells_bw:
        raise ValueError("Must specify at least one fw cell and one bw cell for "
                         "BidirectionalRNN.")
    if len(cells_fw) != len(cells_bw):
        raise ValueError("Forward and Backward cells must have the same depth.")
    for given in (initial_states_fw, initial_states_bw):
        if given is not None and len(given) != len(cells_fw):
            raise ValueError("Initial states must be a list with one state per cell.")
    states_fw, states_bw = [], []
    with v1.variable_scope(scope or "stack_bidirectional_rnn"):
        for k, (cell_fw, cell_bw) in enumerate(zip(cells_fw, cells_bw)):
            with v1.variable_scope(f"cell_{k}"):
                state_fw, state_bw = loop(
                    cell_fw, cell_bw, initial_states_fw[k] if initial_states_fw else None,
                    initial_states_bw[k] if initial_states_bw else None)
            states_fw.append(state_fw)
            states_bw.append(state_bw)
    return tuple(states_fw), tuple(states_bw)


def stack_bidirectional_dynamic_rnn(cells_fw, cells_bw, inputs, initial_states_fw=None,
                                    initial_states_bw=None, dtype=None, sequence_length=None,
                                    parallel_iterations=None, time_major=False, scope=None,
                                    swap_memory=False):
    """Bidirectional layers stacked, each fed the previous layer's concatenated forward and
    backward outputs; returns ``(outputs, states_fw, states_bw)``."""
    layer = [inputs]

    def loop(cell_fw, cell_bw, state_fw, state_bw):
        (out_fw, out_bw), states = bidirectional_dynamic_rnn(
            cell_fw, cell_bw, layer[0], initial_state_fw=state_fw, initial_state_bw=state_bw,
            sequence_length=sequence_length, parallel_iterations=parallel_iterations,
            dtype=dtype, swap_memory=swap_memory, time_major=time_major)
        layer[0] = tf.concat([out_fw, out_bw], 2)
        return states

    states_fw, states_bw = _stacked(loop, cells_fw, cells_bw, initial_states_fw,
                                    initial_states_bw, scope)
    return layer[0], states_fw, states_bw


def stack_bidirectional_rnn(cells_fw, cells_bw, inputs, initial_states_fw=None,
                            initial_states_bw=None, dtype=None, sequence_length=None,
                            scope=None):
    """``stack_bidirectional_dynamic_rnn`` over a list of steps (``static_bidirectional_rnn``
    per layer)."""
    if not inputs:
        raise ValueError("inputs must not be empty")
    layer = [inputs]

    def loop(cell_fw, cell_bw, state_fw, state_bw):
        layer[0], state_fw, state_bw = static_bidirectional_rnn(
            cell_fw, cell_bw, layer[0], state_fw, state_bw, dtype,
            sequence_length=sequence_length)
        return state_fw, state_bw

    states_fw, states_bw = _stacked(loop, cells_fw, cells_bw, initial_states_fw,
                                    initial_states_bw, scope)
    return layer[0], states_fw, states_bw


# TF1's tf.contrib.rnn.python... paths (graph_cnn.legacy.contrib._paths)
python = _paths.tree(__name__, {"ops": _paths.files(
    "core_rnn", "core_rnn_cell", "fused_rnn_cell", "gru_ops", "lstm_ops", "rnn", "rnn_cell")})


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(not_provided(f"tf.contrib.rnn.{name}"))
