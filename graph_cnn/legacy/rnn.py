"""TF1's recurrent cells (``tf.nn.rnn_cell``, ``tf.contrib.rnn``), which left with Keras 2,
rebuilt on ``tf.compat.v1`` ops.

Signatures, defaults, gate order and variable names are TensorFlow 1.x's (1.5 on): a cell fixes
its variable scope on its first call (``basic_lstm_cell``, ``lstm_cell``, ``gru_cell``,
``basic_rnn_cell``, ``multi_rnn_cell/cell_0/...``, or the ``name`` given, made unique as TF1 did)
and reuses its variables on every later call, so ``dynamic_rnn`` over a BasicLSTMCell gives
``rnn/basic_lstm_cell/kernel`` and ``rnn/basic_lstm_cell/bias``. TensorFlow still ships the
loops themselves (``tf.compat.v1.nn.dynamic_rnn`` and friends), which take these cells as they
are. Graph mode only.
"""

import collections
import hashlib

import tensorflow as tf

from graph_cnn.compat.layers import _snake_case

v1 = tf.compat.v1

# tf.nn.rnn_cell's names; TF 0.12's also had the Embedding/InputProjection/OutputProjection
# wrappers, which TF 1.x moved to tf.contrib.rnn.
__all__ = ["BasicLSTMCell", "BasicRNNCell", "DeviceWrapper", "DropoutWrapper", "EmbeddingWrapper",
           "GRUCell", "InputProjectionWrapper", "LSTMCell", "LSTMStateTuple", "MultiRNNCell",
           "OutputProjectionWrapper", "RNNCell", "ResidualWrapper", "bidirectional_dynamic_rnn",
           "dynamic_rnn", "static_bidirectional_rnn", "static_rnn"]

dynamic_rnn = v1.nn.dynamic_rnn
static_rnn = v1.nn.static_rnn
static_bidirectional_rnn = v1.nn.static_bidirectional_rnn
bidirectional_dynamic_rnn = v1.nn.bidirectional_dynamic_rnn
static_state_saving_rnn = v1.nn.static_state_saving_rnn
raw_rnn = v1.nn.raw_rnn


class LSTMStateTuple(collections.namedtuple("LSTMStateTuple", ("c", "h"))):
    """An LSTM state: memory ``c`` and output ``h``."""

    __slots__ = ()

    @property
    def dtype(self):
        c, h = self
        if c.dtype != h.dtype:
            raise TypeError(f"Inconsistent internal state: {c.dtype} vs {h.dtype}")
        return c.dtype


def _activation(activation):
    if activation is None:
        return tf.tanh
    if isinstance(activation, str):
        return getattr(tf.nn, activation)
    return activation


def _zeros(batch_size, size, dtype):
    size = tf.TensorShape(size).as_list()
    if tf.is_tensor(batch_size):
        zeros = tf.zeros(tf.concat([tf.reshape(batch_size, [1]), size], 0), dtype=dtype)
        zeros.set_shape([tf.get_static_value(batch_size)] + size)
        return zeros
    return tf.zeros([batch_size] + size, dtype=dtype)


class RNNCell:
    """``tf.nn.rnn_cell.RNNCell``: subclasses give ``state_size``, ``output_size``, ``build`` and
    ``call``; the first call fixes the cell's variable scope and builds, later calls reuse it."""

    def __init__(self, trainable=True, name=None, dtype=None, _reuse=None):
        self.trainable = trainable
        self.name = name or _snake_case(type(self).__name__)
        self.dtype = tf.as_dtype(dtype) if dtype is not None else None
        self.built = False
        self._reuse = _reuse
        self._scope = None
        self._own_variables = []

    @property
    def state_size(self):
        raise NotImplementedError("an RNNCell subclass gives state_size")

    @property
    def output_size(self):
        raise NotImplementedError("an RNNCell subclass gives output_size")

    def build(self, inputs_shape):
        """Create the cell's variables; nothing for a cell without any."""

    def call(self, inputs, state):
        raise NotImplementedError("an RNNCell subclass gives call")

    def __call__(self, inputs, state, scope=None):
        """One step: ``(output, new_state)``; ``scope`` names the cell's scope on its first
        call only, as in TF1."""
        if self._scope is None:
            if scope is not None or self._reuse:
                with v1.variable_scope(scope or self.name) as captured:
                    self._scope = captured
            else:
                with v1.variable_scope(None, default_name=self.name) as captured:
                    self._scope = captured
        with v1.variable_scope(self._scope, reuse=self.built or self._reuse,
                               auxiliary_name_scope=False) as current, \
                v1.name_scope(current.original_name_scope):
            inputs = tf.convert_to_tensor(inputs)
            if self.dtype is None:
                self.dtype = inputs.dtype.base_dtype
            if not self.built:
                self.build(inputs.shape)
                self.built = True
            return self.call(inputs, state)

    def add_variable(self, name, shape, initializer=None):
        """A variable of this cell, in its scope (``get_variable``, so reused on reuse)."""
        variable = v1.get_variable(name, shape, dtype=self.dtype, initializer=initializer,
                                   trainable=self.trainable)
        if all(variable is not known for known in self._own_variables):
            self._own_variables.append(variable)
        return variable

    def _linear(self, args, output_size, initializer=None):
        """TF1's ``_Linear`` in the current scope: ``kernel`` over the concatenated ``args``
        and a zero-initialised ``bias``."""
        args = tf.concat(args, 1) if isinstance(args, (list, tuple)) else args
        kernel = self.add_variable("kernel", [self._input_depth(args.shape), output_size],
                                   initializer)
        bias = self.add_variable("bias", [output_size], v1.zeros_initializer(dtype=self.dtype))
        return tf.nn.bias_add(tf.matmul(args, kernel), bias)

    def _input_depth(self, inputs_shape):
        depth = v1.dimension_value(tf.TensorShape(inputs_shape)[-1])
        if depth is None:
            raise ValueError(f"Expected inputs.shape[-1] to be known, saw shape: {inputs_shape}")
        return int(depth)

    def zero_state(self, batch_size, dtype):
        """Zeros shaped like ``state_size``, with ``batch_size`` rows."""
        with v1.name_scope(type(self).__name__ + "ZeroState", values=[batch_size]):
            return tf.nest.map_structure(lambda size: _zeros(batch_size, size, dtype),
                                         self.state_size)

    @property
    def variables(self):
        return list(self._own_variables)

    @property
    def trainable_variables(self):
        return [v for v in self.variables if v.trainable]

    @property
    def weights(self):
        return self.variables

    @property
    def trainable_weights(self):
        return self.trainable_variables


class _UnitsCell(RNNCell):
    """A cell of ``num_units`` (its output and, unless it says otherwise, its state) and an
    ``activation``, tanh by default: TF1's cells over one kernel (its LayerRNNCell's)."""

    def __init__(self, num_units, activation, reuse, name, dtype, **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._num_units = num_units
        self._activation = _activation(activation)

    @property
    def output_size(self):
        return self._num_units

    state_size = output_size  # unless the cell says otherwise


class BasicRNNCell(_UnitsCell):
    """``output = new_state = activation(W [inputs, state] + b)``."""

    def __init__(self, num_units, activation=None, reuse=None, name=None, dtype=None,
                 **kwargs):
        super().__init__(num_units, activation, reuse, name, dtype, **kwargs)

    def build(self, inputs_shape):
        depth = self._input_depth(inputs_shape)
        self._kernel = self.add_variable("kernel", [depth + self._num_units, self._num_units])
        self._bias = self.add_variable("bias", [self._num_units],
                                       v1.zeros_initializer(dtype=self.dtype))

    def call(self, inputs, state):
        output = self._activation(tf.nn.bias_add(
            tf.matmul(tf.concat([inputs, state], 1), self._kernel), self._bias))
        return output, output


class BasicLSTMCell(_UnitsCell):
    """The LSTM without peepholes or projection: gates i, j, f, o from one ``kernel`` over
    ``[inputs, h]``; ``forget_bias`` added to f, not to the variable."""

    def __init__(self, num_units, forget_bias=1.0, state_is_tuple=True, activation=None,
                 reuse=None, name=None, dtype=None, **kwargs):
        super().__init__(num_units, activation, reuse, name, dtype, **kwargs)
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple

    @property
    def state_size(self):
        if self._state_is_tuple:
            return LSTMStateTuple(self._num_units, self._num_units)
        return 2 * self._num_units

    def build(self, inputs_shape):
        depth = self._input_depth(inputs_shape)
        self._kernel = self.add_variable("kernel", [depth + self._num_units,
                                                    4 * self._num_units])
        self._bias = self.add_variable("bias", [4 * self._num_units],
                                       v1.zeros_initializer(dtype=self.dtype))

    def call(self, inputs, state):
        if self._state_is_tuple:
            c, h = state
        else:
            c, h = tf.split(state, 2, axis=1)
        gates = tf.nn.bias_add(tf.matmul(tf.concat([inputs, h], 1), self._kernel), self._bias)
        i, j, f, o = tf.split(gates, 4, axis=1)
        forget_bias = tf.constant(self._forget_bias, dtype=f.dtype)
        new_c = c * tf.sigmoid(f + forget_bias) + tf.sigmoid(i) * self._activation(j)
        new_h = self._activation(new_c) * tf.sigmoid(o)
        if self._state_is_tuple:
            return new_h, LSTMStateTuple(new_c, new_h)
        return new_h, tf.concat([new_c, new_h], 1)


class LSTMCell(_UnitsCell):
    """The full LSTM: optional peepholes (``w_f_diag``, ``w_i_diag``, ``w_o_diag``), cell and
    projection clipping, and a ``projection/kernel`` to ``num_proj`` outputs."""

    def __init__(self, num_units, use_peepholes=False, cell_clip=None, initializer=None,
                 num_proj=None, proj_clip=None, num_unit_shards=None, num_proj_shards=None,
                 forget_bias=1.0, state_is_tuple=True, activation=None, reuse=None, name=None,
                 dtype=None, **kwargs):
        super().__init__(num_units, activation, reuse, name, dtype, **kwargs)
        for argument, value in (("num_unit_shards", num_unit_shards),
                                ("num_proj_shards", num_proj_shards)):
            if value is not None:
                raise NotImplementedError(f"graph_cnn LSTMCell does not support {argument} "
                                          "(partitioned variables)")
        self._use_peepholes, self._initializer = use_peepholes, initializer
        self._cell_clip, self._num_proj, self._proj_clip = cell_clip, num_proj, proj_clip
        self._forget_bias, self._state_is_tuple = forget_bias, state_is_tuple

    @property
    def state_size(self):
        h_size = self._num_proj or self._num_units
        if self._state_is_tuple:
            return LSTMStateTuple(self._num_units, h_size)
        return self._num_units + h_size

    @property
    def output_size(self):
        return self._num_proj or self._num_units

    def build(self, inputs_shape):
        depth = self._input_depth(inputs_shape)
        units = self._num_units
        self._kernel = self.add_variable("kernel", [depth + self.output_size, 4 * units],
                                         self._initializer)
        self._bias = self.add_variable("bias", [4 * units], v1.zeros_initializer(dtype=self.dtype))
        if self._use_peepholes:
            self._w_f_diag = self.add_variable("w_f_diag", [units], self._initializer)
            self._w_i_diag = self.add_variable("w_i_diag", [units], self._initializer)
            self._w_o_diag = self.add_variable("w_o_diag", [units], self._initializer)
        if self._num_proj is not None:
            self._proj_kernel = self.add_variable("projection/kernel", [units, self._num_proj],
                                                  self._initializer)

    def call(self, inputs, state):
        if self._state_is_tuple:
            c_prev, m_prev = state
        else:
            c_prev, m_prev = tf.split(state, [self._num_units, self.output_size], axis=1)
        lstm_matrix = tf.nn.bias_add(tf.matmul(tf.concat([inputs, m_prev], 1), self._kernel),
                                     self._bias)
        i, j, f, o = tf.split(lstm_matrix, 4, axis=1)
        if self._use_peepholes:
            c = (tf.sigmoid(f + self._forget_bias + self._w_f_diag * c_prev) * c_prev
                 + tf.sigmoid(i + self._w_i_diag * c_prev) * self._activation(j))
        else:
            c = tf.sigmoid(f + self._forget_bias) * c_prev + tf.sigmoid(i) * self._activation(j)
        if self._cell_clip is not None:
            c = tf.clip_by_value(c, -self._cell_clip, self._cell_clip)
        if self._use_peepholes:
            m = tf.sigmoid(o + self._w_o_diag * c) * self._activation(c)
        else:
            m = tf.sigmoid(o) * self._activation(c)
        if self._num_proj is not None:
            m = tf.matmul(m, self._proj_kernel)
            if self._proj_clip is not None:
                m = tf.clip_by_value(m, -self._proj_clip, self._proj_clip)
        if self._state_is_tuple:
            return m, LSTMStateTuple(c, m)
        return m, tf.concat([c, m], 1)


class GRUCell(_UnitsCell):
    """The GRU: reset and update gates from ``gates/kernel`` (bias starting at 1.0), the
    candidate from ``candidate/kernel`` over ``[inputs, r * state]``."""

    def __init__(self, num_units, activation=None, reuse=None, kernel_initializer=None,
                 bias_initializer=None, name=None, dtype=None, **kwargs):
        super().__init__(num_units, activation, reuse, name, dtype, **kwargs)
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer

    def build(self, inputs_shape):
        depth = self._input_depth(inputs_shape) + self._num_units
        units = self._num_units
        self._gate_kernel = self.add_variable("gates/kernel", [depth, 2 * units],
                                              self._kernel_initializer)
        self._gate_bias = self.add_variable(
            "gates/bias", [2 * units],
            self._bias_initializer or v1.constant_initializer(1.0, dtype=self.dtype))
        self._candidate_kernel = self.add_variable("candidate/kernel", [depth, units],
                                                   self._kernel_initializer)
        self._candidate_bias = self.add_variable(
            "candidate/bias", [units],
            self._bias_initializer or v1.zeros_initializer(dtype=self.dtype))

    def call(self, inputs, state):
        gates = tf.sigmoid(tf.nn.bias_add(
            tf.matmul(tf.concat([inputs, state], 1), self._gate_kernel), self._gate_bias))
        r, u = tf.split(gates, 2, axis=1)
        candidate = self._activation(tf.nn.bias_add(
            tf.matmul(tf.concat([inputs, r * state], 1), self._candidate_kernel),
            self._candidate_bias))
        new_h = u * state + (1 - u) * candidate
        return new_h, new_h


class MultiRNNCell(RNNCell):
    """Cells stacked: cell ``k`` runs in scope ``cell_k`` on the output of cell ``k - 1``."""

    def __init__(self, cells, state_is_tuple=True):
        super().__init__()
        if not cells:
            raise ValueError("Must specify at least one cell for MultiRNNCell.")
        if not isinstance(cells, (list, tuple)):
            raise TypeError(f"cells must be a list or tuple, but saw: {cells}.")
        if len({id(cell) for cell in cells}) < len(cells):
            v1.logging.warning("At least two cells provided to MultiRNNCell are the same object "
                            "and will share weights.")
        self._cells = list(cells)
        self._state_is_tuple = state_is_tuple
        if not state_is_tuple and any(tf.nest.is_nested(c.state_size) for c in self._cells):
            raise ValueError("Some cells return tuples of states, but the flag state_is_tuple "
                             "is not set.")

    @property
    def state_size(self):
        if self._state_is_tuple:
            return tuple(cell.state_size for cell in self._cells)
        return sum(cell.state_size for cell in self._cells)

    @property
    def output_size(self):
        return self._cells[-1].output_size

    def zero_state(self, batch_size, dtype):
        """Each cell's own zero state, in a tuple (or concatenated)."""
        if not self._state_is_tuple:
            return super().zero_state(batch_size, dtype)
        with v1.name_scope(type(self).__name__ + "ZeroState", values=[batch_size]):
            return tuple(cell.zero_state(batch_size, dtype) for cell in self._cells)

    def call(self, inputs, state):
        if self._state_is_tuple and not tf.nest.is_nested(state):
            raise ValueError(f"Expected state to be a tuple of length {len(self.state_size)}, "
                             f"but received: {state}")
        output, new_states, start = inputs, [], 0
        for k, cell in enumerate(self._cells):
            with v1.variable_scope(f"cell_{k}"):
                if self._state_is_tuple:
                    cell_state = state[k]
                else:
                    cell_state = state[:, start:start + cell.state_size]
                    start += cell.state_size
                output, new_state = cell(output, cell_state)
                new_states.append(new_state)
        if self._state_is_tuple:
            return output, tuple(new_states)
        return output, tf.concat(new_states, 1)

    @property
    def variables(self):
        return [v for cell in self._cells for v in cell.variables]


def _default_dropout_state_filter_visitor(substate):
    if isinstance(substate, LSTMStateTuple):
        return LSTMStateTuple(c=False, h=True)
    return not isinstance(substate, tf.TensorArray)


class _Wraps:
    """A wrapper's sizes and zero state: the wrapped cell's (``self._cell``)."""

    @property
    def wrapped_cell(self):
        return self._cell

    @property
    def state_size(self):
        return self._cell.state_size

    @property
    def output_size(self):
        return self._cell.output_size

    def zero_state(self, batch_size, dtype):
        """The wrapped cell's zero state."""
        with v1.name_scope(type(self).__name__ + "ZeroState", values=[batch_size]):
            return self._cell.zero_state(batch_size, dtype)


class DropoutWrapper(_Wraps, RNNCell):
    """Dropout on a cell's inputs, outputs and (except an LSTM's ``c``) new state. Keep
    probabilities may be tensors, such as a placeholder fed 1.0 for testing. The wrapper has no
    scope of its own: the wrapped cell's variables are named as without it."""

    def __init__(self, cell, input_keep_prob=1.0, output_keep_prob=1.0, state_keep_prob=1.0,
                 variational_recurrent=False, input_size=None, dtype=None, seed=None,
                 dropout_state_filter_visitor=None):
        super().__init__(dtype=dtype)
        for attribute in ("output_size", "state_size", "zero_state"):
            if not hasattr(cell, attribute) or not callable(cell):
                raise TypeError(f"The parameter cell is not a RNNCell: it has no {attribute}")
        if variational_recurrent:
            raise NotImplementedError("graph_cnn DropoutWrapper does not support "
                                      "variational_recurrent=True")
        if dropout_state_filter_visitor is not None and not callable(
                dropout_state_filter_visitor):
            raise TypeError("dropout_state_filter_visitor must be callable")
        self._cell = cell
        self._seed = seed
        self._state_filter = dropout_state_filter_visitor or _default_dropout_state_filter_visitor
        with v1.name_scope("DropoutWrapperInit"):
            for attribute, prob in (("input_keep_prob", input_keep_prob),
                                    ("state_keep_prob", state_keep_prob),
                                    ("output_keep_prob", output_keep_prob)):
                tensor = tf.convert_to_tensor(prob)
                constant = tf.get_static_value(tensor)
                if constant is None:
                    setattr(self, "_" + attribute, tensor)
                    continue
                if not 0 <= constant <= 1:
                    raise ValueError(f"Parameter {attribute} must be between 0 and 1: "
                                     f"{constant}")
                setattr(self, "_" + attribute, float(constant))

    def _gen_seed(self, salt_prefix, index):
        if self._seed is None:
            return None
        salt = f"{self._seed}{salt_prefix}_{index}".encode()
        return int(hashlib.md5(salt).hexdigest()[:8], 16) & 0x7FFFFFFF

    def _dropout(self, values, salt_prefix, keep_prob, where=None):
        where = values if where is None else where
        leaves = iter(range(len(tf.nest.flatten(where))))

        def drop(flag, value):
            k = next(leaves)
            if isinstance(flag, bool) and not flag:
                return value
            return tf.nn.dropout(value, rate=1.0 - keep_prob, seed=self._gen_seed(salt_prefix, k))

        return tf.__internal__.nest.map_structure_up_to(where, drop, where, values)

    def __call__(self, inputs, state, scope=None):
        """The wrapped cell's step, with the dropouts."""
        def wanted(p):
            return not isinstance(p, float) or p < 1

        if wanted(self._input_keep_prob):
            inputs = self._dropout(inputs, "input", self._input_keep_prob)
        output, new_state = self._cell(inputs, state, scope=scope)
        if wanted(self._state_keep_prob):
            where = tf.__internal__.nest.get_traverse_shallow_structure(self._state_filter,
                                                                        new_state)
            new_state = self._dropout(new_state, "state", self._state_keep_prob, where)
        if wanted(self._output_keep_prob):
            output = self._dropout(output, "output", self._output_keep_prob)
        return output, new_state

    @property
    def variables(self):
        return self._cell.variables


class _Wrapper(_Wraps, RNNCell):
    """A cell around ``cell``: its sizes and zero state, its variables after the wrapper's own.
    A wrapper with a scope of its own (TF1's ``core_rnn_cell`` ones) runs ``cell`` inside it."""

    def __init__(self, cell, reuse=None, name=None):
        super().__init__(_reuse=reuse, name=name)
        if not callable(cell) or not hasattr(cell, "state_size"):
            raise TypeError(f"The parameter cell is not an RNNCell: {cell!r}")
        self._cell = cell

    @property
    def variables(self):
        return list(self._own_variables) + list(self._cell.variables)


class ResidualWrapper(_Wrapper):
    """``output = residual_fn(inputs, cell_output)``, ``inputs + output`` by default; no
    scope of its own, as in TF1."""

    def __init__(self, cell, residual_fn=None):
        super().__init__(cell)
        self._residual_fn = residual_fn

    def __call__(self, inputs, state, scope=None):
        """The wrapped cell's step, its output added to its inputs."""
        outputs, new_state = self._cell(inputs, state, scope=scope)

        def add(given, produced):
            given.get_shape().assert_is_compatible_with(produced.get_shape())
            return given + produced

        if self._residual_fn is not None:
            return self._residual_fn(inputs, outputs), new_state
        return tf.nest.map_structure(add, inputs, outputs), new_state


class DeviceWrapper(_Wrapper):
    """The wrapped cell's step placed on ``device``; no scope of its own."""

    def __init__(self, cell, device):
        super().__init__(cell)
        self._device = device

    def zero_state(self, batch_size, dtype):
        """The wrapped cell's zero state, on the device."""
        with tf.device(self._device):
            return super().zero_state(batch_size, dtype)

    def __call__(self, inputs, state, scope=None):
        """The wrapped cell's step, on the device."""
        with tf.device(self._device):
            return self._cell(inputs, state, scope=scope)


class OutputProjectionWrapper(_Wrapper):
    """The cell's output through ``kernel``/``bias`` to ``output_size`` values, in the scope
    ``output_projection_wrapper`` (the cell's variables inside it)."""

    def __init__(self, cell, output_size, activation=None, reuse=None):
        super().__init__(cell, reuse)
        if output_size < 1:
            raise ValueError(f"Parameter output_size must be > 0: {output_size}.")
        self._output_size = output_size
        self._activation = activation

    @property
    def output_size(self):
        return self._output_size

    def call(self, inputs, state):
        output, new_state = self._cell(inputs, state)
        projected = self._linear(output, self._output_size)
        if self._activation is not None:
            projected = self._activation(projected)
        return projected, new_state


class InputProjectionWrapper(_Wrapper):
    """The inputs through ``kernel``/``bias`` to ``num_proj`` values before the cell, in the
    scope ``input_projection_wrapper``."""

    def __init__(self, cell, num_proj, activation=None, input_size=None, reuse=None):
        super().__init__(cell, reuse)
        if input_size is not None:
            v1.logging.warning("The input_size parameter is deprecated.")
        self._num_proj = num_proj
        self._activation = activation

    def call(self, inputs, state):
        projected = self._linear(inputs, self._num_proj)
        if self._activation is not None:
            projected = self._activation(projected)
        return self._cell(projected, state)


class EmbeddingWrapper(_Wrapper):
    """Integer inputs looked up in ``embedding`` (``embedding_classes`` by ``embedding_size``,
    uniform in +-sqrt(3) unless the scope or ``initializer`` says otherwise) before the cell;
    TF1 pinned the table to the CPU, which is not emulated."""

    def __init__(self, cell, embedding_classes, embedding_size, initializer=None, reuse=None):
        super().__init__(cell, reuse)
        if embedding_classes <= 0 or embedding_size <= 0:
            raise ValueError(f"Both embedding_classes and embedding_size must be > 0: "
                             f"{embedding_classes}, {embedding_size}.")
        self._embedding_classes = embedding_classes
        self._embedding_size = embedding_size
        self._initializer = initializer

    def __call__(self, inputs, state, scope=None):
        """Looks the integer inputs up, then the wrapped cell's step (the wrapper's scope)."""
        if self.dtype is None:
            self.dtype = tf.nest.flatten(state)[0].dtype
        return super().__call__(inputs, state, scope)

    def call(self, inputs, state):
        initializer = (self._initializer or v1.get_variable_scope().initializer
                       or v1.random_uniform_initializer(-3 ** 0.5, 3 ** 0.5))
        embedding = self.add_variable("embedding",
                                      [self._embedding_classes, self._embedding_size],
                                      initializer)
        embedded = tf.nn.embedding_lookup(embedding, tf.reshape(inputs, [-1]))
        return self._cell(embedded, state)
