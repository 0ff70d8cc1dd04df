"""``slim.utils`` (contrib's ``layers.python.layers.utils``): named outputs kept in collections
(``collect_named_outputs`` / ``convert_collection_to_dict``, how slim nets build ``end_points``)
and the static-shape and argument helpers slim layers share, with TF1's checks and messages.
graph_cnn's contrib layers file their ``outputs_collections`` under their scope, as TF1's did.
"""

import collections
import numbers

import tensorflow as tf

_v1 = tf.compat.v1


def append_tensor_alias(tensor, alias):
    """Gives ``tensor`` the alias ``alias`` (a trailing ``/`` dropped); returns the tensor."""
    alias = alias.removesuffix("/")
    if hasattr(tensor, "aliases"):
        tensor.aliases.append(alias)
    else:
        tensor.aliases = [alias]
    return tensor


def collect_named_outputs(collections_, alias, outputs):
    """Adds ``outputs`` under ``alias`` to each collection named in ``collections_``."""
    if collections_:
        append_tensor_alias(outputs, alias)
        _v1.add_to_collections(collections_, outputs)
    return outputs


def get_tensor_aliases(tensor):
    """The aliases of ``tensor``, or its name (less ``:0``) when it has none."""
    if hasattr(tensor, "aliases"):
        return tensor.aliases
    return [tensor.name.removesuffix(":0")]


def gather_tensors_aliases(tensors):
    """The aliases of each of ``tensors``, in order."""
    return [alias for tensor in tensors for alias in get_tensor_aliases(tensor)]


def convert_collection_to_dict(collection, clear_collection=False):
    """``{alias: tensor}`` of a collection, in order (the collection emptied if asked)."""
    output = collections.OrderedDict((alias, tensor) for tensor in _v1.get_collection(collection)
                                     for alias in get_tensor_aliases(tensor))
    if clear_collection:
        _v1.get_default_graph().clear_collection(collection)
    return output


def get_variable_collections(variables_collections, name):
    """The collections for variable ``name``: a dict's entry, or the list as given."""
    if isinstance(variables_collections, dict):
        return variables_collections.get(name, None)
    return variables_collections


def constant_value(value_or_tensor_or_var, dtype=None):
    """The value of a constant, or of a tensor whose value is known statically."""
    if value_or_tensor_or_var is None:
        raise ValueError("value_or_tensor_or_var cannot be None")
    value = value_or_tensor_or_var
    if isinstance(value_or_tensor_or_var, (tf.Tensor, tf.Variable)):
        if dtype and value_or_tensor_or_var.dtype != dtype:
            raise ValueError(f"It has the wrong type {value_or_tensor_or_var.dtype} instead of "
                             f"{dtype}")
        if isinstance(value_or_tensor_or_var, tf.Variable):
            value = None
        else:
            value = tf.get_static_value(value_or_tensor_or_var)
    return value


def static_cond(pred, fn1, fn2):
    """``fn1()`` if the Python bool ``pred`` holds, else ``fn2()``."""
    if not callable(fn1):
        raise TypeError("fn1 must be callable.")
    if not callable(fn2):
        raise TypeError("fn2 must be callable.")
    return fn1() if pred else fn2()


def smart_cond(pred, fn1, fn2, name=None):
    """``static_cond`` when ``pred`` is known statically, else ``tf.cond``."""
    pred_value = constant_value(pred)
    if pred_value is not None:
        return static_cond(pred_value, fn1, fn2)
    return tf.cond(pred, fn1, fn2, name=name)


def _dimension(shape, index, what, min_rank):
    dims = tf.TensorShape(shape).dims
    if dims is None:
        raise ValueError("dims of shape must be known but is None")
    if len(dims) < min_rank:
        raise ValueError(f"rank of shape must be at least {min_rank} not: {len(dims)}")
    value = tf.compat.dimension_value(dims[index])
    if value is None:
        raise ValueError(f"{what} dimension shape must be known but is None")
    return value


def first_dimension(shape, min_rank=1):
    """The static size of ``shape``'s first dimension (ValueError when unknown)."""
    return _dimension(shape, 0, "first", min_rank)


def last_dimension(shape, min_rank=1):
    """The static size of ``shape``'s last dimension (ValueError when unknown)."""
    return _dimension(shape, -1, "last", min_rank)


def channel_dimension(shape, data_format, min_rank=1):
    """The static number of channels: dimension 1 for ``NC...`` formats, else the last."""
    index = 1 if data_format.startswith("NC") else -1
    return _dimension(shape, index, "channel", min_rank)


def two_element_tuple(int_or_tuple):
    """``(a, b)`` from an int, a pair or a rank-2 ``TensorShape``."""
    if isinstance(int_or_tuple, (list, tuple)):
        if len(int_or_tuple) != 2:
            raise ValueError(f"Must be a list with 2 elements: {int_or_tuple}")
        return int(int_or_tuple[0]), int(int_or_tuple[1])
    if isinstance(int_or_tuple, int):
        return int(int_or_tuple), int(int_or_tuple)
    if isinstance(int_or_tuple, tf.TensorShape) and len(int_or_tuple) == 2:
        return tuple(tf.compat.dimension_value(d) for d in int_or_tuple.dims)
    raise ValueError("Must be an int, a list with 2 elements or a TensorShape of length 2")


def n_positive_integers(n, value):
    """``value`` as a tuple of ``n`` positive ints (an int is repeated)."""
    if isinstance(value, tf.compat.v1.Dimension):
        value = value.value
    if isinstance(value, numbers.Integral) and value > 0:
        return (int(value),) * n
    try:
        values = tuple(int(tf.compat.dimension_value(v)) for v in value)
    except (TypeError, ValueError):
        values = ()
    if len(values) != n or not all(v > 0 for v in values):
        raise ValueError(f"Expected sequence of {n} positive integers, but received {value!r}")
    return values
