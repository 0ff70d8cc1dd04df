"""TF1's ``tf.layers``, which Keras 3 took away, rebuilt on ``tf.compat.v1`` ops.

Functions and classes with TensorFlow 1.x's signatures, defaults and variable names: kernels
glorot-uniform (or the variable scope's initializer), biases zero, scopes ``conv2d``,
``conv2d_1``, ``dense`` ... (or the ``name`` given), so checkpoints look like TF1's. A class
makes its variables on its first call under its own variable scope and reuses them on later
calls; a function runs a class once in a new scope, as TF1's did. Batch norm puts its
moving-average updates in ``UPDATE_OPS``; ``training`` may be a Python bool or a boolean tensor
such as a ``placeholder_with_default``. ``channels_first`` runs TensorFlow's NCHW kernels where
this process has them (oneDNN's on the CPU, a GPU's) and transposes around the channels-last
ones where it has not. Graph mode only.
"""

import contextlib
import functools
import re
import weakref

import numpy as np
import tensorflow as tf

from graph_cnn.compat import speed

v1 = tf.compat.v1

__all__ = [  # tf.layers as TF1 had it
    "conv1d",
    "conv2d",
    "conv3d",
    "separable_conv1d",
    "separable_conv2d",
    "conv2d_transpose",
    "conv3d_transpose",
    "dense",
    "flatten",
    "dropout",
    "max_pooling1d",
    "average_pooling1d",
    "max_pooling2d",
    "average_pooling2d",
    "max_pooling3d",
    "average_pooling3d",
    "batch_normalization",
    "Layer",
    "Conv1D",
    "Conv2D",
    "Conv3D",
    "SeparableConv1D",
    "SeparableConv2D",
    "Conv2DTranspose",
    "Conv3DTranspose",
    "Dense",
    "Flatten",
    "Dropout",
    "MaxPooling1D",
    "AveragePooling1D",
    "MaxPooling2D",
    "AveragePooling2D",
    "MaxPooling3D",
    "AveragePooling3D",
    "BatchNormalization",
    "max_pool2d",
    "average_pool2d",
]
_FORMATS = {1: ("NWC", "NCW"), 2: ("NHWC", "NCHW"), 3: ("NDHWC", "NCDHW")}  # [rank][first]
_layer_counts = weakref.WeakKeyDictionary()  # graph -> {base name: layer objects given it}


def _tuple(value, rank, what):
    """``value`` as ``rank`` ints, one int standing for all."""
    values = (value,) * rank if np.ndim(value) == 0 else tuple(value)
    if len(values) != rank:
        raise ValueError(f"{what} must be an int or {rank} ints, not {value!r}")
    return tuple(int(v) for v in values)


def _pair(value):
    return _tuple(value, 2, "a size")


def _all_axes(values, first):
    """Per-spatial-axis ``values`` (strides, sizes) with 1 for the batch and channel axes."""
    return (1, 1) + values if first else (1,) + values + (1,)


def _padding(padding):
    padding = padding.upper()
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"padding must be 'same' or 'valid', not {padding!r}")
    return padding


def _channels_first(data_format):
    if data_format in (None, "channels_last", "NHWC"):
        return False
    if data_format == "channels_first":
        return True
    raise ValueError(f"data_format must be 'channels_first' or 'channels_last', not "
                     f"{data_format!r}")


@functools.cache
def _nchw_kernels():
    """Whether this process runs channels-first convolutions and pooling as they are: oneDNN's
    CPU kernels and GPUs do, TensorFlow's own CPU kernels take channels-last only."""
    try:
        from tensorflow.python.util import _pywrap_util_port
        if _pywrap_util_port.IsMklEnabled():
            return True
    except (ImportError, AttributeError):
        pass
    return bool(tf.config.list_physical_devices("GPU"))


def _to_channels_last(x):
    rank = x.shape.rank
    return tf.transpose(x, [0, *range(2, rank), 1])


def _to_channels_first(x):
    rank = x.shape.rank
    return tf.transpose(x, [0, rank - 1, *range(1, rank - 1)])


def _unsupported(layer, **arguments):
    for argument, value in arguments.items():
        if value is not None and value is not False:
            raise NotImplementedError(f"graph_cnn's {layer} does not support "
                                      f"{argument}={value!r}")


def _static_bool(training):
    """``training`` as a Python bool when it is known while building (a bool or a constant),
    else None."""
    if not tf.is_tensor(training):
        return bool(training)
    static = tf.get_static_value(training)
    return None if static is None else bool(static)


def _constant_or_cond(training, true_fn, false_fn):
    """TF1's smart_cond: a Python branch for a bool or constant, ``tf.cond`` for a tensor."""
    static = _static_bool(training)
    if static is not None:
        return true_fn() if static else false_fn()
    return tf.cond(training, true_fn, false_fn)


def _activate(outputs, activation):
    return activation(outputs) if activation is not None else outputs


def _activity(outputs, activity_regularizer):
    if activity_regularizer is not None:
        v1.add_to_collection(v1.GraphKeys.REGULARIZATION_LOSSES, activity_regularizer(outputs))
    return outputs


def _snake_case(name):
    name = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def _unique_layer_name(base):
    """``base``, then ``base_1``, ``base_2`` ... in each graph, as TF1 named its layer objects
    (the variable scopes count on their own)."""
    counts = _layer_counts.setdefault(v1.get_default_graph(), {})
    count = counts[base] = counts.get(base, 0) + 1
    return base if count == 1 else f"{base}_{count - 1}"


class Layer:
    """``tf.layers.Layer``: subclasses make variables with ``add_weight`` in ``build`` (or
    ``call``) and compute in ``call``; ``layer(inputs)`` or ``layer.apply(inputs)`` runs them in
    the layer's variable scope, fixed at the first call (``name`` or the snake-cased class name,
    made unique), and reuses the variables on every later call."""

    def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
        scope, self._reuse = kwargs.pop("_scope", None), kwargs.pop("_reuse", None)
        if kwargs:
            raise TypeError(f"graph_cnn's tf.layers.{type(self).__name__} does not take the "
                            f"argument {next(iter(kwargs))!r}")
        self.trainable = trainable
        self.built = False
        self.dtype = None if dtype is None else tf.as_dtype(dtype).name
        self._base_name = name or _snake_case(type(self).__name__)
        self._name = name or _unique_layer_name(self._base_name)
        self._scope = None
        if scope:
            with v1.variable_scope(scope) as captured:
                self._scope = captured
        self._weights, self._updates, self._losses = [], [], []
        self._inside = False  # a variable scope for this layer is open

    @property
    def name(self):
        return self._name

    @property
    def scope_name(self):
        if self._scope is None:
            raise ValueError(f"layer {self._name!r} has no scope before its first call")
        return self._scope.name

    @property
    def trainable_weights(self):
        return [w for w in self._weights if w.trainable] if self.trainable else []

    @property
    def non_trainable_weights(self):
        trainable = {id(w) for w in self.trainable_weights}
        return [w for w in self._weights if id(w) not in trainable]

    @property
    def weights(self):
        return self.trainable_weights + self.non_trainable_weights

    variables = weights
    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    @property
    def updates(self):
        return list(self._updates)

    @property
    def losses(self):
        return list(self._losses)

    def build(self, input_shape):
        self.built = True

    def call(self, inputs, **kwargs):
        return inputs

    def __call__(self, inputs, *args, **kwargs):
        """``call`` under the layer's scopes, after ``build`` on the first call."""
        self._set_scope(kwargs.pop("scope", None))
        with self._own_scope():
            return self._run(inputs, *args, **kwargs)

    def apply(self, inputs, *args, **kwargs):
        return self(inputs, *args, **kwargs)

    def add_weight(self, name, shape, dtype=None, initializer=None, regularizer=None,
                   trainable=None, constraint=None, **kwargs):
        """``get_variable`` in the layer's scope: made on the first call, the same one after."""
        get = functools.partial(
            v1.get_variable, name, shape, dtype=dtype or self.dtype or tf.float32,
            initializer=initializer, regularizer=regularizer, constraint=constraint,
            trainable=(True if trainable is None else trainable) and self.trainable, **kwargs)
        if self._inside:
            return get()
        with self._own_scope():
            return get()

    add_variable = add_weight

    def add_update(self, updates, inputs=None):
        """Adds ``updates`` to ``UPDATE_OPS`` as this layer's."""
        for update in tf.nest.flatten(updates):
            v1.add_to_collection(v1.GraphKeys.UPDATE_OPS, update)
            if not self._inside:  # inside, _own_scope records it
                self._updates.append(update)

    def add_loss(self, losses, inputs=None):
        """Adds ``losses`` to ``REGULARIZATION_LOSSES`` as this layer's."""
        for loss in tf.nest.flatten(losses):
            v1.add_to_collection(v1.GraphKeys.REGULARIZATION_LOSSES, loss)
            if not self._inside:
                self._losses.append(loss)

    def _set_scope(self, scope=None):
        if self._scope is None:
            if self._reuse:
                context = v1.variable_scope(scope if scope is not None else self._base_name)
            else:
                context = v1.variable_scope(scope, default_name=self._base_name)
            with context as captured:
                self._scope = captured

    @contextlib.contextmanager
    def _own_scope(self):
        """The layer's variable scope (reusing once built) and name scope; what is added to
        ``UPDATE_OPS`` and ``REGULARIZATION_LOSSES`` meanwhile is the layer's."""
        self._set_scope()
        updates = v1.get_collection_ref(v1.GraphKeys.UPDATE_OPS)
        losses = v1.get_collection_ref(v1.GraphKeys.REGULARIZATION_LOSSES)
        seen = len(updates), len(losses)
        inside, self._inside = self._inside, True
        try:
            with v1.variable_scope(self._scope, reuse=True if self.built else self._reuse,
                                   auxiliary_name_scope=False,
                                   custom_getter=self._track) as scope, \
                    v1.name_scope(scope.original_name_scope):
                yield
        finally:
            self._inside = inside
        self._updates += updates[seen[0]:]
        self._losses += losses[seen[1]:]

    def _track(self, getter, *args, **kwargs):
        if self.built and tf.executing_eagerly():  # eager get_variable would make a new one
            name = kwargs.get("name", args[0] if args else None)
            for weight in self._weights:
                if weight.name.split(":")[0] == name:
                    return weight
        variable = getter(*args, **kwargs)
        if all(variable is not w for w in self._weights):
            self._weights.append(variable)
        return variable

    def _run(self, inputs, *args, **kwargs):
        if not tf.nest.is_nested(inputs):
            inputs = tf.convert_to_tensor(inputs)
        first = tf.nest.flatten(inputs)[0]
        if self.dtype is None and tf.is_tensor(first):
            self.dtype = first.dtype.base_dtype.name
        if not self.built:
            self.build(tf.nest.map_structure(lambda x: getattr(x, "shape", None), inputs))
            self.built = True
        return self.call(inputs, *args, **kwargs)

    def _run_here(self, inputs, **kwargs):
        """The functional forms' path: ``call`` in the scope the caller opened."""
        self._inside = True
        return self._run(inputs, **kwargs)


def _named(function, name, doc):
    """``function`` (made by a factory below) under its public ``name`` and ``doc``."""
    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc
    return function


def _functional(layer_class, arguments, call_arguments=(), variables=True):
    """A TF1 function: ``layer_class`` made from the function's ``arguments`` (its ``locals()``)
    and run once in a new variable scope (a name scope for layers without variables)."""
    arguments = dict(arguments)
    inputs = tf.convert_to_tensor(arguments.pop("inputs"))
    reuse = arguments.pop("reuse", None)
    call_kwargs = {key: arguments.pop(key) for key in call_arguments}
    layer = layer_class(**arguments)
    name = arguments.get("name")
    scope = (v1.variable_scope(name, default_name=layer._base_name, reuse=reuse) if variables
             else v1.name_scope(name, layer._base_name))
    with scope:
        return layer._run_here(inputs, **call_kwargs)


class _Kernel(Layer):
    """A layer with a kernel, a bias, an activation and an activity regularizer."""

    def __init__(self, units, activation, use_bias, kernel_initializer, bias_initializer,
                 kernel_regularizer, bias_regularizer, activity_regularizer, kernel_constraint,
                 bias_constraint, trainable, name, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self._units = units
        self.activation, self.use_bias = activation, use_bias
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint
        self.activity_regularizer = activity_regularizer

    def _add_kernel(self, name, shape, dtype, initializer, regularizer, constraint):
        return self.add_weight(name, list(shape), dtype=dtype, initializer=initializer,
                               regularizer=regularizer, constraint=constraint)

    def _add_bias(self, outputs, data_format=None):
        self.bias = None
        if not self.use_bias:
            return outputs
        self.bias = self.add_weight("bias", [self._units], dtype=outputs.dtype,
                                    initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint)
        return tf.nn.bias_add(outputs, self.bias, data_format=data_format)

    def _finish(self, outputs):
        return _activity(_activate(outputs, self.activation), self.activity_regularizer)


class Dense(_Kernel):
    """``tf.layers.Dense``: ``kernel`` (in, units) and ``bias``; inputs of rank above 2 go
    through a tensordot over their last axis."""

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=v1.zeros_initializer(), kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, trainable=True, name=None, **kwargs):
        super().__init__(units, activation, use_bias, kernel_initializer, bias_initializer,
                         kernel_regularizer, bias_regularizer, activity_regularizer,
                         kernel_constraint, bias_constraint, trainable, name, **kwargs)
        self.units = units

    def call(self, inputs):
        rank = inputs.shape.rank
        if rank is None or rank < 2 or tf.compat.dimension_value(inputs.shape[-1]) is None:
            raise ValueError(f"dense needs an input of rank 2 or more with a known last "
                             f"dimension; got {inputs.shape}")
        self.kernel = self._add_kernel("kernel", [int(inputs.shape[-1]), self.units],
                                       inputs.dtype, self.kernel_initializer,
                                       self.kernel_regularizer, self.kernel_constraint)
        if rank == 2:
            outputs = tf.matmul(inputs, self.kernel, name="MatMul")
        else:
            outputs = tf.tensordot(inputs, self.kernel, [[rank - 1], [0]])
            outputs.set_shape(inputs.shape[:-1].concatenate([self.units]))
        return self._finish(self._add_bias(outputs))


class Dropout(Layer):
    """``tf.layers.Dropout``: drops ``rate`` of the units only while ``training`` is true."""

    def __init__(self, rate=0.5, noise_shape=None, seed=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.rate, self.noise_shape, self.seed = rate, noise_shape, seed

    def call(self, inputs, training=False):
        return _constant_or_cond(
            training,
            lambda: tf.nn.dropout(inputs, rate=self.rate, noise_shape=self.noise_shape,
                                  seed=self.seed),
            lambda: tf.identity(inputs))


class Flatten(Layer):
    """``tf.layers.Flatten``: (batch, ...) to (batch, product of the rest), channels-last
    order."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format
        self._first = _channels_first(data_format)

    def call(self, inputs):
        if self._first and inputs.shape.rank > 2:
            inputs = _to_channels_last(inputs)
        rest = inputs.shape[1:]
        width = int(np.prod(rest)) if rest.is_fully_defined() else -1
        return tf.reshape(inputs, [-1 if width != -1 else tf.shape(inputs)[0], width])


class _Conv(_Kernel):
    """Convolution over ``_rank`` spatial axes, channels-first as it is or transposed."""

    _rank = None

    def __init__(self, filters, kernel_size, strides=1, padding="valid",
                 data_format="channels_last", dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer=None, bias_initializer=v1.zeros_initializer(),
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
                 **kwargs):
        super().__init__(filters, activation, use_bias, kernel_initializer, bias_initializer,
                         kernel_regularizer, bias_regularizer, activity_regularizer,
                         kernel_constraint, bias_constraint, trainable, name, **kwargs)
        self.filters = filters
        self.kernel_size = _tuple(kernel_size, self._rank, "kernel_size")
        self.strides = _tuple(strides, self._rank, "strides")
        causal = self._rank == 1 and padding.lower() == "causal"
        self.padding = "causal" if causal else _padding(padding).lower()
        self.data_format = data_format
        self._first = _channels_first(data_format)
        self.dilation_rate = _tuple(dilation_rate, self._rank, "dilation_rate")

    def call(self, inputs):
        transposed = self._first and not _nchw_kernels()
        if transposed:
            inputs = _to_channels_last(inputs)
        first = self._first and not transposed
        channels = inputs.shape.as_list()[1 if first else -1]
        if channels is None:
            raise ValueError(f"{self._base_name} needs the channel axis of its input known; "
                             f"got {inputs.shape}")
        if self.padding == "causal":  # pad the start so each step sees only earlier ones
            pad = [[0, 0], [0, 0], [0, 0]]
            pad[2 if first else 1][0] = self.dilation_rate[0] * (self.kernel_size[0] - 1)
            inputs = tf.pad(inputs, pad)
        outputs = self._add_bias(self._convolve(inputs, channels, first),
                                 "NCHW" if first else None)
        return self._finish(_to_channels_first(outputs) if transposed else outputs)

    def _op_padding(self):
        return "VALID" if self.padding == "causal" else self.padding.upper()

    def _convolve(self, inputs, channels, first):
        self.kernel = self._add_kernel("kernel", self._kernel_shape(channels), inputs.dtype,
                                       self.kernel_initializer, self.kernel_regularizer,
                                       self.kernel_constraint)
        return self._conv_op(inputs, first)

    def _kernel_shape(self, channels):
        return self.kernel_size + (channels, self.filters)

    def _conv_op(self, inputs, first):
        return tf.nn.convolution(inputs, self.kernel, strides=list(self.strides),
                                 padding=self._op_padding(),
                                 dilations=list(self.dilation_rate),
                                 data_format=_FORMATS[self._rank][first],
                                 name=type(self).__name__)


class Conv1D(_Conv):
    """``tf.layers.Conv1D``: ``kernel`` (k, in, filters) and ``bias``; padding may also be
    ``'causal'``."""

    _rank = 1


class Conv2D(_Conv):
    """``tf.layers.Conv2D``: ``kernel`` (kh, kw, in, filters) and ``bias``."""

    _rank = 2

    def _conv_op(self, inputs, first):
        if self.dilation_rate != (1, 1):  # the Conv2D op dilates on oneDNN and GPUs only
            return super()._conv_op(inputs, first)
        return tf.nn.conv2d(inputs, self.kernel, strides=_all_axes(self.strides, first),
                            padding=self._op_padding(),
                            dilations=_all_axes(self.dilation_rate, first),
                            data_format=_FORMATS[2][first], name="Conv2D")


class Conv3D(_Conv):
    """``tf.layers.Conv3D``: ``kernel`` (kd, kh, kw, in, filters) and ``bias``."""

    _rank = 3


class _SeparableConv(_Conv):
    """Depthwise then pointwise convolution: ``depthwise_kernel`` (k..., in,
    depth_multiplier), ``pointwise_kernel`` (1..., in * depth_multiplier, filters), ``bias``."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid",
                 data_format="channels_last", dilation_rate=1, depth_multiplier=1,
                 activation=None, use_bias=True, depthwise_initializer=None,
                 pointwise_initializer=None, bias_initializer=v1.zeros_initializer(),
                 depthwise_regularizer=None, pointwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, pointwise_constraint=None,
                 bias_constraint=None, trainable=True, name=None, **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, None, bias_initializer, None, bias_regularizer,
                         activity_regularizer, None, bias_constraint, trainable, name, **kwargs)
        self.depth_multiplier = depth_multiplier
        self.depthwise_initializer, self.depthwise_regularizer, self.depthwise_constraint = (
            depthwise_initializer, depthwise_regularizer, depthwise_constraint)
        self.pointwise_initializer, self.pointwise_regularizer, self.pointwise_constraint = (
            pointwise_initializer, pointwise_regularizer, pointwise_constraint)

    def _add_kernels(self, channels, dtype):
        self.depthwise_kernel = self._add_kernel(
            "depthwise_kernel", self.kernel_size + (channels, self.depth_multiplier), dtype,
            self.depthwise_initializer, self.depthwise_regularizer, self.depthwise_constraint)
        self.pointwise_kernel = self._add_kernel(
            "pointwise_kernel", (1,) * self._rank + (channels * self.depth_multiplier,
                                                     self.filters), dtype,
            self.pointwise_initializer, self.pointwise_regularizer, self.pointwise_constraint)


class SeparableConv1D(_SeparableConv):
    """``tf.layers.SeparableConv1D``: computed as TF1 did, a 2-D one over (1, length)."""

    _rank = 1

    def _convolve(self, inputs, channels, first):
        self._add_kernels(channels, inputs.dtype)
        axis = 2 if first else 1
        outputs = v1.nn.separable_conv2d(
            tf.expand_dims(inputs, axis), tf.expand_dims(self.depthwise_kernel, 0),
            tf.expand_dims(self.pointwise_kernel, 0), strides=_all_axes(self.strides * 2, first),
            padding=self._op_padding(), rate=(1,) + self.dilation_rate,
            data_format=_FORMATS[2][first])
        return tf.squeeze(outputs, [axis])


class SeparableConv2D(_SeparableConv):
    """``tf.layers.SeparableConv2D``."""

    _rank = 2

    def _convolve(self, inputs, channels, first):
        self._add_kernels(channels, inputs.dtype)
        return tf.nn.separable_conv2d(inputs, self.depthwise_kernel, self.pointwise_kernel,
                                      strides=_all_axes(self.strides, first),
                                      padding=self._op_padding(), dilations=self.dilation_rate,
                                      data_format=_FORMATS[2][first])


class _ConvTranspose(_Conv):
    """Transposed convolution: ``kernel`` (k..., filters, in) and ``bias``; each spatial size
    becomes size * stride ('same') or size * stride + max(k - stride, 0) ('valid')."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid",
                 data_format="channels_last", activation=None, use_bias=True,
                 kernel_initializer=None, bias_initializer=v1.zeros_initializer(),
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
                 **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, 1, activation,
                         use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                         bias_regularizer, activity_regularizer, kernel_constraint,
                         bias_constraint, trainable, name, **kwargs)

    def _kernel_shape(self, channels):
        return self.kernel_size + (self.filters, channels)

    def _conv_op(self, inputs, first):
        static, dynamic = inputs.shape.as_list(), tf.shape(inputs)
        axes = range(2, self._rank + 2) if first else range(1, self._rank + 1)
        sizes = []
        for axis, kernel, stride in zip(axes, self.kernel_size, self.strides):
            size = (static[axis] if static[axis] is not None else dynamic[axis]) * stride
            sizes.append(size + max(kernel - stride, 0) if self.padding == "valid" else size)
        shape = ([static[0], self.filters, *sizes] if first
                 else [static[0], *sizes, self.filters])
        op = tf.nn.conv2d_transpose if self._rank == 2 else tf.nn.conv3d_transpose
        outputs = op(inputs, self.kernel, tf.stack([dynamic[0], *shape[1:]]),
                     strides=_all_axes(self.strides, first), padding=self._op_padding(),
                     data_format=_FORMATS[self._rank][first])
        outputs.set_shape([s if isinstance(s, int) else None for s in shape])
        return outputs


class Conv2DTranspose(_ConvTranspose):
    """``tf.layers.Conv2DTranspose``: ``kernel`` (kh, kw, filters, in) and ``bias``."""

    _rank = 2


class Conv3DTranspose(_ConvTranspose):
    """``tf.layers.Conv3DTranspose``: ``kernel`` (kd, kh, kw, filters, in) and ``bias``."""

    _rank = 3


class _Pooling(Layer):
    """Max or average pooling over ``_rank`` spatial axes (1-D as 2-D over (length, 1), as
    TF1 did)."""

    _rank = _op = None

    def __init__(self, pool_size, strides, padding="valid", data_format="channels_last",
                 name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.pool_size = _tuple(pool_size, self._rank, "pool_size")
        self.strides = _tuple(strides, self._rank, "strides")
        self.padding = _padding(padding).lower()
        self.data_format = data_format
        self._first = _channels_first(data_format)

    def call(self, inputs):
        if self._first and not _nchw_kernels():
            return _to_channels_first(self._pool(_to_channels_last(inputs), False))
        return self._pool(inputs, self._first)

    def _pool(self, inputs, first):
        if self._rank == 1:
            axis = 3 if first else 2
            return tf.squeeze(self._pool_op(tf.expand_dims(inputs, axis), self.pool_size + (1,),
                                            self.strides + (1,), first), [axis])
        return self._pool_op(inputs, self.pool_size, self.strides, first)

    def _pool_op(self, inputs, pool_size, strides, first):
        return self._op(inputs, ksize=_all_axes(pool_size, first),
                        strides=_all_axes(strides, first), padding=self.padding.upper(),
                        data_format=_FORMATS[len(pool_size)][first])


class MaxPooling1D(_Pooling):
    """``tf.layers.MaxPooling1D``."""

    _rank, _op = 1, staticmethod(tf.nn.max_pool2d)


class AveragePooling1D(_Pooling):
    """``tf.layers.AveragePooling1D``."""

    _rank, _op = 1, staticmethod(tf.nn.avg_pool2d)


class MaxPooling2D(_Pooling):
    """``tf.layers.MaxPooling2D``."""

    _rank, _op = 2, staticmethod(tf.nn.max_pool2d)


class AveragePooling2D(_Pooling):
    """``tf.layers.AveragePooling2D`` (TF's SAME average excludes the padding from the mean)."""

    _rank, _op = 2, staticmethod(tf.nn.avg_pool2d)

    def call(self, inputs):
        size = inputs.shape[1:3]
        if (not self._first and self.pool_size == self.strides == (2, 2)
                and self.padding == "valid" and size.is_fully_defined()
                and size[0] % 2 == 0 and size[1] % 2 == 0):
            return speed.avg_pool_2x2(inputs)
        return super().call(inputs)


class MaxPooling3D(_Pooling):
    """``tf.layers.MaxPooling3D``."""

    _rank, _op = 3, staticmethod(tf.nn.max_pool3d)


class AveragePooling3D(_Pooling):
    """``tf.layers.AveragePooling3D``."""

    _rank, _op = 3, staticmethod(tf.nn.avg_pool3d)


def moving_average_update(variable, value, momentum):
    """``variable -= (variable - value) * (1 - momentum)``, TF1's moving-average assign."""
    with v1.name_scope(None, "AssignMovingAvg"):
        decay = tf.cast(1.0 - momentum, variable.dtype.base_dtype)
        return v1.assign_sub(variable, (variable - tf.cast(value, variable.dtype)) * decay)


def batch_norm_core(inputs, training, momentum, epsilon, center, scale, beta_initializer,
                    gamma_initializer, moving_mean_initializer, moving_variance_initializer,
                    beta_regularizer, gamma_regularizer, trainable, fused,
                    updates_collections=v1.GraphKeys.UPDATE_OPS, gamma_name="gamma",
                    unbiased_moving_variance=False, beta_constraint=None, gamma_constraint=None):
    """Batch norm over the last axis, in the current variable scope; shared by
    ``batch_normalization`` and ``contrib.layers.batch_norm``.

    ``fused`` uses ``FusedBatchNorm``, whose batch variance (and so the moving variance) carries
    Bessel's correction n/(n-1); the non-fused path uses the biased variance, as TF1 did, and
    builds the batch moments outside the training cond, as TF1's layer did.
    With ``updates_collections=None`` the updates run before the output is returned.
    ``unbiased_moving_variance`` gives the non-fused path PyTorch's rule (normalise with the
    biased batch variance, average the unbiased one) with exact float reductions.
    Inside towers (:mod:`graph_cnn.compat.speed`) the statistics are the whole batch's, summed over
    the towers with the non-fused arithmetic (Bessel's correction kept where fused asked for
    it), and only the first tower adds the updates.
    """
    inputs = tf.convert_to_tensor(inputs)
    channels = int(inputs.shape[-1])
    dtype = inputs.dtype.base_dtype
    in_towers = speed.batch_fraction() is not None
    unbiased = unbiased_moving_variance or (fused and in_towers)
    fused = fused and not in_towers

    def var(var_name, initializer, trainable_var, regularizer=None, constraint=None):
        return v1.get_variable(var_name, [channels], dtype=dtype, initializer=initializer,
                               regularizer=regularizer, constraint=constraint,
                               trainable=trainable_var)

    gamma = (var(gamma_name, gamma_initializer, trainable, gamma_regularizer, gamma_constraint)
             if scale else None)
    beta = (var("beta", beta_initializer, trainable, beta_regularizer, beta_constraint)
            if center else None)
    moving_mean = var("moving_mean", moving_mean_initializer, False)
    moving_variance = var("moving_variance", moving_variance_initializer, False)
    rank = inputs.shape.rank

    def fused_bn(**kwargs):
        """FusedBatchNorm over 2-D or 4-D inputs (2-D ones viewed as N x 1 x 1 x C)."""
        x4 = inputs if rank == 4 else tf.reshape(inputs, [-1, 1, 1, channels])
        out, mean, variance = v1.nn.fused_batch_norm(
            x4, gamma if scale else tf.ones([channels], dtype),
            beta if center else tf.zeros([channels], dtype), epsilon=epsilon, **kwargs)
        return (out if rank == 4 else tf.reshape(out, tf.shape(inputs))), mean, variance

    def moving():
        return tf.identity(moving_mean), tf.identity(moving_variance)

    if fused:
        outputs, mean, variance = _constant_or_cond(
            training, lambda: fused_bn(is_training=True),
            lambda: (fused_bn(mean=moving_mean, variance=moving_variance,
                              is_training=False)[0], *moving()))
    else:
        positions = int(np.prod(inputs.shape[1:-1]))
        flat = tf.reshape(inputs, [-1, positions * channels])

        def batch():
            """(mean, variance to normalise with, variance for the moving average)."""
            mean, variance, count = speed.batch_moments(flat, channels, positions)
            if not unbiased:
                return mean, variance, variance
            if in_towers:  # the rows that repeat a batch smaller than the towers don't count
                count = count * tf.cast(speed.batch_fraction(), dtype)
            return mean, variance, variance * count / (count - 1)

        def moving_moments():
            mean, variance = moving()
            return mean, variance, variance

        # built before (outside) the cond: towers hand over inside batch(), never in a branch
        moments = batch() if _static_bool(training) is not False else None
        mean, norm_variance, variance = _constant_or_cond(
            training, lambda: tuple(tf.identity(m) for m in moments), moving_moments)
        outputs = tf.reshape(speed.normalize(flat, mean, norm_variance, beta, gamma, epsilon,
                                        positions), tf.shape(inputs))
    if speed.index():
        return outputs
    # Like TF1, the update is built either way; with training false it keeps the variables put.
    update_momentum = _constant_or_cond(training, lambda: tf.constant(momentum, dtype),
                                        lambda: tf.constant(1.0, dtype))
    updates = [moving_average_update(moving_mean, mean, update_momentum),
               moving_average_update(moving_variance, variance, update_momentum)]
    if updates_collections is None:
        with tf.control_dependencies(updates):
            outputs = tf.identity(outputs)
    else:
        for update in updates:
            v1.add_to_collections(updates_collections, update)
    return outputs


class BatchNormalization(Layer):
    """``tf.layers.BatchNormalization``: see ``batch_normalization``; ``.updates`` holds the
    moving-average updates of its calls."""

    _unbiased_moving_variance = False  # a subclass may take PyTorch's rule (batch_norm_core)

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer=v1.zeros_initializer(), gamma_initializer=v1.ones_initializer(),
                 moving_mean_initializer=v1.zeros_initializer(),
                 moving_variance_initializer=v1.ones_initializer(), beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 renorm=False, renorm_clipping=None, renorm_momentum=0.99, fused=None,
                 trainable=True, virtual_batch_size=None, adjustment=None, name=None,
                 **kwargs):
        _unsupported("batch_normalization", renorm=renorm, renorm_clipping=renorm_clipping,
                     virtual_batch_size=virtual_batch_size, adjustment=adjustment)
        super().__init__(trainable=trainable, name=name, **kwargs)
        self.axis, self.momentum, self.epsilon = axis, momentum, epsilon
        self.center, self.scale, self.fused = center, scale, fused
        self.beta_initializer, self.gamma_initializer = beta_initializer, gamma_initializer
        self.moving_mean_initializer = moving_mean_initializer
        self.moving_variance_initializer = moving_variance_initializer
        self.beta_regularizer, self.gamma_regularizer = beta_regularizer, gamma_regularizer
        self.beta_constraint, self.gamma_constraint = beta_constraint, gamma_constraint

    def call(self, inputs, training=False):
        if self.axis not in (-1, inputs.shape.rank - 1):
            raise NotImplementedError("graph_cnn batch_normalization normalises the last axis "
                                      "only")
        fused = inputs.shape.rank == 4 if self.fused is None else self.fused
        outputs = batch_norm_core(
            inputs, training, self.momentum, self.epsilon, self.center, self.scale,
            self.beta_initializer, self.gamma_initializer, self.moving_mean_initializer,
            self.moving_variance_initializer, self.beta_regularizer, self.gamma_regularizer,
            self.trainable, fused, unbiased_moving_variance=self._unbiased_moving_variance,
            beta_constraint=self.beta_constraint, gamma_constraint=self.gamma_constraint)
        for weight in self._weights:
            role = weight.op.name.rsplit("/", 1)[-1]
            if role in ("gamma", "beta", "moving_mean", "moving_variance"):
                setattr(self, role, weight)
        return outputs


def conv1d(inputs, filters, kernel_size, strides=1, padding="valid", data_format="channels_last",
           dilation_rate=1, activation=None, use_bias=True, kernel_initializer=None,
           bias_initializer=v1.zeros_initializer(), kernel_regularizer=None,
           bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
           bias_constraint=None, trainable=True, name=None, reuse=None):
    """``tf.layers.conv1d``: variables ``<scope>/kernel`` (k, in, filters) and ``bias``."""
    return _functional(Conv1D, locals())


def conv2d(inputs, filters, kernel_size, strides=(1, 1), padding="valid",
           data_format="channels_last", dilation_rate=(1, 1), activation=None, use_bias=True,
           kernel_initializer=None, bias_initializer=v1.zeros_initializer(),
           kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
           kernel_constraint=None, bias_constraint=None, trainable=True, name=None, reuse=None):
    """``tf.layers.conv2d``: variables ``<scope>/kernel`` (kh, kw, in, filters) and ``bias``."""
    return _functional(Conv2D, locals())


def conv3d(inputs, filters, kernel_size, strides=(1, 1, 1), padding="valid",
           data_format="channels_last", dilation_rate=(1, 1, 1), activation=None, use_bias=True,
           kernel_initializer=None, bias_initializer=v1.zeros_initializer(),
           kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
           kernel_constraint=None, bias_constraint=None, trainable=True, name=None, reuse=None):
    """``tf.layers.conv3d``: variables ``<scope>/kernel`` (kd, kh, kw, in, filters) and
    ``bias``."""
    return _functional(Conv3D, locals())


def _separable_conv_function(layer_class, name, doc):
    """The ``tf.layers`` function ``name``: ``layer_class`` run once in a new variable scope,
    with TF1's signature (strides and dilation rate 1 on each of the layer's axes)."""
    ones = 1 if layer_class._rank == 1 else (1,) * layer_class._rank

    def separable_conv(inputs, filters, kernel_size, strides=ones, padding="valid",
                       data_format="channels_last", dilation_rate=ones, depth_multiplier=1,
                       activation=None, use_bias=True, depthwise_initializer=None,
                       pointwise_initializer=None, bias_initializer=v1.zeros_initializer(),
                       depthwise_regularizer=None, pointwise_regularizer=None,
                       bias_regularizer=None, activity_regularizer=None,
                       depthwise_constraint=None, pointwise_constraint=None,
                       bias_constraint=None, trainable=True, name=None, reuse=None):
        arguments = dict(locals())
        del arguments["layer_class"]  # the closure's, not an argument
        return _functional(layer_class, arguments)

    return _named(separable_conv, name, doc)


separable_conv1d = _separable_conv_function(
    SeparableConv1D, "separable_conv1d",
    "``tf.layers.separable_conv1d``: ``depthwise_kernel`` (k, in, depth_multiplier),\n"
    "    ``pointwise_kernel`` (1, in * depth_multiplier, filters), ``bias``.")
separable_conv2d = _separable_conv_function(
    SeparableConv2D, "separable_conv2d",
    "``tf.layers.separable_conv2d``: ``depthwise_kernel`` (kh, kw, in, depth_multiplier),\n"
    "    ``pointwise_kernel`` (1, 1, in * depth_multiplier, filters), ``bias``.")


def conv2d_transpose(inputs, filters, kernel_size, strides=(1, 1), padding="valid",
                     data_format="channels_last", activation=None, use_bias=True,
                     kernel_initializer=None, bias_initializer=v1.zeros_initializer(),
                     kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                     kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
                     reuse=None):
    """``tf.layers.conv2d_transpose``: variables ``<scope>/kernel`` (kh, kw, filters, in) and
    ``bias``."""
    return _functional(Conv2DTranspose, locals())


def conv3d_transpose(inputs, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                     data_format="channels_last", activation=None, use_bias=True,
                     kernel_initializer=None, bias_initializer=v1.zeros_initializer(),
                     kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                     kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
                     reuse=None):
    """``tf.layers.conv3d_transpose``: variables ``<scope>/kernel`` (kd, kh, kw, filters, in)
    and ``bias``."""
    return _functional(Conv3DTranspose, locals())


def dense(inputs, units, activation=None, use_bias=True, kernel_initializer=None,
          bias_initializer=v1.zeros_initializer(), kernel_regularizer=None,
          bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
          bias_constraint=None, trainable=True, name=None, reuse=None):
    """``tf.layers.dense``: variables ``<scope>/kernel`` (in, units) and ``<scope>/bias``; an
    input of rank above 2 gives (..., units)."""
    return _functional(Dense, locals())


def flatten(inputs, name=None, data_format="channels_last"):
    """``tf.layers.flatten``: (batch, ...) to (batch, product of the rest)."""
    return _functional(Flatten, locals(), variables=False)


def _pooling_function(layer_class, name, note=""):
    """The ``tf.layers`` function ``name``: ``layer_class`` run once in a name scope, with TF1's
    signature (scripts pass its arguments by position)."""
    def pooling(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                name=None):
        arguments = dict(locals())
        del arguments["layer_class"]  # the closure's, not an argument
        return _functional(layer_class, arguments, variables=False)

    return _named(pooling, name, f"``tf.layers.{name}``{note}.")


max_pooling1d = _pooling_function(MaxPooling1D, "max_pooling1d")
average_pooling1d = _pooling_function(AveragePooling1D, "average_pooling1d")
max_pooling2d = _pooling_function(MaxPooling2D, "max_pooling2d")
average_pooling2d = _pooling_function(
    AveragePooling2D, "average_pooling2d",
    " (TF's SAME average excludes the padding from the mean)")
max_pooling3d = _pooling_function(MaxPooling3D, "max_pooling3d")
average_pooling3d = _pooling_function(AveragePooling3D, "average_pooling3d")


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
    """``tf.layers.dropout``: drops ``rate`` of the units only while ``training`` is true."""
    return _functional(Dropout, locals(), ("training",), variables=False)


def batch_normalization(inputs, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                        beta_initializer=v1.zeros_initializer(),
                        gamma_initializer=v1.ones_initializer(),
                        moving_mean_initializer=v1.zeros_initializer(),
                        moving_variance_initializer=v1.ones_initializer(),
                        beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                        gamma_constraint=None, training=False, trainable=True, name=None,
                        reuse=None, renorm=False, renorm_clipping=None, renorm_momentum=0.99,
                        fused=None, virtual_batch_size=None, adjustment=None):
    """``tf.layers.batch_normalization``: variables ``gamma``, ``beta``, ``moving_mean``,
    ``moving_variance``; updates in ``UPDATE_OPS``. Like TF1, ``fused=None`` fuses 4-D inputs.
    """
    return _functional(BatchNormalization, locals(), ("training",))


max_pool2d = max_pooling2d  # tf.layers' other names for the 2-D pools
average_pool2d = average_pooling2d
