"""``tf.contrib.cudnn_rnn`` (TensorFlow 1.4-1.15's layer API) on the standard cells, so that it
runs on a CPU: ``CudnnLSTM``, ``CudnnGRU``, ``CudnnRNNTanh`` and ``CudnnRNNRelu`` take
time-major inputs [time, batch, depth] and return ``(outputs, states)`` as TF1 did (outputs
[time, batch, directions * units]; states ``(h, c)`` for the LSTM, ``(h,)`` otherwise, each
[layers * directions, batch, units]), and ``CudnnCompatibleLSTMCell``/``CudnnCompatibleGRUCell``
are the cells with cuDNN's arithmetic.

What differs from TF1: the weights are ordinary per-layer cell variables
(``cudnn_lstm/layer_0/fw/cudnn_compatible_lstm_cell/kernel``, ...) instead of one opaque
``opaque_kernel`` blob in cuDNN's parameter layout, so TF1 cuDNN checkpoints do not load; the
LSTM's two cuDNN bias vectors are one (their sum is what counts); ``input_mode`` is
``'linear_input'`` only; ``sequence_lengths`` and the 1.2-era op API
(``CudnnLSTM(..., input_size=...)`` called with an opaque params tensor) are not emulated.
"""

import tensorflow as tf

from graph_cnn.compat.layers import _snake_case
from graph_cnn.errors import not_provided
from graph_cnn.legacy.contrib import _paths
from graph_cnn.legacy.contrib.rnn import LSTMBlockCell
from graph_cnn.legacy.rnn import BasicRNNCell, GRUCell, LSTMStateTuple

v1 = tf.compat.v1

CUDNN_RNN_UNIDIRECTION = "unidirectional"
CUDNN_RNN_BIDIRECTION = "bidirectional"
CUDNN_LSTM, CUDNN_GRU, CUDNN_RNN_TANH, CUDNN_RNN_RELU = "lstm", "gru", "rnn_tanh", "rnn_relu"
CUDNN_INPUT_LINEAR_MODE = "linear_input"


class CudnnCompatibleLSTMCell(LSTMBlockCell):
    """cuDNN's LSTM as a cell: ``LSTMBlockCell`` with no forget bias (cuDNN adds none)."""

    def __init__(self, num_units, reuse=None):
        super().__init__(num_units, forget_bias=0, reuse=reuse,
                         name="cudnn_compatible_lstm_cell")


class CudnnCompatibleGRUCell(GRUCell):
    """cuDNN's GRU as a cell: the reset gate multiplies the projected state
    (``r * (W_h h + b_h)``), where ``GRUCell`` projects ``r * h``; variables ``gates/*`` and
    ``candidate/input_projection/*``, ``candidate/hidden_projection/*``."""

    def __init__(self, num_units, reuse=None, kernel_initializer=None):
        super().__init__(num_units, reuse=reuse, kernel_initializer=kernel_initializer,
                         name="cudnn_compatible_gru_cell")

    def build(self, inputs_shape):
        depth, units = self._input_depth(inputs_shape), self._num_units
        initializer = self._kernel_initializer
        self._gate_kernel = self.add_variable("gates/kernel", [depth + units, 2 * units],
                                              initializer)
        self._gate_bias = self.add_variable("gates/bias", [2 * units],
                                            v1.constant_initializer(1.0, dtype=self.dtype))
        self._input_kernel = self.add_variable("candidate/input_projection/kernel",
                                               [depth, units], initializer)
        self._hidden_kernel = self.add_variable("candidate/hidden_projection/kernel",
                                                [units, units], initializer)
        self._input_bias = self.add_variable("candidate/input_projection/bias", [units],
                                             v1.zeros_initializer(dtype=self.dtype))
        self._hidden_bias = self.add_variable("candidate/hidden_projection/bias", [units],
                                              v1.zeros_initializer(dtype=self.dtype))

    def call(self, inputs, state):
        gates = tf.sigmoid(tf.nn.bias_add(
            tf.matmul(tf.concat([inputs, state], 1), self._gate_kernel), self._gate_bias))
        r, u = tf.split(gates, 2, axis=1)
        candidate = tf.tanh(
            tf.nn.bias_add(tf.matmul(inputs, self._input_kernel), self._input_bias)
            + r * tf.nn.bias_add(tf.matmul(state, self._hidden_kernel), self._hidden_bias))
        new_h = u * state + (1 - u) * candidate
        return new_h, new_h


class _CudnnRNN:
    """A stack of ``num_layers`` recurrent layers (both directions when bidirectional,
    outputs concatenated), run by ``dynamic_rnn`` time-major, with dropout between layers
    while ``training``. The variable scope is fixed at the first call (the snake-cased class
    name, made unique) and reused after."""

    _mode = None
    _num_states = 1

    def __init__(self, num_layers, num_units, input_mode=CUDNN_INPUT_LINEAR_MODE,
                 direction=CUDNN_RNN_UNIDIRECTION, dropout=0.0, seed=None, dtype=tf.float32,
                 kernel_initializer=None, bias_initializer=None, name=None):
        if input_mode != CUDNN_INPUT_LINEAR_MODE:
            raise NotImplementedError(f"graph_cnn's cudnn_rnn supports input_mode "
                                      f"'linear_input' only, not {input_mode!r}")
        if direction not in (CUDNN_RNN_UNIDIRECTION, CUDNN_RNN_BIDIRECTION):
            raise ValueError(f"Invalid direction: {direction}, expecting "
                             f"{CUDNN_RNN_UNIDIRECTION} or {CUDNN_RNN_BIDIRECTION}")
        self.num_layers, self.num_units = num_layers, num_units
        self.input_mode, self.direction = input_mode, direction
        self.dropout, self.seed, self.dtype = dropout, seed, tf.as_dtype(dtype)
        self._kernel_initializer = kernel_initializer
        self.name = name or _snake_case(type(self).__name__)
        self._scope = None
        self._cells = None

    @property
    def num_dirs(self):
        return 2 if self.direction == CUDNN_RNN_BIDIRECTION else 1

    @property
    def rnn_mode(self):
        return self._mode

    def state_shape(self, batch_size):
        """The shape of each state tensor: [layers * directions, batch, units]."""
        return [self.num_layers * self.num_dirs, batch_size, self.num_units]

    def _cell(self):
        raise NotImplementedError

    def _split_state(self, initial_state, layer, direction):
        if initial_state is None:
            return None
        k = layer * self.num_dirs + direction
        parts = [s[k] for s in initial_state]
        return self._pack(parts)

    def _pack(self, parts):
        return parts[0]

    def _unpack(self, state):
        return [state]

    def __call__(self, inputs, initial_state=None, sequence_lengths=None, time_major=True,
                 training=True):
        """``(outputs, output_states)`` for ``inputs`` [time, batch, depth] (batch-major when
        not ``time_major``) from ``initial_state`` (zeros when None)."""
        if sequence_lengths is not None:
            raise NotImplementedError("graph_cnn's cudnn_rnn does not take sequence_lengths")
        if self._scope is None:
            with v1.variable_scope(None, default_name=self.name) as captured:
                self._scope = captured
        if self._cells is None:
            self._cells = [[self._cell() for _ in range(self.num_dirs)]
                           for _ in range(self.num_layers)]
        inputs = tf.convert_to_tensor(inputs, dtype=self.dtype)
        if not time_major:
            inputs = tf.transpose(inputs, [1, 0, 2])
        finals = [[] for _ in range(self._num_states)]
        with v1.variable_scope(self._scope, auxiliary_name_scope=False,
                               initializer=self._kernel_initializer) as scope, \
                v1.name_scope(scope.original_name_scope):
            outputs = inputs
            for layer, cells in enumerate(self._cells):
                if layer > 0 and training and self.dropout > 0:
                    outputs = tf.nn.dropout(outputs, rate=self.dropout, seed=self.seed)
                results = []
                for direction, cell in enumerate(cells):
                    sequence = outputs if direction == 0 else tf.reverse(outputs, [0])
                    out, state = v1.nn.dynamic_rnn(
                        cell, sequence, initial_state=self._split_state(initial_state, layer,
                                                                        direction),
                        dtype=self.dtype, time_major=True,
                        scope=f"layer_{layer}/{'fw' if direction == 0 else 'bw'}")
                    results.append(out if direction == 0 else tf.reverse(out, [0]))
                    for k, part in enumerate(self._unpack(state)):
                        finals[k].append(part)
                outputs = tf.concat(results, 2) if len(results) > 1 else results[0]
        if not time_major:
            outputs = tf.transpose(outputs, [1, 0, 2])
        return outputs, tuple(tf.stack(parts) for parts in finals)

    @property
    def variables(self):
        if self._cells is None:
            return []
        return [v for cells in self._cells for cell in cells for v in cell.variables]

    trainable_variables = trainable_weights = weights = variables


class CudnnLSTM(_CudnnRNN):
    """cuDNN's LSTM layer (no forget bias); states ``(h, c)``."""

    _mode = CUDNN_LSTM
    _num_states = 2

    def _cell(self):
        return CudnnCompatibleLSTMCell(self.num_units)

    def _pack(self, parts):
        h, c = parts
        return LSTMStateTuple(c=c, h=h)

    def _unpack(self, state):
        return [state.h, state.c]


class CudnnGRU(_CudnnRNN):
    """cuDNN's GRU layer (see ``CudnnCompatibleGRUCell``); states ``(h,)``."""

    _mode = CUDNN_GRU

    def _cell(self):
        return CudnnCompatibleGRUCell(self.num_units)


class CudnnRNNTanh(_CudnnRNN):
    """cuDNN's plain tanh RNN layer; states ``(h,)``."""

    _mode = CUDNN_RNN_TANH

    def _cell(self):
        return BasicRNNCell(self.num_units)


class CudnnRNNRelu(_CudnnRNN):
    """cuDNN's plain ReLU RNN layer; states ``(h,)``."""

    _mode = CUDNN_RNN_RELU

    def _cell(self):
        return BasicRNNCell(self.num_units, activation=tf.nn.relu)


# TF1's tf.contrib.cudnn_rnn.python... paths (graph_cnn.legacy.contrib._paths)
python = _paths.tree(__name__, {"ops": _paths.files("cudnn_rnn_ops"),
                                       "layers": _paths.files("cudnn_rnn")})


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(not_provided(f"tf.contrib.cudnn_rnn.{name}"))

