"""The part of ``tf.contrib.layers`` that MNIST tutorials used, rebuilt with TF1's defaults, with
``tf.contrib.framework``'s ``arg_scope``, which every layer here accepts (``@add_arg_scope``).

Scopes and variable names follow contrib: ``fully_connected/weights``, ``Conv/biases``,
``Conv2d_transpose/weights``, ``BatchNorm/moving_mean``, ``MaxPool2D``; ``batch_norm`` has decay
0.999 and ``scale=False`` and is fused. Layer variables also join ``MODEL_VARIABLES``, as contrib's
did; like TF 1.x contrib (built on ``tf.layers``), nothing joins ``WEIGHTS`` or ``BIASES`` unless
``variables_collections`` names them, so ``apply_regularization`` needs a ``weights_list`` then.
"""

import contextlib
import functools
import inspect
import math
import numbers
import re
import types

import tensorflow as tf

from graph_cnn.compat import layers
from graph_cnn.legacy.contrib import _paths

v1 = tf.compat.v1

_ARG_STACK = [{}]
_DECORATED = {}  # undecorated function -> the keyword arguments arg_scope may set for it


def _arg_scope_key(op):
    return getattr(op, "_key_op", op)


def current_arg_scope():
    """The innermost ``arg_scope``: {function key: {argument: default}}."""
    return _ARG_STACK[-1]


def has_arg_scope(func):
    """Whether ``func`` was decorated with ``add_arg_scope``."""
    return _arg_scope_key(func) in _DECORATED


def arg_scoped_arguments(func):
    """The names of the keyword arguments an ``arg_scope`` can set for ``func``."""
    if not has_arg_scope(func):
        raise ValueError(f"{getattr(func, '__name__', func)} is not decorated with @add_arg_scope")
    return list(_DECORATED[_arg_scope_key(func)])


def add_arg_scope(func):
    """Let ``arg_scope`` supply ``func``'s keyword arguments; arguments given in the call win."""
    @functools.wraps(func)
    def func_with_args(*args, **kwargs):
        defaults = current_arg_scope().get(func)
        return func(*args, **{**defaults, **kwargs}) if defaults else func(*args, **kwargs)

    _DECORATED[func] = tuple(name for name, p in inspect.signature(func).parameters.items()
                             if p.default is not inspect.Parameter.empty)
    func_with_args._key_op = func
    return func_with_args


@contextlib.contextmanager
def arg_scope(list_ops_or_scope, **kwargs):
    """Defaults ``kwargs`` for the decorated functions listed, added to (and overriding) those of
    the enclosing ``arg_scope``; a dict, as yielded by an ``arg_scope``, re-enters that scope."""
    if isinstance(list_ops_or_scope, dict):
        if kwargs:
            raise ValueError("When attempting to re-use a scope by supplying a dictionary, "
                             "kwargs must be empty.")
        scope = dict(list_ops_or_scope)
    elif isinstance(list_ops_or_scope, (list, tuple)):
        scope = dict(current_arg_scope())
        for op in list_ops_or_scope:
            if not has_arg_scope(op):
                raise ValueError(f"{getattr(op, '__name__', op)} is not decorated with "
                                 "@add_arg_scope")
            key = _arg_scope_key(op)
            scope[key] = {**scope.get(key, {}), **kwargs}
    else:
        raise TypeError("list_ops_or_scope must either be a list/tuple or reused scope "
                        "(i.e. dict)")
    _ARG_STACK.append(scope)
    try:
        yield scope
    finally:
        _ARG_STACK.pop()


def xavier_initializer(uniform=True, seed=None, dtype=tf.float32):
    """Glorot: variance 2 / (fan_in + fan_out), uniform or truncated normal."""
    return variance_scaling_initializer(1.0, "FAN_AVG", uniform, seed, dtype)


xavier_initializer_conv2d = xavier_initializer


def variance_scaling_initializer(factor=2.0, mode="FAN_IN", uniform=False, seed=None,
                                 dtype=tf.float32):
    """contrib's He-style initializer: uniform limit sqrt(3 factor / n), or a truncated normal
    with stddev sqrt(1.3 factor / n), n the fan chosen by ``mode``."""
    if mode not in ("FAN_IN", "FAN_OUT", "FAN_AVG"):
        raise TypeError(f"Unknown mode {mode} [FAN_IN, FAN_OUT, FAN_AVG]")

    def initializer(shape, dtype=dtype, partition_info=None):
        shape = [int(d) for d in shape]
        receptive = math.prod(shape[:-2]) if len(shape) > 2 else 1
        fan_in = shape[-2] * receptive if len(shape) > 1 else shape[-1]
        fan_out = shape[-1] * receptive
        n = {"FAN_IN": fan_in, "FAN_OUT": fan_out, "FAN_AVG": (fan_in + fan_out) / 2.0}[mode]
        if uniform:
            limit = math.sqrt(3.0 * factor / n)
            return v1.random_uniform(shape, -limit, limit, dtype, seed=seed)
        return v1.truncated_normal(shape, 0.0, math.sqrt(1.3 * factor / n), dtype, seed=seed)

    return initializer


def _check_scale(scale, name="scale"):
    """contrib's checks; True when the scale is a number that disables the regularizer."""
    if isinstance(scale, numbers.Integral):
        raise ValueError(f"{name} cannot be an integer: {scale}")
    if isinstance(scale, numbers.Real):
        if scale < 0.0:
            raise ValueError(f"Setting a scale less than 0 on a regularizer: {scale}")
        return scale == 0.0
    return False


def l1_regularizer(scale, scope=None):
    """``scale * sum(|w|)``; a scale of 0 gives no regularizer, as in contrib."""
    if _check_scale(scale):
        return lambda weights: None

    def l1(weights):
        with v1.name_scope(scope, "l1_regularizer", [weights]) as name:
            factor = tf.convert_to_tensor(scale, weights.dtype.base_dtype, name="scale")
            return tf.multiply(factor, tf.reduce_sum(tf.abs(weights)), name=name)

    return l1


def l2_regularizer(scale, scope=None):
    """``scale * sum(w**2) / 2``; a scale of 0 gives no regularizer, as in contrib."""
    if scale < 0.0:
        raise ValueError(f"Setting a scale less than 0 on a regularizer: {scale}")
    if scale == 0.0:
        return lambda weights: None

    def l2(weights):
        with v1.name_scope(scope, "l2_regularizer", [weights]) as name:
            return tf.multiply(tf.constant(scale, weights.dtype.base_dtype),
                               tf.nn.l2_loss(weights), name=name)

    return l2


def l1_l2_regularizer(scale_l1=1.0, scale_l2=1.0, scope=None):
    """``scale_l1 * sum(|w|) + scale_l2 * sum(w**2) / 2``."""
    _check_scale(scale_l1, "scale_l1")
    _check_scale(scale_l2, "scale_l2")
    scope = scope or "l1_l2_regularizer"
    if scale_l1 == 0.0:
        return l2_regularizer(scale_l2, scope)
    if scale_l2 == 0.0:
        return l1_regularizer(scale_l1, scope)
    return sum_regularizer([l1_regularizer(scale_l1), l2_regularizer(scale_l2)], scope=scope)


def sum_regularizer(regularizer_list, scope=None):
    """The sum of the regularizers' penalties; None when the list holds none."""
    regularizer_list = [reg for reg in regularizer_list if reg is not None]
    if not regularizer_list:
        return None

    def sum_reg(weights):
        with v1.name_scope(scope, "sum_regularizer", [weights]) as name:
            penalties = [p for p in (reg(weights) for reg in regularizer_list) if p is not None]
            return tf.add_n(penalties, name=name) if penalties else None

    return sum_reg


def apply_regularization(regularizer, weights_list=None):
    """The summed penalty of ``regularizer`` over ``weights_list`` (default: the ``WEIGHTS``
    collection), also added to ``REGULARIZATION_LOSSES``."""
    weights_list = weights_list or v1.get_collection(v1.GraphKeys.WEIGHTS)
    if not weights_list:
        raise ValueError("No weights to regularize.")
    with v1.name_scope("get_regularization_penalty", values=weights_list) as scope:
        penalties = [regularizer(w) for w in weights_list]
        penalties = [tf.constant(0.0) if p is None else p for p in penalties]
        for p in penalties:
            if p.shape.ndims != 0:
                raise ValueError("regularizer must return a scalar Tensor instead of a Tensor "
                                 f"with rank {p.shape.ndims}.")
        total = tf.add_n(penalties, name=scope)
        v1.add_to_collection(v1.GraphKeys.REGULARIZATION_LOSSES, total)
        return total


def _model_variable_getter(variables_collections=None):
    """A custom getter filing each variable in ``MODEL_VARIABLES`` too, as contrib's
    ``model_variable``, and in the collections ``variables_collections`` gives for its name."""
    def model_getter(getter, name, *args, collections=None, **kwargs):
        extra = _collections_for(variables_collections, name.rsplit("/", 1)[-1])
        collections = list(collections or [v1.GraphKeys.GLOBAL_VARIABLES])
        collections += [v1.GraphKeys.MODEL_VARIABLES, *extra]
        return getter(name, *args, collections=list(dict.fromkeys(collections)), **kwargs)

    return model_getter


def _collections_for(variables_collections, name):
    """A list of collections for every variable, or a dict of lists by variable name."""
    if isinstance(variables_collections, dict):
        return list(variables_collections.get(name) or [])
    return list(variables_collections or [])


def _add_variable_to_collections(variable, variables_collections, name):
    for collection in _collections_for(variables_collections, name):
        if variable not in v1.get_collection(collection):
            v1.add_to_collection(collection, variable)


def _collect(outputs, outputs_collections, alias=None):
    """Files ``outputs`` in ``outputs_collections`` under ``alias`` (the layer's scope; the
    current variable scope's name by default), as contrib's ``collect_named_outputs``: slim
    nets' ``end_points`` are keyed by these aliases."""
    if outputs_collections:
        alias = (v1.get_variable_scope().name if alias is None else alias).removesuffix("/")
        outputs.aliases = [*getattr(outputs, "aliases", []), alias]
        v1.add_to_collections(outputs_collections, outputs)
    return outputs


def _weights_layer(arguments, default_name, shape, op):
    """contrib's layers with ``weights`` (``shape``; xavier by default): in variable scope
    ``scope`` or ``default_name``, ``op(weights)``, then the normalizer or ``biases``, then the
    activation. ``arguments`` are the layer function's (its ``locals()``)."""
    a = types.SimpleNamespace(**arguments)
    dtype = a.inputs.dtype
    with v1.variable_scope(a.scope, default_name=default_name, reuse=a.reuse,
                           custom_getter=_model_variable_getter()):
        weights = v1.get_variable("weights", shape, dtype=dtype,
                                  initializer=a.weights_initializer or xavier_initializer(),
                                  regularizer=a.weights_regularizer, trainable=a.trainable)
        _add_variable_to_collections(weights, a.variables_collections, "weights")
        outputs = op(weights)
        if a.normalizer_fn is not None:
            outputs = a.normalizer_fn(outputs, **(a.normalizer_params or {}))
        elif a.biases_initializer is not None:
            biases = v1.get_variable("biases", [a.num_outputs], dtype=dtype,
                                     initializer=a.biases_initializer,
                                     regularizer=a.biases_regularizer, trainable=a.trainable)
            _add_variable_to_collections(biases, a.variables_collections, "biases")
            outputs = tf.nn.bias_add(outputs, biases)
        if a.activation_fn is not None:
            outputs = a.activation_fn(outputs)
        return _collect(outputs, a.outputs_collections)


@add_arg_scope
def bias_add(inputs, activation_fn=None, initializer=v1.zeros_initializer(), regularizer=None,
             reuse=None, variables_collections=None, outputs_collections=None, trainable=True,
             data_format="NHWC", scope=None):
    """contrib's ``bias_add``: a ``biases`` variable (zeros) over the channel axis (the last, or
    the second for ``NCHW``) in scope ``scope`` or ``BiasAdd``, added, then the activation."""
    inputs = tf.convert_to_tensor(inputs)
    if inputs.shape.rank is None:
        raise ValueError("Dims of shape must be known but is None")
    if data_format == "NCHW" and inputs.shape.rank not in (2, 4):
        raise ValueError("Data format NCHW only supports 4D Tensor")
    channels = inputs.shape[1 if data_format == "NCHW" else -1]
    if channels is None:
        raise ValueError("`C` dimension must be known but is None")
    with v1.variable_scope(scope, default_name="BiasAdd", values=[inputs], reuse=reuse,
                           custom_getter=_model_variable_getter()):
        biases = v1.get_variable("biases", [channels], dtype=inputs.dtype.base_dtype,
                                 initializer=initializer, regularizer=regularizer,
                                 trainable=trainable)
        _add_variable_to_collections(biases, variables_collections, "biases")
        outputs = tf.nn.bias_add(inputs, biases, data_format=data_format)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return _collect(outputs, outputs_collections)


@add_arg_scope
def fully_connected(inputs, num_outputs, activation_fn=tf.nn.relu, normalizer_fn=None,
                    normalizer_params=None, weights_initializer=None, weights_regularizer=None,
                    biases_initializer=v1.zeros_initializer(), biases_regularizer=None,
                    reuse=None, variables_collections=None, outputs_collections=None,
                    trainable=True, scope=None):
    """contrib's ``fully_connected``: ``weights`` (xavier) and ``biases`` in ``fully_connected``."""
    inputs = tf.convert_to_tensor(inputs)
    return _weights_layer(locals(), "fully_connected", [int(inputs.shape[-1]), num_outputs],
                          lambda weights: tf.matmul(inputs, weights))


@add_arg_scope
def conv2d(inputs, num_outputs, kernel_size, stride=1, padding="SAME", data_format=None,
           rate=1, activation_fn=tf.nn.relu, normalizer_fn=None, normalizer_params=None,
           weights_initializer=None, weights_regularizer=None,
           biases_initializer=v1.zeros_initializer(), biases_regularizer=None, reuse=None,
           variables_collections=None, outputs_collections=None, trainable=True, scope=None):
    """contrib's ``conv2d`` (NHWC): ``weights`` (xavier) and ``biases`` in scope ``Conv``."""
    if data_format not in (None, "NHWC"):
        raise NotImplementedError("graph_cnn contrib conv2d supports NHWC only")
    inputs = tf.convert_to_tensor(inputs)
    kh, kw = layers._pair(kernel_size)
    sh, sw = layers._pair(stride)

    def convolve(weights):
        return tf.nn.conv2d(inputs, weights, strides=(1, sh, sw, 1),
                            padding=layers._padding(padding),
                            dilations=(1,) + layers._pair(rate) + (1,))

    return _weights_layer(locals(), "Conv", [kh, kw, int(inputs.shape[-1]), num_outputs],
                          convolve)


convolution2d = conv2d


def _deconv_length(length, kernel, stride, padding):
    """A transposed convolution's output length, as Keras's ``Conv2DTranspose`` computed it."""
    return length * stride + (max(kernel - stride, 0) if padding == "VALID" else 0)


@add_arg_scope
def conv2d_transpose(inputs, num_outputs, kernel_size, stride=1, padding="SAME",
                     data_format="NHWC", activation_fn=tf.nn.relu, normalizer_fn=None,
                     normalizer_params=None, weights_initializer=None, weights_regularizer=None,
                     biases_initializer=v1.zeros_initializer(), biases_regularizer=None,
                     reuse=None, variables_collections=None, outputs_collections=None,
                     trainable=True, scope=None):
    """contrib's ``conv2d_transpose`` (NHWC): ``weights`` (kh, kw, out, in; xavier) and
    ``biases`` in scope ``Conv2d_transpose``."""
    if data_format != "NHWC":
        raise NotImplementedError("graph_cnn contrib conv2d_transpose supports NHWC only")
    inputs = tf.convert_to_tensor(inputs)
    (kh, kw), (sh, sw) = layers._pair(kernel_size), layers._pair(stride)
    padding = layers._padding(padding)

    def transpose(weights):
        dynamic = tf.shape(inputs)
        output_shape = tf.stack([dynamic[0], _deconv_length(dynamic[1], kh, sh, padding),
                                 _deconv_length(dynamic[2], kw, sw, padding), num_outputs])
        outputs = tf.nn.conv2d_transpose(inputs, weights, output_shape, (1, sh, sw, 1), padding)
        batch, height, width = inputs.shape.as_list()[:3]
        outputs.set_shape([batch,
                           None if height is None else _deconv_length(height, kh, sh, padding),
                           None if width is None else _deconv_length(width, kw, sw, padding),
                           num_outputs])
        return outputs

    return _weights_layer(locals(), "Conv2d_transpose",
                          [kh, kw, num_outputs, int(inputs.shape[-1])], transpose)


convolution2d_transpose = conv2d_transpose


@add_arg_scope
def batch_norm(inputs, decay=0.999, center=True, scale=False, epsilon=0.001, activation_fn=None,
               param_initializers=None, param_regularizers=None,
               updates_collections=v1.GraphKeys.UPDATE_OPS, is_training=True, reuse=None,
               variables_collections=None, outputs_collections=None, trainable=True,
               batch_weights=None, fused=None, data_format="NHWC", zero_debias_moving_mean=False,
               scope=None, renorm=False, renorm_clipping=None, renorm_decay=0.99,
               adjustment=None):
    """contrib's ``batch_norm`` over the last axis, fused (``fused=None``) as contrib fused 2-D
    and 4-D inputs; ``fused=False`` is TF1's non-fused arithmetic."""
    unsupported = {"batch_weights": batch_weights is not None, "renorm": renorm,
                   "zero_debias_moving_mean": zero_debias_moving_mean,
                   "adjustment": adjustment is not None, "data_format": data_format != "NHWC"}
    if any(unsupported.values()):
        names = ", ".join(name for name, used in unsupported.items() if used)
        raise NotImplementedError(f"graph_cnn contrib batch_norm does not support {names}")
    init, regs = dict(param_initializers or {}), dict(param_regularizers or {})
    with v1.variable_scope(scope, default_name="BatchNorm", reuse=reuse,
                           custom_getter=_model_variable_getter(variables_collections)):
        outputs = layers.batch_norm_core(
            inputs, is_training, decay, epsilon, center, scale,
            init.get("beta", v1.zeros_initializer()), init.get("gamma", v1.ones_initializer()),
            init.get("moving_mean", v1.zeros_initializer()),
            init.get("moving_variance", v1.ones_initializer()), regs.get("beta"),
            regs.get("gamma"), trainable, fused=fused is not False,
            updates_collections=updates_collections)
        outputs = activation_fn(outputs) if activation_fn is not None else outputs
        return _collect(outputs, outputs_collections)


@add_arg_scope
def flatten(inputs, outputs_collections=None, scope=None):
    """contrib's ``flatten``: (batch, ...) to (batch, k), in name scope ``Flatten``."""
    with v1.name_scope(scope, "Flatten", [inputs]) as sc:
        return _collect(layers.flatten(inputs, name=sc), outputs_collections, sc)


def _nhwc_only(data_format, name):
    if data_format != "NHWC":
        raise NotImplementedError(f"graph_cnn contrib {name} supports NHWC only")


def _pool2d_function(layer_function, name, default_scope):
    """contrib's ``name``: ``layer_function`` in name scope ``default_scope``, with TF1's
    signature (scripts pass its arguments by position) and ``arg_scope``."""
    def pool2d(inputs, kernel_size, stride=2, padding="VALID", data_format="NHWC",
               outputs_collections=None, scope=None):
        _nhwc_only(data_format, name)
        with v1.name_scope(scope, default_scope, [inputs]) as sc:
            outputs = layer_function(inputs, kernel_size, stride, padding, name=sc)
            return _collect(outputs, outputs_collections, sc)

    return add_arg_scope(layers._named(
        pool2d, name, f"contrib's ``{name}``, in name scope ``{default_scope}``."))


max_pool2d = _pool2d_function(layers.max_pooling2d, "max_pool2d", "MaxPool2D")
avg_pool2d = _pool2d_function(layers.average_pooling2d, "avg_pool2d", "AvgPool2D")


@add_arg_scope
def dropout(inputs, keep_prob=0.5, noise_shape=None, is_training=True, outputs_collections=None,
            scope=None, seed=None):
    """contrib's ``dropout``: keeps ``keep_prob`` of the units, scaled by 1 / keep_prob, while
    ``is_training`` (a bool or a boolean tensor); the identity otherwise."""
    with v1.name_scope(scope, "Dropout", [inputs]) as sc:
        outputs = layers.dropout(inputs, rate=1 - keep_prob, noise_shape=noise_shape, seed=seed,
                                 training=is_training, name=sc)
        return _collect(outputs, outputs_collections, sc)


@add_arg_scope
def one_hot_encoding(labels, num_classes, on_value=1.0, off_value=0.0, outputs_collections=None,
                     scope=None):
    """``tf.one_hot`` of the labels, in name scope ``OneHotEncoding``."""
    with v1.name_scope(scope, "OneHotEncoding", [labels, num_classes]):
        labels = tf.convert_to_tensor(labels)
        if labels.dtype == tf.int32:
            labels = tf.cast(labels, tf.int64)
        outputs = tf.one_hot(labels, num_classes, on_value=on_value, off_value=off_value)
        return _collect(outputs, outputs_collections, v1.get_default_graph().get_name_scope())


@add_arg_scope
def softmax(logits, scope=None):
    """Softmax over the last axis of logits of any rank, in variable scope ``softmax``."""
    with v1.variable_scope(scope, "softmax", [logits]):
        logits = tf.convert_to_tensor(logits)
        classes = int(logits.shape[-1])
        predictions = tf.reshape(tf.nn.softmax(tf.reshape(logits, [-1, classes])),
                                 tf.shape(logits))
        predictions.set_shape(logits.shape)
        return predictions


def _layer_name(layer, fallback):
    if hasattr(layer, "__name__"):
        return layer.__name__
    return getattr(getattr(layer, "func", None), "__name__", fallback)  # functools.partial


def repeat(inputs, repetitions, layer, *args, **kwargs):
    """``layer`` applied ``repetitions`` times with the same arguments, as scopes
    ``scope/scope_1``, ``scope/scope_2`` ... (``scope`` defaults to the layer's name)."""
    scope = kwargs.pop("scope", None)
    with v1.variable_scope(scope, "Repeat", [inputs]):
        outputs = tf.convert_to_tensor(inputs)
        prefix = scope or _layer_name(layer, "repeat")
        for i in range(repetitions):
            outputs = layer(outputs, *args, **kwargs, scope=f"{prefix}_{i + 1}")
        return outputs


def stack(inputs, layer, stack_args, **kwargs):
    """``layer`` applied once per entry of ``stack_args`` (its extra positional arguments), as
    scopes ``scope/scope_1``, ``scope/scope_2`` ..."""
    scope = kwargs.pop("scope", None)
    if not isinstance(stack_args, (list, tuple)):
        raise ValueError("stack_args need to be a list or tuple")
    with v1.variable_scope(scope, "Stack", [inputs]):
        outputs = tf.convert_to_tensor(inputs)
        prefix = scope or _layer_name(layer, "stack")
        for i, layer_args in enumerate(stack_args):
            if not isinstance(layer_args, (list, tuple)):
                layer_args = [layer_args]
            outputs = layer(outputs, *layer_args, **kwargs, scope=f"{prefix}_{i + 1}")
        return outputs


OPTIMIZER_CLS_NAMES = {
    "Adagrad": v1.train.AdagradOptimizer,
    "Adam": v1.train.AdamOptimizer,
    "Ftrl": v1.train.FtrlOptimizer,
    "Momentum": lambda learning_rate: v1.train.MomentumOptimizer(learning_rate, momentum=0.9),
    "RMSProp": v1.train.RMSPropOptimizer,
    "SGD": v1.train.GradientDescentOptimizer,
}

OPTIMIZER_SUMMARIES = ["learning_rate", "loss", "gradients", "gradient_norm",
                       "global_gradient_norm"]


def _make_optimizer(optimizer, learning_rate, lr):
    if isinstance(optimizer, str):
        if lr is None:
            raise ValueError(f"Learning rate is None, but should be specified if optimizer is "
                             f"string ({optimizer}).")
        if optimizer not in OPTIMIZER_CLS_NAMES:
            raise ValueError(f"Optimizer name should be one of [{', '.join(OPTIMIZER_CLS_NAMES)}]"
                             f", you provided {optimizer}.")
        return OPTIMIZER_CLS_NAMES[optimizer](learning_rate=lr)
    if isinstance(optimizer, type) and issubclass(optimizer, v1.train.Optimizer):
        if lr is None:
            raise ValueError(f"Learning rate is None, but should be specified if optimizer is "
                             f"class ({optimizer}).")
        return optimizer(learning_rate=lr)
    if isinstance(optimizer, v1.train.Optimizer):
        return optimizer
    if callable(optimizer):
        opt = optimizer(lr) if learning_rate is not None else optimizer()
        if not isinstance(opt, v1.train.Optimizer):
            raise ValueError(f"Unrecognized optimizer: function should return subclass of "
                             f"Optimizer. Got {opt}.")
        return opt
    raise ValueError("Unrecognized optimizer: should be string, subclass of Optimizer, instance "
                     f"of subclass of Optimizer or function with one argument. Got {optimizer}.")


def _global_norm(gradients):
    return tf.linalg.global_norm([g for g in gradients if g is not None])


def _values(gradient):
    return gradient.values if isinstance(gradient, tf.IndexedSlices) else gradient


def _add_scaled_noise(grads_and_vars, scale):
    noisy = []
    for gradient, variable in grads_and_vars:
        if gradient is not None:
            shape = (gradient.dense_shape if isinstance(gradient, tf.IndexedSlices)
                     else gradient.shape)
            gradient = gradient + v1.truncated_normal(shape) * scale
        noisy.append((gradient, variable))
    return noisy


def _multiply_gradients(grads_and_vars, gradient_multipliers):
    multiplied = []
    for gradient, variable in grads_and_vars:
        key = (variable if variable in gradient_multipliers else
               variable.name if variable.name in gradient_multipliers else None)
        if gradient is not None and key is not None:
            factor = gradient_multipliers[key]
            if isinstance(gradient, tf.IndexedSlices):
                gradient = tf.IndexedSlices(gradient.values * factor, gradient.indices,
                                            gradient.dense_shape)
            else:
                gradient = gradient * tf.cast(factor, gradient.dtype)
        multiplied.append((gradient, variable))
    return multiplied


def optimize_loss(loss, global_step, learning_rate, optimizer, gradient_noise_scale=None,
                  gradient_multipliers=None, clip_gradients=None, learning_rate_decay_fn=None,
                  update_ops=None, variables=None, name=None, summaries=None,
                  colocate_gradients_with_ops=False, increment_global_step=True):
    """contrib's ``optimize_loss``: the loss, after one optimizer step (run after ``update_ops``,
    default ``UPDATE_OPS``), built in variable scope ``OptimizeLoss``. ``optimizer`` is a name in
    ``OPTIMIZER_CLS_NAMES``, an ``Optimizer`` class or instance, or a function of the rate; a float
    ``learning_rate`` becomes the variable ``OptimizeLoss/learning_rate``."""
    loss = tf.convert_to_tensor(loss)
    v1.assert_scalar(loss)
    if global_step is None:
        global_step = v1.train.get_global_step()
    else:
        v1.train.assert_global_step(global_step)
    with v1.variable_scope(name, "OptimizeLoss", [loss, global_step]):
        if update_ops is None:
            update_ops = set(v1.get_collection(v1.GraphKeys.UPDATE_OPS))
        if update_ops:
            with tf.control_dependencies(list(update_ops)):
                loss = tf.identity(loss)
        lr = None
        if learning_rate is not None:
            if tf.is_tensor(learning_rate) and learning_rate.shape.ndims == 0:
                lr = learning_rate
            elif isinstance(learning_rate, float):
                if learning_rate < 0.0:
                    raise ValueError(f"Invalid learning_rate {learning_rate}.")
                lr = v1.get_variable("learning_rate", [], trainable=False,
                                     initializer=v1.constant_initializer(learning_rate))
            else:
                raise ValueError(f"Learning rate should be 0d Tensor or float. Got "
                                 f"{learning_rate} of type {type(learning_rate)}")
        if summaries is None:
            summaries = ["loss", "learning_rate", "global_gradient_norm"]
        for summary in summaries:
            if summary not in OPTIMIZER_SUMMARIES:
                raise ValueError(f"Summaries should be one of [{', '.join(OPTIMIZER_SUMMARIES)}]"
                                 f", you provided {summary}.")
        if learning_rate is not None and learning_rate_decay_fn is not None:
            if global_step is None:
                raise ValueError("global_step is required for learning_rate_decay_fn.")
            lr = learning_rate_decay_fn(lr, global_step)
            if "learning_rate" in summaries:
                v1.summary.scalar("learning_rate", lr)
        opt = _make_optimizer(optimizer, learning_rate, lr)
        if variables is None:
            variables = v1.trainable_variables()
        gradients = opt.compute_gradients(
            loss, variables, colocate_gradients_with_ops=colocate_gradients_with_ops)
        if gradient_noise_scale is not None:
            gradients = _add_scaled_noise(gradients, gradient_noise_scale)
        if gradient_multipliers is not None:
            gradients = _multiply_gradients(gradients, gradient_multipliers)
        norms = "global_gradient_norm" in summaries or "gradient_norm" in summaries
        if norms:
            v1.summary.scalar("global_norm/gradient_norm",
                              _global_norm([g for g, _ in gradients]))
        if isinstance(clip_gradients, float):
            clipped, _ = tf.clip_by_global_norm([g for g, _ in gradients], clip_gradients)
            gradients = list(zip(clipped, [v for _, v in gradients]))
        elif callable(clip_gradients):
            gradients = clip_gradients(gradients)
        elif clip_gradients is not None:
            raise ValueError(f"Unknown type {type(clip_gradients)} for clip_gradients")
        if "loss" in summaries:
            v1.summary.scalar("loss", loss)
        for gradient, variable in gradients:
            values = _values(gradient)
            if values is not None:
                var_name = variable.name.replace(":", "_")
                if "gradients" in summaries:
                    v1.summary.histogram(f"gradients/{var_name}", values)
                if "gradient_norm" in summaries:
                    v1.summary.scalar(f"gradient_norm/{var_name}", _global_norm([values]))
        if clip_gradients is not None and norms:
            v1.summary.scalar("global_norm/clipped_gradient_norm",
                              _global_norm([g for g, _ in gradients]))
        grad_updates = opt.apply_gradients(
            gradients, global_step=global_step if increment_global_step else None,
            name="train")
        with tf.control_dependencies([grad_updates]):
            return tf.identity(loss)


def _scalar_summary(tensor, tag=None):
    tensor.shape.assert_has_rank(0)
    return v1.summary.scalar(tag or f"{tensor.op.name}_summary", tensor)


def _histogram_summary(tensor, tag=None):
    return v1.summary.histogram(tag or f"{tensor.op.name}_summary", tensor)


def summarize_activation(op):
    """A histogram ``<op>/activation``, and for ReLUs the fraction of negative inputs
    (``<op>/zeros``; ReLU6 also ``<op>/sixes``)."""
    if op.op.type in ("Relu", "Softplus", "Relu6"):
        pre = op.op.inputs[0]
        _scalar_summary(tf.reduce_mean(tf.cast(tf.less(pre, tf.cast(0.0, pre.dtype)),
                                               tf.float32)), f"{op.op.name}/zeros")
    if op.op.type == "Relu6":
        pre = op.op.inputs[0]
        _scalar_summary(tf.reduce_mean(tf.cast(tf.greater(pre, tf.cast(6.0, pre.dtype)),
                                               tf.float32)), f"{op.op.name}/sixes")
    return _histogram_summary(op, f"{op.op.name}/activation")


def summarize_tensor(tensor, tag=None):
    """A scalar summary for a scalar, a histogram otherwise; None for strings and booleans."""
    if tensor.dtype.is_compatible_with(tf.string) or tensor.dtype.base_dtype == tf.bool:
        return None
    if tensor.shape.ndims == 0:
        return _scalar_summary(tensor, tag)
    return _histogram_summary(tensor, tag)


def summarize_tensors(tensors, summarizer=summarize_tensor):
    """``summarizer`` applied to each tensor."""
    return [summarizer(tensor) for tensor in tensors]


def summarize_collection(collection, name_filter=None, summarizer=summarize_tensor):
    """Summaries of a collection's tensors whose op names match ``name_filter`` (a regex)."""
    tensors = [t for t in v1.get_collection(collection)
               if name_filter is None or re.match(name_filter, t.op.name)]
    return summarize_tensors(tensors, summarizer)


def summarize_activations(name_filter=None, summarizer=summarize_activation):
    """Summaries of the ``ACTIVATIONS`` collection (layers add to it via
    ``outputs_collections``)."""
    return summarize_collection(v1.GraphKeys.ACTIVATIONS, name_filter, summarizer)


# TF 1.15's own definition: a fully connected layer with no activation
linear = functools.partial(fully_connected, activation_fn=None)

summarize_variables = functools.partial(summarize_collection, v1.GraphKeys.GLOBAL_VARIABLES)
summarize_weights = functools.partial(summarize_collection, v1.GraphKeys.WEIGHTS)
summarize_biases = functools.partial(summarize_collection, v1.GraphKeys.BIASES)

def _param(name, shape, dtype, initializer, variables_collections, trainable, regularizer=None):
    """One layer parameter made under the current scope, filed as ``model_variable`` did."""
    variable = v1.get_variable(name, shape, dtype=dtype, initializer=initializer,
                               regularizer=regularizer, trainable=trainable)
    _add_variable_to_collections(variable, variables_collections, name)
    return variable


@add_arg_scope
def layer_norm(inputs, center=True, scale=True, activation_fn=None, reuse=None,
               variables_collections=None, outputs_collections=None, trainable=True,
               begin_norm_axis=1, begin_params_axis=-1, scope=None):
    """contrib's ``layer_norm`` (TF 1.15): moments over axes ``begin_norm_axis``.. end, ``beta``
    and ``gamma`` shaped like the axes from ``begin_params_axis`` in scope ``LayerNorm``, and
    TF 1.15's variance epsilon 1e-12."""
    inputs = tf.convert_to_tensor(inputs)
    rank = inputs.shape.ndims
    if rank is None:
        raise ValueError(f"Inputs {inputs.name} has undefined rank.")
    begin_norm_axis = begin_norm_axis % rank if begin_norm_axis < 0 else begin_norm_axis
    begin_params_axis = begin_params_axis % rank if begin_params_axis < 0 else begin_params_axis
    if begin_norm_axis >= rank or begin_params_axis >= rank:
        raise ValueError(f"begin_norm_axis ({begin_norm_axis}) and begin_params_axis "
                         f"({begin_params_axis}) must be < rank(inputs) ({rank})")
    params_shape = inputs.shape[begin_params_axis:]
    if not params_shape.is_fully_defined():
        raise ValueError(f"Inputs {inputs.name}: shape(inputs)[{begin_params_axis}:] is not "
                         f"fully defined: {params_shape}")
    dtype = inputs.dtype.base_dtype
    with v1.variable_scope(scope, default_name="LayerNorm", values=[inputs], reuse=reuse,
                           custom_getter=_model_variable_getter()):
        beta = gamma = None
        if center:
            beta = _param("beta", params_shape, dtype, v1.zeros_initializer(),
                          variables_collections, trainable)
        if scale:
            gamma = _param("gamma", params_shape, dtype, v1.ones_initializer(),
                           variables_collections, trainable)
        mean, variance = tf.nn.moments(inputs, list(range(begin_norm_axis, rank)),
                                       keepdims=True)
        outputs = tf.nn.batch_normalization(inputs, mean, variance, offset=beta, scale=gamma,
                                            variance_epsilon=1e-12)
        outputs.set_shape(inputs.shape)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return _collect(outputs, outputs_collections)


@add_arg_scope
def instance_norm(inputs, center=True, scale=True, epsilon=1e-6, activation_fn=None,
                  param_initializers=None, reuse=None, variables_collections=None,
                  outputs_collections=None, trainable=True, data_format="NHWC", scope=None):
    """contrib's ``instance_norm`` (TF 1.15): moments of each example and channel over the
    other axes, ``beta``/``gamma`` per channel in scope ``InstanceNorm`` (``param_initializers``
    may give either's initializer), variance epsilon ``epsilon``."""
    inputs = tf.convert_to_tensor(inputs)
    rank = inputs.shape.ndims
    if rank is None:
        raise ValueError(f"Inputs {inputs.name} has undefined rank.")
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    channel_axis = 1 if data_format == "NCHW" else rank - 1
    channels = inputs.shape[channel_axis]
    if channels is None:
        raise ValueError(f"Inputs {inputs.name} has undefined channels dimension.")
    broadcast = [1] * rank
    broadcast[channel_axis] = channels
    initializers = param_initializers or {}
    dtype = inputs.dtype.base_dtype
    with v1.variable_scope(scope, default_name="InstanceNorm", values=[inputs], reuse=reuse,
                           custom_getter=_model_variable_getter()):
        beta = gamma = None
        if center:
            beta = tf.reshape(_param("beta", [channels], dtype,
                                     initializers.get("beta", v1.zeros_initializer()),
                                     variables_collections, trainable), broadcast)
        if scale:
            gamma = tf.reshape(_param("gamma", [channels], dtype,
                                      initializers.get("gamma", v1.ones_initializer()),
                                      variables_collections, trainable), broadcast)
        axes = [axis for axis in range(1, rank) if axis != channel_axis]
        mean, variance = tf.nn.moments(inputs, axes, keepdims=True)
        outputs = tf.nn.batch_normalization(inputs, mean, variance, offset=beta, scale=gamma,
                                            variance_epsilon=epsilon, name="instancenorm")
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return _collect(outputs, outputs_collections)


@add_arg_scope
def separable_conv2d(inputs, num_outputs, kernel_size, depth_multiplier=1, stride=1,
                     padding="SAME", data_format="NHWC", rate=1, activation_fn=tf.nn.relu,
                     normalizer_fn=None, normalizer_params=None, weights_initializer=None,
                     pointwise_initializer=None, weights_regularizer=None,
                     biases_initializer=v1.zeros_initializer(), biases_regularizer=None,
                     reuse=None, variables_collections=None, outputs_collections=None,
                     trainable=True, scope=None):
    """contrib's ``separable_convolution2d`` (NHWC): ``depthwise_weights`` then, unless
    ``num_outputs`` is None (depthwise only), ``pointwise_weights``, and ``biases`` unless a
    ``normalizer_fn`` is given, in scope ``SeparableConv2d``; xavier by default."""
    if data_format not in (None, "NHWC"):
        raise NotImplementedError("graph_cnn contrib separable_conv2d supports NHWC only")
    inputs = tf.convert_to_tensor(inputs)
    dtype = inputs.dtype.base_dtype
    kh, kw = layers._pair(kernel_size)
    sh, sw = layers._pair(stride)
    channels = int(inputs.shape[-1])
    depthwise_init = weights_initializer or xavier_initializer()
    with v1.variable_scope(scope, default_name="SeparableConv2d", values=[inputs], reuse=reuse,
                           custom_getter=_model_variable_getter()):
        depthwise = _param("depthwise_weights", [kh, kw, channels, depth_multiplier], dtype,
                           depthwise_init, variables_collections, trainable,
                           weights_regularizer)
        strides, pad, dilations = (1, sh, sw, 1), layers._padding(padding), layers._pair(rate)
        if num_outputs is None:
            outputs = tf.nn.depthwise_conv2d(inputs, depthwise, strides, pad, dilations=dilations)
            num_outputs = channels * depth_multiplier
        else:
            pointwise = _param("pointwise_weights",
                               [1, 1, channels * depth_multiplier, num_outputs], dtype,
                               pointwise_initializer or depthwise_init, variables_collections,
                               trainable, weights_regularizer)
            outputs = tf.nn.separable_conv2d(inputs, depthwise, pointwise, strides, pad,
                                             dilations=dilations)
        if normalizer_fn is not None:
            outputs = normalizer_fn(outputs, **(normalizer_params or {}))
        elif biases_initializer is not None:
            biases = _param("biases", [num_outputs], dtype, biases_initializer,
                            variables_collections, trainable, biases_regularizer)
            outputs = tf.nn.bias_add(outputs, biases)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return _collect(outputs, outputs_collections)


separable_convolution2d = separable_conv2d


# contrib.layers' feature columns, which the contrib.learn estimators read
from graph_cnn.legacy.contrib.feature_column import *

# TF1's tf.contrib.layers.python... paths (graph_cnn.legacy.contrib._paths)
python = _paths.tree(__name__, {
    "layers": {**_paths.files("layers", "initializers", "regularizers", "optimizers", "feature_column",
                              "feature_column_ops", "summaries", "target_column", "embedding_ops",
                              "encoders", "normalization", "rev_block_lib"),
               "utils": "graph_cnn.legacy.contrib.slim.utils"},
    "ops": _paths.files("sparse_ops", "bucketization_op", "sparse_feature_cross_op")})
# the module tf.contrib.layers.summaries (summarize_tensor, summarize_activations ...)
summaries = python.layers.summaries
